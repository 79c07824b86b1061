"""The public directory page: a GET form of filters over the register, paginated, no JavaScript needed."""
from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.directory import (
    DIRECTORY_STATUSES,
    DirectoryFilters,
    directory_channels,
    directory_entities,
    directory_officials,
)
from accounts.models import Language
from accounts.platforms import Platform
from accounts.views import public_page

PAGE_SIZE = 25
MAX_QUERY = 200


class DirectoryForm(forms.Form):
    """What a person may filter the directory by; a value that is not a choice is an error, not ignored."""

    q = forms.CharField(label=_("Search names and handles"), max_length=MAX_QUERY, required=False)
    entity = forms.ChoiceField(label=_("Entity"), required=False)
    official = forms.ChoiceField(label=_("Official"), required=False)
    platform = forms.ChoiceField(
        label=_("Platform"), required=False, choices=[("", _("All platforms")), *Platform.choices]
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *Language.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("Official now and compromised")),
                 *[(status.value, status.label) for status in DIRECTORY_STATUSES]],
    )

    def __init__(self, *args, entities, officials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"].choices = [("", _("All entities")), *[(e.slug, e.name) for e in entities]]
        self.fields["official"].choices = [
            ("", _("All officials")), *[(o.slug, f"{o.name} — {o.entity.name}") for o in officials]
        ]

    def filters(self) -> DirectoryFilters:
        """The filters that were valid; an invalid one is shown as an error and not applied."""
        if not self.is_bound:
            return DirectoryFilters()
        self.is_valid()
        cleaned = self.cleaned_data
        return DirectoryFilters(**{name: cleaned.get(name) or "" for name in self.fields})


@public_page
def directory(request):
    form = DirectoryForm(
        request.GET or None, entities=directory_entities(), officials=directory_officials()
    )
    page = Paginator(directory_channels(form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/directory.html", {"form": form, "page": page})
