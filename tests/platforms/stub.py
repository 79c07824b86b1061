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
import zlib
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
    """One user as X API v2 returns it with user.fields=public_metrics,verified,url,entities,name,
    username: a website comes as a t.co link in `url`, its address in `entities.url.urls`."""
    website = extra.pop("website", "")
    user = {
        "id": user_id or str(zlib.crc32(username.lower().encode())),  # the same id in every process
        "name": extra.pop("name", username),
        "username": username,
        "verified": extra.pop("verified", False),
        "url": "https://t.co/AbC123xYz" if website else "",
        "public_metrics": {"followers_count": followers, "following_count": 10, "tweet_count": 100,
                           "listed_count": 1},
        **extra,
    }
    if website:
        user["entities"] = {"url": {"urls": [{"start": 0, "end": 23, "url": "https://t.co/AbC123xYz",
                                              "expanded_url": website, "display_url": website.split("//")[-1]}]}}
    return user


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


def youtube_channel(channel_id: str, subscribers: int | str | None, *, handle: str = "", title: str = "",
                    hidden: bool = False) -> dict:
    """One channel as `channels?part=snippet,statistics` returns it (the count is a string;
    a channel hiding it has `hiddenSubscriberCount` and no count)."""
    statistics: dict = {"viewCount": "1000", "hiddenSubscriberCount": hidden, "videoCount": "10"}
    if subscribers is not None and not hidden:
        statistics["subscriberCount"] = str(subscribers)
    snippet = {"title": title or channel_id, "description": "", "publishedAt": "2012-01-01T00:00:00Z"}
    if handle:
        snippet["customUrl"] = handle
    return {"kind": "youtube#channel", "etag": "e", "id": channel_id, "snippet": snippet, "statistics": statistics}


def youtube_list(items: list[dict]) -> dict:
    """A channelListResponse; like YouTube's, it has no `items` when nothing matched."""
    body = {"kind": "youtube#channelListResponse", "etag": "e",
            "pageInfo": {"totalResults": len(items), "resultsPerPage": 5}}
    if items:
        body["items"] = items
    return body


def youtube_error(code: int, reason: str, message: str = "") -> dict:
    domain = "youtube.quota" if reason == "quotaExceeded" else "global"
    message = message or f"The request cannot be completed ({reason})."
    return {"error": {"code": code, "message": message,
                      "errors": [{"message": message, "domain": domain, "reason": reason}]}}


def youtube_channels(channels: list[dict], usernames: dict[str, str] | None = None) -> Callable[[Seen], Reply]:
    """`/channels`: answers `id=` (comma-separated), `forHandle=` and `forUsername=` from `channels`
    (built with youtube_channel); `usernames` maps legacy user names to channel ids."""
    by_id = {channel["id"]: channel for channel in channels}
    by_handle = {channel["snippet"].get("customUrl", "").lower(): channel for channel in channels}
    usernames = {name.lower(): channel_id for name, channel_id in (usernames or {}).items()}

    def reply(seen: Seen) -> Reply:
        if "id" in seen.query:
            ids = seen.query["id"][0].split(",")
            return Reply(200, youtube_list([by_id[i] for i in ids if i in by_id]))
        if "forHandle" in seen.query:
            handle = "@" + seen.query["forHandle"][0].removeprefix("@").lower()
            return Reply(200, youtube_list([by_handle[handle]] if handle in by_handle else []))
        if "forUsername" in seen.query:
            channel_id = usernames.get(seen.query["forUsername"][0].lower())
            return Reply(200, youtube_list([by_id[channel_id]] if channel_id in by_id else []))
        return Reply(400, youtube_error(400, "missingRequiredParameter", "No filter selected."))

    return reply


def telegram_count(members: int) -> dict:
    return {"ok": True, "result": members}


def telegram_error(code: int, description: str, retry_after: int | None = None) -> dict:
    body: dict = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return body


def bluesky_profile(handle: str, followers: int, did: str | None = None, **extra) -> dict:
    """One profileViewDetailed as app.bsky.actor.getProfiles returns it."""
    return {
        "did": did or "did:plc:" + "".join("abcdefghijklmnopqrstuvwxyz234567"[b % 32]
                                           for b in handle.lower().encode().ljust(24, b"x")[:24]),
        "handle": handle,
        "displayName": extra.pop("displayName", handle.split(".")[0]),
        "description": "",
        "followersCount": followers,
        "followsCount": 10,
        "postsCount": 100,
        "indexedAt": "2026-01-01T00:00:00.000Z",
        "createdAt": "2023-05-01T00:00:00.000Z",
        **extra,
    }


