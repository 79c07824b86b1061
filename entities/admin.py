"""Admin pages for entities, officials and who edits for which entity, each with its history."""
from django.contrib import admin

from entities.models import Entity, Membership, Official
from registry.admin import HistoryAdmin


class OfficialInline(admin.TabularInline):
    model = Official
    extra = 0
    fields = ["slug", "name_ar", "name_en", "title_en", "is_active"]
    show_change_link = True


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Entity)
class EntityAdmin(HistoryAdmin):
    list_display = ["slug", "name_en", "name_ar", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["slug", "name_en", "name_ar"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["parent"]
    inlines = [OfficialInline, MembershipInline]


@admin.register(Official)
class OfficialAdmin(HistoryAdmin):
    list_display = ["slug", "name_en", "name_ar", "entity", "is_active"]
    list_filter = ["is_active", "entity__kind"]
    list_select_related = ["entity"]
    search_fields = ["slug", "name_en", "name_ar", "entity__name_en"]
    autocomplete_fields = ["entity"]


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ["user", "entity", "role", "created_at"]
    list_select_related = ["user", "entity"]
    search_fields = ["user__email", "entity__slug", "entity__name_en"]
    autocomplete_fields = ["user", "entity"]
