"""The sitemap (django.contrib.sitemaps): every public page in Arabic and English, each listing the
other and the language-choosing address as its alternates (hreflang), so search engines show
people the page in their language. Only what the public may see: never a draft, a submission or a
rejection. Built to stay cheap at a million channels (see PerLanguage)."""
from __future__ import annotations

import math

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import get_language

from accounts.models import Channel
from entities.models import Entity


class PerLanguage:
    """The (item, language) pairs of a sitemap, read a page at a time: Django's i18n sitemap lists
    every item of every page in memory first, a million channels to draw 25,000 of them."""

    def __init__(self, items, languages: list[str]):
        self.items, self.languages = items, languages

    def count(self) -> int:
        return self.items.count() * len(self.languages)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("only slices of a sitemap's pairs are read")
        languages = len(self.languages)
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        first = start // languages
        pairs = [(item, language) for item in self.items[first:math.ceil(stop / languages)]
                 for language in self.languages]
        return pairs[start - first * languages:stop - first * languages]


class RegisterSitemap(Sitemap):
    """A section of the sitemap in both languages, with hreflang alternates and x-default (the
    address without a language, which sends each visitor to theirs)."""

    i18n = True
    alternates = True
    x_default = True

    @property
    def paginator(self):
        return Paginator(PerLanguage(self.items(), self._languages()), self.limit)


class PagesSitemap(RegisterSitemap):
    """The register's pages that are not about one entity or channel."""

    changefreq = "daily"

    def items(self):
        return _Names(["home", "verify", "directory", "entities", "presence", "open_data", "open_data_register",
                       "open_data_presence"])

    def location(self, item: str) -> str:
        return reverse(item)


class _Names(list):
    """A list that counts like a queryset, for PerLanguage."""

    def count(self) -> int:
        return len(self)


class _Addresses:
    """Each language's address of a page kind, reversed once: a sitemap page draws 50,000 of them."""

    def __init__(self, name: str):
        self.name, self.patterns = name, {}

    def of(self, key) -> str:
        language = get_language()
        pattern = self.patterns.get(language)
        if pattern is None:
            pattern = self.patterns[language] = reverse(self.name, args=["00000"])
        return pattern.replace("00000", str(key), 1)


class _RowsSitemap(RegisterSitemap):
    """A section of one kind of page, one a row: `items` gives (address key, updated_at) in order,
    `addresses` draws each row's address."""

    addresses: _Addresses

    def location(self, item) -> str:
        return self.addresses.of(item[0])

    def lastmod(self, item):
        return item[1]

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class EntitiesSitemap(_RowsSitemap):
    """Each active entity's page (the pages the entities list links to)."""

    changefreq = "weekly"
    addresses = _Addresses("entity")

    def items(self):
        return Entity.objects.filter(is_active=True).order_by("pk").values_list("slug", "updated_at")


class ChannelsSitemap(_RowsSitemap):
    """Each public channel's page: official, formerly official and compromised ones, as the site shows them."""

    changefreq = "daily"
    addresses = _Addresses("channel")

    def items(self):
        return Channel.public_objects.order_by("pk").values_list("pk", "updated_at")


class ApiDocsSitemap(Sitemap):
    """The API's documentation: one page, in English (Swagger UI's own language)."""

    def items(self):
        return ["api-docs"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {
    "pages": PagesSitemap,
    "entities": EntitiesSitemap,
    "channels": ChannelsSitemap,
    "api": ApiDocsSitemap,
}
