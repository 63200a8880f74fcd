"""Scoped rate limits for the operations that cost the most or invite guessing.

A view opts in with `throttle_classes = scoped()` and `throttle_scope = "messages"` (sending,
editing and retrying: each starts a model reply), `"conversations"` (creating one) or `"auth"`
(token and sign-up, counted per client address). Rates are settings: THROTTLE_MESSAGES,
THROTTLE_CONVERSATIONS, THROTTLE_AUTH. The counters live in Redis (the default cache's server
and key prefix), so every web process shares them.

DRF's throttles keep each window as a pickled list that they read and write back: two round trips
per throttle, a list that grows with the rate, and two concurrent requests can both read the
count below the limit. Here each check is one Lua script over a sorted set of request times,
atomic in Redis, with DRF's semantics (a sliding window; only admitted requests count).

A limit counts requests and nothing else: no conversation state, and in particular no end, changes
what a user may do next. An exceeded limit is a 429 with `Retry-After` and the code `throttled`.
"""

import math
import secrets
from functools import lru_cache

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle, UserRateThrottle

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

# KEYS[1]: the window; ARGV: now, duration (s), limit, a unique member for this request.
# Returns {1} when admitted (and recorded), {0, oldest admitted time} when refused.
SLIDING_WINDOW = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
    return {0, redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]}
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])))
return {1}
"""

@lru_cache(maxsize=4)
def _registered(client):
    return client.register_script(SLIDING_WINDOW)


def _sliding_window():
    return _registered(cache.redis())


class RedisWindow(SimpleRateThrottle):
    """SimpleRateThrottle's check in one atomic round trip. Listed after DRF's throttle in a
    subclass's bases, so that one still sets its rate and key (ScopedRateThrottle reads the
    view's scope first) and then calls this."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        member = f"{self.now!r}:{secrets.token_hex(4)}"
        result = _sliding_window()(keys=[cache.make_key(self.key)], args=[repr(self.now), math.ceil(self.duration), self.num_requests, member])
        if result[0]:
            return True
        self.oldest = float(result[1])
        return False

    def wait(self):
        return max(0.0, self.duration - (self.now - self.oldest))


class AnonThrottle(AnonRateThrottle, RedisWindow):
    pass


class UserThrottle(UserRateThrottle, RedisWindow):
    pass


class WriteScopedRateThrottle(ScopedRateThrottle, RedisWindow):
    """A scoped limit that counts writes only, so reading never uses up the budget for writing
    (GET and POST /conversations/ are one view)."""

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


def scoped() -> list:
    """The default throttles (anon, user) plus the view's scoped one."""
    return [*api_settings.DEFAULT_THROTTLE_CLASSES, WriteScopedRateThrottle]
