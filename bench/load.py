"""A small HTTP load tool for bench/web.py where wrk is not installed: like `wrk -c N -d S --latency`.

N connections, each sending GET after GET over keep-alive (reconnecting when the server closes,
as gunicorn's sync workers do after every answer) for a fixed time, in one asyncio loop over raw
sockets. Latency is from sending a request to the end of its answer, as wrk measures it. Being
Python, it tops out at a few thousand requests a second on one core: above that it measures
itself, which bench/web.py says when it falls back to it.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Outcome:
    seconds: float
    latencies: list[float] = field(default_factory=list)  # seconds, one per answer
    non_2xx: int = 0
    errors: int = 0  # connections refused or broken, answers over the timeout

    @property
    def requests_per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


def run(url: str, *, connections: int, seconds: float, timeout: float = 30.0) -> Outcome:
    return asyncio.run(_run(url, connections=connections, seconds=seconds, timeout=timeout))


async def _run(url: str, *, connections: int, seconds: float, timeout: float) -> Outcome:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = (f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nAccept: */*\r\n"
               f"Connection: keep-alive\r\n\r\n").encode()
    outcome = Outcome(seconds=seconds)
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(
        _connection(parts.hostname, parts.port or 80, request, deadline, timeout, outcome) for _ in range(connections)
    ))
    outcome.seconds = time.perf_counter() - started
    return outcome


async def _connection(host: str, port: int, request: bytes, deadline: float, timeout: float, outcome: Outcome):
    reader = writer = None
    while time.perf_counter() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
            sent = time.perf_counter()
            writer.write(request)
            status, keep_alive = await asyncio.wait_for(_answer(reader), timeout)
            outcome.latencies.append(time.perf_counter() - sent)
            if not 200 <= status < 300:
                outcome.non_2xx += 1
            if not keep_alive:
                writer.close()
                writer = None
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            outcome.errors += 1
            if writer is not None:
                writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def _answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one answer; its status, and whether the connection stays open."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    lines = head.split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip().lower()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:  # the body runs to the end of the connection
        await reader.read()
        return status, False
    return status, headers.get("connection") != "close"
