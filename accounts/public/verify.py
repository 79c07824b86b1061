"""The public's question: is this account official?

`verify(text, platform=None)` reads whatever a person pasted with `parse_account_link` and answers
from the public register only (`Channel.public_objects`): a link of another platform than the one
chosen is answered for the link's account, with a note saying so (`platform_note`); drafts, submissions, rejections and
requests for changes are never disclosed, they answer `not_registered` as if absent. It never
fetches the link, except a platform's own share link, opened once on that platform's host. When
the input is not in the register, or could not be read because it hides
invisible or non-Latin look-alike characters, `lookalikes` names the official channels it imitates.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from accounts.lookalikes import ascii_fold, closest_officials
from accounts.models import Alert, AlertKind, Channel, KnownImpostor, Status
from accounts.platforms import (
    LINK_RULES,
    AccountLink,
    AccountLinkError,
    Platform,
    PlatformMismatch,
    link_examples,
    parse_account_link,
)
from accounts.platforms.short_links import is_short_link, resolve
from accounts.public.cache import VERIFY, cached
from accounts.radar.selectors import standing_marks
from accounts.selectors import entities_named
from entities.models import Entity
from registry.compiled import CompiledRead


class Result:
    OFFICIAL = "official"
    # Official in the register, but the last refresh found trouble a reviewer has not checked yet
    # (CAUTIONS): one verdict, "do not rely on it for now", never "official" beside a warning.
    UNDER_CHECK = "under_check"
    FORMERLY_OFFICIAL = "formerly_official"
    COMPROMISED = "compromised"
    # Not in the register, and marked by the GCO as impersonating the government (accounts/radar).
    KNOWN_IMPOSTOR = "known_impostor"
    NOT_REGISTERED = "not_registered"
    INVALID = "invalid"


RESULTS = (Result.OFFICIAL, Result.UNDER_CHECK, Result.FORMERLY_OFFICIAL, Result.COMPROMISED, Result.KNOWN_IMPOSTOR,
           Result.NOT_REGISTERED, Result.INVALID)


_ANSWER_FOR_STATUS = {
    Status.APPROVED: Result.OFFICIAL,
    Status.RETIRED: Result.FORMERLY_OFFICIAL,
    Status.COMPROMISED: Result.COMPROMISED,
}


# Refusals that may hide a look-alike: the folded text is read again to name what it imitates.
_FOLDABLE = frozenset({"invisible_characters", "invalid_handle", "unknown_platform", "invalid_link",
                       "platform_required", "not_an_account"})


# What the last refresh found wrong with an official account, until a reviewer has looked: the
# answer stays "official" (the register has not changed) but says plainly not to rely on it yet.
# Most serious first: an impostor may hold the handle now.
CAUTIONS = {
    AlertKind.ID_CHANGED: _("The platform reports that this handle now belongs to a different account. The "
                            "Government Communication Office is checking it: do not trust it until then."),
    AlertKind.RENAMED: _("The official account has changed its handle on the platform, so this handle may now be "
                         "free for anyone to take. The Government Communication Office is checking it."),
    AlertKind.SUSPENDED: _("The platform reports this account as suspended. The Government Communication Office "
                           "is checking it."),
    AlertKind.NOT_FOUND: _("The platform reports that this account no longer exists. The Government "
                           "Communication Office is checking it."),
}


_OPEN_CAUTIONS = CompiledRead(lambda channel_id: (
    Alert.objects.filter(channel_id=channel_id, resolved_at__isnull=True, kind__in=list(CAUTIONS))
    .order_by("opened_at", "pk")))


def open_caution(channel: Channel | None) -> Alert | None:
    """The open alert that puts an official channel under check (the most serious kind in CAUTIONS,
    the oldest of that kind), or None."""
    if channel is None or channel.status != Status.APPROVED:
        return None
    alerts = _OPEN_CAUTIONS(channel.pk)
    order = list(CAUTIONS)
    return min(alerts, key=lambda alert: order.index(AlertKind(alert.kind)), default=None)


def caution_for(channel: Channel | None) -> str:
    """The caution code for an official channel with an open alert of a kind in CAUTIONS, or ""."""
    alert = open_caution(channel)
    return alert.kind if alert is not None else ""


@dataclass(frozen=True)
class VerifyAnswer:
    result: str
    channel: Channel | None = None
    lookalikes: list[Channel] = field(default_factory=list)  # the closest first, at most three
    lookalike_reasons: list[str] = field(default_factory=list)  # how each differs, in the same order
    link: AccountLink | None = None
    error_code: str = ""
    error_message: str = ""
    examples: dict[Platform, tuple[str, ...]] = field(default_factory=dict)
    caution: str = ""  # a key of CAUTIONS when the official account's last refresh found trouble
    caution_since: datetime | None = None  # when that was seen
    # Every public registration of the handle asked about, one per platform, `channel` first: a handle
    # typed without its platform may be official on several ("Official on X, Instagram and YouTube").
    matches: list[Channel] = field(default_factory=list)
    # Text that reads as a name ("وزارة الخارجية"), not an account: the entities it may mean.
    entities: list[Entity] = field(default_factory=list)
    # With KNOWN_IMPOSTOR: the GCO's mark (when it was reported to the platform).
    impostor: KnownImpostor | None = None
    # A platform's share link the answer was read through ("vm.tiktok.com/ZM…"), or "".
    shared_link: str = ""
    # A link of another platform than the one chosen (a Facebook link with X chosen): the answer is
    # the link's, and this sentence says the platform chosen was not the link's.
    platform_note: str = ""

    @property
    def lookalike_rows(self) -> list[tuple[Channel, str]]:
        return list(zip(self.lookalikes, self.lookalike_reasons, strict=True))

    @property
    def radar_sighting(self) -> tuple[AccountLink, Channel] | None:
        """What the impostor radar counts of this answer: a readable handle that is not registered but
        looks like an official account, and the closest such account; None for anything else."""
        if self.result in (Result.NOT_REGISTERED, Result.KNOWN_IMPOSTOR) and self.link and self.lookalikes:
            return self.link, self.lookalikes[0]
        return None

    @property
    def caution_message(self) -> str:
        return str(CAUTIONS[AlertKind(self.caution)]) if self.caution else ""


def checked_answer(text: str, platform: str | None = None) -> VerifyAnswer:
    """`verify`'s answer, computed once per register version (and language) and then read from the
    shared cache: a rush of people asking about the same account costs one computation."""
    return cached(VERIFY, (text, platform or ""), lambda: verify(text, platform))


def verify(text: str, platform: str | None = None) -> VerifyAnswer:
    if is_short_link(text):
        return _shared(text, platform)
    try:
        link = parse_account_link(text, platform)
    except PlatformMismatch as mismatch:
        # The link is the truth: a person who left X chosen and pasted a Facebook link is asking about
        # that Facebook account. The answer is its answer, with a note that the choice was not the link's.
        if mismatch.account is None:
            return _unreadable(text, platform, mismatch)
        return replace(_answer_for(mismatch.account), platform_note=mismatch.message)
    except AccountLinkError as error:
        return _unreadable(text, platform, error)
    return _answer_for(link)


def _shared(text: str, platform: str | None) -> VerifyAnswer:
    """A share link copied from a platform's app (vm.tiktok.com/…, facebook.com/share/…): opened once,
    on that platform's own host only, to see which account it leads to (accounts/platforms/short_links.py)."""
    try:
        link = resolve(text, platform)
    except AccountLinkError as error:
        return VerifyAnswer(result=Result.INVALID, error_code=error.code, error_message=error.message,
                            examples=link_examples())
    return replace(_answer_for(link), shared_link=text.strip())


