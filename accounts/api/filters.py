"""The filters of GET /api/v1/channels/ (and its CSV): one FilterSet, read by django-filter.

The queryset it filters is already limited to what the requester may see (the public: approved,
retired and compromised channels), so asking for `status=draft` finds nothing for the public
rather than an error that would tell anything about drafts.
"""
from __future__ import annotations

import django_filters
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from accounts.models import Channel, Language, Status
from accounts.platforms import Platform
from accounts.public.directory import search_channels

# Channels in a stable order after any ordering asked for, so pages neither skip nor repeat one.
TIE_BREAK = ("platform", "handle_key", "id")


class ChannelOrdering(django_filters.OrderingFilter):
    """`ordering=followers|-followers|handle|-handle|since|-since|platform|-platform`; channels
    without a follower count come last either way, and ties keep the register's order."""

    def get_ordering_value(self, param: str):
        descending = param.startswith("-")
        field = self.param_map[param.lstrip("-")]
        expression = F(field)
        return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)

    def filter(self, qs, value):
        ordering = [self.get_ordering_value(param) for param in value or () if param not in EMPTY_VALUES]
        return qs.order_by(*ordering, *TIE_BREAK) if ordering else qs


class ChannelFilter(django_filters.FilterSet):
    platform = django_filters.ChoiceFilter(choices=Platform.choices, help_text=_("Only this platform's channels."))
    entity = django_filters.CharFilter(
        field_name="entity__slug", help_text=_("The owning entity's slug (its officials' channels included).")
    )
    official = django_filters.CharFilter(field_name="official__slug", help_text=_("The official's slug."))
    language = django_filters.ChoiceFilter(
        choices=Language.choices, method="filter_language", help_text=_("Channels that post in this language.")
    )
    status = django_filters.ChoiceFilter(
        choices=Status.choices,
        help_text=_("The public sees approved, retired and compromised channels only; other states find none."),
    )
    search = django_filters.CharFilter(
        method="filter_search", max_length=200,
        help_text=_("Words in the handle, display name, or the entity's or official's name, Arabic or English."),
    )
    ordering = ChannelOrdering(
        fields=(("followers", "followers"), ("handle_key", "handle"), ("approved_at", "since"),
                ("platform", "platform")),
        help_text=_("followers, -followers, handle, since, platform (a minus sign reverses)."),
    )

    class Meta:
        model = Channel
        fields = ["platform", "entity", "official", "language", "status", "search"]

    def filter_language(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(languages__contains=[value])

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_channels(queryset, value)
