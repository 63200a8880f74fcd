"""Faults the user did not cause get a clean answer, never a 500 with a traceback.

- A body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413 `request_too_large`.
- A database that stays locked (SQLite busy past its timeout) or a transaction PostgreSQL gave up
  on (serialisation failure, deadlock, lock timeout): 503 `service_unavailable` with Retry-After.
  The transaction was rolled back, so nothing was half-written and the client may simply retry.
- Redis (the task queue, the token streams) unreachable: 503 `service_unavailable` too.

API paths get the project's JSON error shape; pages get a short plain page with the same status.
"""

import logging

import redis
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.deprecation import MiddlewareMixin

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 2

# SQLSTATEs of PostgreSQL errors that mean "try again": serialization_failure, deadlock_detected,
# lock_not_available.
RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03"}
SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")

TOO_LARGE = "The request is too large. Messages are limited to {chars:,} characters."
UNAVAILABLE = "The service is busy or briefly unavailable; nothing was changed. Try again in a few seconds."


def is_retryable_database_error(error: BaseException) -> bool:
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if sqlstate in RETRYABLE_SQLSTATES:
        return True
    return any(text in str(error).lower() for text in SQLITE_BUSY)


def _is_redis_outage(error: BaseException) -> bool:
    if isinstance(error, redis.ConnectionError | redis.TimeoutError):
        return True
    try:
        from kombu.exceptions import OperationalError as KombuOperationalError
    except ImportError:  # pragma: no cover - kombu comes with Celery
        return False
    return isinstance(error, KombuOperationalError)


def error_response(request: HttpRequest, code: str, detail: str, status: int) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": code, "detail": detail}, status=status)
    else:
        html = render_to_string("service_error.html", {"detail": detail, "status": status}, request=request)
        response = HttpResponse(html, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ServiceErrorsMiddleware(MiddlewareMixin):
    """Sync and async capable (MiddlewareMixin), so it adds no thread hop around the SSE relay."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        # Refuse an announced oversized body before anything reads it (including the CSRF check,
        # which would otherwise answer with Django's bare 400 page).
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return self._too_large(request)
        return None

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code == 503 and not response.has_header("Retry-After"):
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return self._too_large(request)
        if is_retryable_database_error(exception):
            logger.warning("Database busy or conflicting on %s %s: %s", request.method, request.path, exception)
            return error_response(request, "service_unavailable", UNAVAILABLE, 503)
        if _is_redis_outage(exception):
            logger.warning("Redis unreachable on %s %s: %s", request.method, request.path, exception)
            return error_response(request, "service_unavailable", UNAVAILABLE, 503)
        return None

    def _too_large(self, request: HttpRequest) -> HttpResponse:
        detail = TOO_LARGE.format(chars=settings.MAX_MESSAGE_CHARS)
        return error_response(request, "request_too_large", detail, 413)
