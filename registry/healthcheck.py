"""Container health checks for docker-compose: `python -m registry.healthcheck web|worker|beat`.

Exit 0 when healthy. The web check asks the site's own /healthz as a proxy would (an allowed
Host and X-Forwarded-Proto: https), so production's HTTPS redirect and host check apply to it.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BEAT_SCHEDULE = Path(os.environ.get("CELERY_BEAT_SCHEDULE_FILE", "/tmp/celerybeat-schedule"))
BEAT_STALE_SECONDS = 15 * 60  # beat saves its schedule at least every few minutes


def web() -> bool:
    host = (os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")[0].strip() or "localhost").lstrip(".")
    request = urllib.request.Request(
        f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz",
        headers={"Host": host, "X-Forwarded-Proto": "https"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - fixed local address
        return response.status == 200


def worker() -> bool:
    node = f"celery@{os.uname().nodename}"
    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "registry", "inspect", "ping", "-d", node, "--timeout", "5"],
        capture_output=True, timeout=30,
    )
    return result.returncode == 0


def beat() -> bool:
    saved = [p.stat().st_mtime for p in BEAT_SCHEDULE.parent.glob(BEAT_SCHEDULE.name + "*")]
    return bool(saved) and time.time() - max(saved) < BEAT_STALE_SECONDS


CHECKS = {"web": web, "worker": worker, "beat": beat}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CHECKS:
        sys.exit(f"usage: python -m registry.healthcheck {'|'.join(CHECKS)}")
    try:
        healthy = CHECKS[sys.argv[1]]()
    except Exception as exc:  # noqa: BLE001 - any failure is "unhealthy", said on stderr
        print(exc, file=sys.stderr)
        healthy = False
    sys.exit(0 if healthy else 1)
