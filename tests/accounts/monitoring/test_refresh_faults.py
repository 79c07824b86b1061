"""The refresh under faults, with real processes: Redis stopped in the middle of a refresh, and a
Celery worker killed (SIGKILL) in the middle of a batch. Each runs its own redis-server on a
free port, so stopping it touches nothing else; the platforms are the local stub."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import Channel, FollowerSnapshot, RefreshStatus, Status
from entities.models import Entity
from tests.conftest import missing_tool
from tests.platforms.stub import PlatformStub, x_users_by

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    def __init__(self):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is needed for the fault tests: run .ci/run or apt-get install redis-server")
        self.binary, self.port, self.process = binary, free_port(), None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        import redis

        for _ in range(100):
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


def make_x_channels(count: int) -> list[int]:
    entity = Entity.objects.create(slug="faults", name_en="Ministry of Faults", name_ar="وزارة الأعطال")
    Channel.private_objects.bulk_create([
        Channel(platform="x", handle=f"fault{n}", handle_key=f"fault{n}", canonical_url=f"https://x.com/fault{n}",
                entity=entity, status=Status.APPROVED, approved_at=timezone.now())
        for n in range(count)
    ])
    return list(Channel.private_objects.order_by("pk").values_list("pk", flat=True))


def snapshots_today() -> dict[int, int]:
    """How many snapshots each channel has today."""
    counts: dict[int, int] = {}
    for channel_id in FollowerSnapshot.objects.filter(date=timezone.localdate()).values_list("channel_id", flat=True):
        counts[channel_id] = counts.get(channel_id, 0) + 1
    return counts


def test_redis_stopped_mid_refresh_the_site_answers_and_the_refresh_completes(private_redis, settings):
    settings.REDIS_URL = private_redis.url
    settings.CACHES = {"default": {"BACKEND": "registry.cache.ResilientRedisCache", "LOCATION": private_redis.url,
                                   "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    ids = make_x_channels(250)  # three calls of up to 100
    with PlatformStub(latency=0.3) as stub:
        settings.X_API_BASE_URL, settings.X_BEARER_TOKEN = stub.url, "test-bearer"
        stub.route("/2/users/by", x_users_by({f"fault{n}": 1000 + n for n in range(250)}))
        output = StringIO()
        refresh = threading.Thread(target=call_command, args=("refresh_followers", "--platform", "x"),
                                   kwargs={"stdout": output, "stderr": StringIO()})
        refresh.start()
        while not stub.requests:
            time.sleep(0.01)
        private_redis.stop()  # while the first batch is being answered

        web = Client()
        assert web.get("/en/").status_code == 200
        assert web.get("/api/v1/verify/", {"q": "https://x.com/fault1"}).json()["result"] == "official"
        assert web.get("/api/v1/channels/", {"platform": "x"}).status_code == 200
        time.sleep(1.0)
        assert refresh.is_alive()  # waiting for the shared budget's Redis, not calling blind
        assert len(stub.requests) == 1

        private_redis.start()
        refresh.join(timeout=60)
        assert not refresh.is_alive()

    assert "refreshed (count changed): 250" in output.getvalue()
    assert snapshots_today() == {pk: 1 for pk in ids}
    assert set(Channel.private_objects.values_list("refresh_status", flat=True)) == {RefreshStatus.OK}


def worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "registry", "worker", "--pool=solo", "--concurrency=1",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )


def test_a_worker_killed_mid_batch_the_batch_is_redone_once(private_redis):
    ids = make_x_channels(150)  # two batches: 100 and 50
    db = connection.settings_dict
    database_url = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
                    f"{db['PORT'] or 5432}/{db['NAME']}")
    if not db["HOST"]:
        missing_tool("a PostgreSQL server over TCP for the worker process (the embedded one listens on a socket)",
                     "set DATABASE_URL, or run .ci/run")
    calls = {"n": 0}
    answer = x_users_by({f"fault{n}": 5000 + n for n in range(150)})

    def slow_first_answer(seen):
        calls["n"] += 1
        reply = answer(seen)
        if calls["n"] == 1:
            reply.delay = 30  # the worker is killed while it waits for this one
        return reply

    with PlatformStub() as stub:
        stub.route("/2/users/by", slow_first_answer)
        env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": private_redis.url,
               "X_API_BASE_URL": stub.url, "X_BEARER_TOKEN": "test-bearer", "CELERY_VISIBILITY_TIMEOUT": "3",
               "DJANGO_DEBUG": "1"}
        first = worker(env)
        try:
            queued = subprocess.run(
                [sys.executable, "manage.py", "shell", "-c",
                 "from accounts.tasks.refresh import refresh_followers; print(refresh_followers.delay().id)"],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
            )
            assert queued.returncode == 0, queued.stderr
            deadline = time.monotonic() + 60
            while calls["n"] == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert calls["n"] >= 1, "the worker never called the platform"
            time.sleep(0.5)
            os.killpg(first.pid, signal.SIGKILL)  # mid-batch: its message is taken, not acknowledged
            first.wait(timeout=10)
        finally:
            if first.poll() is None:
                os.killpg(first.pid, signal.SIGKILL)
        assert set(snapshots_today()) <= set(ids)
        # Past the visibility timeout, the next worker to start puts the abandoned message back.
        time.sleep(4)
        second = worker(env)
        try:
            deadline = time.monotonic() + 90
            while len(snapshots_today()) < len(ids) and time.monotonic() < deadline:
                time.sleep(0.25)
        finally:
            os.killpg(second.pid, signal.SIGKILL)
            second.wait(timeout=10)

    assert snapshots_today() == {pk: 1 for pk in ids}
    assert calls["n"] >= 3  # the killed batch was asked again
    assert sorted(Channel.private_objects.values_list("followers", flat=True)) == [5000 + n for n in range(150)]
