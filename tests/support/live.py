"""The real stack for end-to-end tests: a Celery worker and an ASGI server in their own processes,
sharing the test database and the suite's Redis, and an HTTP client that reads replies over SSE."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from django.conf import settings
from django.db import connection

from scripts.redis_server import RedisServer, start_redis
from tests.support.accounts import token_for

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_database_url() -> str:
    """The URL of the database pytest-django created, for the processes the tests start."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`manage.py` in a process of its own, as an operator runs it: the environment without the
    settings a test means to leave out, plus `env`."""
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")}
    environment.update(env)
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)


def stack_env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=test_database_url(),
        REDIS_URL=settings.REDIS_URL,
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="tests.support.live_settings",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


@dataclass
class Process:
    args: list[str]
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen | None = None

    def start(self) -> "Process":
        self.proc = subprocess.Popen(
            self.args, cwd=ROOT, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
        )
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def start_worker(log_dir: Path, name: str = "worker", **env: str) -> Process:
    args = [PYTHON, "-m", "celery", "-A", "chatsite", "worker", "-l", "info", "--concurrency", "2", "-n", f"{name}-{time.monotonic_ns()}@%h", "--without-mingle", "--without-gossip"]
    return Process(args, stack_env(**env), log_dir / f"{name}.log").start()


def wait_for_worker(process: Process, timeout: float = 60) -> None:
    """Block until the worker says it is ready to take tasks."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if b" ready." in process.log.read_bytes():
            return
        if process.proc.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(f"the Celery worker did not start; see {process.log}")


def start_web(log_dir: Path, port: int, log_level: str = "warning", **env: str) -> Process:
    args = [PYTHON, "-m", "chatsite.serve", "chatsite.asgi:application", "--host", "127.0.0.1", "--port", str(port), "--log-level", log_level]
    process = Process(args, stack_env(**env), log_dir / "web.log").start()
    wait_for_port(port, process)
    return process


def wait_for_port(port: int, process: Process | None = None, timeout: float = 30) -> None:
    """Block until a server accepts connections on the port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no server started on port {port}" + (f"; see {process.log}" if process else ""))


# Abusive turns the offline assistant redirects three times and then ends on (the fifth is spare).
ABUSE = [
    "you are a worthless piece of shit",
    "shut up you stupid fucking bot",
    "you're a useless idiot and i hate you",
    "fuck you, you pathetic moron",
    "you dumb bitch, nobody likes you",
]


def new_branch(client: httpx.Client) -> str:
    """A new conversation through the API; its open, empty branch."""
    response = client.post("/api/v1/conversations/", json={})
    assert response.status_code == 201, response.text
    return response.json()["active_branch"]


@dataclass
class Reply:
    tokens: list[str] = field(default_factory=list)
    done: dict | None = None
    events: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # the SSE event ids, for Last-Event-ID
    # The first event of a streamed send, edit or retry: `created` from the API, `page` from the pages.
    created: dict | None = None

    @property
    def text(self) -> str:
        return "".join(self.tokens)


def read_stream(client: httpx.Client, message_id: str, timeout: float = 60) -> Reply:
    """Read a reply's SSE stream to its `done` event."""
    with client.stream("GET", f"/api/v1/messages/{message_id}/stream/", timeout=timeout) as response:
        assert response.status_code == 200, response.read()
        return read_events(response)


def read_events(response: httpx.Response) -> Reply:
    """Read an open text/event-stream response to its `done` event."""
    assert response.headers["content-type"].startswith("text/event-stream")
    reply = Reply()
    event = None
    for line in response.iter_lines():
        if line.startswith("id: "):
            reply.ids.append(line.removeprefix("id: "))
        elif line.startswith("event: "):
            event = line.removeprefix("event: ")
            reply.events.append(event)
        elif line.startswith("data: "):
            data = json.loads(line.removeprefix("data: "))
            if event in ("created", "page"):
                reply.created = data
            elif event == "token":
                reply.tokens.append(data["text"])
            elif event == "reset":
                reply.tokens.clear()
            elif event == "error":
                reply.errors.append(data)
            elif event == "done":
                reply.done = data
                return reply
    return reply


@dataclass
class Stack:
    base_url: str
    logs: Path


def wait_until(predicate, timeout: float = 30, interval: float = 0.05, message: str = "condition"):
    """Poll until `predicate()` is truthy and return its value; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {message}")


def wait_for_quiet_database(timeout: float = 10, settle: float = 1.0) -> None:
    """Before a test's data is flushed: wait until no other session on the test database (the live
    stack's web and worker processes) has been inside a query or a transaction for `settle`
    seconds. Flushing truncates the tables one lock after another, and a reply still being saved
    holds one table while it reads another, so PostgreSQL broke the deadlock by failing the flush
    (seen in CI), and the next test found the last one's users. One quiet instant was not enough:
    a worker between two steps of a retried reply looked idle (seen again in CI), so the quiet must
    last. SQLite has no other sessions to wait for."""
    if connection.vendor != "postgresql":
        return
    busy = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND state IN ('active', 'idle in transaction', 'idle in transaction (aborted)')"
    )

    quiet_since: list[float] = []

    def settled() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(busy)
            if cursor.fetchone()[0]:
                quiet_since.clear()
                return False
        if not quiet_since:
            quiet_since.append(time.monotonic())
        return time.monotonic() - quiet_since[0] >= settle

    wait_until(settled, timeout=timeout, message="the live stack's database sessions to finish")


@dataclass
class OwnStack:
    redis: RedisServer
    port: int
    env: dict[str, str]
    processes: list = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop_redis(self) -> None:
        self.redis.stop()

    def start_redis(self) -> None:
        """Redis again on the same port, empty (it never persists): what a restart after a crash
        looks like to the clients, which reconnect on their own."""
        self.redis = start_redis(port=self.redis.port)

    def wait_healthy(self, timeout: float = 60) -> None:
        """Until the web process reaches Redis and a worker answers through it again."""
        try:
            wait_until(lambda: _healthy(self.base_url), timeout=timeout)
        except AssertionError:
            report = httpx.get(f"{self.base_url}/healthz", timeout=5).text
            raise AssertionError(f"the stack did not recover: /healthz says {report}") from None

    def client(self, user) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"Authorization": f"Token {token_for(user)}"}, timeout=30)


def _healthy(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/healthz", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False
