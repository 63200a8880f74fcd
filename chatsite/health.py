"""GET /healthz: is the database, Redis and at least one Celery worker reachable?"""

from django.db import connection
from django.http import JsonResponse

from chatsite import redis_clients
from chatsite.celery import app


def _check_db() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_redis() -> str:
    redis_clients.client().ping()
    return "ok"


def _check_worker() -> str:
    replies = app.control.ping(timeout=1.0)
    if not replies:
        raise RuntimeError("no Celery worker answered")
    return "ok"


def healthz(request):
    report = {}
    for part, check in (("db", _check_db), ("redis", _check_redis), ("worker", _check_worker)):
        try:
            report[part] = check()
        except Exception as error:  # noqa: BLE001 - any failure means the part is down
            report[part] = f"error: {type(error).__name__}: {error}"[:300]
    healthy = all(value == "ok" for value in report.values())
    return JsonResponse(report, status=200 if healthy else 503)
