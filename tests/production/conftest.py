"""The production layout, started as an operator would: the Procfile run by scripts/procfile.py
(release, then 2 web processes, 2 Celery workers and 1 beat) with DJANGO_ENV=production on a
throwaway PostgreSQL (scripts/test_postgres.sh) and Redis (tests/plugin_services.py).

`make test-production` runs these tests; the main suite leaves them out (tests/conftest.py).
The client plays the TLS-terminating reverse proxy: it sends X-Forwarded-Proto: https.
"""

import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
from django.conf import settings

from tests.support.live import free_port

ROOT = Path(__file__).resolve().parent.parent.parent

# Shortened so the periodic tasks show within a test: beat runs the sweeper and the purge every
# few seconds, a deleted conversation has no retention period, and a reply whose worker vanished
# counts as stuck 30 s (the least allowed) after its lease ran out. Redelivery of a dead worker's
# task is put off for an hour, so it is the sweeper that recovers such a reply.
LAYOUT_SETTINGS = {
    "DJANGO_ENV": "production",
    "ALLOWED_HOSTS": "127.0.0.1",
    "WEB_CONCURRENCY": "2",
    "WORKER_CONCURRENCY": "2",
    "LOG_FORMAT": "json",
    "METRICS_TOKEN": "production-test-metrics-token",
    "LOCAL_TOKEN_DELAY_MS": "5",
    "REPLY_LEASE_SECONDS": "6",
    "REPLY_STUCK_SECONDS": "30",
    "BEAT_SWEEP_SECONDS": "3",
    "BEAT_PURGE_SECONDS": "3",
    "DELETED_RETENTION_DAYS": "0",
    "CELERY_VISIBILITY_TIMEOUT": "3600",
    # A model that takes minutes, for the worker-killed test (tests/doubles.py).
    "LLM_EXTRA_PROVIDERS": "slow=tests.support.conversations.providers.doubles:SlowProvider",
    # The tests send more in a minute than a person; the limits themselves are tested elsewhere.
    "THROTTLE_MESSAGES": "10000/min",
    "THROTTLE_CONVERSATIONS": "10000/min",
    "THROTTLE_AUTH": "10000/min",
    "THROTTLE_USER": "10000/min",
}
STAFF = {"username": "operator", "password": secrets.token_urlsafe(16)}


@dataclass
class Layout:
    base_url: str
    database_url: str
    log: Path
    env: dict[str, str]

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"X-Forwarded-Proto": "https"}
        if token:
            headers["Authorization"] = f"Token {token}"
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)

    def lines(self, process: str) -> list[str]:
        """What one process (`web.1`, `worker.2`, `beat.1`) printed, without the runner's prefix."""
        prefix = re.compile(rf"^{re.escape(process)}\s*\| ")
        return [prefix.sub("", line) for line in self.log.read_text().splitlines() if prefix.match(line)]

    def pid(self, process: str) -> int:
        """The pid of the latest start of `process`, as the runner announced it."""
        starts = re.findall(rf"started {re.escape(process)} pid (\d+)", self.log.read_text())
        return int(starts[-1])

    def query(self, sql: str, *params) -> list[tuple]:
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            return connection.execute(sql, params).fetchall()

    def manage(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env={**self.env, **env}, capture_output=True, text=True, timeout=120
        )


def create_database() -> str:
    """A database of its own on the throwaway cluster that scripts/test_postgres.sh started."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.fail("the production layout runs on PostgreSQL: use make test-production")
    server, _, _ = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS chat_production")
        connection.execute("CREATE DATABASE chat_production")
    return f"{server}/chat_production"


def wait_until_healthy(layout: Layout, runner: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    with layout.client() as client:
        while time.monotonic() < deadline:
            assert runner.poll() is None, layout.log.read_text()[-5000:]
            try:
                if client.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.5)
    raise AssertionError(f"the layout did not become healthy:\n{layout.log.read_text()[-5000:]}")


@pytest.fixture(scope="session")
def layout(tmp_path_factory) -> Iterator[Layout]:
    workdir = tmp_path_factory.mktemp("production")
    port = free_port()
    database_url = create_database()
    # Only what a shell needs, and then the layout's own settings: nothing of the test suite's.
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    env.update(
        LAYOUT_SETTINGS,
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database_url,
        REDIS_URL=settings.REDIS_URL,
        HOST="127.0.0.1",
        PORT=str(port),
        STATIC_ROOT=str(workdir / "static"),
        PROMETHEUS_MULTIPROC_DIR=str(workdir / "metrics"),
        BEAT_SCHEDULE_FILE=str(workdir / "beat-schedule"),
        # The provider double lives in the tests package.
        PYTHONPATH=str(ROOT),
    )
    (workdir / "metrics").mkdir()
    layout = Layout(base_url=f"http://127.0.0.1:{port}", database_url=database_url, log=workdir / "layout.log", env=env)
    with layout.log.open("w") as log:
        runner = subprocess.Popen(
            [sys.executable, "scripts/procfile.py", "--formation", "web=1,worker=2,beat=1"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        wait_until_healthy(layout, runner)
        created = layout.manage(
            "createsuperuser", "--noinput",
            DJANGO_SUPERUSER_USERNAME=STAFF["username"], DJANGO_SUPERUSER_PASSWORD=STAFF["password"],
            DJANGO_SUPERUSER_EMAIL="operator@example.com",
        )
        assert created.returncode == 0, created.stderr
        yield layout
    finally:
        os.killpg(runner.pid, signal.SIGTERM)
        try:
            runner.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(runner.pid, signal.SIGKILL)
            runner.wait()
        print(f"production layout log: {layout.log}")


@pytest.fixture
def user_token(layout) -> str:
    """A new user, registered and given a token through the API, as a client would."""
    credentials = {"username": f"user-{secrets.token_hex(4)}", "password": secrets.token_urlsafe(16)}
    with layout.client() as client:
        assert client.post("/api/v1/auth/register/", json=credentials).status_code == 201
        response = client.post("/api/v1/auth/token/", json=credentials)
        assert response.status_code == 200, response.text
        return response.json()["token"]


@pytest.fixture
def staff_token(layout) -> str:
    with layout.client() as client:
        response = client.post("/api/v1/auth/token/", json=STAFF)
        assert response.status_code == 200, response.text
        return response.json()["token"]
