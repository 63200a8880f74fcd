"""Django's Redis cache, with one client per connection pool instead of one per call.

Django's backend builds a new redis.Redis object for every cache operation; with redis-py 8 that
costs about a quarter of a millisecond (it fills a table of response callbacks each time), and
the API's throttles make several cache calls per request. Clients are thread-safe and share the
pool, so one per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
