"""API tokens, under /api/v1/auth/."""
from django.urls import path

from registry.auth_views import ApiTokenView

urlpatterns = [
    path("token/", ApiTokenView.as_view(), name="api-token"),
]
