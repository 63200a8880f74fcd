"""Sliding-window counters in Redis, for the API's throttles (conversations/api/throttles.py) and
the sign-in and sign-up limits of every door (accounts/limits.py).

Each window is a sorted set of request times under the default cache's key prefix, so every web
process shares it. `admit` checks and counts one request in several windows in one atomic round
trip (a Lua script): admitted only when every window has room, and then counted in every one, so
a request one limit refuses uses up none of the others. Only admitted requests count, as in DRF's
throttles. `recent` and `record` count events (failed sign-ins) separately from checking them.
"""

import math
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache

from django.core.cache import cache

from chatsite import redis_clients

# KEYS: one window per limit that applies; ARGV: now, a unique member for this request, then a
# duration (s) and a limit per window.
# Returns {1} when admitted, {0, the refusing window's 1-based index, its oldest time} otherwise.
SLIDING_WINDOWS = """
local now = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
    local duration, limit = tonumber(ARGV[1 + 2 * i]), tonumber(ARGV[2 + 2 * i])
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - duration)
    if redis.call('ZCARD', key) >= limit then
        return {0, i, redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]}
    end
end
for i, key in ipairs(KEYS) do
    redis.call('ZADD', key, ARGV[1], ARGV[2])
    redis.call('EXPIRE', key, math.ceil(tonumber(ARGV[1 + 2 * i])))
end
return {1}
"""


@dataclass(frozen=True)
class Window:
    key: str  # a cache key, before the cache's prefix
    limit: int
    duration: float  # seconds


@dataclass(frozen=True)
class Refusal:
    window: Window
    retry_after: float  # seconds until the window has room again


@lru_cache(maxsize=4)
def _registered(client):
    return client.register_script(SLIDING_WINDOWS)


def admit(windows: list[Window], now: float | None = None) -> Refusal | None:
    """Check and count one request in every window. None when it is admitted."""
    now = time.time() if now is None else now
    args: list = [repr(now), f"{now!r}:{secrets.token_hex(4)}"]
    for window in windows:
        args += [math.ceil(window.duration), window.limit]
    result = _registered(redis_clients.client())(keys=[cache.make_key(window.key) for window in windows], args=args)
    if result[0]:
        return None
    refused = windows[int(result[1]) - 1]
    return Refusal(refused, max(0.0, refused.duration - (now - float(result[2]))))


def recent(window: Window, now: float | None = None) -> Refusal | None:
    """Whether the events recorded in this window have reached its limit (None: not yet)."""
    now = time.time() if now is None else now
    key = cache.make_key(window.key)
    client = redis_clients.client()
    with client.pipeline(transaction=False) as pipe:
        pipe.zremrangebyscore(key, "-inf", now - window.duration)
        pipe.zcard(key)
        pipe.zrange(key, 0, 0, withscores=True)
        _, count, oldest = pipe.execute()
    if count < window.limit:
        return None
    return Refusal(window, max(0.0, window.duration - (now - oldest[0][1])))


def record(window: Window, now: float | None = None) -> None:
    """Record one event in the window."""
    now = time.time() if now is None else now
    key = cache.make_key(window.key)
    with redis_clients.client().pipeline(transaction=False) as pipe:
        pipe.zadd(key, {f"{now!r}:{secrets.token_hex(4)}": now})
        pipe.expire(key, math.ceil(window.duration))
        pipe.execute()
