"""Every form that changes something needs its CSRF token; production cookies are Secure and
HttpOnly. (check --deploy and refusing to start without a secret key or hosts: tests/chatsite/test_settings.py.)"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.support.live import manage

pytestmark = pytest.mark.django_db

# Every POST a page makes, as (URL name, args from the owned objects, form data).
FORMS = [
    ("chat:new", [], lambda o: {"content": "Hi"}),
    ("chat:send", ["conversation"], lambda o: {"content": "Hi", "branch": o["branch"].id}),
    ("chat:switch", ["conversation"], lambda o: {"message": o["user_message"].id}),
    ("chat:end", ["conversation"], lambda o: {"branch": o["branch"].id}),
    ("chat:rename", ["conversation"], lambda o: {"title": "Renamed"}),
    ("chat:delete", ["conversation"], lambda o: {}),
    ("chat:restore", ["deleted"], lambda o: {}),
    ("chat:edit", ["conversation", "user_message"], lambda o: {"content": "Rewritten"}),
    ("chat:retry", ["conversation", "reply"], lambda o: {}),
    ("chat:stop", ["conversation", "reply"], lambda o: {}),
    ("chat:feedback", ["ended", "end_event"], lambda o: {"rating": "up"}),
    ("logout", [], lambda o: {}),
]


def url_for(name, args, owned) -> str:
    return reverse(name, args=[owned[arg].pk for arg in args])


@pytest.mark.parametrize(("name", "args", "data"), FORMS, ids=[name for name, _, _ in FORMS])
def test_every_page_form_is_refused_without_its_csrf_token(owner, owned, name, args, data):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    response = browser.post(url_for(name, args, owned), data(owned))
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()


@pytest.mark.parametrize(("name", "args", "data"), FORMS, ids=[name for name, _, _ in FORMS])
def test_every_page_form_goes_through_with_the_token_the_page_gave(owner, owned, name, args, data):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    browser.get(reverse("chat:detail", args=[owned["conversation"].pk]))
    token = browser.cookies["csrftoken"].value
    response = browser.post(url_for(name, args, owned), {**data(owned), "csrfmiddlewaretoken": token})
    assert response.status_code != 403


def test_login_and_signup_forms_need_their_csrf_token(db):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 403
    assert browser.post("/accounts/signup/", {"username": "x", "password1": "y", "password2": "y"}).status_code == 403


def test_the_admin_review_form_needs_its_csrf_token(staff_user, owned):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff_user)
    url = reverse("admin:moderation_endevent_change", args=[owned["end_event"].pk])
    assert browser.post(url, {"review_status": "upheld", "review_note": ""}).status_code == 403


def test_the_api_with_a_session_cookie_needs_the_csrf_token_too(owner, owned):
    """A page's session must not let another site post to the API on the user's behalf."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    response = browser.post(
        f"/api/v1/branches/{owned['branch'].id}/messages/", json.dumps({"content": "forged"}), content_type="application/json"
    )
    assert response.status_code == 403


def test_production_cookies_are_secure_http_only_and_same_site():
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in "
        "['SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_SECURE', "
        "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_CONTENT_TYPE_NOSNIFF', 'X_FRAME_OPTIONS', 'DEBUG']}))"
    )
    result = manage(
        "shell", "-c", script, DJANGO_ENV="production", SECRET_KEY="z" * 60, ALLOWED_HOSTS="chat.example.com"
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert values["SECURE_SSL_REDIRECT"] is True and values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True and values["X_FRAME_OPTIONS"] == "DENY"
    assert values["DEBUG"] is False


def test_a_login_under_secure_cookie_settings_sets_a_secure_http_only_session_cookie(client, owner, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    response = client.post("/accounts/login/", {"username": "owner", "password": "correct horse battery staple"}, secure=True)
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
