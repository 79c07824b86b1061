"""The review area, under /<language>/review/: GCO reviewers' queue, decisions, alerts, annual review."""
from __future__ import annotations

from django.urls import path

from accounts.review import radar, views as review_views

app_name = "review"


urlpatterns = [
    path("", review_views.queue, name="queue"),
    path("channels/<int:pk>/", review_views.channel, name="channel"),
    # approve, request-changes, reject, approve-changes, reject-changes, restore: POST only
    path("channels/<int:pk>/<slug:action>/", review_views.channel_action, name="channel_action"),
    path("alerts/", review_views.alerts, name="alerts"),
    path("alerts/<int:pk>/resolve/", review_views.alert_resolve, name="alert_resolve"),  # POST only
    path("alerts/<int:pk>/flag/", review_views.alert_flag, name="alert_flag"),  # POST only
    path("alerts/<int:pk>/notify/", review_views.alert_notify, name="alert_notify"),  # POST only
    path("alerts/<int:pk>/accept-rename/", review_views.alert_accept_rename, name="alert_accept_rename"),  # POST only
    path("annual/", review_views.annual, name="annual"),
    path("annual/entities/<int:pk>/remind/", review_views.annual_remind, name="annual_remind"),  # POST only
    path("annual/entities/<int:pk>/invite/", review_views.annual_invite, name="annual_invite"),  # POST only
    path("radar/", radar.radar, name="radar"),
    path("radar/mark/", radar.mark, name="radar_mark"),  # POST only
    path("radar/<int:pk>/withdraw/", radar.withdraw, name="radar_withdraw"),  # POST only
]
