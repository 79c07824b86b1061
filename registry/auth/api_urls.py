"""API tokens, under /api/v1/auth/."""
from __future__ import annotations

from django.urls import path

from registry.auth.views import ApiTokenView

urlpatterns = [
    path("token/", ApiTokenView.as_view(), name="api-token"),
]
