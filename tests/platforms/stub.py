"""A local HTTP server standing in for the social platforms' APIs in tests and benchmarks.

Tests register what each path answers (status, headers, JSON body or raw bytes, an optional
delay) and read back the requests it received. It speaks plain HTTP on 127.0.0.1 only, so the
adapters are exercised through httpx exactly as against the real hosts, with the base URLs
pointed here through settings.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-encoded unless bytes
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (timeouts, latency)


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


Route = Callable[[Seen], Reply] | Reply


class PlatformStub:
    def __init__(self, latency: float = 0.0):
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self.latency = latency
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 - the http.server API
                parts = urlsplit(self.path)
                seen = Seen("GET", parts.path, parse_qs(parts.query, keep_blank_values=True),
                            {k.lower(): v for k, v in self.headers.items()})
                with stub._lock:
                    stub.requests.append(seen)
                reply = stub.answer(seen)
                if stub.latency or reply.delay:
                    time.sleep(stub.latency + reply.delay)
                payload = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (a timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def route(self, path: str, reply: Route) -> None:
        self.routes[path] = reply

    def answer(self, seen: Seen) -> Reply:
        route = self.routes.get(seen.path)
        if route is None:
            # A path no test expected: the adapter called something it should not.
            return Reply(404, {"error": f"no stub for {seen.path}"})
        return route(seen) if callable(route) else route

    def start(self) -> PlatformStub:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> PlatformStub:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --- The platforms' documented answers, for tests and the benchmark ---------------------------

def x_user(username: str, followers: int, user_id: str | None = None, **extra) -> dict:
    """One user as X API v2 returns it with user.fields=public_metrics,verified,url,name,username."""
    return {
        "id": user_id or str(abs(hash(username.lower())) % 10**18),
        "name": extra.pop("name", username),
        "username": username,
        "verified": extra.pop("verified", False),
        "url": extra.pop("url", ""),
        "public_metrics": {"followers_count": followers, "following_count": 10, "tweet_count": 100,
                           "listed_count": 1},
        **extra,
    }


def x_not_found(username: str) -> dict:
    return {
        "value": username, "detail": f"Could not find user with usernames: [{username}].",
        "title": "Not Found Error", "resource_type": "user", "parameter": "usernames",
        "resource_id": username, "type": "https://api.twitter.com/2/problems/resource-not-found",
    }


def x_suspended(username: str) -> dict:
    return {
        "value": username, "detail": f"User has been suspended: [{username}].", "title": "Forbidden",
        "resource_type": "user", "parameter": "usernames", "resource_id": username,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }


def x_users_by(accounts: dict[str, int | None], ids: dict[str, str] | None = None) -> Callable[[Seen], Reply]:
    """`/2/users/by`: the users named in `usernames` that are in `accounts` (lower-case handle →
    followers; None means suspended), the others as not found."""
    ids = ids or {}

    def reply(seen: Seen) -> Reply:
        names = seen.query.get("usernames", [""])[0].split(",")
        data, errors = [], []
        for name in names:
            key = name.lower()
            if key in accounts and accounts[key] is not None:
                data.append(x_user(name, accounts[key], ids.get(key)))
            elif key in accounts:
                errors.append(x_suspended(name))
            else:
                errors.append(x_not_found(name))
        body: dict = {}
        if data:
            body["data"] = data
        if errors:
            body["errors"] = errors
        return Reply(200, body, {"x-rate-limit-limit": "300", "x-rate-limit-remaining": "299",
                                 "x-rate-limit-reset": str(int(time.time()) + 900)})

    return reply
