"""Run the Procfile: its `release` step once, then each process type as many times as asked.

    python scripts/procfile.py --formation web=1,worker=2,beat=1

The same commands docs/deploy.md gives systemd, so a test can start the production layout with
nothing but Python (make test-production does). Like systemd's Restart=always, a process that
dies is started again after a second, and logged; Ctrl-C or SIGTERM stops every process (SIGTERM,
then SIGKILL after a grace period) and exits 0. Each line a process prints is prefixed with its
name (`worker.2 | ...`), and each start says its pid (`procfile | started worker.2 pid 1234`).
A process gets DYNO=<name> (as on Heroku-style platforms); the Procfile names Celery workers by it.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOP_TIMEOUT = 15.0
RESTART_DELAY = 1.0
_print_lock = threading.Lock()


def say(name: str, line: str) -> None:
    with _print_lock:
        sys.stdout.write(f"{name:<9}| {line}\n")
        sys.stdout.flush()


def read_procfile(path: Path) -> dict[str, str]:
    """`name: command` lines; blank lines and comments are skipped."""
    entries = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, sep, command = line.partition(":")
        if not sep or not name.strip().isidentifier() or not command.strip():
            raise SystemExit(f"{path}:{number}: expected `name: command`, got {line!r}")
        entries[name.strip()] = command.strip()
    return entries


def parse_formation(text: str, entries: dict[str, str]) -> dict[str, int]:
    formation = {}
    for part in filter(None, (item.strip() for item in text.split(","))):
        name, _, count = part.partition("=")
        if name not in entries or name == "release" or not count.isdigit():
            raise SystemExit(f"--formation wants name=count for names in the Procfile, got {part!r}")
        formation[name] = int(count)
    return formation


@dataclass
class Process:
    name: str
    command: str
    env: dict[str, str]
    proc: subprocess.Popen | None = None

    def start(self) -> None:
        # A session of its own: signals reach the whole group (Celery's pool, uvicorn's
        # processes), and a terminal Ctrl-C reaches only this runner, which stops them in order.
        self.proc = subprocess.Popen(
            ["/bin/sh", "-c", self.command],
            cwd=ROOT, env={**self.env, "DYNO": self.name}, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )
        say("procfile", f"started {self.name} pid {self.proc.pid}")
        threading.Thread(target=self._relay, args=(self.proc,), daemon=True).start()

    def _relay(self, proc: subprocess.Popen) -> None:
        for raw in proc.stdout:
            say(self.name, raw.decode(errors="replace").rstrip("\n"))

    def signal(self, sig: int) -> None:
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass


class Stop(Exception):
    pass


def _stop(signum: int, frame: object) -> None:
    raise Stop(signal.Signals(signum).name)


def run(entries: dict[str, str], formation: dict[str, int], env: dict[str, str], release: bool) -> int:
    processes = [
        Process(f"{name}.{index}", entries[name], env) for name, count in formation.items() for index in range(1, count + 1)
    ]
    try:
        if release and "release" in entries:
            say("procfile", "release")
            step = Process("release", entries["release"], env)
            step.start()
            if step.proc.wait() != 0:
                say("procfile", f"release failed with exit code {step.proc.returncode}")
                return 1
        for process in processes:
            process.start()
        while True:
            for process in processes:
                code = process.proc.poll()
                if code is not None:
                    say("procfile", f"{process.name} exited with code {code}; starting it again")
                    process.signal(signal.SIGKILL)
                    time.sleep(RESTART_DELAY)
                    process.start()
            time.sleep(0.2)
    except Stop as stop:
        say("procfile", f"received {stop}; stopping")
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for process in processes:
            process.signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for process in processes:
            if process.proc is None:
                continue
            try:
                process.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say("procfile", f"{process.name} did not stop within {STOP_TIMEOUT:.0f}s; killing it")
            # Whatever is left of the group (a Celery pool process, say) goes too.
            process.signal(signal.SIGKILL)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--procfile", type=Path, default=ROOT / "Procfile")
    parser.add_argument("--formation", default="web=1,worker=1,beat=1", help="name=count pairs, comma separated")
    parser.add_argument("--no-release", action="store_true", help="skip the release step")
    args = parser.parse_args(argv)
    entries = read_procfile(args.procfile)
    formation = parse_formation(args.formation, entries)
    env = dict(os.environ)
    # The Procfile says `python` and `celery`: the ones of the Python running this script.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    return run(entries, formation, env, release=not args.no_release)


if __name__ == "__main__":
    sys.exit(main())
