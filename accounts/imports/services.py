"""Writes of an import: its preview (the file's rows planned and kept, nothing registered) and its
confirmation (the rows to register, registered through accounts/services.py as one-by-one
registration is: an editor's as drafts, a reviewer's as submissions).

The staff pages, the API and `manage.py import_channels` all call these two, which make the
workflow's one check (`require_importer`) with whether the login passed the second factor.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.imports.files import SheetRow, check_size, open_import_file
from accounts.imports.plan import Planned, Planner
from accounts.lookalikes import lookalike_officials
from accounts.models import REGISTERING_OUTCOMES, ChannelImport, ImportRow, ImportStatus
from accounts.search import normalize
from accounts.services import channel_act, channel_create, entity_create
from accounts.workflow import TRANSITIONS, Action, is_reviewer, missing_fields, require_importer
from entities.models import Entity, Official
from registry.errors import Conflict, NotFound, RegistryError

# Rows planned, and written to the database, per round: one query for the registrations a
# thousand rows name, one insert for the thousand rows.
BATCH = 1000


class RegisterChanged(Conflict):
    code = "register_changed"


class AlreadyConfirmed(Conflict):
    code = "already_confirmed"


def _digest(file: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: file.read(1 << 16), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _batches(rows: Iterator, size: int = BATCH) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _import_row(channel_import: ChannelImport, planned: Planned) -> ImportRow:
    account = planned.account
    detail = dict(planned.detail)
    if planned.new_entity:
        detail["new_entity"] = list(planned.new_entity)
    return ImportRow(
        channel_import=channel_import, number=planned.number, outcome=planned.outcome, given=planned.given,
        entity_id=planned.entity_id, official_id=planned.official_id,
        platform=account.platform.value if account else "", handle=account.handle if account else "",
        handle_key=account.handle_key if account else "", existing_id=planned.existing_id,
        duplicate_of=planned.duplicate_of, detail=detail,
    )


def import_preview(*, actor, file: IO[bytes], file_name: str, size: int, entity: Entity | None = None,
                   create_entities: bool = False, two_factor: bool = False) -> ChannelImport:
    """Read a file and plan every row; keep the import and its rows' outcomes, register nothing.

    `entity`: the entity every row is for (else each row's `entity` column says); `create_entities`:
    a reviewer's choice to have the entities the file names and the register lacks created on
    confirmation. A file the import cannot take at all is refused whole (FileRefused)."""
    require_importer(actor, entity_id=entity.pk if entity else None, create_entities=create_entities,
                     two_factor=two_factor)
    check_size(size)
    file_digest = _digest(file)  # before the rows are read: it reads the file from its start
    sheet = open_import_file(file, size=size)
    if "entity" not in sheet.columns and entity is None:
        sheet.close()
        raise RegistryError(
            _("The file has no “entity” column (“الجهة”): add one, or choose the entity all its rows are for."),
            code="missing_columns", field="entity",
        )
    planner = Planner(actor, entity=entity, create_entities=create_entities)
    counts: Counter[str] = Counter()
    with transaction.atomic():
        channel_import = ChannelImport.objects.create(
            created_by=actor, file_name=(file_name or "")[:255], file_digest=file_digest, entity=entity,
            create_entities=create_entities and is_reviewer(actor), digest="",
            columns={"read": {field: sheet.headings[index] for field, index in sheet.columns.items()},
                     "unread": sheet.unread},
        )
        for batch in _batches(sheet.rows()):
            planned = planner.plan(batch)
            counts.update(str(row.outcome) for row in planned)
            ImportRow.objects.bulk_create([_import_row(channel_import, row) for row in planned])
        channel_import.rows_total, channel_import.counts = counts.total(), dict(counts)
        channel_import.digest = planner.digest()
        channel_import.save(update_fields=["rows_total", "counts", "digest"])
    return channel_import


def _stored_rows(channel_import: ChannelImport) -> Iterator[SheetRow]:
    for number, given in channel_import.rows.order_by("number").values_list("number", "given").iterator(
            chunk_size=BATCH):
        yield SheetRow(number, given)


def import_confirm(*, actor, import_id: int, two_factor: bool = False) -> ChannelImport:
    """Register the preview's rows to register, all or none.

    The rows are planned again first: if the register has changed what any of them would do (a
    handle registered meanwhile, an entity added), nothing is written and the person previews the
    file again. Each channel is registered by `channel_create` (its `create` event names the import),
    and a reviewer's is then submitted by `channel_act`, so whoever imported is its author and
    cannot approve it (four eyes)."""
    with transaction.atomic():
        try:
            channel_import = ChannelImport.objects.select_for_update().get(pk=import_id, created_by=actor)
        except ChannelImport.DoesNotExist:
            raise NotFound(_("There is no such import, or it is not yours to confirm.")) from None
        if channel_import.is_confirmed:
            raise AlreadyConfirmed(_("This import has already been confirmed; nothing more was registered."))
        require_importer(actor, entity_id=channel_import.entity_id, create_entities=channel_import.create_entities,
                         two_factor=two_factor)
        entity = Entity.objects.get(pk=channel_import.entity_id) if channel_import.entity_id else None
        planner = Planner(actor, entity=entity, create_entities=channel_import.create_entities)
        to_register = [
            row for batch in _batches(_stored_rows(channel_import)) for row in planner.plan(batch)
            if row.outcome in REGISTERING_OUTCOMES
        ]
        if planner.digest() != channel_import.digest:
            raise RegisterChanged(
                _("The register has changed since this preview (a channel or an entity it names was added or "
                  "changed), so some rows would not do what the preview said. Nothing was registered: import the "
                  "file again to see a new preview.")
            )
        registered, created = _register(actor, channel_import, to_register, two_factor=two_factor)
        channel_import.status, channel_import.confirmed_at = ImportStatus.CONFIRMED, timezone.now()
        channel_import.registered, channel_import.entities_created = len(registered), created
        channel_import.save(update_fields=["status", "confirmed_at", "registered", "entities_created"])
    return channel_import


def _register(actor, channel_import: ChannelImport, rows: list[Planned], *, two_factor: bool
              ) -> tuple[dict[int, int], int]:
    """Register each row; {row number: channel id} and how many entities were created."""
    submit = is_reviewer(actor)
    new_entities: dict[str, Entity] = {}
    entities = Entity.objects.in_bulk({row.entity_id for row in rows if row.entity_id})
    officials = Official.objects.in_bulk({row.official_id for row in rows if row.official_id})
    registered: dict[int, int] = {}
    for row in rows:
        try:
            if row.new_entity:
                name_en, name_ar = row.new_entity
                entity = new_entities.get(normalize(name_en))
                if entity is None:
                    entity = new_entities[normalize(name_en)] = entity_create(
                        actor=actor, name_en=name_en, name_ar=name_ar, two_factor=two_factor)
            else:
                entity = entities[row.entity_id]
            channel = channel_create(
                actor=actor, entity=entity, link=row.account.canonical_url, platform=row.account.platform.value,
                official=officials.get(row.official_id), display_name=row.given.get("display_name", ""),
                languages=row.languages, description=row.given.get("description", ""), two_factor=two_factor,
                channel_import=channel_import,
            )
            # A row without what a submission needs, or whose handle looks like another entity's
            # official account, stays a draft for the entity's editors to complete or to vouch for
            # (the workflow refuses to submit it unconfirmed, and one such row must not refuse the
            # whole file; the reviewer importing it is not the one who knows whose account it is).
            if submit and not missing_fields(channel, TRANSITIONS[Action.SUBMIT].needs_fields) \
                    and not lookalike_officials(channel):
                channel_act(actor=actor, channel_id=channel.pk, action=Action.SUBMIT, two_factor=two_factor)
        except RegistryError as refused:
            # Planned a moment ago, refused now: the register changed under the import. All or none.
            raise RegisterChanged(
                _("Row %(row)s could not be registered: %(reason)s Nothing was registered: import the file again "
                  "to see a new preview.") % {"row": row.number, "reason": refused.message}
            ) from refused
        registered[row.number] = channel.pk
    _keep_channels(channel_import, registered)
    return registered, len(new_entities)


def _keep_channels(channel_import: ChannelImport, registered: dict[int, int]) -> None:
    """Each registered row points at its channel (and the row of a created entity, at the entity)."""
    numbers = list(registered)
    for start in range(0, len(numbers), BATCH):
        rows = list(channel_import.rows.filter(number__in=numbers[start:start + BATCH]))
        for row in rows:
            row.channel_id = registered[row.number]
        ImportRow.objects.bulk_update(rows, ["channel"])
