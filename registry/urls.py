"""Root URLs: the site's pages under /ar/ and /en/; admin, health and the API unprefixed."""
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from accounts.opendata import badge, site_files
from accounts.public import open_data, views as public_views
from accounts.report import views as report_views
from registry import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # For search engines and other machines (accounts/opendata/site_files.py), and the badge entities embed.
    path("robots.txt", site_files.robots_txt, name="robots_txt"),
    path(".well-known/security.txt", site_files.security_txt, name="security_txt"),
    path("sitemap.xml", site_files.sitemap, name="sitemap"),
    path("sitemap-<slug:section>.xml", site_files.sitemap_part, name="sitemap_section"),
    path("badge/<int:pk>.svg", badge.badge, name="badge"),
    path("favicon.ico", site_files.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/auth/", include("registry.auth.api_urls")),
    path("api/", include("accounts.api.urls")),
]

urlpatterns += i18n_patterns(
    path("", public_views.home, name="home"),
    path("verify/", public_views.verify, name="verify"),
    # Short links to one answer (/v/x/MOFAUAE), readable when forwarded, and its preview picture.
    path("v/<slug:platform>/<str:handle>", public_views.verify_short, name="verify_short"),
    path("v/<slug:platform>/<str:handle>/card.png", public_views.verify_card, name="verify_card"),
    path("directory/", public_views.directory, name="directory"),
    path("entities/", public_views.entities, name="entities"),
    path("entities/<slug:slug>/", public_views.entity, name="entity"),
    path("channels/<int:pk>/", public_views.channel, name="channel"),
    path("presence/", report_views.presence, name="presence"),
    path("open-data/", open_data.open_data, name="open_data"),
    path("open-data/register/", open_data.register_dictionary, name="open_data_register"),
    path("open-data/presence/", open_data.presence_dictionary, name="open_data_presence"),
    path("feeds/", include("accounts.opendata.feeds_urls")),
    path("manifest.webmanifest", site_files.web_app_manifest, name="web_app_manifest"),
    path("auth/", include("registry.auth.urls")),
    path("staff/", include("accounts.staff.urls", namespace="staff")),
    # Before review/: the report is the review area's too, but has its own URLs (accounts/report/urls.py).
    path("review/report/", include("accounts.report.urls", namespace="report")),
    path("review/", include("accounts.review.urls", namespace="review")),
)
