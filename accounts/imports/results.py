"""Reads of imports: who sees which, a preview's rows page by page, each row's outcome said as a
sentence in the reader's language, and the per-row results as CSV."""
from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _, ngettext

from accounts.api.export import BOM, Lines, as_text
from accounts.imports.plan import link_refusal
from accounts.models import Channel, ChannelImport, ImportOutcome, ImportRow
from accounts.platforms import Platform
from accounts.workflow import is_reviewer, may_act_for_entity
from entities.models import Entity, Official
from registry.direction import isolate

Outcome = ImportOutcome
# The outcomes in the order a preview lists their counts: what will be done first.
OUTCOME_ORDER = [
    Outcome.REGISTER, Outcome.MISMATCH, Outcome.ALREADY, Outcome.HELD, Outcome.DUPLICATE, Outcome.UNREADABLE,
    Outcome.UNKNOWN_ENTITY, Outcome.UNKNOWN_OFFICIAL, Outcome.NOT_ALLOWED, Outcome.INVALID,
]


def imports_for(user) -> QuerySet[ChannelImport]:
    """The imports a user may see: a reviewer's, every one; an editor's, their own."""
    imports = ChannelImport.objects.select_related("created_by", "entity")
    if is_reviewer(user):
        return imports
    return imports.filter(created_by=user)


def outcome_counts(channel_import: ChannelImport) -> list[tuple[ImportOutcome, int]]:
    return [(outcome, channel_import.counts[outcome.value]) for outcome in OUTCOME_ORDER
            if channel_import.counts.get(outcome.value)]


def described(rows: Iterable[ImportRow], user) -> list[ImportRow]:
    """The rows, each with `sentence` (its outcome in words, in the current language), `shown_entity`
    and `shown_official`; the entities, officials and registrations named are read once for all."""
    rows = list(rows)
    entity_ids = {row.entity_id for row in rows if row.entity_id}
    for row in rows:
        entity_ids.update(row.detail.get("closest", []))
        if row.detail.get("chosen") and row.detail.get("field") == "entity":
            entity_ids.add(row.detail["chosen"])
    entities = Entity.objects.in_bulk(entity_ids)
    officials = Official.objects.in_bulk({row.official_id for row in rows if row.official_id})
    channels = Channel.private_objects.with_owner().in_bulk(
        {row.existing_id for row in rows if row.existing_id} | {row.channel_id for row in rows if row.channel_id})
    for row in rows:
        row.shown_entity = entities[row.entity_id].name if row.entity_id in entities else (
            row.given.get("entity", ""))
        row.shown_official = officials[row.official_id].name if row.official_id in officials else (
            row.given.get("official", ""))
        row.registered = channels.get(row.channel_id)
        row.sentence = _sentence(row, user, entities, channels)
    return rows


def _platform_label(value: str) -> str:
    return str(Platform(value).label) if value in Platform.values else value


def _sentence(row: ImportRow, user, entities: dict, channels: dict) -> str:
    detail = row.detail
    account = {"platform": _platform_label(row.platform), "handle": isolate(row.handle, ltr=True)}
    if row.outcome == Outcome.REGISTER:
        if detail.get("new_entity"):
            return _("Will be registered, with the entity “%(entity)s” created from the file.") % {
                "entity": isolate(detail["new_entity"][0])}
        return _("Will be registered: %(platform)s %(handle)s.") % account
    if row.outcome == Outcome.MISMATCH:
        return _("The platform column says %(chosen)s, but the link is to a %(found)s account: it will be "
                 "registered as %(found)s %(handle)s (the link decides).") % {
            "chosen": _platform_label(detail.get("chosen", "")), "found": _platform_label(detail.get("found", "")),
            "handle": isolate(row.handle, ltr=True)}
    if row.outcome == Outcome.ALREADY:
        existing = channels.get(row.existing_id)
        status = existing.get_status_display() if existing else ""
        return _("Already in the register for this entity (registration #%(id)s, “%(status)s”): nothing to do.") % {
            "id": row.existing_id, "status": status}
    if row.outcome == Outcome.HELD:
        holder = channels.get(row.existing_id)
        if holder is not None and (holder.is_public or may_act_for_entity(user, holder.entity_id)):
            return _("%(platform)s %(handle)s is already registered to %(owner)s (registration #%(id)s).") % {
                **account, "owner": holder.entity.name, "id": holder.pk}
        return _("%(platform)s %(handle)s is already registered, or under review. If it should be yours, contact "
                 "the Government Communication Office.") % account
    if row.outcome == Outcome.DUPLICATE:
        return _("The same account as row %(row)s of this file.") % {"row": row.duplicate_of}
    if row.outcome == Outcome.UNREADABLE:
        reason = link_refusal(row.given) or _("The link is empty.")
        if detail.get("code") in ("not_an_account", "unknown_platform") and _looks_shared(row.given):
            reason += " " + _("Share links are not opened at import: paste the account's own link.")
        return reason
    if row.outcome == Outcome.UNKNOWN_ENTITY:
        return _unknown_entity(row, entities)
    if row.outcome == Outcome.UNKNOWN_OFFICIAL:
        return _("%(entity)s has no official “%(official)s”: give an official's slug or name as the register has "
                 "it, or leave the column empty.") % {"entity": isolate(row.shown_entity),
                                                      "official": isolate(row.given.get("official") or "")}
    if row.outcome == Outcome.NOT_ALLOWED:
        return _("You can import only for the entities you are an editor of, not for %(entity)s.") % {
            "entity": row.shown_entity}
    return _invalid(row, entities)


