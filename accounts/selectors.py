"""Reads of the register: querysets and figures for pages and the API (writes live in services)."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from accounts.models import Channel, Status
from entities.models import Entity, Official


@dataclass(frozen=True)
class RegisterTotals:
    channels: int  # official (approved) channels
    entities: int
    officials: int
    followers: int  # latest counts of the official channels

    @property
    def owners(self) -> int:
        return self.entities + self.officials


def register_totals() -> RegisterTotals:
    """The headline figures of the public register, in three queries."""
    channel_figures = Channel.public_objects.aggregate(
        channels=Count("id", filter=Q(status=Status.APPROVED)),
        followers=Sum("followers", filter=Q(status=Status.APPROVED), default=0),
    )
    return RegisterTotals(
        channels=channel_figures["channels"],
        entities=Entity.objects.filter(is_active=True).count(),
        officials=Official.objects.filter(is_active=True, entity__is_active=True).count(),
        followers=channel_figures["followers"],
    )


def sample_data_loaded() -> bool:
    """True while the demo register is loaded, so every page can say it shows sample data."""
    return Entity.objects.filter(is_sample=True).exists()


def channels_for(user):
    """Every channel the user may see in the staff area and the write API: a reviewer sees all,
    an editor their entities' channels, anyone else none. The public reads `public_objects`."""
    from accounts.workflow import editor_entity_ids, is_reviewer

    channels = Channel.private_objects.with_owner()
    if is_reviewer(user):
        return channels
    return channels.filter(entity_id__in=editor_entity_ids(user))
