"""How the benchmarks run the site: production settings, throttles out of the way, a scratch database.

The figures are meant to be the production site's, so the benchmarks run with DJANGO_DEBUG=0
(no query log, compressed static files from the manifest, the cached template loader) and the
settings production insists on. Two things are changed on purpose, and the reports say so:
- the rate limits of verify and the API (VERIFY_PAGE_THROTTLE, API_THROTTLE_ANON/USER) are set
  far above any load the benchmarks make, so they measure the site, not the throttle (a throttle
  still counts every request in the cache, as in production);
- HTTPS is not forced (DJANGO_SECURE_SSL_REDIRECT=0): the load tools speak plain HTTP.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
UNLIMITED = "1000000/second"


def scratch_database_url(name: str) -> str:
    """DATABASE_URL's server (or the local one) with the database `name`."""
    parts = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_SERVER)
    return urlunsplit(parts._replace(path=f"/{name}"))


def create_database(url: str) -> bool:
    """Create the database of `url` on its server unless it exists; True if it was created."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        connection.execute(f'CREATE DATABASE "{name}"')
        return True


def site_environment(database_url: str) -> dict[str, str]:
    """The environment of a production-mode site on `database_url` (see the module docstring)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-5d8f2a9c41b7e6031f",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        # An SMTP server nobody calls: the pages the benchmarks read send no mail.
        "EMAIL_URL": "smtp://127.0.0.1:2525",
        "VERIFY_PAGE_THROTTLE": UNLIMITED,
        "API_THROTTLE_ANON": UNLIMITED,
        "API_THROTTLE_USER": UNLIMITED,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def collect_static(env: dict[str, str]) -> None:
    """Production pages name static files through whitenoise's manifest: collect them once."""
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        manage("collectstatic", "--noinput", env=env)
