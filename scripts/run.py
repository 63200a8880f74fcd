"""Run the whole app locally: Redis (if needed), migrations, demo users, Celery and uvicorn.

This is what `make run` calls; `make dev` adds --reload: uvicorn reloads on a code change and the
Celery worker is started again, so both run the code as it is now. Ctrl-C or SIGTERM stops every process started
here and exits 0; if any of them dies on its own, the rest are stopped and the
exit code is non-zero, so a broken setup never looks half-alive.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Running as `python scripts/run.py` puts scripts/ on sys.path, not the repo
# root, so add the root to import the shared helper as a package module.
sys.path.insert(0, str(ROOT))

from scripts.redis_server import RedisServer, port_is_free, start_redis  # noqa: E402

# Celery finishes running tasks on SIGTERM (warm shutdown); give it this long.
STOP_TIMEOUT = 10.0
POLL_INTERVAL = 0.2
DEFAULT_REDIS_PORT = 6379


class StopRequested(Exception):
    """Raised from the signal handler so every wait loop unwinds the same way."""


def _request_stop(signum: int, frame: object) -> None:
    raise StopRequested(signal.Signals(signum).name)


def log(message: str) -> None:
    print(f"[run] {message}", file=sys.stderr, flush=True)


def spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    # Each child gets its own process group: a terminal Ctrl-C then reaches only
    # this script, which stops children in a deliberate order (web, worker,
    # Redis last), and killpg() also reaches Celery's pool processes.
    return subprocess.Popen(args, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, start_new_session=True)


def stop_processes(processes: dict[str, subprocess.Popen[bytes]], timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM every live process group, wait up to ``timeout``, then SIGKILL what is left."""
    for name, proc in processes.items():
        if proc.poll() is None:
            log(f"stopping {name} (pid {proc.pid})")
            _signal_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for name, proc in processes.items():
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log(f"{name} did not stop within {timeout:.0f}s; killing it")
            _signal_group(proc, signal.SIGKILL)
            proc.wait()
        # Pool processes may outlive their parent for a moment; make sure the group is gone.
        _signal_group(proc, signal.SIGKILL)


def _signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def run_step(name: str, args: list[str], env: dict[str, str]) -> None:
    """Run a one-off command to completion; exit non-zero if it fails."""
    log(name)
    proc = spawn(args, env)
    try:
        code = proc.wait()
    except StopRequested:
        stop_processes({name: proc})
        raise
    if code != 0:
        raise SystemExit(f"[run] {name} failed with exit code {code}")


def port_accepts(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


# The code `make dev` watches: uvicorn's reloader and the worker restart look at *.py in the
# project's packages (its apps and chatsite), not in the tests, the benchmarks or the virtualenv.
CODE_DIRS = tuple(sorted(
    path.name for path in ROOT.iterdir() if (path / "__init__.py").exists() and path.name not in {"tests", "bench", "scripts"}
))


def code_mtimes() -> dict[Path, float]:
    return {path: path.stat().st_mtime for name in CODE_DIRS for path in (ROOT / name).rglob("*.py")}


def supervise(processes: dict[str, subprocess.Popen[bytes]], web_port: int, restart_worker=None) -> int:
    """Wait until a stop is requested (exit 0) or a child exits on its own (non-zero). With
    `restart_worker`, a change to the code restarts the Celery worker (uvicorn reloads itself)."""
    announced = False
    seen = code_mtimes() if restart_worker else {}
    last_look = time.monotonic()
    while True:
        if restart_worker and time.monotonic() - last_look > 1:
            last_look = time.monotonic()
            now = code_mtimes()
            if now != seen:
                seen = now
                log("code changed; restarting the Celery worker")
                stop_processes({"celery": processes["celery"]})
                processes["celery"] = restart_worker()
        for name, proc in processes.items():
            code = proc.poll()
            if code is not None:
                log(f"{name} exited unexpectedly with code {code}; shutting down")
                # A child killed by a signal reports -N; use the shell's 128+N convention.
                return 128 - code if code < 0 else (code or 1)
        if not announced and port_accepts(web_port):
            announced = True
            url = f"http://127.0.0.1:{web_port}/"
            bar = "=" * (len(url) + 26)
            print(f"\n{bar}\n  Chat is running at {url}\n  Press Ctrl-C to stop.\n{bar}\n", flush=True)
        time.sleep(POLL_INTERVAL)


def main(argv: list[str] | None = None) -> int:
    reload = "--reload" in (sys.argv[1:] if argv is None else argv)
    os.chdir(ROOT)
    signal.signal(signal.SIGINT, _request_stop)
    signal.signal(signal.SIGTERM, _request_stop)

    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "chatsite.settings")
    # Unbuffered output keeps the interleaved logs of all children in order.
    env["PYTHONUNBUFFERED"] = "1"
    python = sys.executable
    web_port = int(env.get("PORT") or 8000)
    env["PORT"] = str(web_port)

    redis_server: RedisServer | None = None
    processes: dict[str, subprocess.Popen[bytes]] = {}
    exit_code = 0
    # /metrics adds up the web's and the worker's figures through these files (chatsite/metrics.py);
    # a fresh directory per run, since figures of processes that are gone would only mislead.
    metrics_dir = None
    if not env.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_dir = tempfile.mkdtemp(prefix="chat-metrics-")
        env["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        if not port_is_free(web_port):
            log(f"port {web_port} is already in use; set PORT to another port")
            return 1
        if env.get("REDIS_URL"):
            log(f"using REDIS_URL={env['REDIS_URL']}")
        else:
            # Prefer the standard port so the URL is predictable, but never
            # fight an existing server (it may be someone else's Redis).
            port = DEFAULT_REDIS_PORT if port_is_free(DEFAULT_REDIS_PORT) else None
            redis_server = start_redis(port=port)
            env["REDIS_URL"] = redis_server.url
            log(f"started throwaway Redis at {redis_server.url}")

        run_step("migrate", [python, "manage.py", "migrate", "--noinput"], env)
        run_step("seed demo users", [python, "manage.py", "seed_demo_users"], env)

        def start_worker() -> subprocess.Popen[bytes]:
            log("starting Celery worker")
            return spawn(
                [
                    python, "-m", "celery", "-A", "chatsite", "worker", "--concurrency", "2", "-l", "info",
                    # One process here, so the worker also runs the periodic sweeper (beat).
                    "--beat", "--schedule", str(ROOT / ".celerybeat-schedule"),
                ],
                env,
            )

        processes["celery"] = start_worker()
        log(f"starting uvicorn on 127.0.0.1:{web_port}{' (reloading on code changes)' if reload else ''}")
        web = [python, "-m", "chatsite.serve", "chatsite.asgi:application", "--host", "127.0.0.1", "--port", str(web_port)]
        if reload:
            web += ["--reload", *(arg for name in CODE_DIRS for arg in ("--reload-dir", str(ROOT / name)))]
        processes["uvicorn"] = spawn(web, env)
        exit_code = supervise(processes, web_port, restart_worker=start_worker if reload else None)
    except StopRequested as stop:
        log(f"received {stop}; shutting down")
        exit_code = 0
    finally:
        # A second Ctrl-C must not abort the clean-up half-way.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        # Stop the web server before the worker, and both before Redis they depend on.
        stop_processes(dict(reversed(list(processes.items()))))
        if redis_server is not None:
            log("stopping Redis")
            redis_server.stop()
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)
    log("stopped")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
