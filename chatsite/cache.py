"""Django's Redis cache, with one connection pool and one client per process instead of new ones
for every request.

Django keeps cache objects per request context (under ASGI every request is a new context), and
its Redis backend builds a new connection pool with each cache object and a new redis.Redis for
every call. So each request opened fresh TCP connections to Redis, with redis-py 8's handshake
(HELLO, CLIENT SETINFO, a package-metadata lookup), and the API's throttles make several cache
calls per request: about a third of a send's time in the web process. Pools and clients are
thread-safe, and a pool notices a fork and reconnects, so one per server and options is enough.
"""

import threading

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_shared: dict[str, tuple] = {}
_lock = threading.Lock()


class ReusingRedisCacheClient(RedisCacheClient):
    def _shared_pool_and_client(self, write: bool) -> tuple:
        index = self._get_connection_pool_index(write)
        key = f"{self._servers[index]}|{sorted(self._pool_options.items(), key=lambda item: item[0])!r}"
        shared = _shared.get(key)
        if shared is None:
            with _lock:
                shared = _shared.get(key)
                if shared is None:
                    pool = self._pool_class.from_url(self._servers[index], **self._pool_options)
                    shared = _shared[key] = (pool, self._client(connection_pool=pool))
        return shared

    def _get_connection_pool(self, write):
        return self._shared_pool_and_client(write)[0]

    def get_client(self, key=None, *, write=False):
        return self._shared_pool_and_client(write)[1]


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def redis(self):
        """The process's shared redis.Redis for this cache's server, for what the cache API cannot
        say (the throttles' Lua script). Keys made with `make_key` share the cache's prefix."""
        return self._cache.get_client(write=True)
