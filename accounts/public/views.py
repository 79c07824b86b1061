"""The public register's pages: home, verify, the directory, entities, an entity, a channel."""
from __future__ import annotations

import hashlib
import html
import re
from functools import wraps

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.forms.utils import flatatt
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext as _, gettext_lazy
from django.views.decorators.http import require_safe

from accounts.models import Channel, Language
from accounts.opendata.alternates import page_addresses
from accounts.opendata.badge import badge_snippet
from accounts.opendata.structured_data import channel_structured_data, entity_structured_data, json_ld
from accounts.platforms import Platform
from accounts.public.card import CardUnavailable, draw_card
from accounts.public.charts import follower_chart, month_ends
from accounts.public.directory import (
    DIRECTORY_STATUSES,
    DirectoryFilters,
    directory_channels,
    directory_entities,
    directory_officials,
    is_listed_entity,
    is_listed_official,
    name_field,
)
from accounts.public.paging import RegisterPaginator
from accounts.public.replay import VERIFY_PAGE_LIMIT, replayable
from accounts.public.sharing import channel_summary, entity_summary, preview, readable, short_path
from accounts.public.statistics import largest_channels, platform_totals, recent_additions
from accounts.public.verify import CAUTIONS, VerifyAnswer, caution_for, checked_answer
from accounts.radar.services import count_question
from accounts.selectors import (
    entities_with_figures,
    entity_channel_counts,
    entity_channels,
    follower_history,
    language_labels,
    posts_within,
    register_totals,
)
from accounts.web import public_page
from registry.direction import isolate
from registry.throttles import VerifyPageThrottle, seconds_to_wait, too_many_requests


@public_page
def home(request):
    platforms = platform_totals()
    return render(request, "accounts/home.html", {
        "totals": register_totals(),
        "platforms": Platform.choices,
        "platform_figures": [
            (Platform(code).label, figures) for code, figures in
            sorted(platforms.items(), key=lambda item: -item[1]["followers"]) if figures["channels"]
        ],
        "largest": largest_channels(),
        "recent": recent_additions(),
    })


# The federal government has some fifty entities: one page. A register of thousands is paged, so that
# no page draws them all.
ENTITIES_PAGE_SIZE = 100


