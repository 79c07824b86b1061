"""Benchmark: the public answers under gunicorn, as a ratio to a bare Django JSON view, and under load.

    .venv/bin/python bench/web.py [--seconds 10] [--load-seconds 60] [--database URL]

Serves the project (production settings, bench/harness.py: DJANGO_DEBUG=0, whitenoise, verify's
and the API's throttles set out of reach so the site is measured, not the throttle) and a bare
Django app (bench/bare_app.py: one JSON view, no middleware, no database) under gunicorn with the
same worker count (2 sync workers, as the production image runs them), on the demo register
(database `bench_web` on DATABASE_URL's server unless --database; created, migrated and loaded if
needed). Then, for each answer, a run on the bare view and a run on the answer, one after the
other, with `wrk` (or bench/load.py where wrk is not installed): requests a second, p50 and p99,
and the ratio of the answer's requests a second to the bare view's of the same pair. Last, the
load scenario: 200 connections on verify of an official link for --load-seconds, with errors and
p99, and the RSS of each gunicorn worker of the project.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import harness, load  # noqa: E402

SITE_PORT, BARE_PORT = 8471, 8472
ANSWERS = [
    ("verify API, official link", "/api/v1/verify/?q=https://x.com/MOFAUAE_demo", 0.6),
    ("verify API, look-alike", "/api/v1/verify/?q=https://x.com/MOFAUAE_dem0", 0.5),
    ("API channel list, page_size=50", "/api/v1/channels/?page_size=50", 0.4),
    ("home page", "/en/", 0.3),
]


@dataclass
class Run:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # socket errors and timeouts
    non_2xx: int


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="seconds of each measured run")
    parser.add_argument("--connections", type=int, default=8, help="connections of the ratio runs")
    parser.add_argument("--load-seconds", type=float, default=60, help="seconds of the 200-connection run")
    parser.add_argument("--load-connections", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of each server")
    parser.add_argument("--database", help="database URL (default: bench_web on DATABASE_URL's server)")
    parser.add_argument("--tool", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python")
    args = parser.parse_args()

    url = args.database or harness.scratch_database_url("bench_web")
    harness.create_database(url)
    env = harness.site_environment(url)
    # The command refuses to load the demo (its logins are published) into a production site.
    harness.manage("migrate", "--noinput", env={**env, "DJANGO_DEBUG": "1"})
    harness.manage("load_demo", env={**env, "DJANGO_DEBUG": "1"})
    harness.collect_static(env)

    print(f"load tool: {args.tool}" + ("" if args.tool == "wrk" else
          " (bench/load.py: a Python client on the same cores; wrk is not installed)"))
    print(f"gunicorn: {args.workers} sync workers each; {args.connections} connections, {args.seconds:.0f} s a run")
    site = _gunicorn("registry.wsgi:application", SITE_PORT, args.workers, env)
    bare = _gunicorn("bench.bare_app:application", BARE_PORT, args.workers, env)
    try:
        _wait(f"http://127.0.0.1:{SITE_PORT}/healthz")
        _wait(f"http://127.0.0.1:{BARE_PORT}/")
        bare_url = f"http://127.0.0.1:{BARE_PORT}/"
        print()
        print(f"{'answer':<32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} | {'bare req/s':>10} "
              f"{'p50 ms':>7} | {'ratio':>6} {'goal':>5}")
        for label, path, goal in ANSWERS:
            site_url = f"http://127.0.0.1:{SITE_PORT}{path}"
            _drive(args.tool, site_url, 8, 2)  # warm-up: connections, caches, compiled templates
            _drive(args.tool, bare_url, 8, 2)
            base = _drive(args.tool, bare_url, args.connections, args.seconds)
            run = _drive(args.tool, site_url, args.connections, args.seconds)
            ratio = run.requests_per_second / base.requests_per_second
            flag = "" if not (run.errors or run.non_2xx) else f"  ({run.errors} errors, {run.non_2xx} non-2xx)"
            print(f"{label:<32} {run.requests_per_second:>8.0f} {run.p50_ms:>8.1f} {run.p99_ms:>8.1f} | "
                  f"{base.requests_per_second:>10.0f} {base.p50_ms:>7.1f} | {ratio:>5.2f}x {goal:>4}x{flag}",
                  flush=True)
        path = ANSWERS[0][1]
        loaded = _drive(args.tool, f"http://127.0.0.1:{SITE_PORT}{path}", args.load_connections, args.load_seconds)
        print()
        print(f"load: {args.load_connections} connections on verify of an official link for {args.load_seconds:.0f} s: "
              f"{loaded.requests} answers, {loaded.requests_per_second:.0f} req/s, p50 {loaded.p50_ms:.0f} ms, "
              f"p99 {loaded.p99_ms:.0f} ms, {loaded.errors} errors, {loaded.non_2xx} non-2xx "
              f"(goal: no error, p99 <= 200 ms)")
        workers = psutil.Process(site.pid).children()
        print("project's gunicorn workers, RSS: "
              + ", ".join(f"{w.memory_info().rss / 2**20:.0f} MB" for w in workers) + " (goal: < 200 MB)")
    finally:
        for server in (site, bare):
            server.terminate()
            server.wait(timeout=30)


def _gunicorn(app: str, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--log-level", "warning", "--backlog", "2048"],
        cwd=harness.ROOT, env=env,
    )


def _wait(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError as error:
            if time.monotonic() > deadline:
                raise SystemExit(f"{url} did not answer within {seconds:.0f} s") from error
            time.sleep(0.2)


def _drive(tool: str, url: str, connections: int, seconds: float) -> Run:
    if tool == "python":
        outcome = load.run(url, connections=connections, seconds=seconds)
        return Run(outcome.requests_per_second, outcome.percentile(0.5) * 1000, outcome.percentile(0.99) * 1000,
                   len(outcome.latencies), outcome.errors, outcome.non_2xx)
    threads = min(2, connections)
    output = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:.0f}s", "--latency", "--timeout", "30s",
         url], capture_output=True, text=True, check=True,
    ).stdout
    return _wrk_run(output)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _wrk_run(output: str) -> Run:
    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M).groups()
        return float(value) * _UNITS[unit]

    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Run(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=latency("50"), p99_ms=latency("99"),
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
        errors=errors, non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
    )


if __name__ == "__main__":
    main()
