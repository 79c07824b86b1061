"""Reads of the public directory: the register's channels filtered and searched, and the filters' options.

Only `Channel.public_objects` is ever read here, so no filter can reveal a draft, submitted,
rejected or changes-requested channel. By default the directory lists the channels that are
official now (approved) and those the GCO flagged as compromised (marked, so nobody trusts
them); retired channels show only when asked for.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import BooleanField, F, Q, QuerySet
from django.db.models.expressions import RawSQL

from accounts.models import LISTED_STATUSES, Channel, Status
from accounts.public.paging import capped_count, count_key, estimated_rows
from accounts.search import search_terms
from entities.models import Entity, Official
from registry.languages import in_page_language

# The statuses a person may ask the directory for; "" is the default listing.
DIRECTORY_STATUSES = (Status.APPROVED, Status.COMPROMISED, Status.RETIRED)


DEFAULT_STATUSES = LISTED_STATUSES

_CHANNEL = connection.ops.quote_name(Channel._meta.db_table)


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    entity: str = ""  # an entity's slug
    official: str = ""  # an official's slug
    platform: str = ""
    language: str = ""
    status: str = ""


def name_field() -> str:
    """The name column to sort owners by in the page's language."""
    return in_page_language("name_ar", "name_en")


def search_channels(channels: QuerySet[Channel], text: str) -> QuerySet[Channel]:
    """The channels matching every word of `text` (normalised by `accounts.search.normalize`)
    anywhere in the handle, display name, or the entity's or official's names: a substring of the
    stored `Channel.search_text`, which a trigram index serves where the server has one. The
    directory page and the API's `search` filter both search through here."""
    for term in search_terms(text):
        channels = channels.filter(search_text__contains=term)
    return channels


def directory_channels(filters: DirectoryFilters) -> QuerySet[Channel] | SearchedDirectory:
    """The public channels matching the filters, with their owners, in the page language's order.

    The search matches every word of the query (normalised by `accounts.search.normalize`)
    anywhere in the channel's handle, display name, or its entity's or official's names. When some
    entities hold every word in their own names, the matches are read in two parts (`SearchedDirectory`).
    """
    channels = Channel.public_objects.with_owner()
    if filters.status:
        channels = channels.filter(status=filters.status)
    else:
        channels = channels.filter(status__in=DEFAULT_STATUSES)
    if filters.entity:
        channels = channels.filter(entity__slug=filters.entity)
    if filters.official:
        channels = channels.filter(official__slug=filters.official)
    if filters.platform:
        channels = channels.filter(platform=filters.platform)
    if filters.language:
        channels = channels.filter(languages__contains=[filters.language])
    terms = search_terms(filters.q)
    matching = search_channels(channels, filters.q)
    if not terms or filters.entity or filters.official:
        return matching.order_by(*directory_order())
    holders = Entity.objects.all()
    for term in terms:
        holders = holders.filter(search_text__contains=term)
    if not holders.exists():
        return matching.order_by(*directory_order())
    # The others can only match a word their entity's name lacks through their own words: the trigram
    # index of `own_search_text` finds them.
    others = (matching.exclude(entity_id__in=holders.values("pk"))
              .filter(reduce(or_, [Q(own_search_text__contains=t) for t in terms])))
    return SearchedDirectory(HeldByName(matching, holders), others.order_by(*directory_order()), plain=matching)


class HeldByName:
    """The matching channels of the entities whose own names hold every word of a search, in the
    directory's order, read entity name by entity name until enough are read.

    A common word ("ministry") is in the names of thousands of entities. Given to PostgreSQL as a list
    of those entities (or their names), planning alone cost 10–20 ms at a million channels: the planner
    weighs every item of a constant list. Hidden in a subquery, the planner could no longer see that the
    directory's index serves them, and read half the register. So the entities are read grouped by name,
    in name order, and each name's channels are read from the directory's index (`entity_name_* =` the
    name: one index range, already in the directory's order), with an incremental sort that stops
    once a page is full.
    """

    def __init__(self, matching: QuerySet[Channel], holders: QuerySet[Entity]):
        self.matching = matching
        self.holders = holders

    def first(self, stop: int | None) -> tuple[str, list]:
        """The SQL (and parameters) of the first `stop` matches' ids and directory-order columns (None:
        every match)."""
        name = name_field()
        entity, official = f"entity_{name}", f"official_{name}"
        names = self.holders.order_by().values(name).annotate(ids=ArrayAgg("pk"))
        held = RawSQL(f"{_CHANNEL}.{entity} = holders.{name} AND {_CHANNEL}.entity_id = ANY(holders.ids)", (),
                      output_field=BooleanField())
        inner = (self.matching.filter(held).order_by(*directory_order()[1:])
                 .values("id", entity, official, "platform", "handle_key"))
        if stop is not None:
            inner = inner[:stop]
        names_sql, names_params = names.query.sql_with_params()
        inner_sql, inner_params = inner.query.sql_with_params()
        sql = (f"SELECT matches.* FROM ({names_sql}) AS holders CROSS JOIN LATERAL ({inner_sql}) AS matches "
               f"ORDER BY holders.{name}, matches.{official} NULLS FIRST, matches.platform, matches.handle_key, "
               f"matches.id")
        if stop is None:
            return sql, [*names_params, *inner_params]
        return f"{sql} LIMIT %s", [*names_params, *inner_params, stop]

    def count(self) -> int:
        """Every match, through the very statement the pages are read with."""
        return self._counted(*self.first(None))

    def capped_count(self, cap: int) -> int:
        return self._counted(*self.first(cap + 1))

    @staticmethod
    def _counted(sql: str, params: list) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({sql}) AS first", params)
            return cursor.fetchone()[0]

    def count_key(self) -> tuple:
        sql, params = self.first(1)  # the same statement whatever its limit
        return (sql, tuple(map(str, params)))


