"""`manage.py refresh_followers`: the daily refresh, run in the foreground with a progress bar."""
from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from accounts.monitoring.refresh import Outcome, batches, channels_to_refresh, refresh_batch, shared_adapter
from accounts.platforms import Platform
from accounts.platforms.api import FailureKind
from entities.models import Entity


class Command(BaseCommand):
    help = "Refresh follower counts from the platforms now, with the same code as the daily job."

    def add_arguments(self, parser):
        parser.add_argument("--platform", choices=Platform.values, default="", help="only this platform")
        parser.add_argument("--entity", default="", metavar="SLUG", help="only this entity's channels")
        parser.add_argument("--channel", type=int, default=None, metavar="ID", help="only this channel")
        parser.add_argument("--max-wait", type=float, default=900.0, metavar="SECONDS",
                            help="how long to wait for a platform's rate limit before giving up on a batch")

    def handle(self, *args, platform, entity, channel, max_wait, **options):
        if entity and not Entity.objects.filter(slug=entity).exists():
            raise CommandError(f"No entity has the slug {entity!r}.")
        channels = channels_to_refresh(platform=platform, entity=entity, channel=channel)
        total = channels.count()
        if channel is not None and total == 0:
            raise CommandError(f"Channel {channel} does not exist or is not official (approved or compromised).")
        outcome, done = Outcome(), 0
        adapters = {}
        self._progress(0, total)
        for batch_platform, ids in batches(channels.only("pk", "platform")):
            if batch_platform not in adapters:
                adapters[batch_platform] = shared_adapter(batch_platform, max_wait=max_wait)
            outcome.add(refresh_batch(ids, adapters[batch_platform], platform=batch_platform))
            done += len(ids)
            self._progress(done, total)
        self.stderr.write("")
        self._summary(outcome, total)

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width if total == 0 else width * done // total
        bar = "#" * filled + "-" * (width - filled)
        end = "\r" if sys.stderr.isatty() else "\n"
        self.stderr.write(f"[{bar}] {done}/{total} channels", ending=end)

    def _summary(self, outcome: Outcome, total: int) -> None:
        failed = sum(outcome.failed.values())
        self.stdout.write(f"Channels: {total}")
        self.stdout.write(f"  refreshed (count changed): {outcome.refreshed}")
        self.stdout.write(f"  unchanged: {outcome.unchanged}")
        self.stdout.write(f"  failed: {failed}")
        for kind, number in sorted(outcome.failed.items()):
            self.stdout.write(f"    {FailureKind(kind).value}: {number}")
        self.stdout.write(f"  not configured: {outcome.not_configured}")
        self.stdout.write(f"  reported by staff (no API): {outcome.reported}")
