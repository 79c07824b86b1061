"""URLs under /api/: the v1 endpoints, the OpenAPI schema, and Swagger UI served from local files."""
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from accounts.api.views import ChannelViewSet
from registry.api import endpoint_not_found

router = SimpleRouter()
router.register("channels", ChannelViewSet, basename="api-channel")

urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("v1/", include(router.urls)),
    re_path(r"^v1/", endpoint_not_found),
    # drf-spectacular-sidecar: Swagger UI's files come from our static files, never a CDN.
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
