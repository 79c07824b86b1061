"""Forms of the staff and review areas. They read what people typed; the services decide.

Field names follow the services' error fields where they meet (`reason`); a service error
about `url` belongs to the `link` field.
"""
from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Channel, Language, Status
from accounts.platforms import Platform
from accounts.services import MAX_DESCRIPTION, MAX_REPORTED_FOLLOWERS, REPORT_DAYS_BACK
from registry.direction import isolate
from registry.errors import RegistryError

MAX_LINK = 2048


# Where a service's error field is not the form's field name.
SERVICE_FIELDS = {"url": "link"}


class EntityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class OfficialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.entity.name}"


class ChannelFieldsForm(forms.Form):
    """What people may fill in about a channel; the link is read on the server by the services."""

    link = forms.CharField(
        label=_("Link to the account"), max_length=MAX_LINK,
        help_text=_("Paste the address of the account's page, or its handle (then choose the platform)."),
        # Links and handles read left to right, also on the Arabic page.
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"}),
    )
    platform = forms.ChoiceField(
        label=_("Platform"), required=False,
    )
    official = OfficialChoiceField(
        label=_("Official"), required=False, queryset=None, empty_label=_("None: the entity's own account"),
        help_text=_("If the account is a person's (a minister, a spokesperson), choose them."),
    )
    # What people type is shown in its own direction: an English name on the Arabic page, and back.
    display_name = forms.CharField(label=_("Display name"), required=False, max_length=200,
                                   widget=forms.TextInput(attrs={"dir": "auto"}))
    languages = forms.MultipleChoiceField(
        label=_("Languages"), required=False, choices=Language.choices, widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )

    def __init__(self, *args, officials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].choices = [("", _("Read it from the link")), *Platform.choices]
        self.fields["platform"].help_text = _("Only needed for a bare handle such as %(example)s; a link says its "
                                              "platform.") % {"example": isolate("@UAEGov", ltr=True)}
        self.fields["official"].queryset = officials

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "official": data["official"], "display_name": data["display_name"], "languages": data["languages"],
            "description": data["description"],
        }

    def add_service_error(self, error: RegistryError) -> None:
        """Show a service's refusal beside the field it is about (or above the form)."""
        name = SERVICE_FIELDS.get(error.field or "", error.field)
        self.add_error(name if name in self.fields else None, error.message)


class ChannelCreateForm(ChannelFieldsForm):
    entity = EntityChoiceField(label=_("Entity"), queryset=None, empty_label=None)
    field_order = ["link", "platform", "entity", "official", "display_name", "languages", "description"]

    def __init__(self, *args, entities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"].queryset = entities
        only = list(entities[:2])
        if len(only) == 1:
            self.fields["entity"].initial = only[0].pk
        else:
            self.fields["entity"].empty_label = _("Choose the entity")


class ChannelEditForm(ChannelFieldsForm):
    """The edit form. The link can change only while nobody has approved the channel."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, channel: Channel, **kwargs):
        kwargs.setdefault("initial", self.initial_for(channel))
        super().__init__(*args, **kwargs)
        if channel.status not in (Status.DRAFT, Status.CHANGES_REQUESTED):
            del self.fields["link"], self.fields["platform"]

    @staticmethod
    def initial_for(channel: Channel) -> dict:
        """The channel as its editor last left it: a pending proposal's values over the approved ones."""
        values = {
            "link": channel.canonical_url, "platform": channel.platform, "official": channel.official_id,
            "display_name": channel.display_name, "languages": channel.languages,
            "description": channel.description, "version": channel.version,
        }
        values.update(channel.proposed_changes)
        return values

    def service_fields(self) -> dict:
        fields = super().service_fields()
        if "link" in self.fields:
            fields.update(link=self.cleaned_data["link"], platform=self.cleaned_data["platform"] or None)
        return fields


class FollowerReportForm(forms.Form):
    """A follower count staff read on a platform the registry cannot read itself; the service
    checks the day and the number again, and whether the channel takes reported counts."""

    followers = forms.IntegerField(
        label=_("Followers"), min_value=0, max_value=MAX_REPORTED_FOLLOWERS,
        help_text=_("As the platform shows it on the account's page, in full (12,345 not 12K)."),
        widget=forms.NumberInput(attrs={"dir": "ltr", "inputmode": "numeric"}),
    )
    on = forms.DateField(
        label=_("Counted on"), help_text=_("The day you read it: today, or a day in the last month."),
        widget=forms.DateInput(attrs={"type": "date", "dir": "ltr"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser's date picker offers only the days the service takes.
        today = timezone.localdate()
        self.fields["on"].widget.attrs.update(
            min=(today - timedelta(days=REPORT_DAYS_BACK)).isoformat(), max=today.isoformat(),
        )

    def add_service_error(self, error: RegistryError) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)
