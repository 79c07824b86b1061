"""Admin pages. Channels are read-only here: their status changes only through the workflow's
services (accounts/workflow.py), which check roles and write the ChannelEvent."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Alert, Channel, ChannelEvent, FollowerSnapshot


class ChannelEventInline(admin.TabularInline):
    model = ChannelEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_status", "to_status", "actor", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Channel)
class ChannelAdmin(SimpleHistoryAdmin):
    list_display = ["handle", "platform", "entity", "official", "status", "followers", "followers_at"]
    list_filter = ["status", "platform", "refresh_status", "entity__kind"]
    list_select_related = ["entity", "official"]
    search_fields = ["handle", "handle_key", "display_name", "entity__name_en", "entity__name_ar"]
    inlines = [ChannelEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChannelEvent)
class ChannelEventAdmin(admin.ModelAdmin):
    list_display = ["at", "channel", "action", "from_status", "to_status", "actor"]
    list_filter = ["action", "to_status"]
    list_select_related = ["channel", "actor"]
    search_fields = ["channel__handle", "comment"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FollowerSnapshot)
class FollowerSnapshotAdmin(admin.ModelAdmin):
    list_display = ["channel", "date", "followers", "source"]
    list_filter = ["source"]
    list_select_related = ["channel"]
    date_hierarchy = "date"
    search_fields = ["channel__handle"]
    raw_id_fields = ["channel"]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["channel", "kind", "opened_at", "resolved_at", "resolved_by"]
    list_filter = ["kind", ("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["channel", "resolved_by"]
    search_fields = ["channel__handle"]
    raw_id_fields = ["channel"]
    readonly_fields = ["channel", "kind", "details", "opened_at", "resolved_by", "resolved_at"]

    def has_add_permission(self, request):
        return False
