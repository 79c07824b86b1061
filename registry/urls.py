"""Root URLs: the site's pages under /ar/ and /en/; admin, health and the API unprefixed."""
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from accounts import directory_views, report_views, verify_views, views as account_views
from registry import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/auth/", include("registry.api_auth_urls")),
    path("api/", include("accounts.api.urls")),
]

urlpatterns += i18n_patterns(
    path("", account_views.home, name="home"),
    path("verify/", verify_views.verify, name="verify"),
    path("directory/", directory_views.directory, name="directory"),
    path("entities/", account_views.entities, name="entities"),
    path("entities/<slug:slug>/", account_views.entity, name="entity"),
    path("channels/<int:pk>/", account_views.channel, name="channel"),
    path("presence/", report_views.presence, name="presence"),
    path("auth/", include("registry.auth_urls")),
    path("staff/", include("accounts.staff_urls", namespace="staff")),
    # Before review/: the report is the review area's too, but has its own URLs (accounts/report_urls.py).
    path("review/report/", include("accounts.report_urls", namespace="report")),
    path("review/", include("accounts.review_urls", namespace="review")),
)
