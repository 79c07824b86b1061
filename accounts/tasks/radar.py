"""The impostor radar's counts, written from Redis to the database every few minutes."""
from __future__ import annotations

from celery import shared_task

from accounts.radar.services import flush_sightings


@shared_task(name="accounts.tasks.flush_radar_counts", acks_late=True)
def flush_radar_counts() -> int:
    """Write the look-alike questions counted in Redis since the last flush; returns the rows."""
    return flush_sightings()
