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
    parser.add_argument("--workers", type=int, default=1, help="batches refreshed at once (threads)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, connections

    from accounts.platforms import ADAPTERS
    from tests.platforms import stub as stubs

    test_db = connection.creation.create_test_db(verbosity=0, keepdb=False, autoclobber=True)
    try:
        with stubs.PlatformStub(latency=args.latency) as stub:
            for setup in ROUTES.values():
                setup(stub, settings)
            platforms = [platform for platform in ADAPTERS if platform.value in ROUTES]
            ids = _fill(args.channels, platforms)
            from accounts.refresh import batches, channels_to_refresh, refresh_batch

            cut = batches(channels_to_refresh().only("pk", "platform"))
            connections.close_all()
            started = time.perf_counter()
            done = Counter()

            def run(batch):
                platform, channel_ids = batch
                outcome = refresh_batch(channel_ids, platform=platform)
                connections.close_all()
                return outcome

            with ThreadPoolExecutor(args.workers) as pool:
                for outcome in pool.map(run, cut):
                    done["refreshed"] += outcome.refreshed + outcome.unchanged
                    done["failed"] += sum(outcome.failed.values())
            elapsed = time.perf_counter() - started
            requests = len(stub.requests)
            floor = requests * args.latency / args.workers
            per_platform = Counter(seen.path for seen in stub.requests)

        from accounts.models import FollowerSnapshot

        snapshots = FollowerSnapshot.objects.count()
        print(f"channels: {len(ids)} on {', '.join(p.value for p in platforms)}")
        print(f"refreshed: {done['refreshed']}, failed: {done['failed']}, snapshots: {snapshots}")
        print(f"HTTP requests: {requests} ({dict(per_platform)})")
        print(f"latency per call: {args.latency * 1000:.0f} ms, workers: {args.workers}")
        print(f"time: {elapsed:.2f} s, {len(ids) / elapsed:.0f} channels/s")
        print(f"floor (requests x latency / workers): {floor:.2f} s; ratio to the floor: {elapsed / floor:.2f}"
              if floor else "floor: 0 (no latency)")
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)


# --- What the stub answers, per platform: every account exists, with a count from its name. ----

def _setup_x(stub, settings) -> None:
    from tests.platforms.stub import Reply, x_user

    settings.X_API_BASE_URL, settings.X_BEARER_TOKEN = stub.url, "bench-token"

    def users_by(seen):
        names = seen.query["usernames"][0].split(",")
        return Reply(200, {"data": [x_user(name, 1000 + int(name[1:]), name[1:]) for name in names]})

    stub.route("/2/users/by", users_by)


ROUTES = {"x": _setup_x}
HANDLES = {"x": "b{n}"}


def _fill(count: int, platforms) -> list[int]:
    from django.utils import timezone

    from accounts.models import Channel, Status
    from entities.models import Entity

    entity = Entity.objects.create(slug="bench", name_en="Ministry of Benchmarks", name_ar="وزارة القياس")
    now = timezone.now()
    rows = []
    for n in range(count):
        platform = platforms[n % len(platforms)]
        handle = _bench_handle(platform.value, n)
        rows.append(Channel(platform=platform, handle=handle, handle_key=handle.lower(),
                            canonical_url=f"https://example.invalid/{n}", entity=entity,
                            status=Status.APPROVED, approved_at=now))
    Channel.private_objects.bulk_create(rows, batch_size=2000)
    return list(Channel.private_objects.values_list("pk", flat=True))


def _bench_handle(platform: str, n: int) -> str:
    return HANDLES[platform].format(n=n)


if __name__ == "__main__":
    main()
