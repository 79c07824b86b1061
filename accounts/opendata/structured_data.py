"""Structured data for search engines (schema.org as JSON-LD): an entity is a GovernmentOrganization,
an official a Person who works for it, and `sameAs` lists their official channels' links, which is
how a search engine ties accounts to an organisation. Only approved channels are named: never a
draft, a submission, a rejection, nor a retired or compromised account (not to be trusted now)."""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from accounts.models import Channel, Status
from entities.models import Entity, Official

# The most links one owner's `sameAs` lists: a real owner has a handful; a page stays small whatever.
MAX_SAME_AS = 50

# What must not appear raw inside a <script> element: "</script>" would end it, "<!--" would change how
# it is read; escaped as JSON escapes, the data reads the same (what Django's json_script does).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data: dict) -> SafeString:
    """`data` as a JSON-LD <script> element. A data block, not a script: browsers never run it, so
    the Content-Security-Policy (no inline scripts) does not apply to it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 -- escaped above


def official_links(entity: Entity) -> dict[int | None, list[str]]:
    """The canonical links of the approved channels of an entity (under None) and of each of its
    officials (by id), at most MAX_SAME_AS each, in one query however many the entity holds."""
    channels = (
        Channel.public_objects.filter(entity=entity, status=Status.APPROVED)
        .annotate(place=Window(RowNumber(), partition_by=[F("official_id")], order_by=["platform", "handle_key", "id"]))
        .filter(place__lte=MAX_SAME_AS)
        .order_by("official_id", "platform", "handle_key", "id")
    )
    links: dict[int | None, list[str]] = defaultdict(list)
    for official_id, link in channels.values_list("official_id", "canonical_url"):
        links[official_id].append(link)
    return links


def _other_language(bilingual) -> str:
    return bilingual.name_en if (get_language() or "ar").startswith("ar") else bilingual.name_ar


def _organization(entity: Entity, links: list[str], absolute: Callable[[str], str]) -> dict:
    page = absolute(reverse("entity", args=[entity.slug]))
    node = {
        "@type": "GovernmentOrganization",
        "@id": f"{page}#organization",
        "name": entity.name,
        "alternateName": _other_language(entity),
        "url": entity.website or page,
        "mainEntityOfPage": page,
        "areaServed": {"@type": "Country", "name": "United Arab Emirates"},
    }
    if links:
        node["sameAs"] = links
    return node


def _person(official: Official, organization: dict, links: list[str], page: str) -> dict:
    node = {
        "@type": "Person",
        "@id": f"{page}#official-{official.slug}",
        "name": official.name,
        "alternateName": _other_language(official),
        "worksFor": {"@id": organization["@id"]},
        "affiliation": {"@id": organization["@id"]},
    }
    if official.title:
        node["jobTitle"] = official.title
    if links:
        node["sameAs"] = links
    return node


def entity_structured_data(entity: Entity, officials: Iterable[Official], absolute: Callable[[str], str]) -> dict:
    """An entity's page: the organisation and each of the officials it lists."""
    officials = list(officials)
    links = official_links(entity)
    organization = _organization(entity, links.get(None, []), absolute)
    page = organization["mainEntityOfPage"]
    people = [_person(official, organization, links.get(official.pk, []), page) for official in officials]
    return {"@context": "https://schema.org", "@graph": [organization, *people]}


def channel_structured_data(channel: Channel, absolute: Callable[[str], str]) -> dict:
    """A channel's page: whose account it is (the organisation, and the official if it is theirs), each
    with their approved channels; this one among them only while it is official."""
    links = official_links(channel.entity)
    organization = _organization(channel.entity, links.get(None, []), absolute)
    graph = [organization]
    if channel.official is not None:
        graph.append(_person(channel.official, organization, links.get(channel.official_id, []),
                             organization["mainEntityOfPage"]))
    return {"@context": "https://schema.org", "@graph": graph}
