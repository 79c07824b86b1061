"""URLs for the login-security tests: the real login, code and token URLs, the admin, and stand-ins
for the staff and review areas (whose own views are tested with them), so these tests depend only
on what they test."""
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.opendata import site_files
from accounts.public import open_data, views as public_views
from accounts.report import views as report_views
from registry.authentication import has_second_factor


@login_required
def area_page(request):
    return HttpResponse(f"area page for {request.user.email}")


class WhoAmI(APIView):
    """A tiny write-API endpoint: who the request is, and whether its login passed the second factor."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"email": request.user.email, "two_factor": has_second_factor(request)})


def _area(name):
    return include(([path("", area_page, name="home"), path("queue/", area_page, name="queue")], name))


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/auth/", include("registry.auth.api_urls")),
    path("api/v1/whoami/", WhoAmI.as_view(), name="whoami"),
    path("api/docs/", area_page, name="api-docs"),  # a stand-in: every layout's footer links to it
]
urlpatterns += i18n_patterns(
    path("", public_views.home, name="home"),
    path("verify/", public_views.verify, name="verify"),  # the public pages every layout links to
    path("v/<slug:platform>/<str:handle>", public_views.verify_short, name="verify_short"),  # verify's answers
    path("entities/<slug:slug>/", public_views.entity, name="entity"),
    path("directory/", public_views.directory, name="directory"),
    path("entities/", public_views.entities, name="entities"),
    path("presence/", report_views.presence, name="presence"),
    path("open-data/", open_data.open_data, name="open_data"),
    path("manifest.webmanifest", site_files.web_app_manifest, name="web_app_manifest"),
    path("feeds/", include("accounts.opendata.feeds_urls")),  # every layout's head names the change feeds
    path("auth/", include("registry.auth.urls")),
    path("staff/", _area("staff")),
    path("review/", _area("review")),
)
