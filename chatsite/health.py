"""Health checks that a flood of probes cannot turn into an outage.

- GET /livez: the process answers. No I/O at all, so it stays cheap under any load, and a
  process whose database or Redis is down is not restarted for it (restarting would not help).
- GET /readyz: the database, Redis and at least one Celery worker answer; 503 otherwise, so a
  load balancer sends no traffic to a process that cannot take a message.
- GET /healthz: the same as /readyz, kept for monitors set up before the split.

Anonymous callers get only {"status": "ok" | "unavailable"}. Which part failed, and how, is for
staff (a staff session or a staff user's API token) or a monitor holding HEALTH_TOKEN
(`Authorization: Bearer <token>`): error messages name internal hosts and ports.

The worker check is the expensive one: a Celery ping is a broadcast on the broker and a wait for
the replies. It used to run once per request on pooled broker connections, so fifty concurrent
probes held every connection of the pool while each waited for one more, and every send then
waited forever for a connection to enqueue its reply. Now a process pings at most once at a time,
on a connection of its own, with a short timeout, and every probe in between is answered from the
last result (at most HEALTH_WORKER_CACHE_SECONDS old).
"""

import hmac
import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from rest_framework.authtoken.models import Token

from chatsite import redis_clients
from chatsite.celery import app

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerStatus:
    ok: bool
    detail: str
    checked_at: float


class WorkerCheck:
    """The last worker ping of this process, and at most one ping in flight."""

    def __init__(self) -> None:
        self._pinging = threading.Lock()
        self._last: WorkerStatus | None = None

    def status(self) -> WorkerStatus:
        last = self._last
        if last is not None and time.monotonic() - last.checked_at < settings.HEALTH_WORKER_CACHE_SECONDS:
            return last
        if self._pinging.acquire(blocking=False):
            try:
                status = self._ping()
                if last is None or status.ok != last.ok:
                    log = logger.info if status.ok else logger.warning
                    log("Celery worker check: %s", status.detail)
                self._last = status
            finally:
                self._pinging.release()
            return status
        if last is not None:
            # Another request is pinging; its answer is at most a ping away, the last one will do.
            return last
        # The first probes of a process: wait for the ping in flight instead of guessing.
        if self._pinging.acquire(timeout=settings.HEALTH_WORKER_TIMEOUT_SECONDS + 1):
            self._pinging.release()
        return self._last or WorkerStatus(False, "error: no worker check has finished yet", time.monotonic())

    def _ping(self) -> WorkerStatus:
        started = time.monotonic()
        try:
            # A connection of its own, not one of the pool the sends publish through, opened and
            # closed here; limit=1 returns as soon as one worker answers.
            with app.connection_for_write() as conn:
                replies = app.control.ping(timeout=settings.HEALTH_WORKER_TIMEOUT_SECONDS, connection=conn, limit=1)
        except Exception as error:  # noqa: BLE001 - kombu and redis raise several types for one outage
            return WorkerStatus(False, _describe(error), started)
        if not replies:
            return WorkerStatus(False, "error: no Celery worker answered", started)
        return WorkerStatus(True, "ok", started)


worker_check = WorkerCheck()


def _describe(error: Exception) -> str:
    return f"error: {type(error).__name__}: {error}"[:300]


def _check_db() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_redis() -> str:
    redis_clients.quick_client().ping()
    return "ok"


def _check_worker() -> str:
    status = worker_check.status()
    if not status.ok:
        raise RuntimeError(status.detail.removeprefix("error: "))
    return "ok"


def may_see_details(request: HttpRequest) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, credential = header.partition(" ")
    credential = credential.strip()
    if scheme == "Bearer" and settings.HEALTH_TOKEN and credential:
        return hmac.compare_digest(credential.encode(), settings.HEALTH_TOKEN.encode())
    if scheme == "Token" and credential:
        return Token.objects.filter(key=credential, user__is_active=True, user__is_staff=True).exists()
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


def livez(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    report = {}
    for part, check in (("db", _check_db), ("redis", _check_redis), ("worker", _check_worker)):
        try:
            report[part] = check()
        except Exception as error:  # noqa: BLE001 - any failure means the part is down
            report[part] = _describe(error)
    healthy = all(value == "ok" for value in report.values())
    body = {"status": "ok" if healthy else "unavailable"}
    if may_see_details(request):
        body.update(report)
    return JsonResponse(body, status=200 if healthy else 503)
