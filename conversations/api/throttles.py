"""Scoped rate limits for the operations that cost the most or invite guessing.

A view opts in with `throttle_classes = scoped()` and `throttle_scope = "messages"` (sending,
editing and retrying: each starts a model reply), `"conversations"` (creating one) or `"auth"`
(token and sign-up, counted per client address). Rates are settings: THROTTLE_MESSAGES,
THROTTLE_CONVERSATIONS, THROTTLE_AUTH. DRF keeps the counters in the default cache, which is
Redis, so every web process shares them.

A limit counts requests and nothing else: no conversation state, and in particular no end, changes
what a user may do next. An exceeded limit is a 429 with `Retry-After` and the code `throttled`.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class WriteScopedRateThrottle(ScopedRateThrottle):
    """A scoped limit that counts writes only, so reading never uses up the budget for writing
    (GET and POST /conversations/ are one view)."""

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


def scoped() -> list:
    """The default throttles (anon, user) plus the view's scoped one."""
    return [*api_settings.DEFAULT_THROTTLE_CLASSES, WriteScopedRateThrottle]
