"""The admin for the people who log in (accounts, roles and their history, second factor, tokens); history pages."""
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.shortcuts import redirect
from django.utils.translation import gettext, gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from registry.authentication import confirmed_totp_device
from registry.direction import isolate
from registry.models import ApiToken, User
from registry.second_factor import api_tokens_revoke, enrolment_link_send, second_factor_reset


class HistoryAdmin(SimpleHistoryAdmin):
    """Shows a record's history (who changed what, when); never reverts it.

    SIMPLE_HISTORY_REVERT_DISABLED only hides the Revert button: the page of one version would still
    save a POST, writing around the services (and for Channel, which has no `objects`, it cannot even be
    drawn). So that page sends back to the history list, whose Changes column shows each version.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        opts = self.model._meta
        return redirect(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_history", object_id)


# Devices are set up by their owner through an enrolment link and reset by the actions below; an
# admin who could add one here would hold another person's second factor.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


@admin.register(User)
class UserAdmin(HistoryAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_reviewer", "is_staff", "is_active", "last_login"]
    list_filter = ["is_reviewer", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name"]}),
        (_("Role"), {"fields": ["is_reviewer", "is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2", "is_reviewer"]})]
    readonly_fields = ["authenticator"]
    actions = ["send_enrolment_link", "reset_second_factor"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, (_("Second factor"), {"fields": ["authenticator"]})]

    @admin.display(description=_("authenticator app"))
    def authenticator(self, obj: User) -> str:
        return gettext("set up") if confirmed_totp_device(obj) else gettext("none yet")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            api_tokens_revoke(user=obj, reason="deactivated")

    @admin.action(description=_("Send an enrolment link (to set up an authenticator app)"))
    def send_enrolment_link(self, request, queryset):
        for user in queryset.filter(is_active=True):
            if confirmed_totp_device(user):
                self.message_user(request, gettext("%(email)s already has an authenticator app: reset it instead.")
                                  % {"email": isolate(user.email, ltr=True)}, messages.WARNING)
                continue
            url = enrolment_link_send(user=user, by=request.user)
            self.message_user(request, gettext("Enrolment link emailed to %(email)s: %(url)s")
                              % {"email": isolate(user.email, ltr=True), "url": isolate(url, ltr=True)},
                              messages.SUCCESS)

    @admin.action(description=_("Reset the authenticator app (lost phone): remove it and send a new enrolment link"))
    def reset_second_factor(self, request, queryset):
        users = list(queryset.filter(is_active=True))
        for user in users:
            url = second_factor_reset(user=user, by=request.user)
            self.message_user(request, gettext("Authenticator removed for %(email)s; a new enrolment link was "
                                               "emailed: %(url)s") % {"email": isolate(user.email, ltr=True),
                                                                       "url": isolate(url, ltr=True)},
                              messages.SUCCESS)
        if not users:
            self.message_user(request, gettext("No active account was selected."), messages.WARNING)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by the API only (the key is shown once, to its holder); here they are seen and revoked."""

    list_display = ["key_prefix", "user", "second_factor", "created_at", "last_used_at", "expires_at"]
    list_filter = ["second_factor"]
    search_fields = ["user__email", "key_prefix"]
    list_select_related = ["user"]
    readonly_fields = ["user", "key_prefix", "second_factor", "created_at", "last_used_at", "expires_at"]
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
