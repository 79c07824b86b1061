"""The import pages, under /<language>/staff/imports/ (the staff area's namespace, `staff:imports:`)."""
from __future__ import annotations

from django.urls import path, re_path

from accounts.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.imports, name="list"),  # GET: the form and the list; POST: a file to preview
    re_path(r"^template-(?P<language>ar|en)\.(?P<kind>csv|xlsx)$", views.template, name="template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),  # POST only
    path("<int:pk>/results.csv", views.results, name="results"),
]
