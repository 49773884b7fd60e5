"""A Redis cache whose outage turns into cache misses instead of error pages.

Django's RedisCache raises when Redis cannot be reached, and the public pages read the cache on every request
(core/public_cache.py), so a stopped Redis would answer every resident with a 500. This backend answers a call
that failed as a miss: reads give the default, writes are dropped, `incr` says the key is missing. The first
failure of an outage is logged, and so is the recovery. After a failure Redis is left alone for RETRY_AFTER_S
seconds, so a Redis that hangs costs a request at most one socket timeout instead of one per cache call.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
# Defaults for OPTIONS: a Redis that accepts connections but does not answer must not hold a request for long.
SOCKET_TIMEOUTS = {"socket_connect_timeout": 1, "socket_timeout": 1}
RETRY_AFTER_S = 5.0


class Outage:
    """Whether one Redis failed lately: logs when an outage starts and ends, and says when to try it again."""

    def __init__(self, location: str):
        self.location = location
        self.since = None
        self.retry_at = 0.0

    def skipping(self) -> bool:
        return self.since is not None and time.monotonic() < self.retry_at

    def failed(self, error: Exception) -> None:
        now = time.monotonic()
        if self.since is None:
            self.since = now
            logger.warning("The Redis cache at %s cannot be reached (%s); answering as misses", self.location, error)
        self.retry_at = now + RETRY_AFTER_S

    def succeeded(self) -> None:
        if self.since is not None:
            logger.warning(
                "The Redis cache at %s answers again after %.0f s", self.location, time.monotonic() - self.since
            )
            self.since = None


# One record per Redis address and process: Django makes a backend instance per thread.
_OUTAGES: dict[str, Outage] = {}


def _tolerant(miss):
    """Wrap a RedisCache method: while Redis cannot be reached, answer with `miss(*args, **kwargs)` instead."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if self.outage.skipping():
                return miss(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except REDIS_DOWN as error:
                self.outage.failed(error)
                return miss(*args, **kwargs)
            self.outage.succeeded()
            return result

        return wrapper

    return decorate


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (the Redis cache cannot be reached).")


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


class TolerantRedisCache(RedisCache):
    """Django's RedisCache, except that a Redis outage answers as misses (settings use it for redis:// URLs)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._options = {**SOCKET_TIMEOUTS, **self._options}
        self.outage = _OUTAGES.setdefault(",".join(self._servers), Outage(",".join(self._servers)))

    def ping(self) -> None:
        """For /healthz: ask Redis itself, whatever the outage record says; raises what went wrong."""
        try:
            self._cache.get_client(write=True).ping()
        except REDIS_DOWN as error:
            self.outage.failed(error)
            raise
        self.outage.succeeded()

    get = _tolerant(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = _tolerant(lambda *args, **kwargs: {})(RedisCache.get_many)
    add = _tolerant(_false)(RedisCache.add)  # nothing was stored
    has_key = _tolerant(_false)(RedisCache.has_key)
    touch = _tolerant(_false)(RedisCache.touch)
    delete = _tolerant(_false)(RedisCache.delete)
    clear = _tolerant(_false)(RedisCache.clear)
    set = _tolerant(_nothing)(RedisCache.set)
    delete_many = _tolerant(_nothing)(RedisCache.delete_many)
    set_many = _tolerant(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)  # the keys not stored
    incr = _tolerant(_missing_key)(RedisCache.incr)
