"""A fault test: the database goes away under a running site, and comes back.

The live server answers from its own connections; the test forbids new connections to the test
database and ends the server's, exactly what a failed-over or restarted PostgreSQL does, while its
own connection stays open to bring the database back."""
from __future__ import annotations

import httpx
import psycopg
import pytest
from django.db import connection

from accounts.models import Status

pytestmark = pytest.mark.django_db(transaction=True)


def database_away(away: bool) -> None:
    """Forbid (or allow again) connections to the test database, and end the live server's: done from
    the server's maintenance database, as a database cannot shut itself out."""
    name = connection.settings_dict["NAME"]
    # The very server Django talks to (a socket for the embedded PostgreSQL of `make test`).
    params = {**connection.get_connection_params(), "dbname": "postgres", "autocommit": True}
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"false" if away else "true"}')
        if away:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
                          [name, connection.connection.info.backend_pid])


@pytest.fixture
def outage():
    yield lambda: database_away(True)
    database_away(False)


def test_the_public_keeps_its_answers_while_the_database_is_away(live_server, make_channel, make_entity, outage):
    entity = make_entity(slug="outage-ministry", name_en="Ministry of Outages", name_ar="وزارة الانقطاع")
    make_channel("https://x.com/OutageMin", entity=entity, status=Status.APPROVED)
    site = httpx.Client(base_url=live_server.url, timeout=10)
    verify = "/en/verify/?q=https%3A%2F%2Fx.com%2FOutageMin"
    for path in ("/en/entities/outage-ministry/", verify):
        assert site.get(path).status_code == 200  # seen once: a last good copy is kept

    outage()
    kept = site.get(verify)
    assert kept.status_code == 200 and 'data-result="official"' in kept.text
    assert "data-stale" in kept.text and "as of" in kept.text and kept.headers["X-Register-As-Of"]
    assert "no-cache" in kept.headers["Cache-Control"] or "no-store" in kept.headers["Cache-Control"]
    assert "Ministry of Outages" in site.get("/en/entities/outage-ministry/").text

    # Nothing kept: a 503 in both languages with Retry-After; the API answers its JSON error.
    never_seen = site.get("/ar/directory/?q=nothing-kept")
    assert never_seen.status_code == 503 and never_seen.headers["Retry-After"]
    assert "The register is unavailable for a moment" in never_seen.text and 'lang="ar"' in never_seen.text
    api = site.get("/api/v1/verify/", params={"q": "https://x.com/NeverAsked"})
    assert api.status_code == 503 and api.json()["code"] == "unavailable" and api.headers["Retry-After"]

    # Back: fresh answers again, by themselves.
    database_away(False)
    make_channel("https://x.com/AfterOutage", entity=entity, status=Status.APPROVED)
    fresh = site.get("/en/entities/outage-ministry/")
    assert fresh.status_code == 200 and "AfterOutage" in fresh.text and "data-stale" not in fresh.text
