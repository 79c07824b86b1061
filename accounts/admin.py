"""Admin pages for channels and their records, read-only: the admin never writes around the services."""
from django.contrib import admin

from accounts.models import Alert, Channel, ChannelEvent, FollowerSnapshot
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
