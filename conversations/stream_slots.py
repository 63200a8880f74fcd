"""How many reply streams one user holds open, across every web process: MAX_STREAMS_PER_USER.

Nothing limited it, so one account could open thousands. Each open stream now holds a slot: a
member of its user's sorted set in Redis, scored by the last time the stream showed it was alive
(it renews the slot at least every heartbeat). Opening a stream over the limit closes the user's
least recently active one, never the new one: the newest stream is the one the user is looking at
(a send that streams its reply in its own response always gets its reply), and a client that
leaks streams, or tabs left open, heal themselves instead of locking the user out of their own
replies. The closed stream learns it at its next renewal, within a heartbeat, and ends with an
`error` event `too_many_streams`; chat.js shows it and does not reconnect. A slot whose web
process died is dropped once it has gone unrenewed for two heartbeats.
"""

import time
import uuid
from functools import lru_cache

from django.conf import settings

from chatsite import redis_clients

# KEYS[1]: the user's open streams. ARGV: now, the lease (s), the limit, the new member.
# Drops slots past their lease, adds the new one, and removes the least recently renewed ones
# beyond the limit (the new one has the newest score). Returns the members removed.
OPEN = """
local now, lease, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - lease)
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(lease))
local excess = redis.call('ZCARD', KEYS[1]) - limit
if excess <= 0 then
    return {}
end
local closed = redis.call('ZRANGE', KEYS[1], 0, excess - 1)
redis.call('ZREM', KEYS[1], unpack(closed))
return closed
"""

# KEYS[1]: the user's open streams. ARGV: now, the lease, the member. 1 if still held (renewed),
# 0 if it was closed to make room for a newer stream.
RENEW = """
if not redis.call('ZSCORE', KEYS[1], ARGV[3]) then
    return 0
end
redis.call('ZADD', KEYS[1], tonumber(ARGV[1]), ARGV[3])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])))
return 1
"""


@lru_cache(maxsize=8)
def _script(client, text: str):
    return client.register_script(text)


def _key(user_id) -> str:
    return f"chat:streams:user:{user_id}"


def lease_seconds() -> float:
    return 2 * settings.SSE_HEARTBEAT_SECONDS + 5


class StreamSlot:
    """One open stream's slot. `open`, then `renew` now and then (False: this stream was closed
    to make room), and `close` when the stream ends."""

    def __init__(self, user_id) -> None:
        self.key = _key(user_id)
        self.member = uuid.uuid4().hex
        self.renewed_at = 0.0

    async def open(self) -> int:
        """Take the slot; returns how many of the user's other streams it closed."""
        client = redis_clients.async_client()
        closed = await _script(client, OPEN)(
            keys=[self.key], args=[time.time(), lease_seconds(), settings.MAX_STREAMS_PER_USER, self.member]
        )
        self.renewed_at = time.monotonic()
        return len(closed)

    def due(self) -> bool:
        """Whether it is time to renew (a third of the lease since the last renewal)."""
        return time.monotonic() - self.renewed_at > lease_seconds() / 3

    async def renew(self) -> bool:
        client = redis_clients.async_client()
        held = await _script(client, RENEW)(keys=[self.key], args=[time.time(), lease_seconds(), self.member])
        self.renewed_at = time.monotonic()
        return bool(held)

    async def close(self) -> None:
        await redis_clients.async_client().zrem(self.key, self.member)
