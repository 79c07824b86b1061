"""`manage.py load_demo`: load (or bring up to date) the demo register of invented sample data."""
from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.demo import load_demo
from accounts.models import Status
from entities.models import Entity


class Command(BaseCommand):
    help = "Load the demo register: invented entities, officials, channels and a year of followers. Safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="load the sample data even beside real entities (never in production)"
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        with translation.override("en"):  # operators read the terminal in English
            self._load(force=force)

    def _load(self, *, force: bool) -> None:
        # The demo's staff passwords are published in the README: on a production site they would be
        # a reviewer's login for anyone. Whatever the database holds, and whatever --force says.
        if not settings.DEBUG:
            raise CommandError(
                "The demo register is for development only (its staff logins are published), and this site "
                "runs with DJANGO_DEBUG=0. Nothing was loaded."
            )
        if not force and Entity.objects.filter(is_sample=False).exists():
            raise CommandError(
                "This database holds real entities: the demo register would mix invented accounts into the "
                "real register. Nothing was loaded (use --force only on a test copy)."
            )
        started = time.monotonic()
        summary = load_demo()
        seconds = time.monotonic() - started
        by_status = ", ".join(
            f"{Status(status).label} {count}" for status, count in summary.channels_by_status.items()
        )
        write = self.stdout.write
        write(self.style.SUCCESS(f"Demo register loaded in {seconds:.1f}s (sample data, not real accounts)."))
        write(f"  owners:    {summary.owners} ({summary.entities} entities, {summary.officials} officials)")
        write(f"  channels:  {sum(summary.channels_by_status.values())} ({by_status})")
        write(f"  followers: {summary.followers:,} on approved channels")
        write(f"  snapshots: {summary.snapshots:,}")
        write(self.style.WARNING("Demo logins (DEMO ONLY: they guard sample data; never use them on a real register):"))
        for role, email, password in summary.users:
            write(f"  {role:<9} {email}  password: {password}")
        if summary.reviewer_enrolment_url:
            write("  The reviewer first sets up an authenticator app: open this single-use enrolment link, log in as")
            write(f"  the reviewer, and scan the QR code:  {summary.reviewer_enrolment_url}")
        else:
            write("  The reviewer has set up an authenticator app: log in with its code (or a backup code).")
