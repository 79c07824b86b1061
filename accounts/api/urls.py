"""URLs under /api/: the v1 endpoints, the OpenAPI schema, and Swagger UI served from local files."""
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from accounts.api.alerts import AlertViewSet
from accounts.api.changes import ChangeListView
from accounts.api.channels import ChannelCsvView, ChannelViewSet
from accounts.api.downloads import ChannelJsonView, ChannelXlsxView, PresenceCsvView
from accounts.api.entities import EntityViewSet, OfficialViewSet, StatsView
from accounts.api.imports import ImportViewSet
from accounts.api.report import ReportView
from accounts.api.verify import VerifyView
from registry.api import endpoint_not_found

router = SimpleRouter()
router.register("channels", ChannelViewSet, basename="api-channel")
router.register("entities", EntityViewSet, basename="api-entity")
router.register("officials", OfficialViewSet, basename="api-official")
router.register("alerts", AlertViewSet, basename="api-alert")
router.register("imports", ImportViewSet, basename="api-import")

urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("v1/channels.csv", ChannelCsvView.as_view({"get": "list"}), {"format": "csv"}, name="api-channel-csv"),
    path("v1/channels.json", ChannelJsonView.as_view({"get": "list"}), {"format": "json"}, name="api-channel-json"),
    path("v1/channels.xlsx", ChannelXlsxView.as_view({"get": "list"}), {"format": "xlsx"}, name="api-channel-xlsx"),
    path("v1/presence.csv", PresenceCsvView.as_view(), name="api-presence-csv"),
    path("v1/stats/", StatsView.as_view(), name="api-stats"),
    path("v1/", include(router.urls)),
    path("v1/verify/", VerifyView.as_view(), name="api-verify"),
    path("v1/changes/", ChangeListView.as_view(), name="api-changes"),
    path("v1/report/", ReportView.as_view(), name="api-report"),
    re_path(r"^v1/", endpoint_not_found),
    # drf-spectacular-sidecar: Swagger UI's files come from our static files, never a CDN.
    # GET only: an OPTIONS request (a browser's preflight) found no template to answer with, a 500.
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema", http_method_names=["get", "head"]),
         name="api-docs"),
]
