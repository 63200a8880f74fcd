"""GET /healthz from a load balancer's point of view: an ASGI server on the test database, with the
part under test missing. (The all-healthy 200 is covered on the live stack in test_lifecycle.)"""

import httpx
import pytest
from django.conf import settings

from tests import live

pytestmark = pytest.mark.django_db(transaction=True)


def health_of(tmp_path, redis_url: str) -> httpx.Response:
    port = live.free_port()
    web = live.start_web(tmp_path, port, REDIS_URL=redis_url)
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30)
    finally:
        web.stop()


def test_healthz_is_503_naming_the_worker_when_no_worker_listens(tmp_path):
    # A Redis database no worker consumes from: Redis answers, nobody answers the ping.
    response = health_of(tmp_path, settings.REDIS_URL.rsplit("/", 1)[0] + "/9")
    assert response.status_code == 503
    body = response.json()
    assert body["db"] == "ok" and body["redis"] == "ok"
    assert body["worker"].startswith("error:")


def test_healthz_is_503_naming_redis_when_redis_is_unreachable(tmp_path):
    response = health_of(tmp_path, f"redis://127.0.0.1:{live.free_port()}/0")
    assert response.status_code == 503
    body = response.json()
    assert body["db"] == "ok"
    assert body["redis"].startswith("error:")