def _answer_for(link: AccountLink) -> VerifyAnswer:
    channel = _public_match(link)
    if channel is not None and channel.status != Status.RETIRED:
        return _registered(channel, link, [channel])
    # A handle the government has left may since have been taken by an impostor: the GCO's mark
    # outranks the old registration (and only that one: never a live registration).
    marks = standing_marks([_key(link)])
    if channel is not None and not marks:
        return _registered(channel, link, [channel])
    ranked = closest_officials(link.handle_key, link.platform)
    return VerifyAnswer(result=Result.KNOWN_IMPOSTOR if marks else Result.NOT_REGISTERED, link=link,
                        impostor=marks[0] if marks else None, lookalikes=[channel for channel, _ in ranked],
                        lookalike_reasons=[reason for _, reason in ranked])


def _key(link: AccountLink) -> tuple[str, str]:
    return link.platform.value, link.handle_key


def _registered(channel: Channel, link: AccountLink, matches: list[Channel]) -> VerifyAnswer:
    """The answer for a public registration: its status's, or under check while a caution is open."""
    alert = open_caution(channel)
    result = Result.UNDER_CHECK if alert is not None else _ANSWER_FOR_STATUS[channel.status]
    return VerifyAnswer(result=result, channel=channel, link=link, matches=matches,
                        caution=alert.kind if alert else "", caution_since=alert.opened_at if alert else None)


