"""A Redis cache that a Redis outage cannot take the site down with.

The cache only ever holds what can be rebuilt: sessions are stored in the database as well
(``cached_db``), rendered fragments and counters are recomputed. So while Redis is away a read is
a miss and a write is skipped, and the request goes on. After a failure the cache does not try
Redis again for ``RETRY_SECONDS``, so a server that hangs costs one short timeout, not one per
call. Each outage is logged once when it starts and once when Redis answers again.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
SHORT_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


class ForgivingRedisCache(RedisCache):
    """Django's Redis cache; while Redis is unreachable, reads miss and writes are skipped."""

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**SHORT_TIMEOUTS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._down_until = 0.0

    def _call(self, method: str, fallback, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            result = getattr(super(), method)(*args, **kwargs)
        except self._cache._lib.RedisError as error:
            if not self._down_until:
                logger.warning("Redis is unreachable (%s); serving without the cache.", error)
            self._down_until = time.monotonic() + RETRY_SECONDS
            return fallback
        if self._down_until:
            logger.warning("Redis answers again; the cache is back.")
            self._down_until = 0.0
        return result

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def incr(self, key, delta=1, version=None):
        """While Redis is away a counter cannot be read: the caller sees ``delta`` (fails open)."""
        return self._call("incr", delta, key, delta, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)
