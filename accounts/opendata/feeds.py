"""The change feed for feed readers: Atom (django.contrib.syndication) and JSON Feed 1.1, of the whole
register or of one entity, in the page's language (/ar/feeds/..., /en/feeds/...).

They show the newest public changes (accounts/opendata/changes.py), newest first; each entry links to
the channel's public page. Programs that must not miss a change page through GET /api/v1/changes/.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.models import ChannelEvent
from accounts.opendata.changes import (
    KIND_OF_ACTION,
    ChangeFilters,
    change_payload,
    change_summary,
    change_title,
    latest_changes,
    official_slugs,
)
from entities.models import Entity
from registry.direction import isolate

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
JSON_FEED_TYPE = "application/feed+json"


@dataclass(frozen=True)
class FeedOf:
    """What a feed is of: the whole register, or one entity's channels."""

    entity: Entity | None = None

    @property
    def title(self) -> str:
        if self.entity is None:
            return _("Official Accounts Registry: changes")
        return _("Official Accounts Registry: changes to %(entity)s's accounts") % {"entity": isolate(self.entity.name)}

    @property
    def subtitle(self) -> str:
        return _("Official accounts of the UAE federal government that became official, were retired, were "
                 "flagged as compromised or restored, or whose details changed.")

    @property
    def home(self) -> str:
        return reverse("home") if self.entity is None else reverse("entity", kwargs={"slug": self.entity.slug})

    def feed_path(self, extension: str) -> str:
        if self.entity is None:
            return reverse(f"feed_changes_{extension}")
        return reverse(f"feed_entity_changes_{extension}", kwargs={"slug": self.entity.slug})

    def changes(self) -> list[ChannelEvent]:
        return latest_changes(ChangeFilters(entity=self.entity))


def feed_of(slug: str | None) -> FeedOf:
    if slug is None:
        return FeedOf()
    return FeedOf(get_object_or_404(Entity, slug=slug, is_active=True))


def entry_id(event: ChannelEvent) -> str:
    """A change's permanent id in feeds (a tag URI: the same whatever host or language serves it)."""
    return f"tag:{urlsplit(settings.SITE_URL).hostname or 'localhost'},2026:changes/{event.pk}"


def _channel_path(event: ChannelEvent) -> str:
    return reverse("channel", kwargs={"pk": event.channel_id})


class ChangesAtomFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug: str | None = None) -> FeedOf:
        return feed_of(slug)

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
        return response

    def title(self, of: FeedOf) -> str:
        return of.title

    def subtitle(self, of: FeedOf) -> str:
        return of.subtitle

    def link(self, of: FeedOf) -> str:
        return of.home

    def author_name(self) -> str:
        # Atom wants an author for the feed or every entry: the register's keeper.
        return _("UAE Government Communication Office")

    def feed_url(self, of: FeedOf) -> str:
        return of.feed_path("atom")

    def items(self, of: FeedOf) -> list[ChannelEvent]:
        return of.changes()

    def item_title(self, event: ChannelEvent) -> str:
        return change_title(event)

    def item_description(self, event: ChannelEvent) -> str:
        return change_summary(event)

    def item_link(self, event: ChannelEvent) -> str:
        return _channel_path(event)

    def item_guid(self, event: ChannelEvent) -> str:
        return entry_id(event)

    item_guid_is_permalink = False

    def item_pubdate(self, event: ChannelEvent):
        return event.at

    def item_updateddate(self, event: ChannelEvent):
        return event.at

    def item_categories(self, event: ChannelEvent) -> list[str]:
        return [KIND_OF_ACTION[event.action]]


@require_safe
def changes_json_feed(request: HttpRequest, slug: str | None = None) -> JsonResponse:
    """The same entries as JSON Feed 1.1; each item's `_registry` is the change as the API gives it."""
    of = feed_of(slug)
    changes = of.changes()
    site_url = request.build_absolute_uri("/")
    officials = official_slugs(changes)
    language = translation.get_language()
    body = {
        "version": JSON_FEED_VERSION,
        "title": of.title,
        "description": of.subtitle,
        "home_page_url": request.build_absolute_uri(of.home),
        "feed_url": request.build_absolute_uri(of.feed_path("json")),
        "language": language,
        "authors": [{"name": _("UAE Government Communication Office")}],
        "items": [{
            "id": entry_id(event),
            "url": request.build_absolute_uri(_channel_path(event)),
            "title": change_title(event),
            "content_text": change_summary(event),
            "date_published": event.at.isoformat(),
            "tags": [KIND_OF_ACTION[event.action]],
            "_registry": change_payload(event, site_url=site_url, officials=officials),
        } for event in changes],
    }
    response = JsonResponse(body, content_type=JSON_FEED_TYPE, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
    return response
