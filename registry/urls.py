"""Root URLs: public pages under /ar/ and /en/; admin, health and (later) the API unprefixed."""
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from registry import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", account_views.home, name="home"),
)