def bluesky_profiles(profiles: list[dict]) -> Callable[[Seen], Reply]:
    """`getProfiles`: each `actors` value (a handle or a DID) that names one of `profiles`;
    the others are left out, as the AppView leaves out what it cannot resolve."""
    by_actor = {profile["handle"].lower(): profile for profile in profiles}
    by_actor.update({profile["did"]: profile for profile in profiles})

    def reply(seen: Seen) -> Reply:
        actors = seen.query.get("actors", [])
        if len(actors) > 25:
            return Reply(400, {"error": "InvalidRequest", "message": "actors must not have more than 25 elements"})
        found = [by_actor[actor.lower() if not actor.startswith("did:") else actor] for actor in actors
                 if (actor.lower() if not actor.startswith("did:") else actor) in by_actor]
        return Reply(200, {"profiles": found})

    return reply


def graph_error(code: int, message: str, *, subcode: int | None = None, kind: str = "OAuthException") -> dict:
    """Meta's Graph API error body."""
    error: dict = {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEfGh"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


def facebook_page(name: str, followers: int | None, page_id: str, **extra) -> dict:
    """One page as `?ids=...&fields=followers_count,fan_count,name,verification_status,link,website`."""
    page = {
        "name": extra.pop("title", name),
        "fan_count": (followers or 0) - 10 if followers else 0,
        "verification_status": extra.pop("verification_status", "blue_verified"),
        "link": extra.pop("link", f"https://www.facebook.com/{name}"),
        "website": extra.pop("website", "https://u.ae"),
        "id": page_id,
        **extra,
    }
    if followers is not None:
        page["followers_count"] = followers
    return page


def facebook_pages(pages: dict[str, dict]) -> Callable[[Seen], Reply]:
    """`/?ids=`: the pages named (by name, case-insensitive, or id); a call naming any alias that is
    not there is refused whole with #803, as Facebook does."""
    by_alias = {alias.lower(): page for alias, page in pages.items()}
    by_alias.update({page["id"]: page for page in pages.values()})

    def reply(seen: Seen) -> Reply:
        aliases = seen.query.get("ids", [""])[0].split(",")
        missing = [alias for alias in aliases if alias.lower() not in by_alias]
        if missing:
            return Reply(404, graph_error(803, "(#803) Some of the aliases you requested do not exist: "
                                          + ",".join(missing)))
        return Reply(200, {alias: by_alias[alias.lower()] for alias in aliases})

    return reply


def instagram_business(username: str, followers: int, account_id: str, **extra) -> dict:
    """`/{ig-user-id}?fields=business_discovery.username(x){...}` answered for one account."""
    return {
        "business_discovery": {
            "followers_count": followers,
            "media_count": 120,
            "username": username,
            "id": account_id,
            "name": extra.pop("name", username),
            "website": extra.pop("website", "https://u.ae"),
            **extra,
        },
        "id": "17841400000000000",
    }


def instagram_discovery(accounts: dict[str, tuple[int, str]]) -> Callable[[Seen], Reply]:
    """Business discovery of the accounts named (lower-case username → (followers, id)); any other
    username is answered with Meta's "cannot be found" error."""

    def reply(seen: Seen) -> Reply:
        fields = seen.query.get("fields", [""])[0]
        asked = fields.partition("business_discovery.username(")[2].partition(")")[0]
        if asked.lower() in accounts:
            followers, account_id = accounts[asked.lower()]
            return Reply(200, instagram_business(asked, followers, account_id))
        return Reply(400, graph_error(110, f"Invalid user id. The user with username: {asked} cannot be found.",
                                      subcode=2207013))

    return reply


def mastodon_account(username: str, followers: int, account_id: str = "109000000000000001", *,
                     instance: str = "mastodon.social", **extra) -> dict:
    """An Account as `/api/v1/accounts/lookup` returns it."""
    return {
        "id": account_id,
        "username": username,
        "acct": username,
        "display_name": extra.pop("display_name", username),
        "locked": False,
        "bot": False,
        "created_at": "2022-11-01T00:00:00.000Z",
        "url": f"https://{instance}/@{username}",
        "followers_count": followers,
        "following_count": 10,
        "statuses_count": 100,
        "fields": [],
        **extra,
    }
