"""The presence report, under /<language>/review/report/: for GCO reviewers with the second factor."""
from __future__ import annotations

from django.urls import path, re_path

from accounts.report import views as report_views

app_name = "report"


urlpatterns = [
    path("", report_views.overview, name="overview"),
    path("export.csv", report_views.export_csv, name="csv"),
    path("print/", report_views.printable, name="print"),
    path("report.pdf", report_views.pdf, name="pdf"),  # the one-page summary
    path("exports/", report_views.exports, name="exports"),
    path("exports/new/", report_views.export_request, name="export_request"),  # POST only
    path("exports/<int:pk>/", report_views.export, name="export"),
    path("exports/<int:pk>/status.json", report_views.export_status, name="export_status"),
    path("exports/<int:pk>/report.pdf", report_views.export_pdf, name="export_pdf"),
    re_path(r"^(?P<kind>entity|official)/(?P<slug>[-a-zA-Z0-9_]{1,80})/$", report_views.card, name="card"),
]
