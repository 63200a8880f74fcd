"""A pytest plugin loaded before pytest-django: it gives the suite a real, throwaway Redis.

Django reads REDIS_URL when its settings are imported, so the server must be running (and the
variable set) before pytest-django sets Django up; a fixture would be too late.
"""

import os
import shutil
import tempfile
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

_server = None
_metrics_dir = None
# The variables this plugin chose itself rather than found set, so that an xdist worker (which
# inherits the environment of the process that started it) chooses its own: two workers sharing
# one Redis or one metrics directory would clear each other's caches and count each other's
# requests. The database needs nothing: pytest-django gives each worker's test database a suffix.
_OWNED_VARIABLE = "CHAT_TEST_SERVICES_CHOSEN"
_OWNED: list[str] = []


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    global _server
    _own_services_per_xdist_worker()
    os.environ.setdefault("LOCAL_TOKEN_DELAY_MS", "2")
    # A test database file per run, so two runs on one checkout never share (and corrupt) it.
    os.environ.setdefault("SQLITE_TEST_DB", os.path.join(tempfile.gettempdir(), f"chat-test-{os.getpid()}.sqlite3"))
    os.environ.setdefault("PROVIDER_MAX_RETRIES", "1")
    # The live stack's web process applies the API's scoped rate limits for real; the suite makes
    # far more conversations and messages a minute than a person, so it gets roomy ones there.
    # tests/conversations/api/test_throttling.py checks the limits themselves.
    for scope in ("THROTTLE_MESSAGES", "THROTTLE_CONVERSATIONS", "THROTTLE_AUTH", "THROTTLE_SIGNUP", "THROTTLE_LOGIN_FAILURES"):
        os.environ.setdefault(scope, "100000/min")
    # Test doubles for misbehaving models, available in this process and in the workers it starts.
    os.environ.setdefault(
        "LLM_EXTRA_PROVIDERS",
        "always_end=tests.support.conversations.providers.doubles:AlwaysEndProvider,failing=tests.support.conversations.providers.doubles:FailingProvider,"
        "rejecting=tests.support.conversations.providers.doubles:RejectingProvider,slow=tests.support.conversations.providers.doubles:SlowProvider,"
        "steady=tests.support.conversations.providers.doubles:SteadyProvider",
    )
    # The slow double's answer, in tokens (half a second each): long enough to tell a streamed
    # response from one sent whole, short enough not to hold a worker of the live stack for long.
    os.environ.setdefault("SLOW_PROVIDER_TOKENS", "16")
    # /metrics adds up the figures of every process of the suite (this one, the live stack's web
    # and worker) through prometheus-client's multiprocess files, as in production. Set before
    # anything imports prometheus_client.
    global _metrics_dir
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        _metrics_dir = tempfile.mkdtemp(prefix="chat-test-metrics-")
        _choose("PROMETHEUS_MULTIPROC_DIR", _metrics_dir)
    os.environ.setdefault("METRICS_TOKEN", "test-metrics-token")
    if os.environ.get("REDIS_URL"):
        return
    from scripts.redis_server import start_redis

    _server = start_redis()
    _choose("REDIS_URL", _server.url)


def _choose(name: str, value: str) -> None:
    os.environ[name] = value
    _OWNED.append(name)
    os.environ[_OWNED_VARIABLE] = ",".join(_OWNED)


def _own_services_per_xdist_worker() -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    owned = set(filter(None, os.environ.pop(_OWNED_VARIABLE, "").split(",")))
    for name in owned:
        os.environ.pop(name, None)
    if os.environ.get("REDIS_URL") and "REDIS_URL" not in owned:
        # A Redis the caller chose: the workers share the server, each in a database of its own.
        os.environ["REDIS_URL"] = worker_redis_url(os.environ["REDIS_URL"], worker)


def worker_redis_url(url: str, worker: str) -> str:
    """`url` with the database number moved on by the worker's number plus one (gw0: 0 -> 1)."""
    parts = urlsplit(url)
    offset = int(worker.removeprefix("gw")) + 1
    if parts.scheme == "unix":  # unix:///path/to/socket?db=N
        query = dict(parse_qsl(parts.query))
        query["db"] = str(int(query.get("db", 0)) + offset)
        return f"unix://{parts.netloc}{parts.path}?{urlencode(query)}"
    return urlunsplit(parts._replace(path=f"/{int(parts.path.strip('/') or 0) + offset}"))


def pytest_unconfigure(config):
    if _server is not None:
        _server.stop()
    if _metrics_dir is not None:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
