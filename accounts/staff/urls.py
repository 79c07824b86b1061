"""The staff area, under /<language>/staff/: an entity's channels, registering, editing, the workflow buttons."""
from __future__ import annotations

from django.urls import include, path

from accounts.staff import views as staff_views

app_name = "staff"


urlpatterns = [
    path("", staff_views.home, name="home"),
    path("certify/", staff_views.certify_many, name="certify_many"),  # POST only
    path("imports/", include("accounts.imports.urls")),
    path("channels/new/", staff_views.channel_create_view, name="channel_create"),
    path("channels/<int:pk>/", staff_views.channel_detail, name="channel_detail"),
    path("channels/<int:pk>/edit/", staff_views.channel_edit_view, name="channel_edit"),
    # Before the actions' pattern, which would read "followers" as an action. POST only.
    path("channels/<int:pk>/followers/", staff_views.channel_followers, name="channel_followers"),
    path("channels/<int:pk>/last-post/", staff_views.channel_last_post, name="channel_last_post"),
    # submit, retire, flag-compromised, certify: POST only
    path("channels/<int:pk>/<slug:action>/", staff_views.channel_action, name="channel_action"),
]
