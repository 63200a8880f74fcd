"""The process's Redis clients, built here and nowhere else.

Every caller shares a client (and so its connection pool) instead of opening connections of its
own: a new client per request or per reply opened a new TCP connection and ran redis-py's
handshake each time. Clients differ only in their timeouts, which depend on what waits on them.
Celery's broker connection is kombu's own (chatsite/patches/kombu_transport.py).
"""

import asyncio
import weakref
from functools import lru_cache

import redis
import redis.asyncio
from django.conf import settings


@lru_cache(maxsize=8)
def _client(url: str, connect_timeout: float, timeout: float) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=connect_timeout, socket_timeout=timeout)


def client() -> redis.Redis:
    """The shared client: reply streams, rate limits, health checks."""
    return _client(settings.REDIS_URL, 5, 10)


def quick_client() -> redis.Redis:
    """A client that gives up within a second, for checks made while a database row is locked."""
    return _client(settings.REDIS_URL, 1, 1)


# One asyncio client per event loop (a client belongs to the loop that created it), kept for the
# loop's life: a new client per relay opened a new connection to Redis for every stream.
_async_clients: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, redis.asyncio.Redis]" = weakref.WeakKeyDictionary()


def async_client() -> redis.asyncio.Redis:
    """The running event loop's client, for the server-sent-events relay.

    Its commands are short (no blocking reads: streams wait together in
    conversations/stream_hub.py), so a bounded pool serves any number of streams: at most
    STREAM_REDIS_POOL_SIZE connections, and a command waits up to
    STREAM_REDIS_POOL_TIMEOUT_SECONDS for a free one rather than failing at once."""
    loop = asyncio.get_running_loop()
    shared = _async_clients.get(loop)
    if shared is None:
        pool = redis.asyncio.BlockingConnectionPool.from_url(
            settings.REDIS_URL,
            max_connections=settings.STREAM_REDIS_POOL_SIZE,
            timeout=settings.STREAM_REDIS_POOL_TIMEOUT_SECONDS,
            socket_connect_timeout=settings.REDIS_TIMEOUT_SECONDS,
            socket_timeout=settings.REDIS_TIMEOUT_SECONDS + 8,
        )
        shared = _async_clients[loop] = redis.asyncio.Redis(connection_pool=pool)
    return shared


def stream_reader() -> redis.asyncio.Redis:
    """A connection of its own for the stream hub's blocking read (conversations/stream_hub.py):
    one per web process, waiting on behalf of every open stream, so it must not hold one of the
    shared pool's connections; its socket timeout outlasts the longest wait (a heartbeat)."""
    return redis.asyncio.Redis.from_url(
        settings.REDIS_URL,
        single_connection_client=True,
        socket_connect_timeout=settings.REDIS_TIMEOUT_SECONDS,
        socket_timeout=settings.SSE_HEARTBEAT_SECONDS + 10,
    )
