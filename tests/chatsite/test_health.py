"""The health checks from a load balancer's point of view: an ASGI server on the test database,
with the part under test missing. (The all-healthy 200 is covered on the live stack in
test_lifecycle; a flood of probes followed by a send in tests/security/test_abuse.py.)"""

import threading
import time

import httpx
import pytest
from django.conf import settings

from chatsite import health
from tests.support import live
from tests.support.accounts import token_for

pytestmark = pytest.mark.django_db(transaction=True)


def probe(tmp_path, redis_url: str, path: str = "/readyz", **headers: str) -> httpx.Response:
    port = live.free_port()
    web = live.start_web(tmp_path, port, REDIS_URL=redis_url, HEALTH_TOKEN="monitor-secret")
    try:
        return httpx.get(f"http://127.0.0.1:{port}{path}", headers=headers, timeout=30)
    finally:
        web.stop()


def unconsumed_redis() -> str:
    """A Redis database no worker consumes from: Redis answers, nobody answers the ping."""
    return settings.REDIS_URL.rsplit("/", 1)[0] + "/9"


def test_readyz_is_503_naming_the_worker_for_a_monitor_with_the_token(tmp_path):
    response = probe(tmp_path, unconsumed_redis(), Authorization="Bearer monitor-secret")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["db"] == "ok" and body["redis"] == "ok"
    assert body["worker"].startswith("error:")


def test_readyz_is_503_naming_redis_for_staff_when_redis_is_unreachable(tmp_path, staff_user):
    response = probe(tmp_path, f"redis://127.0.0.1:{live.free_port()}/0", Authorization=f"Token {token_for(staff_user)}")
    assert response.status_code == 503
    body = response.json()
    assert body["db"] == "ok"
    assert body["redis"].startswith("error:")


def test_anonymous_callers_and_ordinary_users_get_only_the_status_without_hosts_or_ports(tmp_path, owner):
    port = live.free_port()
    redis_url = f"redis://127.0.0.1:{live.free_port()}/0"
    web = live.start_web(tmp_path, port, REDIS_URL=redis_url, HEALTH_TOKEN="monitor-secret")
    try:
        for headers in ({}, {"Authorization": f"Token {token_for(owner)}"}, {"Authorization": "Bearer wrong"}):
            for path in ("/readyz", "/healthz"):
                response = httpx.get(f"http://127.0.0.1:{port}{path}", headers=headers, timeout=30)
                assert response.status_code == 503
                assert response.json() == {"status": "unavailable"}
                assert "127.0.0.1" not in response.text
    finally:
        web.stop()


def test_livez_answers_200_without_touching_redis_or_the_worker(tmp_path):
    response = probe(tmp_path, f"redis://127.0.0.1:{live.free_port()}/0", path="/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_concurrent_probes_share_one_worker_ping_and_reuse_its_answer(monkeypatch, settings):
    settings.HEALTH_WORKER_CACHE_SECONDS = 60
    pings = []

    def slow_ping(self):
        pings.append(threading.get_ident())
        time.sleep(0.3)
        return health.WorkerStatus(True, "ok", time.monotonic())

    monkeypatch.setattr(health.WorkerCheck, "_ping", slow_ping)
    check = health.WorkerCheck()
    results = []
    threads = [threading.Thread(target=lambda: results.append(check.status())) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(results) == 20 and all(status.ok for status in results)
    assert len(pings) == 1, "one ping in flight per process; everyone else waited for its answer"
    check.status()
    assert len(pings) == 1, "a fresh answer is reused"


def test_a_stale_answer_is_refreshed_by_one_ping_while_others_get_the_last_one(monkeypatch, settings):
    settings.HEALTH_WORKER_CACHE_SECONDS = 1
    release = threading.Event()
    pings = []

    def ping(self):
        pings.append(1)
        if len(pings) > 1:
            release.wait(5)
        return health.WorkerStatus(len(pings) == 1, "ok" if len(pings) == 1 else "error: down", time.monotonic())

    monkeypatch.setattr(health.WorkerCheck, "_ping", ping)
    check = health.WorkerCheck()
    assert check.status().ok
    check._last = health.WorkerStatus(True, "ok", time.monotonic() - 5)  # stale
    refreshing = threading.Thread(target=check.status)
    refreshing.start()
    time.sleep(0.1)
    started = time.monotonic()
    assert check.status().ok, "while the refresh runs, the last answer is given at once"
    assert time.monotonic() - started < 0.1
    release.set()
    refreshing.join(5)
    assert not check.status().ok
    assert len(pings) == 2
