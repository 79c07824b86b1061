"""Where a webhook may be sent, and sending there without being turned against the network (SSRF).

A subscriber's URL is checked when it is saved and again at every delivery: `https` only (plain
`http` only where WEBHOOK_ALLOW_HTTP says, in development), no credentials in it, and every address
its host resolves to must be a public one: no private, loopback, link-local, multicast, reserved or
unspecified address (a name resolving to 10.0.0.5 is refused like 10.0.0.5 itself). The request then
goes to the very address that was checked, never to a second lookup's answer (a DNS-rebinding name
could answer a public address to the check and 127.0.0.1 to the connection): the URL is rewritten to
the address, with the Host header and TLS's server name (SNI, and so the certificate check) set to
the real host name. Redirects are not followed, the time is bounded and only the start of the answer
is read.
"""
from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from registry.direction import isolate
from registry.errors import RegistryError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeWebhookURL(RegistryError):
    """A subscriber URL the registry will not send to; the message says why."""

    code = "unsafe_webhook_url"


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as in the URL, lower case, without brackets
    port: int
    path: str  # with its query
    addresses: tuple[str, ...]  # every address the host resolved to, all checked

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"

    def pinned_url(self, address: str) -> str:
        """The URL with its host replaced by one of the checked addresses."""
        netloc = f"[{address}]:{self.port}" if ":" in address else f"{address}:{self.port}"
        path, _sep, query = self.path.partition("?")
        return urlunsplit((self.scheme, netloc, path or "/", query, ""))


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (the DNS boundary: tests replace this function)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeWebhookURL(_("The host name %(host)s could not be resolved.") % {"host": isolate(host, ltr=True)},
                               field="url") from exc
    return list(dict.fromkeys(info[4][0] for info in infos))


def refusal(address: IPAddress) -> str | None:
    """Why the registry will not send to this address, or None if it is a public one."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.is_site_local:  # fec0::/10, deprecated but still routed inside some networks
            return _("a private address")
        # An IPv4 address carried inside an IPv6 one reaches that IPv4 address: judged as it.
        # ::ffff:10.0.0.1 (mapped), 2002:a00:1::1 (6to4 of 10.0.0.1), Teredo's client address.
        carried = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if carried is not None:
            return refusal(carried)
    if address.is_loopback:
        # Loopback only where the tests' local receiver needs it (never from the environment).
        return None if getattr(settings, "WEBHOOK_ALLOW_LOOPBACK", False) else _("a loopback address")
    if address.is_unspecified:
        return _("an unspecified address")
    if address.is_link_local:
        return _("a link-local address")
    if address.is_multicast:
        return _("a multicast address")
    if address.is_private:
        return _("a private address")
    if address.is_reserved or not address.is_global:
        return _("a reserved address")
    return None


def check_url(url: str) -> Target:
    """The URL's target, every address resolved and checked; UnsafeWebhookURL says what is wrong."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeWebhookURL(_("This is not a valid URL."), field="url") from exc
    allowed = ("https", "http") if settings.WEBHOOK_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed:
        raise UnsafeWebhookURL(_("Webhooks are sent over https only."), field="url")
    if parts.username is not None or parts.password is not None:
        raise UnsafeWebhookURL(_("Give the URL without a user name or password: the signature proves the sender."),
                               field="url")
    host = (parts.hostname or "").rstrip(".")
    try:
        host = host.encode("idna").decode("ascii")  # the name as DNS, the Host header and SNI carry it
    except UnicodeError:
        host = ""
    if not host:
        raise UnsafeWebhookURL(_("This is not a valid URL."), field="url")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    addresses = [host] if literal is not None else resolve(host, port)
    if not addresses:
        raise UnsafeWebhookURL(_("The host name %(host)s could not be resolved.") % {"host": isolate(host, ltr=True)},
                               field="url")
    for address in addresses:
        reason = refusal(ipaddress.ip_address(address.split("%", 1)[0]))
        if reason is not None:
            raise UnsafeWebhookURL(
                _("%(host)s leads to %(address)s, %(reason)s: webhooks go to public addresses only.")
                % {"host": isolate(host, ltr=True), "address": isolate(address, ltr=True), "reason": reason},
                field="url",
            )
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=parts.scheme, host=host, port=port, path=path, addresses=tuple(addresses))


@dataclass(frozen=True)
class Answer:
    status_code: int
    start: bytes  # at most WEBHOOK_MAX_RESPONSE_BYTES of the body


def post_pinned(url: str, *, body: bytes, headers: dict[str, str]) -> Answer:
    """POST `body` to `url` at an address checked just now, as the module's docstring says.

    Raises UnsafeWebhookURL if the URL may not be used, httpx.HTTPError if the exchange fails."""
    target = check_url(url)
    address = target.addresses[0]
    extensions = {}
    if target.scheme == "https":
        extensions["sni_hostname"] = target.host  # the certificate is checked against the real name
    limit = settings.WEBHOOK_MAX_RESPONSE_BYTES
    # trust_env=False: a proxy from the environment would make its own connection, to its own lookup.
    with httpx.Client(timeout=settings.WEBHOOK_TIMEOUT_SECONDS, follow_redirects=False, trust_env=False) as client:
        with client.stream("POST", target.pinned_url(address), content=body,
                           headers={**headers, "Host": target.host_header}, extensions=extensions) as response:
            start = b""
            # A receiver dripping its answer a byte at a time resets the read timeout at each byte: the
            # whole answer gets one more timeout's time, then what came is enough (only the status matters).
            deadline = time.monotonic() + settings.WEBHOOK_TIMEOUT_SECONDS
            for chunk in response.iter_raw():
                start += chunk
                if len(start) >= limit or time.monotonic() > deadline:
                    break
            return Answer(status_code=response.status_code, start=start[:limit])
