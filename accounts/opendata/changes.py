"""The change feed's reads: every public change to the register, in the order it was committed.

A public change is a channel event of a workflow step that changes what the public sees (the
transitions with a `change` kind in accounts/workflow.py: approved, retired, flagged compromised,
restored, details changed by an approved proposal). Drafts, submissions, rejections and requested
changes are never one, and only channels the public may see are ever named.

The order is the events' ids: the services take a lock before they write a public change's event
(accounts/services.py `_record`), so those ids are handed out in the order the changes commit, and a
reader resuming after an id never misses a change committed later with a smaller one. The API, the
Atom and JSON feeds and the webhooks all describe a change with `change_payload`.
"""
from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import PUBLIC_STATUSES, ChangeKind, ChannelEvent
from accounts.platforms import Platform
from accounts.workflow import PUBLIC_CHANGES
from entities.models import Entity, Official
from registry.direction import isolate
from registry.errors import RegistryError

# What each workflow action is called in the feed, and back.
KIND_OF_ACTION: dict[str, str] = {str(action): str(kind) for action, kind in PUBLIC_CHANGES.items()}
ACTIONS_OF_KIND: dict[str, list[str]] = {}
for _action, _kind in KIND_OF_ACTION.items():
    ACTIONS_OF_KIND.setdefault(_kind, []).append(_action)

_CURSOR_PREFIX = "c1."
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# The Atom and JSON feeds: the newest changes only; the API pages through all of them.
FEED_ITEMS = 50


class ChangeQueryError(RegistryError):
    """A change-feed request the server cannot read (HTTP 400, with a stable `code`)."""


@dataclass(frozen=True)
class ChangeFilters:
    entity: Entity | None = None
    platform: str | None = None
    kinds: tuple[str, ...] = ()