@public_page
def entities(request):
    listed = entities_with_figures().order_by(name_field(), "id")
    page = RegisterPaginator(listed, ENTITIES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/entities.html", {"page": page})


# An entity's page lists this many accounts of the entity itself and of each official at most; the
# rest are a link away, in the directory filtered to the owner (paged and searchable). Real entities
# hold a few each: a page of hundreds is no help on a phone, and drawing them cost most of the page.
ENTITY_PAGE_ROWS = 50


@public_page
def entity(request, slug: str):
    shown = get_object_or_404(entities_with_figures(), slug=slug)
    counts = entity_channel_counts(shown)
    # The entity's own channels, then one group per official, in the order the selector gives.
    groups: dict[int | None, list[Channel]] = {None: []}
    for channel in entity_channels(shown, per_owner=ENTITY_PAGE_ROWS):
        groups.setdefault(channel.official_id, []).append(channel)
    officials = {official.pk: official for official in shown.active_officials}
    official_groups = [
        (officials.get(official_id) or group[0].official, group, counts.by_owner.get(official_id, len(group)))
        for official_id, group in groups.items() if official_id is not None
    ]
    return render(request, "accounts/entity.html", {
        "entity": shown,
        "own_channels": groups[None],
        "own_total": counts.by_owner.get(None, len(groups[None])),
        "official_groups": official_groups,
        "officials_without_channels": [o for pk, o in officials.items() if pk not in groups],
        "compromised": counts.compromised,
        "summary": entity_summary(shown),
        "structured_data": json_ld(entity_structured_data(shown, shown.active_officials, request.build_absolute_uri)),
    })


@public_page
def channel(request, pk: int):
    shown = get_object_or_404(Channel.public_objects.with_owner(), pk=pk)
    history = follower_history(shown)
    caution = caution_for(shown)
    # Its preview picture is its verify answer's card: the same verdict, drawn once for both.
    try:
        card = request.build_absolute_uri(reverse("verify_card", args=[shown.platform, shown.handle]))
    except NoReverseMatch:  # a handle no short link can spell: no picture
        card = ""
    return render(request, "accounts/channel.html", {
        "channel": shown,
        "summary": channel_summary(shown, caution),
        "card_url": card,
        "structured_data": json_ld(channel_structured_data(shown, request.build_absolute_uri)),
        "badge": badge_snippet(shown, absolute=request.build_absolute_uri),
        "channel_languages": language_labels(shown.languages),  # as the staff and review pages name them
        "caution": caution,
        "caution_message": CAUTIONS[caution] if caution else "",
        "chart": follower_chart(history),
        "months": month_ends(history),
        "posts_30d": posts_within(shown, 30),
    })


# Links in shared text: "Check this https://x.com/MOFAUAE" (trailing punctuation is the sentence's).
_LINK_IN_TEXT = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def asked(request) -> str:
    """What the person asks about: the box's `q`; or what a platform's app shared to the site (the web app
    manifest's share_target: `url`, else the first link in `text`, else `text` itself, e.g. "@MOFAUAE")."""
    question = request.GET.get("q", "")
    if question.strip():
        return question
    shared_url = request.GET.get("url", "").strip()
    if shared_url:
        return shared_url[:MAX_QUERY]
    text = request.GET.get("text", "").strip() or request.GET.get("title", "").strip()
    found = _LINK_IN_TEXT.search(text)
    if found:
        return found.group(0).rstrip(".,;:!?)]}»،؛")[:MAX_QUERY]
    return text[:MAX_QUERY]


def _box(request) -> dict:
    """The verify box as the person filled it in (or as the shared link filled it)."""
    return {
        "query": asked(request),
        "platform": request.GET.get("platform", ""),
        "platforms": Platform.choices,
    }


def _answer_page(request, answer: VerifyAnswer | None, box: dict):
    """The verify page with an answer (or none yet): the answer first, how to share it, then the box."""
    counted = count_question(answer)
    path = short_path(answer) if answer is not None else None
    share_url = request.build_absolute_uri(path) if path else (
        request.build_absolute_uri() if answer is not None else "")
    shown = preview(answer) if answer is not None else None
    response = render(request, "accounts/verify.html", {
        **box,
        "answer": answer,
        "share_url": share_url,
        "share_text": readable(share_url),
        "preview": shown,
        "card_url": request.build_absolute_uri(f"{path}/card.png") if path and shown else "",
        # One address per answer for search engines, as shared: the short link, in each language.
        **({"page_addresses": page_addresses(request, {code: translate_url(path, code) for code, _name in
                                                       settings.LANGUAGES})} if path else {}),
        "report_email": settings.IMPOSTOR_REPORT_EMAIL,
        "report_subject": _("Impostor account: %(link)s") % {"link": isolate(answer.link.canonical_url, ltr=True)}
        if answer is not None and answer.link else "",
    })
    # A question counts against the page's limit (see _throttled), the empty form does not.
    return replayable(response, limit=VERIFY_PAGE_LIMIT if answer is not None else None, sighting=counted)


@public_page(revalidate=True)
def _answer(request):
    box = _box(request)
    answer = checked_answer(box["query"], box["platform"] or None) if box["query"].strip() else None
    return _answer_page(request, answer, box)


def _throttled(view):
    """Only a question is counted: the empty form costs nothing. Refused outside public_page, so the
    429 is never marked public."""
    @wraps(view)
    def checked(request, *args, **kwargs):
        if asked(request).strip() or kwargs:
            wait = seconds_to_wait(request, VerifyPageThrottle())
            if wait is not None:
                return too_many_requests(
                    request, wait=wait,
                    reason=_("You have checked many accounts in a short time from your network."),
                    retry_template="accounts/_verify_box.html", context=_box(request),
                )
        return view(request, *args, **kwargs)
    return checked


@require_safe
@_throttled
def verify(request):
    return _answer(request)


def _short_answer(platform: str, handle: str) -> VerifyAnswer:
    """The answer a short link stands for; a link to no readable account is no page (404)."""
    if platform not in Platform.values:
        raise Http404(_("There is no such platform."))
    answer = checked_answer(handle, platform)
    if answer.link is None:
        raise Http404(_("This short link names no account."))
    return answer


@public_page(revalidate=True)
def _short(request, platform: str, handle: str):
    answer = _short_answer(platform, handle)
    return _answer_page(request, answer, {"query": answer.link.canonical_url, "platform": platform,
                                          "platforms": Platform.choices})


@require_safe
@_throttled
def verify_short(request, platform: str, handle: str):
    """/v/x/MOFAUAE: the answer for one account, as a short link people can read and forward."""
    return _short(request, platform=platform, handle=handle)


@public_page(revalidate=True)
def verify_card(request, platform: str, handle: str):
    """The answer as a picture (PNG), for a shared link's preview. Drawn once per wording and day:
    the cache key holds the verdict itself, so a changed answer is a new picture at once."""
    shown = preview(_short_answer(platform, handle))
    if shown is None:
        raise Http404(_("This short link names no account."))
    words = "\n".join((get_language() or "", shown.verdict, shown.headline, shown.account, shown.owner, shown.checked))
    key = "verify-card:" + hashlib.sha256(words.encode()).hexdigest()
    png = cache.get(key)
    if png is None:
        lines = [line for line in (shown.account, shown.owner) if line]
        try:
            png = draw_card(verdict=shown.verdict, headline=shown.headline, lines=lines,
                            footer=f"{_('Official Accounts Registry')} — {shown.checked}",
                            rtl=(get_language() or "").startswith("ar"))
        except CardUnavailable as error:  # no Arabic shaping here: no picture rather than a garbled one
            raise Http404(str(error)) from error
        cache.set(key, png, 60 * 60 * 24)
    return HttpResponse(png, content_type="image/png")


PAGE_SIZE = 25


MAX_QUERY = 200


class ReadyChoices(BaseChoiceIterator):
    """(value, label) pairs used as they are: Django normalises a list of choices pair by pair, which costs
    more than drawing them when they are the register's thousands of entities and officials."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self.pairs = pairs

    def __iter__(self):
        return iter(self.pairs)


class ManyOptionsSelect(forms.Select):
    """A <select> drawn in one pass: Django's template per option costs about 0.1 ms an option, and the
    directory offers every entity and official (thousands in a large register) on every page drawn."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = "" if value is None else str(value)
        # html.escape, not Django's escape(): the same escaping without its lazy-string wrapper, per option.
        options = "".join(
            f'<option value="{html.escape(str(option))}"{" selected" if str(option) == chosen else ""}>'
            f"{html.escape(str(label))}</option>"
            for option, label in self.choices
        )
        return mark_safe(f"<select{flatatt(attrs)}>{options}</select>")  # noqa: S308 -- every part escaped above


class _Registered:
    """Validates an owner's short name typed into the directory's filter: it must be in the register."""

    def __init__(self, exists, message):
        self.exists, self.message = exists, message

    def __call__(self, slug: str) -> None:
        if not self.exists(slug):
            raise forms.ValidationError(self.message, code="unknown")


class DirectoryForm(forms.Form):
    """What a person may filter the directory by; a value that is not a choice is an error, not ignored."""

    q = forms.CharField(label=gettext_lazy("Search names and handles"), max_length=MAX_QUERY, required=False,
                        widget=forms.TextInput(attrs={"dir": "auto"}))
    entity = forms.ChoiceField(label=gettext_lazy("Entity"), required=False, widget=ManyOptionsSelect)
    official = forms.ChoiceField(label=gettext_lazy("Official"), required=False, widget=ManyOptionsSelect)
    platform = forms.ChoiceField(
        label=gettext_lazy("Platform"), required=False, choices=[("", gettext_lazy("All platforms")), *Platform.choices]
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"), required=False, choices=[("", gettext_lazy("All languages")), *Language.choices]
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False,
        choices=[("", gettext_lazy("Official now and compromised")),
                 *[(status.value, status.label) for status in DIRECTORY_STATUSES]],
    )

    def __init__(self, *args, entities, officials, **kwargs):
        super().__init__(*args, **kwargs)
        self._owner_filter("entity", entities, gettext_lazy("All entities"), is_listed_entity,
                           gettext_lazy("No entity in the register has this short name."))
        self._owner_filter("official", officials, gettext_lazy("All officials"), is_listed_official,
                           gettext_lazy("No official in the register has this short name."))

    def _owner_filter(self, name: str, choices, everyone, exists, unknown) -> None:
        """A list to choose from, or, in a register too large to list (choices is None), the short
        name as in the owner's page address, checked against the register."""
        if choices is not None:
            self.fields[name].choices = ReadyChoices([("", everyone), *choices])
            return
        field = self.fields[name] = forms.SlugField(
            label=self.fields[name].label, required=False, max_length=100,
            help_text=gettext_lazy("The short name in the address of its page, e.g. ministry-of-economy."),
        )
        field.validators.append(_Registered(exists, unknown))

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
    page = RegisterPaginator(directory_channels(form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/directory.html", {"form": form, "page": page})
