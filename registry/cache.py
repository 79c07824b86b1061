"""The shared cache, made to survive a Redis outage.

Django's Redis cache raises when Redis is away, which would turn every page that reads the
cache (API throttles, login lockouts, session reads) into an error. Here a failed cache call
is logged and answered as a miss, so the site keeps answering while Redis restarts: throttles
and lockouts forget for that while, sessions fall back to the database (`cached_db`).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import wraps

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def _survives(default):
    def decorate(method):
        @wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError) as exc:
                log.warning("cache %s failed, answered as a miss: %s", method.__name__, exc)
                return default() if callable(default) else default
        return call
    return decorate


class ReusedClient(RedisCacheClient):
    """One `redis.Redis` per connection pool, made once. Django makes a new one for every cache call,
    and redis-py's constructor builds its table of response callbacks each time: five calls a request
    (throttles, the cached answer) cost the public API more than the answer itself. A client is
    thread-safe; the connections stay the pool's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClient

    get_many = _survives(dict)(RedisCache.get_many)
    has_key = _survives(False)(RedisCache.has_key)
    add = _survives(False)(RedisCache.add)
    set = _survives(None)(RedisCache.set)
    set_many = _survives(list)(RedisCache.set_many)
    touch = _survives(False)(RedisCache.touch)
    delete = _survives(False)(RedisCache.delete)
    delete_many = _survives(None)(RedisCache.delete_many)
    clear = _survives(False)(RedisCache.clear)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except (RedisError, OSError) as exc:
            log.warning("cache get failed, answered as a miss: %s", exc)
            return default

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except (RedisError, OSError) as exc:
            # As for a missing key: callers that count (throttles) start again.
            log.warning("cache incr failed: %s", exc)
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from exc


def redis_client():
    """The shared cache's Redis client, for what Django's cache API cannot say (hashes, pipelines);
    None when the cache is not Redis (development without REDIS_URL, some tests)."""
    backend = getattr(cache, "_cache", None)
    return backend.get_client(write=True) if isinstance(backend, RedisCacheClient) else None


@dataclass(frozen=True)
class HashCount:
    """One more in a field of a Redis hash that is kept `seconds` after its last count (the radar's
    questions): something a rate limit can add to the round trip that counts a request."""

    key: str
    field: str
    seconds: int

    def add(self, client) -> None:
        client.pipeline(transaction=False).hincrby(self.key, self.field, 1).expire(self.key, self.seconds).execute()
