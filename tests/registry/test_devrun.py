"""`make run` as a newcomer meets it: set up, load the demo register, serve it; and again."""
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
NO_REDIS = "redis://127.0.0.1:1/0"  # a port nothing listens on


@pytest.fixture
def fresh_database_url():
    """A database of its own on the test server, dropped afterwards."""
    params = connection.settings_dict
    socket_dir = params.get("OPTIONS", {}).get("host", "")
    host = params["HOST"] or socket_dir
    conninfo = {"host": host, "port": params["PORT"] or 5432, "user": params["USER"],
                "password": params["PASSWORD"] or None}
    name = f"registry_devrun_{os.getpid()}"
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = quote(params["USER"]) + (":" + quote(params["PASSWORD"]) if params["PASSWORD"] else "")
    if socket_dir:
        yield f"postgresql://{auth}@/{name}?host={quote(socket_dir)}"
    else:
        yield f"postgresql://{auth}@{params['HOST']}:{params['PORT'] or 5432}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_and_read_home(database_url: str) -> tuple[str, str]:
    """Run `make run`'s script until it serves the English home page; return the page and what it printed."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": NO_REDIS, "PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "registry.devrun"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    html = ""
    try:
        deadline = time.monotonic() + 240
        while not html and time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/", timeout=5) as response:
                    html = response.read().decode()
            except OSError:
                time.sleep(1)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
    assert html, f"make run did not serve the home page:\n{output}"
    return html, output


def totals(html: str) -> dict[str, int]:
    found = re.findall(r'data-total="(\w+)">([\d,]+)<', html)
    return {name: int(value.replace(",", "")) for name, value in found}


@pytest.mark.slow
def test_make_run_serves_the_demo_register_and_can_run_again(fresh_database_url):
    for attempt in ("first", "second"):
        html, output = serve_and_read_home(fresh_database_url)
        figures = totals(html)
        assert figures["entities"] + figures["officials"] == 58, attempt
        assert figures["channels"] >= 180, attempt
        assert 30_000_000 < figures["followers"] < 32_000_000, attempt
        assert "Sample data" in html
        assert "Redis does not answer" in output and "run inline" in output
        assert "editor@demo.gco.example" in output and "reviewer@demo.gco.example" in output