def _public_matches(condition: Q):
    """The public registrations under these keys, best first: a live approved one wins over a
    compromised one, and both over a retired one (the newest retirement first)."""
    rank = Case(
        When(status=Status.APPROVED, then=Value(0)),
        When(status=Status.COMPROMISED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Channel.public_objects.with_owner().filter(condition)
        .annotate(rank=rank).order_by("rank", "-retired_at", "-pk")
    )


# The first question of every verify: its SQL built once (registry/compiled.py).
_PUBLIC_MATCH = CompiledRead(lambda platform, handle_key: (
    _public_matches(Q(platform=platform, handle_key=handle_key))[:1]))


def _public_match(link: AccountLink) -> Channel | None:
    found = _PUBLIC_MATCH(str(link.platform), link.handle_key)
    return found[0] if found else None


def _unreadable(text: str, platform: str | None, error: AccountLinkError) -> VerifyAnswer:
    if error.code == "platform_required":
        answer = _bare_handle(text)
        if answer is not None:
            return answer
    ranked = _lookalikes_of_unreadable(text, platform) if error.code in _FOLDABLE else []
    if error.code == "platform_required":
        # Registered nowhere under this very handle (else _bare_handle answered): a look-alike may
        # be named, but never an account whose handle is exactly the one typed.
        typed = {link.handle_key for link in _handle_on_each_platform(text)}
        ranked = [(channel, reason) for channel, reason in ranked if channel.handle_key not in typed]
    ranked = ranked[:3]
    # A handle without its platform stays unanswered (the look-alikes say which ones it may mean);
    # text that only reads as an official handle once folded is an imitation, never that handle.
    readable = ranked and error.code != "platform_required"
    named = entities_named(text) if not readable and _reads_as_a_name(text) else []
    return VerifyAnswer(
        entities=named,
        result=Result.NOT_REGISTERED if readable else Result.INVALID,
        lookalikes=[channel for channel, _ in ranked],
        lookalike_reasons=[reason for _, reason in ranked],
        error_code=error.code,
        error_message=error.message,
        examples=link_examples(),
    )


def _reads_as_a_name(text: str) -> bool:
    """Words, not a link or a handle: two or more of them, or Arabic letters."""
    text = text.strip() if isinstance(text, str) else ""
    if not text or len(text) > 200 or "/" in text or "@" in text:
        return False
    return " " in text or any("\u0600" <= char <= "\u06ff" for char in text)


def _handle_on_each_platform(text: str) -> list[AccountLink]:
    links = []
    for rules in LINK_RULES.values():
        try:
            links.append(rules.parse_handle(text.strip()))
        except (AccountLinkError, ValueError):
            continue
    return links


def _bare_handle(text: str) -> VerifyAnswer | None:
    """A handle with no platform, looked up on every platform: the answer of its best public
    registration, with every platform it is registered on (`matches`, one each); None if none."""
    links = _handle_on_each_platform(text)
    if not links:
        return None
    condition = Q()
    for link in links:
        condition |= Q(platform=link.platform, handle_key=link.handle_key)
    matches, platforms = [], set()
    for channel in _public_matches(condition):
        if channel.platform not in platforms:  # one per platform: its best registration
            platforms.add(channel.platform)
            matches.append(channel)
    order = list(Platform)
    matches.sort(key=lambda channel: (channel.rank, order.index(channel.platform)))  # X before Instagram...
    if not matches or matches[0].status == Status.RETIRED:
        marks = standing_marks([_key(link) for link in links])
        if marks:  # marked on some platform, registered live on none: the mark's answer
            marked = {(mark.platform, mark.handle_key) for mark in marks}
            return _answer_for(next(link for link in links if _key(link) in marked))
    if not matches:
        return None
    best = matches[0]
    link = next(link for link in links if link.platform == best.platform)
    return _registered(best, link, matches)


# Look-alikes read per link of unreadable text: the three shown, and one more for the account whose
# handle is exactly the one typed, which a handle without its platform never names (_unreadable).
LOOKALIKES_OF_UNREADABLE = 4


def _lookalikes_of_unreadable(text: str, platform: str | None) -> list[tuple[Channel, str]]:
    """Official channels that text refused for hidden or look-alike characters reads as, once folded,
    closest first, each with how it differs."""
    if not isinstance(text, str) or len(text) > 4 * 2048:
        return []
    try:
        folded = ascii_fold(text)
    except (TypeError, ValueError):
        return []
    if not folded.strip():
        return []
    try:
        links = [(link.platform, link.handle_key) for link in [parse_account_link(folded, platform or None)]]
    except AccountLinkError as error:
        if error.code == "invalid_handle" and error.platform and error.handle:
            # A handle no account can have ("MOFAUAE_official_gov" is too long for X) may still be
            # dressed up as an official one: name it, though nobody can open such an account.
            links = [(error.platform, error.handle.lower())]
        elif error.code == "platform_required":
            links = [(link.platform, link.handle_key) for link in _handle_on_each_platform(folded)]
        else:
            return []
    found: list[tuple[Channel, str]] = []
    for link_platform, key in links:
        for channel, reason in closest_officials(key, link_platform, limit=LOOKALIKES_OF_UNREADABLE,
                                                 exact_counts=True):
            if channel not in [seen for seen, _ in found]:
                found.append((channel, reason))
    return found
