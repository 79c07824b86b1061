"""`manage.py refresh_followers`: the daily refresh, run in the foreground with a progress bar.

A platform's short rate limit is waited out (the progress output says for what and until when);
one lasting longer than `REFRESH_WAIT_MAX_SECONDS` (or --max-wait) is recorded for the channels
left, and the summary says when to run the command again (accounts/monitoring/foreground.py).
"""
from __future__ import annotations

import sys
from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.monitoring.foreground import ForegroundRefresh, Wait
from accounts.monitoring.refresh import Outcome, batches, channels_to_refresh
from accounts.platforms import Platform
from accounts.platforms.api import FailureKind
from entities.models import Entity


class Command(BaseCommand):
    help = "Refresh follower counts from the platforms now, with the same code as the daily job."

    def add_arguments(self, parser):
        parser.add_argument("--platform", choices=Platform.values, default="", help="only this platform")
        parser.add_argument("--entity", default="", metavar="SLUG", help="only this entity's channels")
        parser.add_argument("--channel", type=int, default=None, metavar="ID", help="only this channel")
        parser.add_argument("--max-wait", type=float, default=None, metavar="SECONDS",
                            help="the longest rate limit to wait out (default REFRESH_WAIT_MAX_SECONDS, "
                                 f"{settings.REFRESH_WAIT_MAX_SECONDS:g}); a longer one is recorded, and the "
                                 "summary says when to run again")

    def handle(self, *args, platform, entity, channel, max_wait, **options):
        if entity and not Entity.objects.filter(slug=entity).exists():
            raise CommandError(f"No entity has the slug {entity!r}.")
        channels = channels_to_refresh(platform=platform, entity=entity, channel=channel)
        total = channels.count()
        if channel is not None and total == 0:
            raise CommandError(f"Channel {channel} does not exist or is not official (approved or compromised).")
        max_wait = settings.REFRESH_WAIT_MAX_SECONDS if max_wait is None else max_wait
        refresh = ForegroundRefresh(max_wait=max_wait, on_wait=lambda wait: self._waiting(wait, done, total))
        outcome, done = Outcome(), 0
        self._progress(0, total)
        try:
            for batch_platform, ids in batches(channels.only("pk", "platform")):
                outcome.add(refresh.refresh(batch_platform, ids))
                done += len(ids)
                self._progress(done, total)
        finally:
            refresh.close()
        self.stderr.write("")
        self._summary(outcome, total)
        self._run_again(refresh)

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width if total == 0 else width * done // total
        bar = "#" * filled + "-" * (width - filled)
        end = "\r" if sys.stderr.isatty() else "\n"
        self.stderr.write(f"[{bar}] {done}/{total} channels", ending=end)

    def _waiting(self, wait: Wait, done: int, total: int) -> None:
        # On its own line, so the bar's "\r" does not write over it.
        self.stderr.write("")
        self.stderr.write(
            f"[{done}/{total}] {Platform(wait.platform).label}: {wait.kind.value}; "
            f"waiting until {_clock(wait.until)} ({wait.seconds:.0f} s), then asking again for "
            f"{wait.channels} channel{'s' if wait.channels != 1 else ''}"
        )

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

    def _run_again(self, refresh: ForegroundRefresh) -> None:
        for platform, failure in sorted(refresh.given_up.items()):
            self.stdout.write(
                f"{Platform(platform).label} refuses calls until {_clock(failure.retry_at, date=True)} "
                f"({failure.kind.value}): {refresh.waiting.get(platform, 0)} channels recorded as waiting. "
                f"Run `manage.py refresh_followers --platform {platform}` again after then."
            )


def _clock(when: datetime | None, *, date: bool = False) -> str:
    if when is None:
        return "an unknown time"
    local = timezone.localtime(when)
    return local.strftime("%Y-%m-%d %H:%M:%S %Z" if date else "%H:%M:%S")
