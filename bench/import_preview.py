"""Benchmark: previewing the import of a 10,000-row file, as CSV and as XLSX, against a register
of a few thousand channels.

    DATABASE_URL=postgres://... .venv/bin/python bench/import_preview.py [--rows 10000] [--register 5000] [--confirm]

Creates a scratch database (the test database of DATABASE_URL's server, dropped afterwards) with
60 entities and `--register` approved channels, writes a file of `--rows` rows in the mix a real
onboarding list has (mostly new accounts; some already registered, some held by another entity,
duplicates, unreadable links, unknown entities, a platform column that disagrees), then times
`accounts.imports.services.import_preview`, the service the staff pages, the API and the command
call, and prints the time, the rows per second and the rows per outcome. The Python heap's peak
during the preview is measured in a second, traced run (tracemalloc slows it; its time is not the
figure). With `--confirm`, the reviewer's confirmation of the CSV preview is timed too.
"""
from __future__ import annotations

import argparse
import cProfile
import csv
import io
import os
import pstats
import random
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")

ENTITIES = 60
PLATFORM_LINKS = ["https://x.com/{}", "https://www.instagram.com/{}/", "https://www.facebook.com/{}",
                  "https://www.youtube.com/@{}", "https://www.linkedin.com/company/{}/", "https://www.tiktok.com/@{}"]
LINK_PLATFORMS = ["x", "instagram", "facebook", "youtube", "linkedin", "tiktok"]


def fill_register(count: int, rng: random.Random):
    from django.utils import timezone

    from accounts.lookalikes import lookalike_keys_update
    from accounts.models import Channel, Status
    from accounts.platforms import parse_account_link
    from entities.models import Entity
    from registry.models import User

    entities = Entity.objects.bulk_create([
        Entity(slug=f"entity-{n}", name_en=f"Federal Authority {n}", name_ar=f"الهيئة الاتحادية {n}")
        for n in range(ENTITIES)
    ])
    now = timezone.now()
    channels = []
    for n in range(count):
        account = parse_account_link(PLATFORM_LINKS[n % len(PLATFORM_LINKS)].format(f"registered{n}"))
        channels.append(Channel(platform=account.platform, handle=account.handle, handle_key=account.handle_key,
                                canonical_url=account.canonical_url, entity=entities[n % ENTITIES],
                                status=Status.APPROVED, approved_at=now))
    channels = Channel.private_objects.bulk_create(channels, batch_size=2000)
    lookalike_keys_update(channels)
    reviewer = User.objects.create_user(email="bench-reviewer@gco.example", password="x" * 20, is_reviewer=True)
    return entities, reviewer


def file_rows(count: int, registered: int, rng: random.Random) -> list[list[str]]:
    """The rows of an onboarding list: 82% new (2% with a disagreeing platform column), 6% already
    there, 3% held by another entity, 3% duplicates, 3% unreadable, 3% unknown entities."""
    rows = [["entity", "entity_ar", "official", "platform", "link", "languages", "description"]]
    for n in range(count):
        entity = n % ENTITIES
        roll = rng.random()
        platform = ""
        if roll < 0.06:  # already registered for this entity
            r = rng.randrange(registered)
            entity, link = r % ENTITIES, PLATFORM_LINKS[r % len(PLATFORM_LINKS)].format(f"registered{r}")
        elif roll < 0.09:  # held by another entity
            r = rng.randrange(registered)
            entity, link = (r + 1) % ENTITIES, PLATFORM_LINKS[r % len(PLATFORM_LINKS)].format(f"registered{r}")
        elif roll < 0.12 and n > 10:  # a duplicate of an earlier row
            link = rows[rng.randrange(1, len(rows))][4]
        elif roll < 0.15:
            link = f"https://example.com/page{n}"
        else:
            link = PLATFORM_LINKS[n % len(PLATFORM_LINKS)].format(f"newaccount{n}")
            if 0.18 <= roll < 0.20:
                platform = LINK_PLATFORMS[(n + 1) % len(LINK_PLATFORMS)]
        named = f"Federal Authority {entity}" if n % 2 else f"الهيئة الاتحادية {entity}"
        if 0.15 <= roll < 0.18:
            named = f"Federal Authorty {entity}"  # a typo: unknown, with the closest names offered
        rows.append([named, "", "", platform, link, rng.choice(["ar en", "Bilingual", "عربي", "English", ""]),
                     "Official account." if n % 3 else ""])
    return rows


def as_csv(rows) -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + text.getvalue()).encode()


def as_xlsx(rows) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    body = io.BytesIO()
    workbook.save(body)
    return body.getvalue()


def preview(reviewer, data: bytes, name: str):
    from accounts.imports.services import import_preview

    return import_preview(actor=reviewer, file=io.BytesIO(data), file_name=name, size=len(data), two_factor=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--register", type=int, default=5_000, help="approved channels already registered")
    parser.add_argument("--confirm", action="store_true", help="also time the confirmation of the CSV preview")
    parser.add_argument("--profile", action="store_true", help="print where the confirmation spends its time")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.IMPORT_MAX_ROWS = max(settings.IMPORT_MAX_ROWS, args.rows)
    test_db = connection.creation.create_test_db(verbosity=0, keepdb=False, autoclobber=True)
    try:
        rng = random.Random(14)
        _entities, reviewer = fill_register(args.register, rng)
        rows = file_rows(args.rows, args.register, rng)
        print(f"register: {ENTITIES} entities, {args.register} channels; file: {args.rows} rows")
        csv_import = None
        for kind, data in (("csv", as_csv(rows)), ("xlsx", as_xlsx(rows))):
            started = time.perf_counter()
            channel_import = preview(reviewer, data, f"bench.{kind}")
            elapsed = time.perf_counter() - started
            csv_import = csv_import or channel_import
            tracemalloc.start()
            preview(reviewer, data, f"bench-traced.{kind}")
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            counts = ", ".join(f"{outcome} {number}" for outcome, number in sorted(channel_import.counts.items()))
            print(f"{kind:>4}: {len(data) / 1e6:.2f} MB, preview {elapsed:.2f} s "
                  f"({channel_import.rows_total / elapsed:,.0f} rows/s), Python heap peak {peak / 1e6:.1f} MB; "
                  f"{counts}")
        if args.confirm:
            from accounts.imports.services import import_confirm

            profile = cProfile.Profile() if args.profile else None
            started = time.perf_counter()
            if profile:
                profile.enable()
            confirmed = import_confirm(actor=reviewer, import_id=csv_import.pk, two_factor=True)
            elapsed = time.perf_counter() - started
            if profile:
                profile.disable()
                pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
            print(f"confirm: {confirmed.registered} channels registered and submitted in {elapsed:.1f} s "
                  f"({confirmed.registered / elapsed:,.0f}/s)")
    finally:
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s AND pid <> pg_backend_pid()", [test_db])
        connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()
