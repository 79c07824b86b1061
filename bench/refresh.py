"""Benchmark: refresh N synthetic channels against the local platform stub.

    .venv/bin/python bench/refresh.py [--channels 10000] [--latency 0.05] [--workers 1]

Creates a scratch database (the test database of DATABASE_URL's server, kept apart from real
data), fills it with N official channels spread over the platforms that have an adapter, and
refreshes them all through `accounts.refresh.refresh_batch` (the code the jobs and the command
run), with the stub adding `--latency` seconds to every HTTP call. Prints channels per second,
HTTP requests made, and the ratio of the time taken to the floor: the time the calls alone must
take, given each platform's batch size and the latency (requests x latency / workers).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every HTTP call")
    parser.add_argument("--workers", type=int, default=8, help="batches refreshed at once (threads)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, connections

    from accounts.platforms import ADAPTERS, adapter_for
    from tests.platforms import stub as stubs

    test_db = connection.creation.create_test_db(verbosity=0, keepdb=False, autoclobber=True)
    try:
        with stubs.PlatformStub(latency=args.latency) as stub:
            _setup(stub, settings)
            platforms = [platform for platform in ADAPTERS if platform.value in MIX]
            ids = _fill(args.channels, platforms)
            from accounts.monitoring.refresh import batches, channels_to_refresh, refresh_batch

            cut = batches(channels_to_refresh().only("pk", "platform"))
            # Scores are recomputed once after a refresh run (debounced, in a worker); inline they
            # would run after every batch, so the bench holds them off and times one run at the end.
            from django.core.cache import cache

            from accounts.tasks.report import SCORES_QUEUED

            cache.set(SCORES_QUEUED, 1, timeout=None)
            connections.close_all()
            started = time.perf_counter()
            done = Counter()

            def run(batch):
                platform, channel_ids = batch
                # No shared call budget here: the bench measures the refresh, not the platforms'
                # quotas (Instagram allows 200 calls an hour; 10,000 channels would wait for days).
                adapter = adapter_for(platform)
                outcome = refresh_batch(channel_ids, adapter, platform=platform)
                adapter.close()
                return outcome

            with ThreadPoolExecutor(args.workers) as pool:
                for outcome in pool.map(run, cut):
                    done["refreshed"] += outcome.refreshed + outcome.unchanged
                    done["failed"] += sum(outcome.failed.values())
            elapsed = time.perf_counter() - started
            from accounts.report.scores import record_scores

            scores_started = time.perf_counter()
            record_scores()
            scores_elapsed = time.perf_counter() - scores_started
            requests = len(stub.requests)
            floor = requests * args.latency / args.workers
            from accounts.models import Channel

            per_platform = Counter(
                Channel.private_objects.filter(pk__in=ids).values_list("platform", flat=True).iterator()
            )
            calls = Counter(_platform_of(seen.path) for seen in stub.requests)

        from accounts.models import Channel, FollowerSnapshot

        snapshots = FollowerSnapshot.objects.count()
        print(f"channels: {len(ids)} on {', '.join(p.value for p in platforms)}")
        print(f"refreshed: {done['refreshed']}, failed: {done['failed']}, snapshots: {snapshots}")
        print(f"channels per platform: {dict(per_platform)}")
        print(f"HTTP requests: {requests} ({dict(calls)})")
        print(f"latency per call: {args.latency * 1000:.0f} ms, workers: {args.workers}")
        print(f"time: {elapsed:.2f} s, {len(ids) / elapsed:.0f} channels/s")
        print(f"presence scores recomputed once afterwards: {scores_elapsed:.2f} s")
        print(f"floor (requests x latency / workers): {floor:.2f} s; ratio to the floor: {elapsed / floor:.2f}"
              if floor else "floor: 0 (no latency)")
    finally:
        # The worker threads' connections are their own: end them so the scratch database can go.
        connections.close_all()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s AND pid <> pg_backend_pid()", [test_db])
        connection.creation.destroy_test_db(test_db, verbosity=0)


# --- What the stub answers, per platform: every account exists, with a count from its name. ----
# Each platform's share of the synthetic register follows the demo register's mix of platforms
# that have an adapter (the others are counted by staff and never called).

def _platform_of(path: str) -> str:
    return {"/2/users/by": "x", "/channels": "youtube", "/botbench-token/getChatMemberCount": "telegram",
            "/xrpc/app.bsky.actor.getProfiles": "bluesky", "/": "facebook", "/17841400000000000": "instagram",
            "/mastodon.social/api/v1/accounts/lookup": "mastodon"}.get(path, path)


def _number(name: str) -> int:
    return int("".join(ch for ch in name if ch.isdigit()) or 0)


def _setup(stub, settings) -> None:
    from tests.platforms import stub as s

    settings.X_API_BASE_URL = settings.YOUTUBE_API_BASE_URL = settings.TELEGRAM_API_BASE_URL = stub.url
    settings.BLUESKY_API_BASE_URL = settings.META_GRAPH_BASE_URL = stub.url
    settings.X_BEARER_TOKEN = settings.YOUTUBE_API_KEY = settings.TELEGRAM_BOT_TOKEN = "bench-token"
    settings.META_ACCESS_TOKEN, settings.META_INSTAGRAM_USER_ID = "bench-token", "17841400000000000"
    settings.MASTODON_API_BASE_URL = stub.url + "/{instance}"

    def count(name: str) -> int:
        return 1000 + _number(name)

    stub.route("/2/users/by", lambda seen: s.Reply(200, {"data": [
        s.x_user(name, count(name), str(_number(name))) for name in seen.query["usernames"][0].split(",")]}))
    stub.route("/channels", lambda seen: s.Reply(200, s.youtube_list([
        s.youtube_channel(channel_id, count(channel_id)) for channel_id in seen.query["id"][0].split(",")])))
    stub.route("/botbench-token/getChatMemberCount",
               lambda seen: s.Reply(200, s.telegram_count(count(seen.query["chat_id"][0]))))
    stub.route("/xrpc/app.bsky.actor.getProfiles", lambda seen: s.Reply(200, {"profiles": [
        s.bluesky_profile(actor, count(actor)) for actor in seen.query["actors"]]}))
    stub.route("/", lambda seen: s.Reply(200, {
        alias: s.facebook_page(alias, count(alias), str(_number(alias))) for alias in seen.query["ids"][0].split(",")}))

    def instagram(seen):
        asked = seen.query["fields"][0].partition("business_discovery.username(")[2].partition(")")[0]
        return s.Reply(200, s.instagram_business(asked, count(asked), str(_number(asked))))

    stub.route("/17841400000000000", instagram)
    stub.route("/mastodon.social/api/v1/accounts/lookup", lambda seen: s.Reply(200, s.mastodon_account(
        seen.query["acct"][0], count(seen.query["acct"][0]), str(_number(seen.query["acct"][0])))))


# platform: (share of the register, link of synthetic channel n)
MIX = {
    "x": (48, "https://x.com/b{n}"),
    "instagram": (40, "https://www.instagram.com/bench{n}/"),
    "facebook": (28, "https://www.facebook.com/bench{n}"),
    "youtube": (25, "https://www.youtube.com/channel/UC{n:022d}"),
    "telegram": (3, "https://t.me/bench{n}"),
    "bluesky": (1, "https://bsky.app/profile/bench{n}.bsky.social"),
    "mastodon": (1, "https://mastodon.social/@bench{n}"),
}


def _fill(count: int, platforms) -> list[int]:
    from django.utils import timezone

    from accounts.models import Channel, Status
    from accounts.platforms import parse_account_link
    from entities.models import Entity

    entity = Entity.objects.create(slug="bench", name_en="Ministry of Benchmarks", name_ar="وزارة القياس")
    now = timezone.now()
    shares = [(platform, MIX[platform.value][0]) for platform in platforms]
    total = sum(share for _platform, share in shares)
    rows = []
    for platform, share in shares:
        for n in range(round(count * share / total)):
            account = parse_account_link(MIX[platform.value][1].format(n=n + 1))
            rows.append(Channel(platform=account.platform, handle=account.handle, handle_key=account.handle_key,
                                canonical_url=account.canonical_url, entity=entity, status=Status.APPROVED,
                                approved_at=now))
    Channel.private_objects.bulk_create(rows, batch_size=2000)
    return list(Channel.private_objects.values_list("pk", flat=True))


if __name__ == "__main__":
    main()
