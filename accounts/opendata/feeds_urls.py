"""The change feeds' URLs, under each language's prefix (/ar/feeds/, /en/feeds/)."""
from django.urls import path

from accounts.opendata.feeds import ChangesAtomFeed, changes_json_feed

changes_atom = ChangesAtomFeed()

urlpatterns = [
    path("changes.atom", changes_atom, name="feed_changes_atom"),
    path("changes.json", changes_json_feed, name="feed_changes_json"),
    path("entities/<slug:slug>/changes.atom", changes_atom, name="feed_entity_changes_atom"),
    path("entities/<slug:slug>/changes.json", changes_json_feed, name="feed_entity_changes_json"),
]
