"""What an import would do with each row of a file, decided without writing anything.

The preview plans the file's rows, and the confirm step plans the same rows again (from what
the preview kept of them) before it writes: `Planner.digest()` sums up every row's outcome, so
the confirm step can refuse if the register changed what any row would do.

A row's outcome, checked in this order (the first that applies):
    unreadable        the link (or handle) reads as no account; why, in the person's language
    invalid           another cell cannot be used (an unknown language, a description too long,
                      an entity other than the one chosen for the whole file)
    duplicate         the same account as an earlier row of the file
    unknown_entity    no entity of that slug or name (the closest names are offered); a reviewer
                      may have it created from the file (`create_entities`)
    not_allowed       an entity the importer does not edit for
    unknown_official  no official of that slug or name at the entity
    already           the entity already has this account in the register (any state but rejected)
    held              another entity's live registration holds it
    mismatch          to be registered, but the platform column disagrees with the link (the link
                      decides, and the disagreement is shown)
    register          to be registered
"""
from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from accounts.imports.columns import read_languages, read_platform
from accounts.imports.files import SheetRow
from accounts.models import LIVE_STATUSES, Channel, ImportOutcome, Status
from accounts.platforms import AccountLink, AccountLinkError, PlatformMismatch, parse_account_link
from accounts.search import normalize
from accounts.services import MAX_DESCRIPTION
from accounts.workflow import is_reviewer, may_act_for_entity
from entities.models import Entity, Official

MAX_DISPLAY_NAME = 200
CLOSEST_SHOWN = 3
Outcome = ImportOutcome


@dataclass
class Planned:
    """One row, planned."""

    number: int
    given: dict[str, str]
    outcome: ImportOutcome | None = None
    account: AccountLink | None = None
    languages: list[str] = field(default_factory=list)
    entity_id: int | None = None
    new_entity: tuple[str, str] | None = None  # (English name, Arabic name) of an entity to create
    official_id: int | None = None
    existing_id: int | None = None
    duplicate_of: int | None = None
    detail: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str] | None:
        return (self.account.platform.value, self.account.handle_key) if self.account else None

    def summary(self) -> str:
        """What the digest keeps of the row: everything its outcome was decided on."""
        return repr((self.number, str(self.outcome), self.key, self.entity_id, self.new_entity, self.official_id,
                     self.existing_id, self.duplicate_of))


def read_link(given: dict[str, str]) -> tuple[AccountLink | None, dict]:
    """The account a row's link (or handle) reads as, and what to say about it: a disagreeing
    platform column ({"chosen", "found"}), or why the link reads as no account ({"code"})."""
    link = given.get("link") or given.get("handle") or ""
    platform = read_platform(given.get("platform", ""))
    try:
        return parse_account_link(link, platform or None), {}
    except PlatformMismatch as mismatch:
        if mismatch.account is None:
            return None, {"code": mismatch.code}
        return mismatch.account, {"chosen": mismatch.chosen.value, "found": mismatch.found.value}
    except AccountLinkError as refused:
        return None, {"code": refused.code}


def link_refusal(given: dict[str, str]) -> str:
    """Why a row's link reads as no account, as a sentence in the current language (the same
    reading again: it fetches nothing and costs microseconds)."""
    link = given.get("link") or given.get("handle") or ""
    platform = read_platform(given.get("platform", ""))
    try:
        parse_account_link(link, platform or None)
    except AccountLinkError as refused:
        return refused.message
    return ""


def _name_keys(*names: str) -> list[str]:
    return [key for key in (normalize(name) for name in names if name) if key]


