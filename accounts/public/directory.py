"""Reads of the public directory: the register's channels filtered and searched, and the filters' options.

Only `Channel.public_objects` is ever read here, so no filter can reveal a draft, submitted,
rejected or changes-requested channel. By default the directory lists the channels that are
official now (approved) and those the GCO flagged as compromised (marked, so nobody trusts
them); retired channels show only when asked for.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, QuerySet

from accounts.models import LISTED_STATUSES, Channel, Status
from accounts.search import search_terms
from entities.models import Entity, Official
from registry.languages import in_page_language

# The statuses a person may ask the directory for; "" is the default listing.
DIRECTORY_STATUSES = (Status.APPROVED, Status.COMPROMISED, Status.RETIRED)


DEFAULT_STATUSES = LISTED_STATUSES


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


def directory_channels(filters: DirectoryFilters) -> QuerySet[Channel]:
    """The public channels matching the filters, with their owners, in the page language's order.

    The search matches every word of the query (normalised by `accounts.search.normalize`)
    anywhere in the channel's handle, display name, or its entity's or official's names.
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
    channels = search_channels(channels, filters.q)
    return channels.order_by(*directory_order())


def directory_order() -> tuple:
    """The directory's order in the page's language: the entity's name, the official's (channels of the
    entity itself first), platform, handle. On the owner names copied onto the channel, which the
    indexes channel_directory_ar/_en serve (ordering by the joined owners' columns gives the same order,
    which no index can serve)."""
    name = name_field()
    return (f"entity_{name}", F(f"official_{name}").asc(nulls_first=True), "platform", "handle_key", "id")


def directory_entities() -> list[Entity]:
    """The entities a person may filter by, by name in the page's language."""
    return list(Entity.objects.filter(is_active=True).order_by(name_field(), "id"))


def directory_officials() -> list[Official]:
    """The officials a person may filter by, by name in the page's language."""
    return list(
        Official.objects.filter(is_active=True, entity__is_active=True).select_related("entity")
        .order_by(name_field(), "id")
    )