def _looks_shared(given: dict) -> bool:
    link = (given.get("link") or "").lower()
    return any(part in link for part in ("/share", "vm.tiktok", "vt.tiktok", "t.co/", "fb.me", "youtu.be", "lnkd.in",
                                         "/s/", "snapchat.com/t/"))


def _unknown_entity(row: ImportRow, entities: dict) -> str:
    named = row.given.get("entity", "")
    if not named:
        return _("No entity: name it in the “entity” column, or choose the entity all the rows are for.")
    closest = [entities[pk].name for pk in row.detail.get("closest", []) if pk in entities]
    sentence = _("No entity is called “%(entity)s”.") % {"entity": isolate(named)}
    if closest:
        sentence += " " + ngettext("Did you mean %(names)s?", "Did you mean one of: %(names)s?", len(closest)) % {
            "names": "; ".join(isolate(name) for name in closest)}
    sentence += " " + _("A GCO reviewer can have it created from the file: give its Arabic name in “entity_ar” and "
                        "tick “Create the entities the register lacks”.")
    return sentence


def _invalid(row: ImportRow, entities: dict) -> str:
    detail = row.detail
    field = detail.get("field")
    if field == "languages":
        return _("Unknown language: %(value)s. Write languages as “ar en”, “Arabic, English” or “Bilingual”.") % {
            "value": isolate(detail.get("value", ""))}
    if field == "entity":
        chosen = entities.get(detail.get("chosen"))
        return _("This row names the entity “%(named)s”, but the import is for %(chosen)s.") % {
            "named": isolate(detail.get("value", "")), "chosen": chosen.name if chosen else "—"}
    return _("This is %(length)d characters long; the most is %(limit)d.") % {
        "length": detail.get("length", 0), "limit": detail.get("limit", 0)}


# --- The per-row results as CSV ------------------------------------------------------------------

RESULT_COLUMNS = ("row", "outcome", "result", "entity", "platform", "handle", "link", "channel")


def result_lines(channel_import: ChannelImport, user, language: str) -> Iterator[str]:
    """The results, a thousand rows at a time, described in the reader's language (the server reads
    this after the view has returned: the language is set again for it)."""
    with translation.override(language):
        yield from _result_lines(channel_import, user)


def _result_lines(channel_import: ChannelImport, user) -> Iterator[str]:
    lines = Lines()
    writer = csv.writer(lines)
    writer.writerow(RESULT_COLUMNS)
    yield BOM + lines.take()
    rows = channel_import.rows.order_by("number")
    last = 0
    while True:
        batch = list(rows.filter(number__gt=last)[:1000])
        if not batch:
            break
        for row in described(batch, user):
            writer.writerow([
                row.number, row.outcome, as_text(row.sentence), as_text(row.shown_entity), row.platform,
                as_text(row.handle), as_text(row.given.get("link") or row.given.get("handle") or ""),
                row.channel_id or row.existing_id or "",
            ])
        last = batch[-1].number
        yield lines.take()


def results_response(channel_import: ChannelImport, user) -> StreamingHttpResponse:
    lines = result_lines(channel_import, user, translation.get_language() or "ar")
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{channel_import.pk}-results.csv"'
    return response
