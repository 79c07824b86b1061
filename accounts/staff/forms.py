"""Forms of the staff and review areas. They read what people typed; the services decide.

Field names follow the services' error fields where they meet (`reason`); a service error
about `url` belongs to the `link` field.
"""
from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from accounts.models import Channel, Language, Status
from accounts.platforms import Platform
from accounts.services import MAX_DESCRIPTION, MAX_REPORTED_FOLLOWERS, REPORT_DAYS_BACK, LargeFollowerChange
from registry.direction import isolate
from registry.errors import RegistryError
from registry.numerals import NotACount, parse_typed_count

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
    """The edit form. The link can change freely while nobody has approved the channel; once
    approved, only to the same account renamed on its platform (a proposal a reviewer decides)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, channel: Channel, **kwargs):
        kwargs.setdefault("initial", self.initial_for(channel))
        super().__init__(*args, **kwargs)
        if channel.status == Status.APPROVED:
            del self.fields["platform"]  # the platform stays: another platform is a new registration
            self.fields["link"].required = False
            self.fields["link"].help_text = _(
                "Change it only if the account was renamed on %(platform)s: its new link or handle. A reviewer "
                "approves the change before the public sees it."
            ) % {"platform": channel.get_platform_display()}
        elif channel.status not in (Status.DRAFT, Status.CHANGES_REQUESTED):
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
        if "canonical_url" in channel.proposed_changes:  # a proposed rename: its link
            values["link"] = channel.proposed_changes["canonical_url"]
        return values

    def service_fields(self) -> dict:
        fields = super().service_fields()
        if "link" in self.fields:
            fields.update(link=self.cleaned_data["link"], platform=self.cleaned_data.get("platform") or None)
        return fields


# The most characters a count is typed in: room for a billion with its separators, spaces and
# copied direction marks; anything longer is no count.
MAX_TYPED = 40


class FollowerCountField(forms.IntegerField):
    """A number of followers as people type it: in Western, Arabic-Indic or Persian digits, with
    the separators they put between thousands (registry.numerals). A text input, not a number
    one: browsers drop the Arabic-Indic digits a number input is given."""

    widget = forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric", "autocomplete": "off",
                                    "maxlength": MAX_TYPED})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if len(str(value)) > MAX_TYPED:  # far beyond the largest count, and too long to read as one
            raise forms.ValidationError(
                _("The number of followers must be between 0 and %(limit)s."), code="max_value",
                params={"limit": number_format(MAX_REPORTED_FOLLOWERS, force_grouping=True)},
            )
        try:
            return parse_typed_count(str(value))
        except NotACount as refused:
            if refused.reason == "grouping":
                message = _("Put separators only between groups of three digits, as in %(example)s: a number "
                            "of followers has no decimals.")
            else:
                message = _("Type the number in digits only, in full, as the account's page shows it: "
                            "%(example)s, not %(short)s.")
            raise forms.ValidationError(message, code="invalid", params={
                "example": "225,000", "short": isolate("225K", ltr=True),
            }) from None


class FollowerReportForm(forms.Form):
    """A follower count staff read on a platform the registry cannot read itself; the service
    checks the day and the number again, and whether the channel takes reported counts.

    A change the service will not record unconfirmed (LargeFollowerChange) brings the form back
    through `asking_to_confirm`: what was typed, the change in a sentence, and a box to tick. The
    tick counts only for the number and day it was asked about (`confirming`)."""

    followers = FollowerCountField(
        label=_("Followers"), min_value=0, max_value=MAX_REPORTED_FOLLOWERS,
        help_text=_("As the platform shows it on the account's page, in full (12,345 not 12K)."),
    )
    on = forms.DateField(
        label=_("Counted on"), help_text=_("The day you read it: today, or a day in the last month."),
        widget=forms.DateInput(attrs={"type": "date", "dir": "ltr"}, format="%Y-%m-%d"),
    )
    confirm = forms.BooleanField(label=_("Yes, this number is right"), label_suffix="", required=False)
    confirming = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    change: LargeFollowerChange | None = None  # set when the form asks to confirm it

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser's date picker offers only the days the service takes.
        today = timezone.localdate()
        self.fields["on"].widget.attrs.update(
            min=(today - timedelta(days=REPORT_DAYS_BACK)).isoformat(), max=today.isoformat(),
        )

    @staticmethod
    def _asked(followers, on) -> str:
        return f"{followers} {on.isoformat() if on else ''}"

    def confirmed(self) -> bool:
        """Whether the box was ticked for the number and day now typed."""
        data = self.cleaned_data
        asked = self._asked(data.get("followers"), data.get("on"))
        return bool(data.get("confirm")) and data.get("confirming") == asked

    def asking_to_confirm(self, change: LargeFollowerChange) -> FollowerReportForm:
        """This form again, with everything typed kept, asking whether `change` is right."""
        answered_without_tick = self.data.get("confirming") == self._asked(change.followers, change.on)
        data = self.data.copy()
        data.pop("confirm", None)  # a tick given for another number or day does not carry over
        data["confirming"] = self._asked(change.followers, change.on)
        form = type(self)(data, auto_id=self.auto_id)
        form.change = change
        form.fields["confirm"].widget.attrs["required"] = True
        form.full_clean()
        if answered_without_tick:
            form.add_error("confirm", _("Tick the box if the number is right, or correct it."))
        return form

    def add_service_error(self, error: RegistryError) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)


class LastPostReportForm(forms.Form):
    """The day of a channel's latest post, as staff read it on a platform that does not say it; the
    service checks the day again, and whether the channel takes such reports."""

    on = forms.DateField(
        label=_("Day of the latest post"),
        help_text=_("As the account's page shows it: the day of its newest post, pinned posts aside."),
        widget=forms.DateInput(attrs={"type": "date", "dir": "ltr"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].widget.attrs.update(max=timezone.localdate().isoformat())

    def add_service_error(self, error: RegistryError) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)