class Planner:
    """Plans rows batch after batch, remembering across batches what a duplicate needs (the accounts
    seen so far) and reading the entities and officials once."""

    def __init__(self, actor, *, entity: Entity | None = None, create_entities: bool = False):
        self.actor = actor
        self.entity = entity
        self.create_entities = create_entities and is_reviewer(actor)
        self.seen: dict[tuple[str, str], int] = {}
        self._hash = hashlib.sha256()
        self._entities: dict[str, set[int]] | None = None
        self._entity_names: dict[str, int] = {}
        self._closest: dict[str, list[int]] = {}
        self._officials: dict[int, dict[str, set[int]]] = {}

    # --- Entities and officials, read once -------------------------------------------------------

    def _entity_index(self) -> dict[str, set[int]]:
        if self._entities is None:
            self._entities = {}
            for pk, slug, name_en, name_ar in Entity.objects.filter(is_active=True).values_list(
                    "pk", "slug", "name_en", "name_ar"):
                for key in {slug.lower(), *_name_keys(name_en, name_ar)}:
                    self._entities.setdefault(key, set()).add(pk)
                for key in _name_keys(name_en, name_ar):
                    self._entity_names[key] = pk
        return self._entities

    def find_entity(self, text: str) -> set[int]:
        index = self._entity_index()
        return index.get(text.strip().lower(), set()) | index.get(normalize(text), set())

    def closest_entities(self, text: str) -> list[int]:
        key = normalize(text)
        if key not in self._closest:
            self._entity_index()
            names = difflib.get_close_matches(key, self._entity_names, n=CLOSEST_SHOWN * 2, cutoff=0.5)
            self._closest[key] = list(dict.fromkeys(self._entity_names[name] for name in names))[:CLOSEST_SHOWN]
        return self._closest[key]

    def _official_index(self, entity_id: int) -> dict[str, set[int]]:
        if entity_id not in self._officials:
            index: dict[str, set[int]] = {}
            for pk, slug, name_en, name_ar in Official.objects.filter(entity_id=entity_id, is_active=True) \
                    .values_list("pk", "slug", "name_en", "name_ar"):
                for key in {slug.lower(), *_name_keys(name_en, name_ar)}:
                    index.setdefault(key, set()).add(pk)
            self._officials[entity_id] = index
        return self._officials[entity_id]

    # --- Planning --------------------------------------------------------------------------------

    def plan(self, rows: Iterable[SheetRow]) -> list[Planned]:
        """Plan a batch of rows (a thousand at a time: one query finds the registrations they name)."""
        planned = [self._plan_alone(row) for row in rows]
        self._plan_against_register([row for row in planned if row.outcome is None])
        for row in planned:
            self._hash.update(row.summary().encode())
        return planned

    def digest(self) -> str:
        return self._hash.hexdigest()

    def _plan_alone(self, row: SheetRow) -> Planned:
        """Everything that can be decided without the register's channels."""
        given = row.values
        planned = Planned(row.number, given)
        account, said = read_link(given)
        if account is None:
            planned.outcome, planned.detail = Outcome.UNREADABLE, said
            return planned
        planned.account, planned.detail = account, said
        languages, unknown = read_languages(given.get("languages", ""))
        planned.languages = languages
        if unknown:
            return self._invalid(planned, "languages", value=" ".join(unknown))
        if len(given.get("description", "")) > MAX_DESCRIPTION:
            return self._invalid(planned, "description", length=len(given["description"]), limit=MAX_DESCRIPTION)
        if len(given.get("display_name", "")) > MAX_DISPLAY_NAME:
            return self._invalid(planned, "display_name", length=len(given["display_name"]), limit=MAX_DISPLAY_NAME)

        first = self.seen.setdefault(planned.key, row.number)
        if first != row.number:
            planned.outcome, planned.duplicate_of = Outcome.DUPLICATE, first
            return planned
        if not self._plan_entity(planned):
            return planned
        if planned.entity_id is not None and not may_act_for_entity(self.actor, planned.entity_id):
            planned.outcome = Outcome.NOT_ALLOWED
            return planned
        self._plan_official(planned)
        return planned

    @staticmethod
    def _invalid(planned: Planned, field_name: str, **detail) -> Planned:
        planned.outcome, planned.detail = Outcome.INVALID, {**planned.detail, "field": field_name, **detail}
        return planned

    def _plan_entity(self, planned: Planned) -> bool:
        """Find the row's entity (or the one to create); False when the row's outcome is decided."""
        named = planned.given.get("entity", "")
        if self.entity is not None:
            if named and self.entity.pk not in self.find_entity(named):
                self._invalid(planned, "entity", value=named, chosen=self.entity.pk)
                return False
            planned.entity_id = self.entity.pk
            return True
        if not named:
            planned.outcome = Outcome.UNKNOWN_ENTITY
            return False
        found = self.find_entity(named)
        if len(found) == 1:
            planned.entity_id = next(iter(found))
            return True
        name_ar = planned.given.get("entity_ar", "")
        if not found and self.create_entities and name_ar and not _in_arabic(named):
            planned.new_entity = (named, name_ar)
            return True
        planned.outcome = Outcome.UNKNOWN_ENTITY
        planned.detail = {**planned.detail, "closest": sorted(found) or self.closest_entities(named)}
        return False

    def _plan_official(self, planned: Planned) -> None:
        named = planned.given.get("official", "")
        if not named:
            return
        found: set[int] = set()
        if planned.entity_id is not None:
            index = self._official_index(planned.entity_id)
            found = index.get(named.strip().lower(), set()) | index.get(normalize(named), set())
        if len(found) == 1:
            planned.official_id = next(iter(found))
        else:
            planned.outcome = Outcome.UNKNOWN_OFFICIAL

    def _plan_against_register(self, rows: list[Planned]) -> None:
        """Already in the register for the row's entity, held by another registration, or to register."""
        if not rows:
            return
        found: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
        registered = Channel.private_objects.filter(handle_key__in={row.account.handle_key for row in rows}) \
            .exclude(status=Status.REJECTED).order_by("pk").values_list("pk", "platform", "handle_key", "entity_id",
                                                                         "status")
        for pk, platform, handle_key, entity_id, status in registered:
            found.setdefault((platform, handle_key), []).append((pk, entity_id, status))
        for row in rows:
            channels = found.get(row.key, [])
            own = next((pk for pk, entity_id, _ in channels if entity_id == row.entity_id), None)
            holder = next((pk for pk, _, status in channels if status in LIVE_STATUSES), None)
            if own is not None:
                row.outcome, row.existing_id = Outcome.ALREADY, own
            elif holder is not None:
                row.outcome, row.existing_id = Outcome.HELD, holder
            else:
                row.outcome = Outcome.MISMATCH if "found" in row.detail else Outcome.REGISTER


def _in_arabic(text: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" for char in text)
