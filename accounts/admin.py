"""Admin pages for channels and their records, read-only: the admin never writes around the services;
and the webhook subscribers, which an admin registers, with their delivery log (read-only)."""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _, ngettext

from accounts.models import (
    Alert,
    ChangeKind,
    Channel,
    ChannelEvent,
    FollowerSnapshot,
    WebhookDelivery,
    WebhookSubscriber,
)
from accounts.opendata.webhooks import webhook_subscribers_pause, webhook_subscribers_resume
from accounts.opendata.webhooks_addresses import UnsafeWebhookURL, check_url
from registry.admin import HistoryAdmin


class ReadOnly:
    """Every field shown, nothing added, changed or deleted (and so no delete action).

    A channel changes only through the workflow's services (accounts/workflow.py), which check roles
    and write the ChannelEvent; events, snapshots and alerts (with their resolution notes) are the
    audit trail and the jobs' records, written by services and jobs alone.
    """

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ChannelEventInline(ReadOnly, admin.TabularInline):
    model = ChannelEvent
    extra = 0
    fields = ["at", "action", "from_status", "to_status", "actor", "comment"]


@admin.register(Channel)
class ChannelAdmin(ReadOnly, HistoryAdmin):
    list_display = ["handle", "platform", "entity", "official", "status", "followers", "followers_at"]
    list_filter = ["status", "platform", "refresh_status", "entity__kind"]
    list_select_related = ["entity", "official"]
    search_fields = ["handle", "handle_key", "display_name", "entity__name_en", "entity__name_ar"]
    inlines = [ChannelEventInline]


@admin.register(ChannelEvent)
class ChannelEventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["at", "channel", "action", "from_status", "to_status", "actor"]
    list_filter = ["action", "to_status"]
    list_select_related = ["channel", "actor"]
    search_fields = ["channel__handle", "comment"]


@admin.register(FollowerSnapshot)
class FollowerSnapshotAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["channel", "date", "followers", "source"]
    list_filter = ["source"]
    list_select_related = ["channel"]
    date_hierarchy = "date"
    search_fields = ["channel__handle"]


@admin.register(Alert)
class AlertAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["channel", "kind", "opened_at", "resolved_at", "resolved_by"]
    list_filter = ["kind", ("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["channel", "resolved_by"]
    search_fields = ["channel__handle"]


# --- Webhooks (accounts/opendata/webhooks.py) --------------------------------------------------

class WebhookSubscriberForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"), max_length=500, assume_scheme="https",
        help_text=_("Where changes are sent: https only, and never a private, loopback or link-local address."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("kinds of change"), choices=ChangeKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Leave empty for every kind."),
    )

    class Meta:
        model = WebhookSubscriber
        fields = ["name", "url", "secret", "kinds", "entities"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            check_url(url)  # checked again at every delivery: DNS answers change
        except UnsafeWebhookURL as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        return url


@admin.register(WebhookSubscriber)
class WebhookSubscriberAdmin(admin.ModelAdmin):
    """Subscribers are registered here; pausing and resuming go through the webhook services."""

    form = WebhookSubscriberForm
    list_display = ["name", "url", "is_active", "consecutive_failures", "paused_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    filter_horizontal = ["entities"]
    readonly_fields = ["is_active", "consecutive_failures", "paused_at", "paused_reason", "created_at"]
    actions = ["pause", "resume"]

    @admin.action(description=_("Pause the selected subscribers"))
    def pause(self, request, queryset):
        count = webhook_subscribers_pause(subscriber_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, ngettext("%(count)d subscriber paused.", "%(count)d subscribers paused.", count)
                          % {"count": count})

    @admin.action(description=_("Resume the selected subscribers"))
    def resume(self, request, queryset):
        count = webhook_subscribers_resume(subscriber_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, ngettext("%(count)d subscriber resumed.", "%(count)d subscribers resumed.", count)
                          % {"count": count})


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "subscriber", "event", "status", "attempts", "response_code", "last_attempt_at"]
    list_filter = ["status", "subscriber"]
    list_select_related = ["subscriber", "event__channel"]
    date_hierarchy = "created_at"
    search_fields = ["subscriber__name", "error"]