class SearchedDirectory:
    """A directory search's matches in two parts, paged as one list in the directory's order.

    A common word ("ministry", "وزارة") is mostly in entities' names, and the directory is ordered by
    the entity's name: reading every channel in that order and keeping the matches would read half the
    register before the first "Ministry of …". So: the channels of the entities whose own names hold
    every word (`HeldByName`, read in order through the directory's index, name by name), and those of
    the other entities, which can only match a word their entity lacks through their own words
    (`others`, found by `Channel.own_search_text`'s trigram index). Each part still checks the whole
    search text, so together they are exactly the matches of the plain query.
    """

    ordered = True

    def __init__(self, held: HeldByName, others: QuerySet[Channel], *, plain: QuerySet[Channel]):
        self.held, self.others = held, others
        self.plain = plain  # the same matches in one query: what the planner estimates best, with one EXPLAIN

    def __getitem__(self, index: slice) -> list[Channel]:
        """The channels from `index.start` to `index.stop`: each part's first `stop` in order, merged and cut
        by the database (its collation decides the order of names, as for the plain query)."""
        start, stop = index.start or 0, index.stop
        entity, official = (f"entity_{name_field()}", f"official_{name_field()}")
        held_sql, held_params = self.held.first(stop)
        others = self.others.values("id", entity, official, "platform", "handle_key")[:stop]
        others_sql, others_params = others.query.sql_with_params()
        first = RawSQL(
            f"SELECT id FROM (({held_sql}) UNION ALL ({others_sql})) AS matches "
            f"ORDER BY {entity}, {official} NULLS FIRST, platform, handle_key, id OFFSET %s LIMIT %s",
            (*held_params, *others_params, start, stop - start),
        )
        return list(Channel.public_objects.with_owner().filter(pk__in=first).order_by(*directory_order()))

    def count(self) -> int:
        return self.held.count() + self.others.count()

    def count_key(self) -> tuple | None:
        others = count_key(self.others)
        return None if others is None else (self.held.count_key(), others)

    def capped_count(self, cap: int) -> int:
        held = self.held.capped_count(cap)
        return held if held > cap else held + capped_count(self.others, cap - held)

    def estimated_rows(self) -> int:
        return estimated_rows(self.plain)


def directory_order() -> tuple:
    """The directory's order in the page's language: the entity's name, the official's (channels of the
    entity itself first), platform, handle. On the owner names copied onto the channel, which the
    indexes channel_directory_ar/_en serve (ordering by the joined owners' columns gives the same order,
    which no index can serve)."""
    name = name_field()
    return (f"entity_{name}", F(f"official_{name}").asc(nulls_first=True), "platform", "handle_key", "id")


# Above this many entities (or officials) a filter is a short name typed, not a list: a list of
# thousands is no help to a person, and drawing it on every directory page cost most of the page.
LISTED_OWNERS = 300


def directory_entities() -> list[tuple[str, str]] | None:
    """The entities a person may filter by, as (slug, name), by name in the page's language; None
    when there are more than LISTED_OWNERS (the filter then takes the entity's short name)."""
    name = name_field()
    listed = list(Entity.objects.filter(is_active=True).order_by(name, "id").values_list("slug", name)
                  [:LISTED_OWNERS + 1])
    return listed if len(listed) <= LISTED_OWNERS else None


def directory_officials() -> list[tuple[str, str]] | None:
    """The officials a person may filter by, as (slug, "name — entity's name"), by name in the page's
    language; None when there are more than LISTED_OWNERS."""
    name = name_field()
    officials = list(Official.objects.filter(is_active=True, entity__is_active=True).order_by(name, "id")
                     .values_list("slug", name, f"entity__{name}")[:LISTED_OWNERS + 1])
    if len(officials) > LISTED_OWNERS:
        return None
    return [(slug, f"{official} — {entity}") for slug, official, entity in officials]


def is_listed_entity(slug: str) -> bool:
    return Entity.objects.filter(is_active=True, slug=slug).exists()


def is_listed_official(slug: str) -> bool:
    return Official.objects.filter(is_active=True, entity__is_active=True, slug=slug).exists()
