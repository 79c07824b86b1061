"""Figures of the public register beyond the headline totals (accounts.selectors.register_totals)."""
from __future__ import annotations

from accounts.models import Channel, Status
from accounts.platforms import Platform
from accounts.selectors import approved_platform_totals


def platform_totals() -> dict[str, dict[str, int]]:
    """Official (approved) channels and their latest follower counts per platform (from the figures the
    database keeps: accounts.selectors.approved_platform_totals, not a count of every channel).

    Every platform is listed, with zeros where the register has no channel on it yet.
    """
    figures = approved_platform_totals()
    totals = {}
    for platform in Platform.values:
        channels, followers = figures.get(platform, (0, 0))
        totals[platform] = {"channels": channels, "followers": followers}
    return totals


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
