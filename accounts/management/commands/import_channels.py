"""`manage.py import_channels FILE`: import a register from a spreadsheet, as the staff area does.

Every row's outcome is printed, then (without --dry-run) the rows to register are registered, in
the name of the user given with --as, through the same preview and confirm services as the staff
pages and the API (accounts/imports/services.py). With --dry-run nothing is kept, not even the
import's preview.
"""
from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from accounts.imports.results import OUTCOME_ORDER, described
from accounts.imports.services import import_confirm, import_preview
from accounts.models import ChannelImport
from entities.models import Entity
from registry.direction import without_isolates
from registry.errors import RegistryError
from registry.models import User

PRINT_BATCH = 1000


class Command(BaseCommand):
    help = "Import channels from a CSV or XLSX file: preview every row, then register the rows to register."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="a .csv (UTF-8) or .xlsx file, its columns named in row 1")
        parser.add_argument("--entity", default="", metavar="SLUG", help="the entity every row is for")
        parser.add_argument("--create-entities", action="store_true",
                            help="create the entities the file names and the register lacks (reviewers only)")
        parser.add_argument("--dry-run", action="store_true", help="print what each row would do; change nothing")
        parser.add_argument("--as", dest="email", default="", metavar="EMAIL",
                            help="who imports: an editor of the entities, or a reviewer (required)")
        parser.add_argument("--language", choices=("ar", "en"), default="en", help="of the printed results")

    def handle(self, *args, file, entity, create_entities, dry_run, email, language, **options):
        if not email:
            raise CommandError("Say who imports with --as EMAIL: the import is theirs, and they cannot approve "
                               "what it registers.")
        actor = User.objects.filter(email__iexact=email, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user has the email {email!r}.")
        chosen = None
        if entity:
            chosen = Entity.objects.filter(slug=entity).first()
            if chosen is None:
                raise CommandError(f"No entity has the slug {entity!r}.")
        try:
            size = os.path.getsize(file)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        with translation.override(language):
            try:
                self._import(actor, file, size, chosen, create_entities, dry_run)
            except RegistryError as refused:
                raise CommandError(without_isolates(refused.message)) from refused

    def _import(self, actor, path: str, size: int, entity, create_entities: bool, dry_run: bool) -> None:
        # Whoever runs commands on the server has more than a second factor's worth of access.
        with transaction.atomic(), open(path, "rb") as file:
            channel_import = import_preview(actor=actor, file=file, file_name=os.path.basename(path), size=size,
                                            entity=entity, create_entities=create_entities, two_factor=True)
            self._print_rows(channel_import, actor)
            self._print_counts(channel_import)
            if dry_run:
                self.stdout.write("Dry run: nothing was registered or kept.")
                transaction.set_rollback(True)
                return
        channel_import = import_confirm(actor=actor, import_id=channel_import.pk, two_factor=True)
        self.stdout.write(self.style.SUCCESS(
            f"Import #{channel_import.pk}: {channel_import.registered} channels registered"
            + (f", {channel_import.entities_created} entities created" if channel_import.entities_created else "")
            + "."))

    def _print_rows(self, channel_import: ChannelImport, actor) -> None:
        last = 0
        while batch := list(channel_import.rows.filter(number__gt=last).order_by("number")[:PRINT_BATCH]):
            for row in described(batch, actor):
                # A terminal lays out no isolates (registry/direction.py): the sentence without them.
                self.stdout.write(f"row {row.number}: {row.outcome}: {without_isolates(row.sentence)}")
            last = batch[-1].number

    def _print_counts(self, channel_import: ChannelImport) -> None:
        self.stdout.write(f"Rows: {channel_import.rows_total}")
        for outcome in OUTCOME_ORDER:
            if channel_import.counts.get(outcome.value):
                self.stdout.write(f"  {outcome.value}: {channel_import.counts[outcome.value]}")
