"""With REDIS_URL set, the site's cache, sessions and Celery broker all use that Redis."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
from django.conf import settings
from django.core.cache import cache
from registry.celery import app

cache.set("registry-test-probe", "سجل", timeout=30)
with app.connection_for_write() as connection:
    connection.ensure_connection(max_retries=1)
print(json.dumps({
    "cached": cache.get("registry-test-probe"),
    "broker": app.conf.broker_url,
    "eager": app.conf.task_always_eager,
    "sessions": settings.SESSION_ENGINE,
}))
"""


def run_probe(env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_cache_sessions_and_broker_use_redis(redis_url):
    figures = run_probe({**os.environ, "REDIS_URL": redis_url})
    assert figures == {
        "cached": "سجل",
        "broker": redis_url,
        "eager": False,
        "sessions": "django.contrib.sessions.backends.cached_db",
    }


def test_without_redis_jobs_run_inline_and_sessions_live_in_the_database():
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    figures = run_probe(env)
    assert figures["eager"] is True
    assert figures["sessions"] == "django.contrib.sessions.backends.db"
