"""Scoped rate limits for the operations that cost the most or invite guessing.

A view opts in with `throttle_classes = scoped()` and `throttle_scope = "messages"` (sending,
editing and retrying: each starts a model reply), `"conversations"` (creating one) or `"auth"`
(token and sign-up, counted per client address). Rates are settings: THROTTLE_MESSAGES,
THROTTLE_CONVERSATIONS, THROTTLE_AUTH. The counters live in Redis (the process's shared client,
with the default cache's key prefix), so every web process shares them.

DRF's throttles keep each window as a pickled list that they read and write back: two round trips
per throttle, a list that grows with the rate, and two concurrent requests can both read the
count below the limit. Here a request's limits are checked by one Lua script over sorted sets of
request times (chatsite/rate_limits.py), atomic in Redis, with DRF's semantics (a sliding window;
only admitted requests count), in one round trip for all the limits that apply.

A limit counts requests and nothing else: no conversation state, and in particular no end, changes
what a user may do next. An exceeded limit is a 429 with `Retry-After` and the code `throttled`.
"""

import logging

import redis
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, BaseThrottle, ScopedRateThrottle, SimpleRateThrottle, UserRateThrottle

from chatsite import rate_limits

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

def _admit_request(request, windows: list["RedisWindow"], timer) -> "RedisWindow | None":
    """`_admit`, except that a read is let through when the counters cannot be reached.

    The counters live in Redis, so a Redis outage would otherwise refuse every API request, even
    a GET of one's own conversations, which needs only the database. Reads fail open: they cost
    little, and the database answers them. Writes fail closed (the Redis error becomes a 503
    `service_unavailable`): they start replies, create accounts and guess passwords, and a send
    needs Redis anyway for its reply."""
    try:
        return _admit(windows, timer)
    except redis.RedisError as error:
        if request.method not in SAFE_METHODS:
            raise
        logger.warning("Rate-limit counters unreachable (%s); letting a %s through", error, request.method)
        return None


def _admit(windows: list["RedisWindow"], timer) -> "RedisWindow | None":
    """Check and count one request in every window, in one atomic round trip. Returns the window
    that refused it, or None when it is admitted."""
    now = timer()
    for window in windows:
        window.now = now
    refusal = rate_limits.admit([rate_limits.Window(w.key, w.num_requests, w.duration) for w in windows], now)
    if refusal is None:
        return None
    refused = windows[[w.key for w in windows].index(refusal.window.key)]
    refused.oldest = now - (refused.duration - refusal.retry_after)
    return refused


class RedisWindow(SimpleRateThrottle):
    """SimpleRateThrottle's check in one atomic round trip. Listed after DRF's throttle in a
    subclass's bases, so that one still sets its rate and key."""

    def applies(self, request, view) -> bool:
        """Set this request's key and rate; False when this limit does not apply to it."""
        if self.rate is None:
            return False
        self.key = self.get_cache_key(request, view)
        return self.key is not None

    def allow_request(self, request, view):
        return not self.applies(request, view) or _admit_request(request, [self], self.timer) is None

    def wait(self):
        return max(0.0, self.duration - (self.now - self.oldest))


class AnonThrottle(AnonRateThrottle, RedisWindow):
    pass


class UserThrottle(UserRateThrottle, RedisWindow):
    pass


class WriteScopedRateThrottle(ScopedRateThrottle, RedisWindow):
    """A scoped limit that counts writes only, so reading never uses up the budget for writing
    (GET and POST /conversations/ are one view)."""

    def applies(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return False
        # ScopedRateThrottle reads the view's scope and its rate per request.
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return False
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().applies(request, view)

    allow_request = RedisWindow.allow_request


class ScopedWindows(BaseThrottle):
    """The default limits (anon, user) and the view's scoped one, checked and counted together in
    one round trip: a write costs one Redis call, not two, and a write the scope refuses does not
    use up the user's general budget."""

    def __init__(self) -> None:
        self.windows = [throttle() for throttle in (*api_settings.DEFAULT_THROTTLE_CLASSES, WriteScopedRateThrottle)]
        self.refused: RedisWindow | None = None

    def allow_request(self, request, view):
        applying = [window for window in self.windows if window.applies(request, view)]
        self.refused = _admit_request(request, applying, self.windows[0].timer) if applying else None
        return self.refused is None

    def wait(self):
        return self.refused.wait() if self.refused else None


def scoped() -> list:
    """The throttles of a view with a scope: the default limits plus the view's own, as one check."""
    return [ScopedWindows]
