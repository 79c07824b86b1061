"""Benchmark: the look-alike search by index against the brute force, on N synthetic official channels.

    .venv/bin/python bench/lookalikes.py [--channels 100000] [--samples 200] [--brute 3] [--database URL]

Fills a scratch database (the test database of DATABASE_URL's server, dropped afterwards) or, with
`--database`, that database (migrated if needed, kept, and filled only up to N: a second run adds
nothing) with N approved channels on X, Instagram and Facebook, handles made of the words
government accounts use ("dubaihealth_news", "sharjahpolice2", ...), written in bulk and indexed
through `lookalike_keys_update`, the function the services call. Then, for handles that are
official, look-alikes of official ones (a digit for a letter, words added, one or two letters
edited or swapped) and unknown, times:
- indexed: `closest(key, imitated_officials(key, platform))`, what verify and the radar ask;
- verify: `accounts.public.verify.verify(link)`, the whole public answer;
- brute force: `closest(key, imitated(key, approved_channels(platform)))`, a few samples only
  (seconds each), whose answers must equal the indexed ones;
and prints p50/p95 per kind and the index's size on disk.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")

WORDS = ["uae", "dubai", "abudhabi", "sharjah", "ajman", "fujairah", "rak", "uaq", "ministry", "health", "police",
         "media", "office", "culture", "youth", "sport", "news", "council", "authority", "school", "center",
         "rta", "moi", "mofa", "mohre", "economy", "tourism", "energy", "water", "customs", "court", "justice",
         "family", "heritage", "airport", "ports", "municipality", "library", "museum", "events", "finance",
         "land", "housing", "social", "care", "smart", "digital", "future", "space", "climate"]
# platform: (share, link of a handle, longest handle)
PLATFORMS = {"x": (45, "https://x.com/{}", 15), "instagram": (35, "https://www.instagram.com/{}/", 30),
             "facebook": (20, "https://www.facebook.com/{}", 50)}
ENTITY = "bench-lookalikes"
BATCH = 5000


def synthetic_accounts(count: int, seed: int = 13):
    """Accounts with distinct handles, in a fixed order (a second run makes the same)."""
    from accounts.platforms import AccountLinkError, parse_account_link

    rng = random.Random(seed)
    seen = set()
    weights = [share for share, _link, _longest in PLATFORMS.values()]
    while len(seen) < count:
        platform = rng.choices(list(PLATFORMS), weights)[0]
        words = rng.sample(WORDS, rng.randint(1, 3))
        handle = rng.choice(["", "_"]).join(words)
        if rng.random() < 0.5:
            handle += str(rng.randint(1, 9999))
        handle = handle[:PLATFORMS[platform][2]]
        if platform == "facebook":  # no underscores in a page's name
            handle = handle.replace("_", ".")
        if len(handle) < 5 or (platform, handle) in seen:
            continue
        try:
            account = parse_account_link(PLATFORMS[platform][1].format(handle))
        except AccountLinkError:  # a word the platform keeps for itself ("events" on Facebook)
            continue
        seen.add((platform, handle))
        yield account


def fill(count: int) -> int:
    """Add synthetic approved channels until the bench entity has `count`; returns how many were added."""
    from django.utils import timezone

    from accounts.lookalikes import lookalike_keys_update
    from accounts.models import Channel, Status
    from entities.models import Entity

    entity, _created = Entity.objects.get_or_create(
        slug=ENTITY, defaults={"name_en": "Ministry of Look-alikes", "name_ar": "وزارة المتشابهات"})
    have = Channel.private_objects.filter(entity=entity).count()
    now, added, rows = timezone.now(), 0, []
    for n, account in enumerate(synthetic_accounts(count)):
        if n < have:
            continue
        rows.append(Channel(platform=account.platform, handle=account.handle, handle_key=account.handle_key,
                            canonical_url=account.canonical_url, entity=entity, status=Status.APPROVED,
                            approved_at=now, last_certified_at=now))
        if len(rows) == BATCH:
            added += _write(rows, lookalike_keys_update)
            rows = []
            print(f"  {have + added} channels", end="\r", flush=True)
    if rows:
        added += _write(rows, lookalike_keys_update)
    return added


def _write(rows, index) -> int:
    from django.db import transaction

    from accounts.models import Channel

    with transaction.atomic():
        created = Channel.private_objects.bulk_create(rows)
        index(created)
    return len(created)


def lookalike_of(platform: str, handle: str, rng: random.Random) -> str:
    imitation = _imitation(handle, rng)
    return imitation.replace("_", ".") if platform == "facebook" else imitation


def _imitation(handle: str, rng: random.Random) -> str:
    how = rng.choice(["digit", "words", "edit", "swap", "two_edits"])
    if how == "digit" and any(ch in handle for ch in "oile"):
        letter = rng.choice([ch for ch in "oile" if ch in handle])
        return handle.replace(letter, {"o": "0", "i": "1", "l": "1", "e": "3"}[letter], 1)
    if how == "words":
        return rng.choice(["real_", "the", ""]) + handle + rng.choice(["_official", "news", "uae", "_tv"])
    at = rng.randrange(1, len(handle) - 1)
    if how == "swap":
        return handle[:at] + handle[at + 1] + handle[at] + handle[at + 2:]
    edited = handle[:at] + rng.choice("abcdefghijklmnopqrstuvwxyz") + handle[at + 1:]
    if how == "two_edits" and len(handle) >= 10:
        at = rng.randrange(len(edited))
        edited = edited[:at] + edited[at + 1:]
    return edited


def percentiles(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:8.2f} ms  p95 {p95 * 1000:8.2f} ms  (n={len(ordered)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200, help="questions timed by index, per kind")
    parser.add_argument("--brute", type=int, default=3, help="questions timed by brute force, per kind")
    parser.add_argument("--database", help="a database URL to fill and keep (default: a scratch database)")
    args = parser.parse_args()
    if args.database:
        os.environ["DATABASE_URL"] = args.database

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    scratch = None
    if args.database:
        call_command("migrate", verbosity=0)
    else:
        scratch = connection.creation.create_test_db(verbosity=0, keepdb=False, autoclobber=True)
    try:
        run(args)
    finally:
        if scratch:
            connection.creation.destroy_test_db(scratch, verbosity=0)


def run(args) -> None:
    from django.db import connection

    from accounts.lookalikes import approved_channels, closest, imitated, imitated_officials
    from accounts.models import Channel, Status
    from accounts.public.verify import verify

    started = time.perf_counter()
    added = fill(args.channels)
    print(f"filled: {added} channels added in {time.perf_counter() - started:.1f} s; "
          f"{Channel.private_objects.filter(status=Status.APPROVED).count()} approved in all")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_lookalikekeys; ANALYZE accounts_channel")
        cursor.execute("SELECT pg_total_relation_size('accounts_lookalikekeys'), "
                       "pg_total_relation_size('accounts_channel'), "
                       "(SELECT sum(cardinality(keys)) FROM accounts_lookalikekeys), "
                       "(SELECT count(*) FROM accounts_lookalikekeys)")
        index_size, channel_size, keys, rows = cursor.fetchone()
    print(f"storage: look-alike keys {index_size / 2**20:.0f} MB ({keys} keys, {keys / rows:.1f} per channel) "
          f"beside the channels' {channel_size / 2**20:.0f} MB")

    rng = random.Random(7)
    officials = list(Channel.private_objects.filter(status=Status.APPROVED).order_by("?")
                     .values_list("platform", "handle_key")[:args.samples])
    questions = {
        "official": officials,
        "look-alike": [(platform, lookalike_of(platform, key, rng)) for platform, key in officials],
        "unknown": [(platform, "zq" + "".join(rng.choice("bcdfghjkmnpqrvwxz") for _ in range(rng.randint(4, 12))))
                    for platform, _key in officials],
    }
    links = {platform: link for platform, (_share, link, _longest) in PLATFORMS.items()}
    for kind, asked in questions.items():
        indexed, whole, brute, found = [], [], [], []
        for platform, key in asked:
            t = time.perf_counter()
            answer = closest(key, imitated_officials(key, platform))
            indexed.append(time.perf_counter() - t)
            found.append(len(answer))
            t = time.perf_counter()
            verify(links[platform].format(key))
            whole.append(time.perf_counter() - t)
        for platform, key in asked[:args.brute]:
            t = time.perf_counter()
            expected = closest(key, imitated(key, approved_channels(platform)))
            brute.append(time.perf_counter() - t)
            assert expected == closest(key, imitated_officials(key, platform)), (platform, key)
        print(f"{kind:>10}  indexed: {percentiles(indexed)}  look-alikes found: {sum(found)}")
        print(f"{'':>10}  verify:  {percentiles(whole)}")
        print(f"{'':>10}  brute:   {percentiles(brute)}  (same answers)")


if __name__ == "__main__":
    main()
