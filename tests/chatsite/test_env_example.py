"""`.env.example` loaded as it is (`set -a; . ./.env.example`) changes no setting, and the app
starts with it: an operator who copies it and fills in only what they need gets the defaults for
everything else."""

import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import httpx
from django.conf import settings

from tests.support.live import free_port

ROOT = Path(__file__).resolve().parents[2]

# Every setting the app reads from the environment, printed as JSON by a child process.
DUMP_SETTINGS = """
import json, os, re, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chatsite.settings")
django.setup()
from django.conf import settings
# An object's repr names its address, which differs between any two processes.
values = {name: re.sub(r" at 0x[0-9a-f]+", "", repr(getattr(settings, name))) for name in dir(settings) if name.isupper()}
print(json.dumps(values))
"""


def clean_environment() -> dict[str, str]:
    """No variable the app reads: only what a shell and Python need to run."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    return {name: os.environ[name] for name in keep if name in os.environ}


def exports(variables: dict[str, str]) -> str:
    return "".join(f"export {name}={shlex.quote(value)}; " for name, value in variables.items())


def run_with_example(script: str, **extra: str) -> subprocess.CompletedProcess:
    """`script` in bash after loading .env.example exactly as an operator would, then `extra`."""
    command = f"set -a; . ./.env.example; set +a; {exports(extra)}{script}"
    return subprocess.run(
        ["bash", "-c", command], cwd=ROOT, env=clean_environment(), capture_output=True, text=True, timeout=120
    )


def dumped_settings(result: subprocess.CompletedProcess) -> dict[str, str]:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_loading_the_example_file_changes_no_setting():
    python = f"{sys.executable} -c {shlex.quote(DUMP_SETTINGS)}"
    loaded = dumped_settings(run_with_example(python))
    unset = dumped_settings(
        subprocess.run(["bash", "-c", python], cwd=ROOT, env=clean_environment(), capture_output=True, text=True, timeout=120)
    )
    assert {name: value for name, value in loaded.items() if unset.get(name) != value} == {}
    # The values the issue found broken, spelled out: the file's empty lines mean "the default".
    assert "sqlite3" in loaded["DATABASES"]
    assert loaded["DEBUG"] == "True"
    assert "127.0.0.1" in loaded["ALLOWED_HOSTS"]
    assert "findahelpline.com" in loaded["SUPPORT_RESOURCES"]


def test_an_empty_metrics_directory_leaves_prometheus_in_its_single_process_mode():
    """The library reads PROMETHEUS_MULTIPROC_DIR by presence; empty, it wrote into the checkout."""
    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'chatsite.settings'); django.setup(); "
        "import chatsite.metrics, prometheus_client.values as v; print(v.ValueClass.__name__)"
    )
    result = run_with_example(f"{sys.executable} -c {shlex.quote(script)}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "MutexValue"


def test_the_app_starts_with_the_example_file_loaded(tmp_path):
    port = free_port()
    # Only where this machine's services are: a database of the test's own and the suite's Redis.
    services = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": settings.REDIS_URL,
        "PORT": str(port),
        # Shows this test, as a monitor, which parts of /healthz answer.
        "HEALTH_TOKEN": "monitor-secret",
    }
    migrate = run_with_example(f"{sys.executable} manage.py migrate --noinput", **services)
    assert migrate.returncode == 0, migrate.stderr
    log = (tmp_path / "web.log").open("w")
    web = subprocess.Popen(
        ["bash", "-c", "set -a; . ./.env.example; set +a; "
         + exports(services)
         + f'exec {sys.executable} -m chatsite.serve chatsite.asgi:application --host 127.0.0.1 --port "$PORT"'],
        cwd=ROOT, env=clean_environment(), stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        login = health = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and login is None:
            try:
                login = httpx.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=5)
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", headers={"Authorization": "Bearer monitor-secret"}, timeout=10)
            except httpx.TransportError:
                assert web.poll() is None, (tmp_path / "web.log").read_text()
                time.sleep(0.2)
        assert login is not None, (tmp_path / "web.log").read_text()
        assert login.status_code == 200
        assert 'name="password"' in login.text
        # No Celery worker runs here, so only the database and Redis are asked about.
        assert health.json()["db"] == "ok"
        assert health.json()["redis"] == "ok"
    finally:
        web.terminate()
        web.wait(timeout=30)
        log.close()
