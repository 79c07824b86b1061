"""The webhook signature (accounts/opendata/webhooks_signing.py), as a subscriber checks it."""
from __future__ import annotations

import hashlib
import hmac

from accounts.opendata.webhooks_signing import (
    REPLAY_WINDOW_SECONDS,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signed_headers,
    verify,
)

SECRET = "s3cret-shared-with-the-subscriber"
BODY = b'{"kind":"approved","channel":{"handle":"UAEGov"}}'
NOW = 1_767_225_600


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    headers = signed_headers(SECRET, BODY, timestamp=NOW)
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert headers == {TIMESTAMP_HEADER: str(NOW), SIGNATURE_HEADER: f"sha256={expected}"}


def test_a_subscriber_accepts_it_within_the_replay_window_only():
    headers = signed_headers(SECRET, BODY, timestamp=NOW)

    def check(*, secret=SECRET, body=BODY, timestamp=headers[TIMESTAMP_HEADER], now=NOW):
        return verify(secret, timestamp=timestamp, signature_header=headers[SIGNATURE_HEADER], body=body, now=now)

    assert check()
    assert check(now=NOW + REPLAY_WINDOW_SECONDS) and check(now=NOW - REPLAY_WINDOW_SECONDS)
    assert not check(now=NOW + REPLAY_WINDOW_SECONDS + 1)  # a captured delivery replayed later
    assert not check(now=NOW - REPLAY_WINDOW_SECONDS - 1)
    assert not check(body=BODY.replace(b"approved", b"retired"))
    assert not check(secret="another-secret")
    assert not check(timestamp=str(NOW + 60), now=NOW + 60)  # a fresh timestamp breaks the signature
    assert not check(timestamp="soon")
