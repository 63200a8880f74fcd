"""Sign-in and sign-up limits at every door (accounts/limits.py): the log-in page, the admin's
log-in page, the sign-up page and the API, per client and per username, with a lock that does not
apply to a browser that has signed in to the account before."""

import time

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts import limits

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def browser(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def log_in(client: Client, password: str, username: str = "owner", path: str = "/accounts/login/"):
    return client.post(path, {"username": username, "password": password})


def test_the_login_page_refuses_a_client_after_ten_attempts_even_with_the_right_password(throttle_rates, owner):
    throttle_rates(auth="10/min", login_failures="1000/hour")
    attacker = browser("192.0.2.1")
    assert [log_in(attacker, f"guess {n}").status_code for n in range(10)] == [200] * 10
    refused = log_in(attacker, PASSWORD)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "_auth_user_id" not in attacker.session
    # Another client is unaffected.
    assert log_in(browser("192.0.2.2"), PASSWORD).status_code == 302


def test_the_admin_login_and_the_api_share_one_count_per_client(throttle_rates, staff_user):
    throttle_rates(auth="10/min", login_failures="1000/hour")
    attacker = browser("192.0.2.1")
    for n in range(5):
        assert log_in(attacker, f"guess {n}", username="staff", path="/admin/login/").status_code == 200
    api = APIClient(REMOTE_ADDR="192.0.2.1")
    for n in range(5):
        assert api.post("/api/v1/auth/token/", {"username": "staff", "password": f"g{n}"}, format="json").status_code == 400
    assert log_in(attacker, PASSWORD, username="staff", path="/admin/login/").status_code == 429
    assert api.post("/api/v1/auth/token/", {"username": "staff", "password": PASSWORD}, format="json").status_code == 429


def test_failures_from_many_addresses_lock_the_username_but_not_a_browser_that_signed_in_before(throttle_rates, owner):
    throttle_rates(auth="1000/min", login_failures="10/hour")
    # The owner signed in from their laptop last week.
    laptop = browser("198.51.100.7")
    assert log_in(laptop, PASSWORD).status_code == 302
    laptop.post("/accounts/logout/")  # the logout view, as a browser: the device cookie stays
    # A distributed guess: every address fails once.
    for n in range(10):
        assert log_in(browser(f"203.0.113.{n}"), f"guess {n}").status_code == 200
    # The username is locked for everyone else, the right password included, on every door...
    locked = log_in(browser("203.0.113.200"), PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-ins for this account" in locked.content.decode()
    api = APIClient(REMOTE_ADDR="203.0.113.201")
    token = api.post("/api/v1/auth/token/", {"username": "OWNER", "password": PASSWORD}, format="json")
    assert token.status_code == 429 and token.json()["code"] == "throttled"
    # ...but not for the owner's own browser.
    assert log_in(laptop, PASSWORD).status_code == 302


def test_a_username_lock_ends_when_its_failures_age_out_and_refused_attempts_do_not_extend_it(throttle_rates, owner):
    throttle_rates(auth="1000/min", login_failures="3/s")
    for n in range(3):
        log_in(browser(f"203.0.113.{n}"), "wrong")
    assert log_in(browser("203.0.113.9"), PASSWORD).status_code == 429
    for _ in range(5):
        log_in(browser("203.0.113.10"), "wrong again")  # refused while locked: not counted
    time.sleep(1.1)
    assert log_in(browser("203.0.113.9"), PASSWORD).status_code == 302


def test_the_sign_up_page_and_the_api_share_the_accounts_per_client_limit(throttle_rates, settings):
    settings.ALLOW_SIGNUP = True
    throttle_rates(auth="1000/min", signup="3/hour")
    page = browser("192.0.2.50")
    for n in range(2):
        created = page.post("/accounts/signup/", {"username": f"new{n}", "password1": PASSWORD, "password2": PASSWORD})
        assert created.status_code == 302
        page.post("/accounts/logout/")
    api = APIClient(REMOTE_ADDR="192.0.2.50")
    assert api.post("/api/v1/auth/register/", {"username": "new2", "password": PASSWORD}, format="json").status_code == 201
    refused = page.post("/accounts/signup/", {"username": "new3", "password1": PASSWORD, "password2": PASSWORD})
    assert refused.status_code == 429
    assert api.post("/api/v1/auth/register/", {"username": "new4", "password": PASSWORD}, format="json").status_code == 429
    assert browser("192.0.2.51").post(
        "/accounts/signup/", {"username": "new5", "password1": PASSWORD, "password2": PASSWORD}
    ).status_code == 302


def test_a_forged_device_cookie_is_ignored(throttle_rates, owner):
    throttle_rates(auth="1000/min", login_failures="2/hour")
    for n in range(2):
        log_in(browser(f"203.0.113.{n}"), "wrong")
    forger = browser("203.0.113.99")
    forger.cookies[limits.DEVICE_COOKIE] = limits.username_key("owner")
    assert log_in(forger, PASSWORD).status_code == 429
