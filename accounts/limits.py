"""Limits on signing in and signing up, the same at every door: the API's token and register
endpoints, the log-in page, the admin's log-in page and the sign-up page (docs/security.md).

- Per client (chatsite/clients.py), counted on every attempt: THROTTLE_AUTH for all the doors
  together (the API's "auth" scope, one counter), and THROTTLE_SIGNUP for creating accounts.
- Per username, counted on failed sign-ins: after THROTTLE_LOGIN_FAILURES the username is locked
  until the oldest of those failures is out of the window, so guessing from many addresses is
  limited too.

A lock per username is a way to lock its owner out: whoever keeps failing keeps it locked. So the
lock does not apply to a browser that has signed in to that account before. A successful sign-in
on a page leaves a signed, long-lived cookie naming the account (a hash of its username), and a
request carrying it is limited only per client, and its failures do not count towards the lock
(the "device cookie" of OWASP's guidance on credential guessing). An attacker can then keep the
account locked only for browsers its owner has never used, and only while they keep guessing.
"""

import hashlib
import unicodedata

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from rest_framework.throttling import SimpleRateThrottle

from chatsite import rate_limits
from chatsite.clients import client_address

DEVICE_COOKIE = "signin_device"
DEVICE_COOKIE_SALT = "accounts.limits.device"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 3600
# Accounts a browser is remembered for: enough for a shared family computer, not a list to harvest.
DEVICE_COOKIE_ACCOUNTS = 8


class LimitReached(Exception):
    """An attempt refused by a limit; `retry_after` seconds until it would be admitted."""

    def __init__(self, detail: str, retry_after: float) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after


def _window(scope: str, ident: str) -> rate_limits.Window | None:
    # The rates are DRF's throttle rates (REST_FRAMEWORK in chatsite/settings/api.py), so the pages and
    # the API read one table, and a scope whose rate is None (the tests' default) has no limit.
    rate = SimpleRateThrottle.THROTTLE_RATES.get(scope)
    if rate is None:
        return None
    limit, duration = SimpleRateThrottle.parse_rate(None, rate)  # reads nothing of its instance
    # The key of DRF's scoped throttles, so the API's token endpoint and the pages share a count.
    return rate_limits.Window(f"throttle_{scope}_{ident}", limit, duration)


def username_key(username: str) -> str:
    """One key per username whatever its letter case or Unicode form, and no username in Redis."""
    folded = unicodedata.normalize("NFKC", username or "").casefold()
    return hashlib.sha256(folded.encode()).hexdigest()[:32]


def client_attempt(request: HttpRequest, *scopes: str) -> None:
    """Count a sign-in or sign-up attempt against the client's limits; LimitReached when over."""
    ident = client_address(request)
    windows = [window for scope in scopes if (window := _window(scope, ident)) is not None]
    if not windows:
        return
    refusal = rate_limits.admit(windows)
    if refusal is not None:
        raise LimitReached(
            f"Too many attempts from your address. Try again in {_wait(refusal.retry_after)}.", refusal.retry_after
        )


def username_check(request: HttpRequest, username: str) -> None:
    """LimitReached while this username is locked, unless the browser has signed in to it before."""
    window = _window("login_failures", username_key(username))
    if window is None or _known_device(request, username):
        return
    refusal = rate_limits.recent(window)
    if refusal is not None:
        raise LimitReached(
            "Too many failed sign-ins for this account. Try again in "
            f"{_wait(refusal.retry_after)}, or sign in from a browser you have used for it before.",
            refusal.retry_after,
        )


def login_failed(request: HttpRequest, username: str) -> None:
    window = _window("login_failures", username_key(username))
    if window is not None and not _known_device(request, username):
        rate_limits.record(window)


def remember_device(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """After a successful sign-in on a page: this browser is exempt from the username's lock."""
    known = [key for key in _device_accounts(request) if key != username_key(username)]
    known = [username_key(username), *known][:DEVICE_COOKIE_ACCOUNTS]
    response.set_signed_cookie(
        DEVICE_COOKIE,
        ",".join(known),
        salt=DEVICE_COOKIE_SALT,
        max_age=DEVICE_COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _device_accounts(request: HttpRequest) -> list[str]:
    value = request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_COOKIE_SALT, max_age=DEVICE_COOKIE_MAX_AGE)
    return [key for key in value.split(",") if key]


def _known_device(request: HttpRequest, username: str) -> bool:
    return username_key(username) in _device_accounts(request)


def _wait(seconds: float) -> str:
    minutes = int(seconds + 59) // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}" if seconds > 60 else f"{max(1, int(seconds + 0.999))} seconds"


def retry_after_header(seconds: float) -> str:
    return str(max(1, int(seconds + 0.999)))

