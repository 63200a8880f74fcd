"""Production settings: safe by default, and refusing to start without what they need."""

from tests.support.live import manage


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


def database_settings(url: str) -> list[str]:
    code = "from django.conf import settings as s; print(s.DATABASES['default']['CONN_MAX_AGE'], s.DB_POOLED)"
    result = manage("shell", "-c", code, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1].split()


def test_sqlite_request_threads_keep_their_connection_and_postgresql_borrows_from_a_pool(tmp_path):
    assert database_settings(f"sqlite:///{tmp_path / 'db.sqlite3'}") == ["600", "False"]
    assert database_settings("postgres://chat:secret@db.example.com:5432/chat") == ["0", "True"]


def test_a_connection_age_set_for_postgresql_replaces_the_pool(monkeypatch):
    monkeypatch.setenv("DB_CONN_MAX_AGE", "60")
    assert database_settings("postgres://chat:secret@db.example.com:5432/chat") == ["60", "False"]
