"""Usernames that only look like a taken one are taken (accounts/usernames.py), on the sign-up
page and through the API; users made by other means hold their names too."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.usernames import username_skeleton

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOOK_ALIKES = [
    "admın",  # dotless i
    "ådmin",  # a ring above
    "ádmin",  # a acute
    "аdmin",  # Cyrillic а
    "αdmin",  # Greek alpha
    "ADMIN",  # letter case
    "ａｄｍｉｎ",  # full width: NFKC makes it admin
    "admin\u0301",  # a combining accent
]


@pytest.fixture
def admin_exists(settings):
    settings.ALLOW_SIGNUP = True
    get_user_model().objects.create_user(username="admin", password=PASSWORD)


@pytest.mark.parametrize("name", LOOK_ALIKES)
def test_a_look_alike_of_a_taken_username_is_refused_by_the_api(admin_exists, name):
    response = APIClient().post("/api/v1/auth/register/", {"username": name, "password": PASSWORD}, format="json")
    assert response.status_code in (400, 409), response.content
    if response.status_code == 409:
        assert response.json()["code"] == "username_taken"
    assert get_user_model().objects.count() == 1


def test_a_look_alike_is_refused_on_the_sign_up_page(client, admin_exists):
    response = client.post("/accounts/signup/", {"username": "admın", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 400
    # PostgreSQL's case-insensitive match already takes ı for i (the form's own check); SQLite's
    # does not, and the skeleton catches it.
    page = response.content.decode()
    assert "looks just like one that is" in page or "already exists" in page
    assert get_user_model().objects.count() == 1


def test_different_names_still_register(admin_exists):
    for name in ("administrator", "adm1n_fan", "José", "Ωmega"):
        response = APIClient().post("/api/v1/auth/register/", {"username": name, "password": PASSWORD}, format="json")
        assert response.status_code == 201, (name, response.content)


def test_a_superuser_made_on_the_command_line_holds_its_name(monkeypatch, settings):
    settings.ALLOW_SIGNUP = True
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "root")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@example.com")
    call_command("createsuperuser", "--noinput", verbosity=0)
    response = APIClient().post("/api/v1/auth/register/", {"username": "rооt", "password": PASSWORD}, format="json")
    assert response.status_code == 409


def test_the_skeleton_folds_case_accents_and_confusables_but_keeps_different_letters_apart():
    assert len({username_skeleton(name) for name in ["admin", *LOOK_ALIKES]}) == 1
    assert username_skeleton("admin") != username_skeleton("admit")
