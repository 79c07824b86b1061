"""Benchmark: the public answers on a register of N channels, in-process through Django's test client.

    .venv/bin/python bench/scale.py --channels 100000 [--database URL] [--budget 20] [--repeat 100]

Fills a database with the demo register (accounts/demo.py, what `make run` loads) plus N approved
synthetic channels in the demo's platform proportions, with an entity per ~200 channels (bilingual
names, half of them ministries: "Ministry of ... / وزارة ...", half authorities: "هيئة ...") and an
official for one entity in four; a channel in twenty has two follower snapshots. Without
`--database`, the database is `bench_scale` on DATABASE_URL's server (created and migrated if
needed); either way it is left filled, so other tools can measure the same register, and a second
run on it adds nothing (the synthetic channels are counted, and only the missing ones are added).

Then, with production settings (bench/harness.py: DJANGO_DEBUG=0, throttles set out of reach),
it times each public answer: a warm-up request, then up to --repeat requests within --budget
seconds, and prints p50/p95 (n < repeat says the budget was hit). A request that runs longer
than --timeout seconds in PostgreSQL is stopped by statement_timeout and reported as such. The
CSV export of the whole register is consumed as it streams, with its peak Python memory
(tracemalloc) and the growth of the process's RSS. Last, the process's maximum RSS.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import harness  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")

SYNTHETIC = "synthetic-"  # slug prefix of the synthetic entities and officials: what marks the fill
CHANNELS_PER_ENTITY = 200
BATCH = 10_000
SNAPSHOT_EVERY = 20  # one channel in twenty has snapshots: enough for the charts, quick to write

# How each platform spells a synthetic handle (`stem`, or `lower` where the platform lowers it).
LINKS = {
    "x": "https://x.com/{stem}",
    "instagram": "https://www.instagram.com/{lower}/",
    "facebook": "https://www.facebook.com/{stem}",
    "youtube": "https://www.youtube.com/@{stem}",
    "linkedin": "https://www.linkedin.com/company/{lower}/",
    "tiktok": "https://www.tiktok.com/@{lower}",
    "snapchat": "https://www.snapchat.com/add/{lower}",
    "telegram": "https://t.me/{stem}",
    "threads": "https://www.threads.com/@{lower}",
    "whatsapp": "https://whatsapp.com/channel/0029VaSyn{n:015d}",
    "bluesky": "https://bsky.app/profile/{lower}.bsky.social",
    "mastodon": "https://mastodon.social/@{lower}",
}
# Half the handles are "synthetic12345" (what the fragment searches look for); the rest borrow the
# shapes of real government handles. A platform that refuses a shape gets "synthetic12345" instead.
WORDS = ("UAEGov", "dubai_health", "AD.Police", "sharjah_media", "moe_news", "Watani", "hayat-uae",
         "RTA_Dubai", "EmiratesPost", "ajman.culture")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=10_000, help="synthetic channels besides the demo's")
    parser.add_argument("--database", help="database URL (default: bench_scale on DATABASE_URL's server)")
    parser.add_argument("--repeat", type=int, default=100, help="timed requests per answer, at most")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per answer, at most (after warm-up)")
    parser.add_argument("--timeout", type=float, default=60.0, help="statement_timeout while timing, seconds")
    parser.add_argument("--only", help="time only the answers whose label starts with one of these "
                                       "(comma-separated; the CSV export is then left out)")
    args = parser.parse_args()

    url = args.database or harness.scratch_database_url("bench_scale")
    created = harness.create_database(url)
    os.environ.update(harness.site_environment(url))
    harness.collect_static(dict(os.environ))

    import django

    django.setup()
    # Here and below, the project is imported inside functions: its settings need the database
    # URL from the command line, and its models a configured Django, before they can be imported.
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"database: {url.rsplit('/', 1)[-1]}{' (created)' if created else ''}")
    started = time.perf_counter()
    if load_demo_if_missing():
        print(f"demo register loaded in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    added = fill(args.channels)
    fill_seconds = time.perf_counter() - started
    print(f"fill: {added} synthetic channels added in {fill_seconds:.1f} s "
          f"({added / fill_seconds:.0f}/s)" if added else "fill: nothing to add")
    if added:
        _analyze()  # what autovacuum would do soon after a bulk load: the planner's statistics
    describe()
    measure_all(args)


# --- The fill -------------------------------------------------------------------------------

def load_demo_if_missing() -> bool:
    """The demo register, as `make run` loads it, unless it is there; True if it was loaded."""
    from accounts.demo import load_demo
    from accounts.models import Channel

    if Channel.private_objects.filter(entity__is_sample=True).exists():
        return False
    load_demo()
    return True


def fill(channels: int) -> int:
    """Add synthetic channels up to `channels` (counting those already there); the number added."""
    from accounts.models import Channel, Status

    have = Channel.private_objects.filter(entity__slug__startswith=SYNTHETIC).count()
    demo = Counter(Channel.private_objects.filter(entity__is_sample=True, status=Status.APPROVED)
                   .values_list("platform", flat=True))
    # Platform of synthetic channel n: the demo's approved channels, platform by platform, in a cycle.
    cycle = [platform for platform, count in sorted(demo.items()) for _ in range(count)]
    with _bulk_load(channels - have > BULK_LOAD_FROM):
        for start in range(have + 1, channels + 1, BATCH):
            _insert(_batch(range(start, min(start + BATCH, channels + 1)), cycle))
    return max(0, channels - have)


# GIN indexes updated row by row make a large fill crawl (about 300 channels a second with them,
# PostgreSQL's advice for bulk loads being to build them afterwards): dropped for the fill and built
# again, from their own definitions, once it is done. The data they index is written the same way.
BULK_LOAD_FROM = 50_000
# As the migrations make them (0008_search_text and 0014_owner_names: only where pg_trgm is there;
# 0010_lookalike_index).
TRIGRAM_INDEXES = ("channel_search_trgm", "channel_own_search_trgm")
BULK_INDEXES = {
    "channel_search_trgm": "CREATE INDEX IF NOT EXISTS channel_search_trgm ON accounts_channel "
                           "USING gin (search_text gin_trgm_ops)",
    "channel_own_search_trgm": "CREATE INDEX IF NOT EXISTS channel_own_search_trgm ON accounts_channel "
                               "USING gin (own_search_text gin_trgm_ops)",
    "lookalike_keys_gin": "CREATE INDEX IF NOT EXISTS lookalike_keys_gin ON accounts_lookalikekeys "
                          "USING gin (keys) WITH (fastupdate = off)",
}


@contextmanager
def _bulk_load(large: bool):
    """Without the GIN indexes while a large fill runs; with them again afterwards (also after a fill
    that was stopped half way: they are built again from their definitions, whatever is there)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [list(BULK_INDEXES)])
        present = {name for (name,) in cursor.fetchall()}
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        trigrams = cursor.fetchone() is not None
        if large:
            for name in present:
                cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, definition in BULK_INDEXES.items():
                if name in TRIGRAM_INDEXES and not trigrams:
                    continue
                started = time.perf_counter()
                cursor.execute(definition)
                if large or name not in present:
                    print(f"index {name} built in {time.perf_counter() - started:.1f} s", flush=True)


