"""The embedded PostgreSQL used when no DATABASE_URL is given (development and tests).

`make run` and `make test` must work on a machine with nothing but Python, so without a
DATABASE_URL the site starts a private PostgreSQL server under `.data/pg` through the
`pgserver` package. pgserver ships core PostgreSQL only (no contrib extensions), which is why
the code uses none. The server keeps running after the process that started it exits, so
the next command reuses it instead of paying the start-up again.
"""
from __future__ import annotations

import logging
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"


def embedded_database_url() -> str:
    # pgserver narrates every start and exit at INFO, and platformdirs warns about an unset
    # XDG_RUNTIME_DIR on servers; neither tells a developer anything.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pgserver
    except ImportError as exc:  # production images do not install it
        raise RuntimeError(
            "DATABASE_URL is not set and the embedded PostgreSQL (pgserver) is not installed. "
            "Set DATABASE_URL, or install requirements-dev.txt."
        ) from exc
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = pgserver.get_server(str(DATA_DIR / "pg"), cleanup_mode=None)
    return server.get_uri()
