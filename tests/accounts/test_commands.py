"""Setting up accounts from the command line, as an operator would."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command


@pytest.mark.django_db
def test_createsuperuser_noinput_takes_the_standard_environment_variables(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "root")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long enough passphrase")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@example.com")
    call_command("createsuperuser", "--noinput", verbosity=0)
    user = get_user_model().objects.get(username="root")
    assert user.is_superuser and user.is_staff
    assert user.check_password("a long enough passphrase")


@pytest.mark.django_db
def test_seeding_demo_users_twice_keeps_the_first_passwords(monkeypatch, capsys):
    monkeypatch.setenv("DEMO_PASSWORD", "first demo passphrase")
    call_command("seed_demo_users")
    assert "Demo user: demo / first demo passphrase" in capsys.readouterr().out
    monkeypatch.setenv("DEMO_PASSWORD", "second demo passphrase")
    call_command("seed_demo_users")
    demo = get_user_model().objects.get(username="demo")
    assert demo.check_password("first demo passphrase")
    assert get_user_model().objects.get(username="admin").is_staff
