"""Tokens, sign-up, and how the API answers a client that is not signed in."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tests.support.accounts import token_for

PASSWORD = "correct horse battery staple"  # the password tests.conftest.make_user gives everyone
TOKEN_URL = "/api/v1/auth/token/"
REGISTER_URL = "/api/v1/auth/register/"
PROTECTED_URL = "/api/v1/conversations/"


@pytest.fixture
def anon(db) -> APIClient:
    """A client with no credentials."""
    return APIClient()


def usernames() -> list[str]:
    return sorted(get_user_model().objects.values_list("username", flat=True))


# Tokens


def test_the_right_password_obtains_the_users_token(anon, owner):
    response = anon.post(TOKEN_URL, {"username": "owner", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert response.json() == {"token": token_for(owner)}


def test_a_wrong_password_is_refused_with_a_400_and_no_token(anon, owner):
    response = anon.post(TOKEN_URL, {"username": "owner", "password": "wrong"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_credentials"
    assert body["detail"]
    assert "token" not in body


def test_an_unknown_username_is_refused_like_a_wrong_password(anon, db):
    response = anon.post(TOKEN_URL, {"username": "nobody", "password": PASSWORD}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


def test_a_token_request_without_a_password_is_invalid(anon, owner):
    response = anon.post(TOKEN_URL, {"username": "owner"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "password" in response.json()["errors"]


def test_the_token_header_authenticates_a_request_to_a_protected_endpoint(anon, owner):
    anon.credentials(HTTP_AUTHORIZATION=f"Token {token_for(owner)}")
    response = anon.get(PROTECTED_URL)
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_an_anonymous_request_gets_401_not_authenticated(anon):
    response = anon.get(PROTECTED_URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["detail"]
    assert "Token" in response["WWW-Authenticate"]


def test_an_unknown_token_gets_401(anon, db):
    anon.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = anon.get(PROTECTED_URL)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


# Sign-up


def test_registering_while_signup_is_enabled_creates_a_user_who_can_get_a_token(anon, db, settings):
    settings.ALLOW_SIGNUP = True
    response = anon.post(REGISTER_URL, {"username": "newcomer", "password": PASSWORD}, format="json")
    assert response.status_code == 201
    assert response.json()["username"] == "newcomer"
    assert "password" not in response.json()
    token = anon.post(TOKEN_URL, {"username": "newcomer", "password": PASSWORD}, format="json")
    assert token.status_code == 200
    assert token.json()["token"]


def test_registering_while_signup_is_disabled_is_403_signup_disabled(anon, db, settings):
    settings.ALLOW_SIGNUP = False
    response = anon.post(REGISTER_URL, {"username": "newcomer", "password": PASSWORD}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "signup_disabled"
    assert usernames() == []


@pytest.mark.parametrize("password", ["123", "password", "newcomer1"])
def test_a_weak_password_is_400_invalid_with_an_error_on_the_password(anon, db, password):
    response = anon.post(REGISTER_URL, {"username": "newcomer", "password": password}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"]["password"]
    assert usernames() == []


@pytest.mark.parametrize("username", ["owner", "OWNER"])
def test_a_taken_username_is_409_and_the_existing_user_keeps_their_password(anon, owner, username):
    response = anon.post(REGISTER_URL, {"username": username, "password": "another good passphrase"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "username_taken"
    assert usernames() == ["owner"]
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


@pytest.mark.parametrize(
    "body",
    [{"username": 5, "password": PASSWORD}, {"username": "newcomer", "password": 12345678}, {"username": "newcomer"}, {}],
    ids=["numeric-username", "numeric-password", "no-password", "empty"],
)
def test_a_registration_with_missing_or_wrongly_typed_fields_is_400_invalid(anon, db, body):
    response = anon.post(REGISTER_URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"]
    assert usernames() == []
