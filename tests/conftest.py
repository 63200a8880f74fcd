import os

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tests.support import live
from tests.support.accounts import token_for

# Staff users and review records for the review tests (and the fuzzer's queues).
pytest_plugins = ["tests.support.review.staff"]


# The production layout's tests (tests/production/) start their own PostgreSQL and five
# long-lived processes; `make test-production` runs them, the main suite leaves them out.
collect_ignore = [] if os.environ.get("CHAT_TEST_PRODUCTION") else ["production"]


@pytest.fixture
def make_user(db):
    def make(username: str, *, staff: bool = False):
        return get_user_model().objects.create_user(
            username=username, password="correct horse battery staple", is_staff=staff, is_superuser=staff
        )

    return make


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def other_user(make_user):
    return make_user("intruder")


@pytest.fixture
def staff_user(make_user):
    return make_user("staff", staff=True)


@pytest.fixture
def api(owner) -> APIClient:
    client = APIClient()
    client.force_authenticate(owner)
    return client


@pytest.fixture
def other_api(other_user) -> APIClient:
    client = APIClient()
    client.force_authenticate(other_user)
    return client


@pytest.fixture(scope="session")
def live_stack(django_db_setup, django_db_blocker, tmp_path_factory):
    """A Celery worker and an ASGI server on the test database and the suite's Redis."""

    logs = tmp_path_factory.mktemp("stack-logs")
    port = live.free_port()
    with django_db_blocker.unblock():
        worker = live.start_worker(logs)
        live.wait_for_worker(worker)
        web = live.start_web(logs, port)
    yield live.Stack(base_url=f"http://127.0.0.1:{port}", logs=logs)
    web.stop()
    worker.stop()


@pytest.fixture
def live_client(live_stack, transactional_db, owner):
    import httpx

    with httpx.Client(base_url=live_stack.base_url, headers={"Authorization": f"Token {token_for(owner)}"}, timeout=30) as client:
        yield client
    live.wait_for_quiet_database()


@pytest.fixture(autouse=True)
def fast_tests_settings(settings, monkeypatch):
    """Two shortcuts for speed and determinism, never for behaviour under test: a fast password
    hasher, and no rate limits (DRF's counters live in the suite's Redis for the whole run and
    user ids repeat between tests, so a long run would trip them). Throttling has its own tests."""
    from rest_framework.throttling import SimpleRateThrottle

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {scope: None for scope in SimpleRateThrottle.THROTTLE_RATES})


@pytest.fixture
def throttle_rates(monkeypatch):
    """For the tests of the limits themselves: `throttle_rates(**overrides)` turns throttling back
    on with the configured rates (and the given ones, e.g. `auth="3/min"`), from empty counters in
    the suite's Redis; the counters are cleared again after the test."""
    from django.conf import settings
    from django.core.cache import cache
    from rest_framework.throttling import SimpleRateThrottle

    from chatsite import redis_clients

    def clear() -> None:
        client = redis_clients.client()
        for key in client.scan_iter(match=cache.make_key("throttle_*"), count=1000):
            client.delete(key)

    def enable(**overrides: str) -> None:
        configured = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
        configured.update(overrides)
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", configured)
        clear()

    yield enable
    clear()


@pytest.fixture
def middle_reads_cleared():
    """Empty counters of long messages whose middle was read as sent (RISK_MIDDLE_READS_PER_MINUTE),
    before and after the test: they live in the suite's Redis and user ids repeat between tests."""
    from django.core.cache import cache

    from chatsite import redis_clients

    client = redis_clients.client()  # the suite's, even if the test points REDIS_URL elsewhere

    def clear() -> None:
        for key in client.scan_iter(match=cache.make_key("moderation:middle-reads:*"), count=1000):
            client.delete(key)

    clear()
    yield
    clear()


@pytest.fixture
def own_stack(transactional_db, tmp_path):
    """Start with `own_stack(**env)`; everything is stopped after the test."""
    stacks: list[live.OwnStack] = []

    def start(**env: str) -> live.OwnStack:
        server = live.start_redis()
        env = {"REDIS_URL": server.url, **env}
        stack = live.OwnStack(redis=server, port=live.free_port(), env=env)
        stacks.append(stack)
        worker = live.start_worker(tmp_path, "own-worker", **env)
        stack.processes.append(worker)
        live.wait_for_worker(worker)
        stack.processes.append(live.start_web(tmp_path, stack.port, **env))
        return stack

    yield start
    for stack in stacks:
        for process in stack.processes:
            process.stop()
        stack.redis.stop()
