"""The refresh run in the foreground (`manage.py refresh_followers`): batch after batch, waiting out short rate limits.

The Celery tasks put a refused batch off and are retried later (accounts/tasks/refresh.py). A
person running the command wants it finished instead: when a platform refuses for a while and
says until when (a 429 with X's `x-rate-limit-reset`, a `Retry-After`, Telegram's `retry_after`,
the shared call budget spent), the command waits until then, if that is within `max_wait`
seconds, and asks again for the channels refused. A longer refusal (YouTube's quota day) is
recorded for them and for the platform's remaining channels, without calling it again in this
run, and `given_up` says until when, so the command can say when to run it again.

What the platform answers after a wait is recorded exactly as any answer: an account it does
not know opens its alert on that same run.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from accounts.monitoring.refresh import Outcome, record_answers, refresh_batch, shared_adapter
from accounts.platforms.api import Adapter, Failure, FailureKind
from accounts.tasks.report import schedule_scores

# Refusals that pass at a time the platform gives: worth waiting for. A timeout or an outage
# says nothing of when it ends, and is recorded at once, as before.
WAITABLE = frozenset({FailureKind.RATE_LIMITED, FailureKind.QUOTA_EXHAUSTED})
# A platform still refusing everything after this many waits in a row, each as long as it said,
# is given up on for the run: it is not keeping its word, and the run must end.
FRUITLESS_WAITS = 3
# Asked again this long after the time the platform gave: its clock and ours differ a little,
# and X's reset is in whole seconds.
MARGIN_SECONDS = 0.5


@dataclass(frozen=True)
class Wait:
    """A wait about to start, for the command's progress output."""

    platform: str
    kind: FailureKind
    until: datetime
    channels: int  # the channels asked again once it is over

    @property
    def seconds(self) -> float:
        return max(0.0, (self.until - timezone.now()).total_seconds())


@dataclass
class ForegroundRefresh:
    max_wait: float
    on_wait: Callable[[Wait], None] = lambda wait: None
    sleep: Callable[[float], None] = time.sleep
    # Platform → the refusal it was given up on for (its retry_at says when to run again).
    given_up: dict[str, Failure] = field(default_factory=dict)
    # Platform → how many of its channels were recorded as waiting for it.
    waiting: dict[str, int] = field(default_factory=dict)
    _adapters: dict[str, Adapter | None] = field(default_factory=dict)

    def adapter(self, platform: str) -> Adapter | None:
        if platform not in self._adapters:
            # max_wait=0: the shared budget never sleeps unseen inside a call; a spent budget comes
            # back here as a rate limit with its time, and is waited out (and said) below.
            self._adapters[platform] = shared_adapter(platform, max_wait=0)
        return self._adapters[platform]

    def close(self) -> None:
        for adapter in self._adapters.values():
            if adapter is not None:
                adapter.close()

    def refresh(self, platform: str, channel_ids: Sequence[int]) -> Outcome:
        """Refresh one batch of a platform's channels, waiting out the platform's short refusals."""
        total = Outcome()
        if platform in self.given_up:
            self._record_waiting(platform, {pk: self.given_up[platform] for pk in channel_ids}, total)
            return total
        pending, fruitless = list(channel_ids), 0
        while pending:
            outcome = refresh_batch(pending, self.adapter(platform), platform=platform, defer_retryable=True)
            deferred, outcome.retry = outcome.retry, {}
            total.add(outcome)
            waitable = {pk: failure for pk, failure in deferred.items()
                        if failure.kind in WAITABLE and failure.retry_at is not None}
            self._record({pk: failure for pk, failure in deferred.items() if pk not in waitable}, total)
            if not waitable:
                break
            fruitless = fruitless + 1 if len(waitable) == len(pending) else 0
            latest = max(waitable.values(), key=lambda failure: failure.retry_at)
            wait = Wait(platform, latest.kind, latest.retry_at, len(waitable))
            if (latest.retry_at - timezone.now()).total_seconds() > self.max_wait or fruitless > FRUITLESS_WAITS:
                self.given_up[platform] = latest
                self._record_waiting(platform, waitable, total)
                break
            self.on_wait(wait)
            self.sleep(wait.seconds + MARGIN_SECONDS)
            pending = sorted(waitable)
        return total

    def _record_waiting(self, platform: str, answers: dict[int, Failure], outcome: Outcome) -> None:
        self.waiting[platform] = self.waiting.get(platform, 0) + len(answers)
        self._record(answers, outcome)

    @staticmethod
    def _record(answers: dict[int, Failure], outcome: Outcome) -> None:
        if answers:
            record_answers(answers, today=timezone.localdate(), outcome=outcome)
            schedule_scores()
