"""Figures of the public register beyond the headline totals (accounts.selectors.register_totals)."""
from __future__ import annotations

from django.db.models import Sum

from accounts.models import Channel, Status
from accounts.platforms import Platform
from accounts.selectors import APPROVED_FIGURES


def platform_totals() -> dict[str, dict[str, int]]:
    """Official (approved) channels and their latest follower counts per platform, in one query (of
    the figures the database keeps per entity and platform, not of every channel).

    Every platform is listed, with zeros where the register has no channel on it yet.
    """
    rows = (
        APPROVED_FIGURES.filter(entity__is_active=True)
        .order_by()
        .values("platform")
        .annotate(channels=Sum("channels"), followers=Sum("followers", default=0))
    )
    figures = {row["platform"]: {"channels": row["channels"], "followers": row["followers"]} for row in rows}
    return {platform: figures.get(platform, {"channels": 0, "followers": 0}) for platform in Platform.values}


def largest_channels(limit: int = 10) -> list[Channel]:
    """The official channels with the most followers, by their latest counts."""
    return list(
        Channel.public_objects.with_owner().filter(status=Status.APPROVED, followers__isnull=False)
        .order_by("-followers", "id")[:limit]
    )


def recent_additions(limit: int = 10) -> list[Channel]:
    """The channels most recently made official."""
    return list(
        Channel.public_objects.with_owner().filter(status=Status.APPROVED).order_by("-approved_at", "-id")[:limit]
    )
