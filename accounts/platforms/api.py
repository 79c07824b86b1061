"""What every platform's follower adapter shares: the answer types and the HTTP call.

An adapter takes a batch of channels and answers, per channel, either a `Profile` (the follower
count and what the platform says about the account) or a `Failure` of a known kind. It never
invents a number: a platform without credentials answers `not_configured` for every channel.

Only the fixed API base URLs from settings are ever called. A channel contributes its handle
or permanent id as a query value (encoded by httpx), never a host or a path of its own, so
nothing a person typed can send the registry's requests elsewhere. Mastodon is the one
platform whose host comes from the handle; its adapter calls only hosts that are registered
official Mastodon instances' names, already checked when the channel was registered.
"""
from __future__ import annotations

import email.utils
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.platforms.links import Platform

# Bounded waits: a platform that hangs costs a batch this long at most, never a worker.
TIMEOUT = httpx.Timeout(connect=5.0, read=15.0, write=5.0, pool=5.0)


class FailureKind(models.TextChoices):
    NOT_FOUND = "not_found", _("Account not found")
    SUSPENDED = "suspended", _("Account suspended")
    UNAUTHORISED = "unauthorised", _("Credentials refused")
    RATE_LIMITED = "rate_limited", _("Rate limited")
    QUOTA_EXHAUSTED = "quota_exhausted", _("Daily quota used up")
    TIMEOUT = "timeout", _("No answer in time")
    BAD_RESPONSE = "bad_response", _("Unreadable answer")
    UNAVAILABLE = "unavailable", _("Platform error")
    NOT_CONFIGURED = "not_configured", _("Platform not configured")
    # The platform has no look-up for this form of the account's name (YouTube's custom URLs): a fact
    # about the registration, not the account, so it opens no not-found alert (the public would read
    # "this account no longer exists" of a live official account); a reviewer hears of it as a refresh
    # failing for days, and records the account's id.
    NOT_LOOKED_UP = "not_looked_up", _("Cannot be looked up by this name")


# Failures that say nothing about the account itself: the batch is worth trying again later.
RETRYABLE = frozenset({FailureKind.RATE_LIMITED, FailureKind.QUOTA_EXHAUSTED, FailureKind.TIMEOUT,
                       FailureKind.UNAVAILABLE})


@dataclass(frozen=True)
class Profile:
    """What the platform says about one account today."""

    followers: int
    platform_id: str = ""  # the permanent id (X user id, YouTube channel id, Bluesky DID...)
    handle: str = ""  # the handle the platform shows now: differs from ours after a rename
    display_name: str = ""
    verified: bool | None = None  # the platform's own badge, where it has one
    profile_url: str = ""  # the link the account's profile shows (its website)
    # The account's posts as the platform counts them, and when it last posted, where the platform
    # says (PLATFORMS.md, "Posts and latest activity"); None when it does not: never guessed.
    posts: int | None = None
    last_post_at: datetime | None = None


def web_link(text: str) -> str:
    """A website as a profile shows it ("www.mofa.gov.ae", "https://mofa.gov.ae/ar") made a
    full https link, or "" when it is not a web address at all: the stored link is always one
    a URLField accepts and a browser opens."""
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    text = (text or "").strip()
    if text and "://" not in text:
        text = "https://" + text
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        return ""
    return text[:500]


@dataclass(frozen=True)
class Failure:
    kind: FailureKind
    detail: str = ""
    retry_at: datetime | None = None  # when the platform says to try again (rate limits, quotas)

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE


Answer = Profile | Failure


class PlatformError(Exception):
    """A whole call failed (rate limit, quota, credentials, outage): every channel in it shares it."""

    def __init__(self, failure: Failure):
        super().__init__(failure.detail or failure.kind)
        self.failure = failure


