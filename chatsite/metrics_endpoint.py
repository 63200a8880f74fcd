"""GET /metrics: the Prometheus figures, for staff and for a scraper holding METRICS_TOKEN, and a
404 for everyone else (the endpoint does not admit it exists)."""

import hmac
import os

import redis
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from chatsite import redis_clients

# kombu's Redis transport keeps a queue as one list per priority step, and the messages workers
# have taken but not yet acknowledged in one hash (acks_late: until the reply is done).
_PRIORITY_SEPARATOR = "\x06\x16"
_PRIORITY_STEPS = (3, 6, 9)
_UNACKED_KEY = "unacked"


class QueueDepth:
    """Read from Redis at each scrape, so every web process reports the same number."""

    def collect(self):
        queue = settings.CELERY_TASK_DEFAULT_QUEUE
        keys = [queue, *(f"{queue}{_PRIORITY_SEPARATOR}{step}" for step in _PRIORITY_STEPS)]
        family = GaugeMetricFamily(
            "chat_queue_depth", "Tasks in the Celery queue: waiting for a worker, or taken and not yet done.", labels=["state"]
        )
        try:
            pipe = redis_clients.quick_client().pipeline(transaction=False)
            for key in keys:
                pipe.llen(key)
            pipe.hlen(_UNACKED_KEY)
            *waiting, unacked = pipe.execute()
        except redis.RedisError:
            # No figure is better than a wrong one; /healthz reports the outage.
            return
        family.add_metric(["waiting"], sum(waiting))
        family.add_metric(["unacked"], unacked)
        yield family


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REGISTRY)
    registry.register(QueueDepth())
    return registry


def _has_token(request: HttpRequest) -> bool:
    expected = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(expected) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected.encode())


def metrics(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_staff or _has_token(request)):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
