"""How a webhook delivery is signed, and how a subscriber checks it (docs/webhooks.md says the same).

Each POST carries:

    X-Registry-Timestamp: 1767225600            (Unix seconds when it was sent)
    X-Registry-Signature: sha256=<hex>          (HMAC-SHA256, key: the subscriber's secret,
                                                 message: "<timestamp>.<raw body>")
    X-Registry-Delivery:  <delivery id>         (the same on every retry: deduplicate by it)
    X-Registry-Change:    approved | retired | compromised | restored | changed

A subscriber recomputes the HMAC over the exact bytes received, compares in constant time, and
refuses a timestamp more than REPLAY_WINDOW_SECONDS away from its own clock: a captured delivery
replayed later is refused, and changing the timestamp breaks the signature.
"""
from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Registry-Timestamp"
SIGNATURE_HEADER = "X-Registry-Signature"
DELIVERY_HEADER = "X-Registry-Delivery"
CHANGE_HEADER = "X-Registry-Change"
SCHEME = "sha256"
# How far a delivery's timestamp may be from the receiver's clock (either way) and still be accepted.
REPLAY_WINDOW_SECONDS = 5 * 60


def signature(secret: str, timestamp: int | str, body: bytes) -> str:
    """The signature header's value for this body sent at `timestamp`."""
    message = str(timestamp).encode("ascii") + b"." + body
    return f"{SCHEME}=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature(secret, timestamp, body)}


def verify(secret: str, *, timestamp: str, signature_header: str, body: bytes, now: float | None = None,
           window: int = REPLAY_WINDOW_SECONDS) -> bool:
    """What a subscriber does with a delivery (and what the tests do): True only for a signature made
    with `secret` over these bytes, at a time within `window` seconds of `now`."""
    if not (timestamp.isascii() and timestamp.isdigit()):
        return False
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > window:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), signature_header or "")