@dataclass
class Adapter:
    """One platform's follower API. Subclasses set `platform`, `batch_size`, and implement
    `configured` and `fetch_batch`; `fetch` splits and turns whole-call failures into answers."""

    platform: ClassVar[Platform]
    batch_size: ClassVar[int] = 1
    calls: ClassVar[tuple[int, int]] = (60, 60)  # the platform's budget: calls per window of seconds
    # Whether the platform's answer says when the account last posted (X, Mastodon): where it does,
    # staff do not report last-post dates by hand.
    tells_last_post: ClassVar[bool] = False
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=TIMEOUT))
    # The shared budget (accounts.limiter.CallLimiter); None calls freely (single tests).
    limiter: Any = None
    # How long a call may wait for the budget before the batch is put off instead.
    max_wait: float = 30.0

    def configured(self) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        self.client.close()

    def fetch_batch(self, channels: Sequence[Any]) -> dict[int, Answer]:
        """Answers for at most `batch_size` channels, keyed by channel id. Raise PlatformError
        for a failure of the whole call."""
        raise NotImplementedError

    def fetch(self, channels: Sequence[Any]) -> dict[int, Answer]:
        if not self.configured():
            return {channel.pk: Failure(FailureKind.NOT_CONFIGURED) for channel in channels}
        answers: dict[int, Answer] = {}
        for start in range(0, len(channels), self.batch_size):
            batch = channels[start:start + self.batch_size]
            try:
                found = self.fetch_batch(batch)
            except PlatformError as error:
                found = {}
                failure = error.failure
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                # An answer of a shape the adapter did not expect: unreadable, never a crash of the run.
                found = {}
                failure = Failure(FailureKind.BAD_RESPONSE, f"unexpected answer ({type(exc).__name__})")
            else:
                failure = Failure(FailureKind.BAD_RESPONSE, "the platform did not mention this account")
            for channel in batch:
                answers[channel.pk] = found.get(channel.pk, failure)
            if not found and failure.kind in (
                FailureKind.RATE_LIMITED, FailureKind.QUOTA_EXHAUSTED, FailureKind.UNAUTHORISED
            ):
                # The rest would meet the same refusal: stop calling, answer them the same.
                for channel in channels[start + self.batch_size:]:
                    answers[channel.pk] = failure
                break
        return answers

    # --- HTTP ------------------------------------------------------------------------------

    def get_json(self, url: str, *, params: Any = None, headers: dict[str, str] | None = None,
                 read_error: Callable[[httpx.Response, Any], Failure | None] | None = None) -> Any:
        """GET `url` and return its JSON body, or raise PlatformError with the failure's kind.

        `read_error` lets a platform read its own error bodies first (YouTube's quotaExceeded,
        Telegram's retry_after); it returns None to fall back to the status code's meaning.
        """
        if self.limiter is not None:
            self.limiter.acquire(self.max_wait)
        try:
            return self._get_json(url, params, headers, read_error)
        except PlatformError as error:
            if self.limiter is not None and error.failure.retry_at is not None:
                self.limiter.block_until(error.failure.retry_at)
            raise

    def _get_json(self, url, params, headers, read_error) -> Any:
        try:
            response = self.client.get(url, params=params, headers=headers)
        except httpx.TimeoutException as exc:
            raise PlatformError(Failure(FailureKind.TIMEOUT, type(exc).__name__)) from exc
        except httpx.HTTPError as exc:
            raise PlatformError(Failure(FailureKind.UNAVAILABLE, type(exc).__name__)) from exc
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        if read_error is not None:
            failure = read_error(response, body)
            if failure is not None:
                raise PlatformError(failure)
        if response.status_code == 429:
            raise PlatformError(Failure(FailureKind.RATE_LIMITED, "HTTP 429", retry_after(response)))
        if response.status_code in (401, 403):
            raise PlatformError(Failure(FailureKind.UNAUTHORISED, f"HTTP {response.status_code}"))
        if response.status_code >= 500:
            raise PlatformError(Failure(FailureKind.UNAVAILABLE, f"HTTP {response.status_code}"))
        if response.status_code >= 400 and response.status_code != 404:
            raise PlatformError(Failure(FailureKind.BAD_RESPONSE, f"HTTP {response.status_code}"))
        if body is None:
            raise PlatformError(Failure(FailureKind.BAD_RESPONSE, "the answer is not JSON"))
        return body


def retry_after(response: httpx.Response, *, now: datetime | None = None) -> datetime:
    """When a refused call may be made again: `Retry-After` (seconds or a date), X's and
    Mastodon's reset headers (Unix time or a date), else a minute from now."""
    now = now or timezone.now()
    value = response.headers.get("retry-after", "").strip()
    if value.isdigit():
        return now + timedelta(seconds=int(value))
    if value:
        try:
            return email.utils.parsedate_to_datetime(value).astimezone(UTC)
        except (TypeError, ValueError):
            pass
    for header in ("x-rate-limit-reset", "x-ratelimit-reset"):
        reset = response.headers.get(header, "").strip()
        if reset.isdigit():
            return datetime.fromtimestamp(int(reset), tz=UTC)
        if reset:
            try:
                when = datetime.fromisoformat(reset.replace("Z", "+00:00"))
            except ValueError:
                continue
            return when if when.tzinfo else when.replace(tzinfo=UTC)  # comparable with aware times
    reset = response.headers.get("ratelimit-reset", "").strip()  # IETF draft: seconds from now
    if reset.isdigit():
        return now + timedelta(seconds=int(reset))
    return now + timedelta(seconds=60)


def count(value: Any) -> int:
    """A follower count as platforms send it (an int, or YouTube's string), refused if it is not one."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError("not a count")
    number = int(value)
    if number < 0:
        raise ValueError("negative count")
    return number


def optional_count(value: Any) -> int | None:
    """A post count as platforms send it, or None where it is missing or not a count: an account
    whose post count cannot be read still has its followers recorded."""
    if value is None:
        return None
    try:
        return count(value)
    except (TypeError, ValueError):
        return None


def setting(name: str) -> str:
    return getattr(settings, name, "") or ""