def _insert(batch: list) -> None:
    """Write one batch of synthetic channels, with their snapshots, in one transaction.

    THE place where derived data must follow the channels: the search text is kept by database
    triggers whatever writes the rows; the look-alike keys are kept by the services, whose bulk
    maintenance (`lookalike_keys_update`) is called here, once per batch, as the services call it.
    """
    from django.db import transaction

    from accounts.lookalikes import lookalike_keys_update
    from accounts.models import Channel, FollowerSnapshot

    channels, snapshots = batch
    with transaction.atomic():
        Channel.private_objects.bulk_create(channels, batch_size=2_000)
        for snapshot in snapshots:
            snapshot.channel_id = snapshot.channel.pk
        FollowerSnapshot.objects.bulk_create(snapshots, batch_size=5_000)
        lookalike_keys_update(channels)


def _batch(numbers: range, cycle: list[str]) -> tuple[list, list]:
    """The synthetic channels numbered `numbers`, and their snapshots (unsaved)."""
    from django.utils import timezone

    from accounts.models import Channel, FollowerSnapshot, RefreshStatus, Status
    from accounts.platforms import parse_account_link

    now = timezone.now()
    today = now.date()
    entities = _entities(range(numbers[0] // CHANNELS_PER_ENTITY, numbers[-1] // CHANNELS_PER_ENTITY + 1))
    channels, snapshots = [], []
    for n in numbers:
        entity, official = entities[n // CHANNELS_PER_ENTITY]
        platform = cycle[n % len(cycle)]
        account = None
        for stem in _stems(n):
            try:
                account = parse_account_link(LINKS[platform].format(stem=stem, lower=stem.lower(), n=n), platform)
                break
            except ValueError:  # AccountLinkError: this platform refuses the shape
                continue
        if account is None:
            raise SystemExit(f"no synthetic handle for channel {n} on {platform}")
        owned_by_official = official is not None and n % CHANNELS_PER_ENTITY < 10
        followers = 100 + (n * 7919) % 250_000
        channel = Channel(
            platform=account.platform, handle=account.handle, handle_key=account.handle_key,
            canonical_url=account.canonical_url, entity=entity, official=official if owned_by_official else None,
            display_name=(entity.name_ar if n % 3 == 0 else entity.name_en)[:200],
            languages=["ar", "en"] if n % 2 else ["ar"],
            status=Status.APPROVED, approved_at=now - timedelta(days=n % 1500), decided_at=now,
            followers=followers, followers_at=now, refresh_status=RefreshStatus.OK,
        )
        channels.append(channel)
        if n % SNAPSHOT_EVERY == 0:
            snapshots += [FollowerSnapshot(channel=channel, date=today - timedelta(days=30), followers=followers - 50),
                          FollowerSnapshot(channel=channel, date=today, followers=followers)]
    return channels, snapshots


def _stems(n: int) -> list[str]:
    if n % 4 < 2:
        return [f"synthetic{n}", f"syn{n}"]
    return [f"{WORDS[(n // 4) % len(WORDS)]}{n}", f"synthetic{n}", f"syn{n}"]


def _entities(numbers: range) -> dict:
    """Synthetic entities `numbers` (and an official of one in four), created if missing."""
    from entities.models import Entity, EntityKind, Official

    wanted = {f"{SYNTHETIC}entity-{i}": i for i in numbers}
    have = {e.slug: e for e in Entity.objects.filter(slug__in=wanted)}
    new = []
    for slug, i in wanted.items():
        if slug not in have:
            ministry = i % 2 == 0
            topic_en, topic_ar = TOPICS[i % len(TOPICS)]
            new.append(Entity(
                slug=slug, kind=EntityKind.MINISTRY if ministry else EntityKind.AUTHORITY,
                name_en=f"{'Ministry of' if ministry else 'Federal Authority for'} {topic_en} {i}",
                name_ar=f"{'وزارة' if ministry else 'الهيئة الاتحادية'} {topic_ar} {i}",
                naming_pattern="", is_active=True,
            ))
    Entity.objects.bulk_create(new)
    have.update({e.slug: e for e in new})
    officials = {o.entity_id: o for o in Official.objects.filter(entity__slug__in=wanted)}
    new_officials = [
        Official(slug=f"{SYNTHETIC}official-{i}", entity=have[slug], name_en=f"Mariam Synthetic {i}",
                 name_ar=f"مريم التجريبية {i}", title_en="Minister", title_ar="وزيرة", is_active=True)
        for slug, i in wanted.items() if i % 4 == 0 and have[slug].pk not in officials
    ]
    Official.objects.bulk_create(new_officials)
    officials.update({o.entity_id: o for o in new_officials})
    return {i: (have[slug], officials.get(have[slug].pk)) for slug, i in wanted.items()}


TOPICS = [
    ("Synthetic Affairs", "الشؤون التجريبية"), ("Digital Economy", "الاقتصاد الرقمي"),
    ("Water and Energy", "المياه والطاقة"), ("Community Development", "تنمية المجتمع"),
    ("Youth and Sports", "الشباب والرياضة"), ("Food Security", "الأمن الغذائي"),
]


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def describe() -> None:
    from accounts.models import Channel, FollowerSnapshot
    from entities.models import Entity, Official

    channels = Counter(Channel.private_objects.values_list("platform", flat=True))
    print(f"register: {sum(channels.values())} channels ({', '.join(f'{p} {c}' for p, c in channels.most_common())}), "
          f"{Entity.objects.count()} entities, {Official.objects.count()} officials, "
          f"{FollowerSnapshot.objects.count()} snapshots")


# --- The timings ---------------------------------------------------------------------------

def measure_all(args) -> None:
    from django.db import connection
    from django.db.backends.signals import connection_created
    from django.test import Client

    from accounts.models import Channel
    from entities.models import Entity

    def limit(connection, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = %s", [int(args.timeout * 1000)])

    connection_created.connect(limit)
    connection.close()  # the next query opens a connection with the limit

    official = Channel.public_objects.get(platform="x", handle_key="mofauae_demo")
    entity = Entity.objects.filter(slug__startswith=SYNTHETIC).order_by("pk").first()
    link = "https://x.com/MOFAUAE_demo"
    lookalike = "https://x.com/MOFAUAE_dem0"
    unknown = "https://x.com/qzvkw_nobody"
    answers = [
        ("verify page, official", f"/en/verify/?q={link}"),
        ("verify page, look-alike", f"/en/verify/?q={lookalike}"),
        ("verify page, unknown", f"/en/verify/?q={unknown}"),
        ("verify API, official", f"/api/v1/verify/?q={link}"),
        ("verify API, look-alike", f"/api/v1/verify/?q={lookalike}"),
        ("verify API, unknown", f"/api/v1/verify/?q={unknown}"),
        ("directory search وزارة", "/ar/directory/?q=وزارة"),
        ("directory search ministry", "/en/directory/?q=ministry"),
        ("directory search 'synthetic 12345'", "/en/directory/?q=synthetic+12345"),
        ("directory search thetic123", "/en/directory/?q=thetic123"),
        ("API search وزارة", "/api/v1/channels/?search=وزارة"),
        ("API search ministry", "/api/v1/channels/?search=ministry"),
        ("API search 'synthetic 12345'", "/api/v1/channels/?search=synthetic+12345"),
        ("API search thetic123", "/api/v1/channels/?search=thetic123"),
        ("API channel list, page_size=50", "/api/v1/channels/?page_size=50"),
        ("home", "/en/"),
        ("entities", "/en/entities/"),
        ("entity page (~200 channels)", f"/en/entities/{entity.slug}/" if entity else "/en/entities/uae-cabinet/"),
        ("channel page", f"/en/channels/{official.pk}/"),
        ("presence", "/en/presence/"),
        ("API stats", "/api/v1/stats/"),
        ("API entities list", "/api/v1/entities/"),
        ("API officials list", "/api/v1/officials/"),
    ]
    if args.only:
        wanted = tuple(label.strip() for label in args.only.split(","))
        answers = [(label, path) for label, path in answers if label.startswith(wanted)]
    client = Client()
    print()
    # "cold": the shared cache emptied before every request, so each one computes its answer (what a
    # question nobody asked yet costs); "cached": the same request again, as in a rush on one account.
    print(f"{'answer':<38} {'cold p50':>9} {'cold p95':>9}  n          | {'cached p50':>10} {'cached p95':>10}")
    for label, path in answers:
        print(f"{label:<38} {_timed(client, path, args, cold=True):<32} | {_timed(client, path, args)}", flush=True)
    if not args.only:
        print(_csv(client))
    print(f"max RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def _timed(client, path: str, args, *, cold: bool = False) -> str:
    from django.core.cache import cache
    from django.db import OperationalError

    times = []
    try:
        _get(client, path)  # warm-up: compiled templates, the connection
        deadline = time.perf_counter() + args.budget
        while len(times) < args.repeat and time.perf_counter() < deadline:
            if cold:
                cache.clear()
            started = time.perf_counter()
            _get(client, path)
            times.append(time.perf_counter() - started)
    except OperationalError as error:
        if "statement timeout" not in str(error):
            raise
        if not times:
            return f"{'>' + format(args.timeout * 1000, '.0f'):>9} {'':>9}  stopped by statement_timeout"
    ms = sorted(t * 1000 for t in times)
    if not ms:  # the warm-up alone used the budget
        return f"{'':>9} {'':>9}  n=0, budget hit"
    p50 = statistics.median(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    note = f"n={len(ms)}" + (", budget hit" if len(ms) < args.repeat else "")
    return f"{p50:>9.1f} {p95:>9.1f}  {note}"


def _get(client, path: str):
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    if getattr(response, "streaming", False):
        for _chunk in response.streaming_content:
            pass
    return response


def _csv(client) -> str:
    """The CSV export of the whole register, consumed as it streams: time, rows, memory."""
    process = psutil.Process()
    rss_before = process.memory_info().rss
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get("/api/v1/channels.csv")
    size = rows = 0
    rss_peak = rss_before
    for index, chunk in enumerate(response.streaming_content):
        size += len(chunk)
        rows += chunk.count(b"\n")
        if index % 500 == 0:
            rss_peak = max(rss_peak, process.memory_info().rss)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_peak = max(rss_peak, process.memory_info().rss)
    return (f"CSV export (streamed): {rows} lines, {size / 1e6:.1f} MB in {elapsed:.2f} s; "
            f"Python peak {peak / 1e6:.1f} MB (tracemalloc), RSS growth {(rss_peak - rss_before) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
