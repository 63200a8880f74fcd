"""A throwaway copy of the running stack for benchmarks: Redis, a migrated SQLite or PostgreSQL
database, one Celery worker process and the ASGI server, with a user and a token."""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.env import BENCH_ENV  # noqa: E402
from scripts.redis_server import free_port, start_redis  # noqa: E402

PYTHON = sys.executable


class Stack:
    def __init__(self, *, worker_concurrency: int = 1, web_processes: int = 1, extra_env: dict[str, str] | None = None) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="bench-"))
        self.redis = start_redis()
        self.port = free_port()
        self.env = dict(os.environ)
        self.env.update(
            PYTHONPATH=str(ROOT),
            REDIS_URL=self.redis.url,
            DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{self.dir / 'bench.sqlite3'}"),
        )
        self.env.update(BENCH_ENV)
        self.env.update(extra_env or {})
        self.processes: list[subprocess.Popen] = []
        self.worker_concurrency = worker_concurrency
        self.web_processes = web_processes

    def _run(self, *args: str) -> str:
        return subprocess.run(args, cwd=ROOT, env=self.env, check=True, capture_output=True, text=True).stdout

    def start(self) -> "Stack":
        self._run(PYTHON, "manage.py", "migrate", "--noinput")
        self.token = self._run(
            PYTHON, "manage.py", "shell", "-c",
            "from django.contrib.auth.models import User; from rest_framework.authtoken.models import Token;"
            "u = User.objects.create_user('bench', password='bench-password-123');"
            "print(Token.objects.create(user=u).key)",
        ).strip().splitlines()[-1]
        log = (self.dir / "stack.log").open("ab")
        self.processes.append(subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "chatsite", "worker", "-l", "warning", "--concurrency", str(self.worker_concurrency),
             "--without-mingle", "--without-gossip", "--prefetch-multiplier", "1"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        ))
        self.processes.append(subprocess.Popen(
            [PYTHON, "-m", "chatsite.serve", "bench.asgi:application", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "warning", "--no-access-log", "--workers", str(self.web_processes)],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        ))
        try:
            self._wait_ready()
        except BaseException:
            # A stack that did not come up must not leave its processes running into the next
            # benchmark's measurements.
            self.stop()
            raise
        return self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"Authorization": f"Token {self.token}"}, timeout=120, **kwargs)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the stack did not come up; see {self.dir / 'stack.log'}")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.redis.stop()
