"""A stack of its own for fault tests: a throwaway Redis that a test may stop and start again,
and a Celery worker and an ASGI server on it (and on the test database)."""

from dataclasses import dataclass, field

import httpx
import pytest

from scripts.redis_server import RedisServer, start_redis
from tests import live
from tests.live import wait_until
from tests.conftest import token_for


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


@pytest.fixture
def own_stack(transactional_db, tmp_path):
    """Start with `own_stack(**env)`; everything is stopped after the test."""
    stacks: list[OwnStack] = []

    def start(**env: str) -> OwnStack:
        server = start_redis()
        env = {"REDIS_URL": server.url, **env}
        stack = OwnStack(redis=server, port=live.free_port(), env=env)
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
