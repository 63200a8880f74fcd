"""Production settings: safe by default, and refusing to start without what they need."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")}
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)


def test_production_settings_pass_the_deployment_checklist():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_ENV="production", SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key-value", ALLOWED_HOSTS="chat.example.com",
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="chat.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", DJANGO_ENV="production", SECRET_KEY="y" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_a_malformed_setting_fails_loudly():
    result = manage("check", END_AFTER_REDIRECTS="three")
    assert result.returncode != 0
    assert "END_AFTER_REDIRECTS must be an integer" in result.stderr