def encode_cursor(event_id: int) -> str:
    """An opaque position in the feed: stable, so a client may keep it as long as it likes."""
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{event_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    number = raw.removeprefix(_CURSOR_PREFIX)
    if not raw.startswith(_CURSOR_PREFIX) or not (number.isascii() and number.isdigit()) or len(number) > 18:
        raise ChangeQueryError(
            _("This cursor was not given by the change feed. Start without `after`, then follow `next`."),
            code="invalid_cursor", field="after",
        )
    return int(number)


def read_filters(*, entity: str | None = None, platform: str | None = None,
                 kinds: Iterable[str] = ()) -> ChangeFilters:
    """The filters as a person or program gave them (slugs and codes), checked; each unknown value
    is refused with its own code rather than answered with an empty feed that looks like "no news"."""
    found_entity = None
    if entity:
        found_entity = Entity.objects.filter(slug=entity, is_active=True).first()
        if found_entity is None:
            raise ChangeQueryError(_("There is no entity %(entity)s in the register.")
                                   % {"entity": isolate(entity, ltr=True)}, code="unknown_entity", field="entity")
    if platform and platform not in Platform.values:
        raise ChangeQueryError(
            _("Unknown platform: %(platform)s. Use one of: %(platforms)s.")
            % {"platform": isolate(platform, ltr=True), "platforms": isolate(", ".join(Platform.values), ltr=True)},
            code="unknown_platform", field="platform",
        )
    asked = tuple(dict.fromkeys(kind.strip() for value in kinds for kind in value.split(",") if kind.strip()))
    unknown = [kind for kind in asked if kind not in ChangeKind.values]
    if unknown:
        raise ChangeQueryError(
            _("Unknown kind of change: %(kinds)s. Use one of: %(known)s.")
            % {"kinds": isolate(", ".join(unknown), ltr=True),
               "known": isolate(", ".join(ChangeKind.values), ltr=True)},
            code="unknown_kind", field="kind",
        )
    return ChangeFilters(entity=found_entity, platform=platform or None, kinds=asked)


def read_limit(value: str | None) -> int:
    if value in (None, ""):
        return DEFAULT_LIMIT
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_LIMIT:
        raise ChangeQueryError(_("`limit` must be a whole number from 1 to %(most)d.") % {"most": MAX_LIMIT},
                               code="invalid_limit", field="limit")
    return int(value)


def public_changes(filters: ChangeFilters = ChangeFilters()) -> QuerySet[ChannelEvent]:
    """Every public change matching `filters`, oldest first, with what describing them reads."""
    actions = [action for kind in (filters.kinds or ChangeKind.values) for action in ACTIONS_OF_KIND.get(kind, [])]
    changes = ChannelEvent.objects.filter(action__in=actions, channel__status__in=PUBLIC_STATUSES)
    if filters.entity is not None:
        changes = changes.filter(channel__entity=filters.entity)
    if filters.platform:
        changes = changes.filter(channel__platform=filters.platform)
    return changes.select_related("channel__entity", "channel__official").order_by("id")


def changes_page(filters: ChangeFilters, *, after: int | None, limit: int) -> tuple[list[ChannelEvent], bool]:
    """Up to `limit` changes after the position `after` (None: from the first), and whether more follow."""
    changes = public_changes(filters)
    if after is not None:
        changes = changes.filter(id__gt=after)
    rows = list(changes[: limit + 1])
    return rows[:limit], len(rows) > limit


def latest_changes(filters: ChangeFilters = ChangeFilters(), *, count: int = FEED_ITEMS) -> list[ChannelEvent]:
    """The newest `count` changes, newest first: what the Atom and JSON feeds show."""
    return list(public_changes(filters).order_by("-id")[:count])


def official_slugs(changes: Sequence[ChannelEvent]) -> dict[int, str]:
    """The slugs of the officials the changes' proposals named (proposals keep the official's id)."""
    ids = {event.changes.get("official") for event in changes if event.changes.get("official")}
    return dict(Official.objects.filter(pk__in=ids).values_list("pk", "slug")) if ids else {}


def channel_page_url(channel_id: int, *, language: str, site_url: str) -> str:
    with translation.override(language):
        return site_url.rstrip("/") + reverse("channel", kwargs={"pk": channel_id})


def change_payload(event: ChannelEvent, *, site_url: str, officials: dict[int, str] | None = None) -> dict[str, Any]:
    """One change as programs read it, in the API, the JSON feed's `_registry` and the webhooks.

    The channel is described as the public register shows it now; `changes` gives, for a `changed`
    change, the values the approved proposal set (the official by slug)."""
    channel = event.channel
    entity = channel.entity
    changed = dict(event.changes) if KIND_OF_ACTION[event.action] == ChangeKind.CHANGED else {}
    if changed.get("official"):
        changed["official"] = (officials or official_slugs([event])).get(changed["official"])
    return {
        "cursor": encode_cursor(event.pk),
        "kind": KIND_OF_ACTION[event.action],
        "at": event.at.isoformat(),
        "status": event.to_status,
        "changes": changed,
        "channel": {
            "id": channel.pk,
            "platform": channel.platform,
            "handle": channel.handle,
            "url": channel.canonical_url,
            "display_name": channel.display_name,
            "status": channel.status,
            "entity": entity.slug,
            "official": channel.official.slug if channel.official_id else None,
            "pages": {language: channel_page_url(channel.pk, language=language, site_url=site_url)
                      for language in ("ar", "en")},
        },
        "entity": {"slug": entity.slug, "name_ar": entity.name_ar, "name_en": entity.name_en},
    }


def change_title(event: ChannelEvent) -> str:
    """The change in one sentence, in the active language: a feed entry's title."""
    channel = event.channel
    names = {
        "channel": f"{channel.get_platform_display()} {isolate(channel.handle, ltr=True)}",
        "owner": isolate(channel.official.name if channel.official_id else channel.entity.name),
    }
    kind = KIND_OF_ACTION[event.action]
    if kind == ChangeKind.APPROVED:
        return _("%(channel)s is now an official account of %(owner)s") % names
    if kind == ChangeKind.RETIRED:
        return _("%(channel)s is no longer an official account of %(owner)s") % names
    if kind == ChangeKind.COMPROMISED:
        return _("%(channel)s of %(owner)s has been flagged as compromised: do not trust it now") % names
    if kind == ChangeKind.RESTORED:
        return _("%(channel)s of %(owner)s is official again, no longer flagged as compromised") % names
    return _("The details of %(channel)s of %(owner)s have changed") % names


def change_summary(event: ChannelEvent) -> str:
    """A longer sentence for a feed entry's content: who runs it and what to do."""
    channel = event.channel
    names = {"entity": isolate(channel.entity.name), "kind": ChangeKind(KIND_OF_ACTION[event.action]).label}
    return _("%(kind)s. Run by %(entity)s. Open the channel's page in the register for its details.") % names
