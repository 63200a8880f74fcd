"""Rate limits: scoped DRF throttles on Redis for sending, creating conversations and auth.

The suite turns throttling off for every other test (tests/conftest.py); these tests turn it on
again with known rates and start from empty counters in the suite's real Redis.
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from conversations import services
from conversations.models import Conversation
from moderation.models import EndReason, Initiator
from tests.support.conversations.replies import finish_reply


def new_branch(client) -> str:
    response = client.post("/api/v1/conversations/", {}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["active_branch"]


def send(client, branch_id: str, text: str = "Hello there"):
    return client.post(f"/api/v1/branches/{branch_id}/messages/", {"content": text}, format="json")


def assert_throttled(response) -> None:
    assert response.status_code == 429, response.content
    body = response.json()
    assert set(body) == {"code", "detail"}
    assert body["code"] == "throttled"
    assert body["detail"]
    assert 0 < int(response["Retry-After"]) <= 60


def test_sending_more_messages_than_the_limit_is_429_throttled_with_retry_after(api, owner, throttle_rates):
    throttle_rates(messages="2/min")
    branches = [new_branch(api) for _ in range(3)]
    assert send(api, branches[0]).status_code == 202
    assert send(api, branches[1]).status_code == 202
    assert_throttled(send(api, branches[2]))
    assert Conversation.objects.get(active_branch=branches[2]).messages.count() == 0


def test_sends_the_message_limit_refuses_do_not_use_up_the_general_limit(api, owner, throttle_rates):
    throttle_rates(user="4/min", messages="1/min")
    branch = new_branch(api)  # 1 of 4
    assert send(api, branch).status_code == 202  # 2 of 4
    assert_throttled(send(api, branch))
    assert_throttled(send(api, branch))
    assert api.get("/api/v1/conversations/").status_code == 200, "two refused sends counted against the user limit"
    assert api.get("/api/v1/conversations/").status_code == 200
    assert_throttled(api.get("/api/v1/conversations/"))


def test_editing_and_retrying_count_as_sending_because_each_starts_a_reply(api, owner, throttle_rates):
    throttle_rates(messages="2/min")
    branch = new_branch(api)
    body = send(api, branch).json()
    finish_reply(body["assistant_message"]["id"])
    edit = api.post(f"/api/v1/messages/{body['user_message']['id']}/edit/", {"content": "Hi instead"}, format="json")
    assert edit.status_code == 201
    assert_throttled(api.post(f"/api/v1/messages/{body['assistant_message']['id']}/retry/"))


def test_creating_more_conversations_than_the_limit_is_429_and_listing_still_works(api, throttle_rates):
    throttle_rates(conversations="2/min")
    new_branch(api)
    new_branch(api)
    assert_throttled(api.post("/api/v1/conversations/", {}, format="json"))
    assert Conversation.objects.count() == 2
    listing = api.get("/api/v1/conversations/")
    assert listing.status_code == 200
    assert listing.json()["count"] == 2


def test_limits_are_per_user(api, other_api, throttle_rates):
    throttle_rates(conversations="1/min")
    new_branch(api)
    assert_throttled(api.post("/api/v1/conversations/", {}, format="json"))
    assert other_api.post("/api/v1/conversations/", {}, format="json").status_code == 201


def test_token_requests_past_the_auth_limit_are_429_even_with_the_right_password(owner, throttle_rates):
    throttle_rates(auth="3/min")
    client = APIClient()
    for _ in range(3):
        wrong = client.post("/api/v1/auth/token/", {"username": "owner", "password": "guess"}, format="json")
        assert wrong.status_code == 400
    assert_throttled(
        client.post("/api/v1/auth/token/", {"username": "owner", "password": "correct horse battery staple"}, format="json")
    )


def test_sign_up_shares_the_auth_limit(db, throttle_rates):
    throttle_rates(auth="1/min")
    client = APIClient()
    first = client.post("/api/v1/auth/register/", {"username": "newcomer", "password": "a long passphrase 42"}, format="json")
    assert first.status_code == 201
    assert_throttled(client.post("/api/v1/auth/register/", {"username": "second", "password": "a long passphrase 42"}, format="json"))


def test_a_user_whose_branch_was_just_ended_creates_a_conversation_and_sends_at_once(api, owner, throttle_rates):
    """No penalty: an end changes nothing about what the user may do next, at the site's own limits."""
    throttle_rates()  # The configured rates, as production runs them.
    branch = new_branch(api)
    body = send(api, branch, "you are a useless idiot").json()
    finish_reply(body["assistant_message"]["id"], "Let's keep this respectful.")
    conversation = Conversation.objects.get(active_branch=branch)
    services.branch_end(branch=conversation.active_branch, initiated_by=Initiator.MODEL, reason=EndReason.ABUSE)
    assert send(api, branch).json()["code"] == "branch_ended"

    created = api.post("/api/v1/conversations/", {}, format="json")
    assert created.status_code == 201, created.content
    sent = send(api, created.json()["active_branch"], "Can we start over?")
    assert sent.status_code == 202, sent.content
    assert "Retry-After" not in sent
    # The other open conversation takes messages too.
    assert api.get("/api/v1/conversations/").json()["count"] == 2


def test_the_limits_are_read_from_the_environment():
    env = dict(os.environ, THROTTLE_MESSAGES="7/min", THROTTLE_CONVERSATIONS="3/hour", THROTTLE_AUTH="5/min")
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "r = settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']; "
        "print(r['messages'], r['conversations'], r['auth'])"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR)
    assert out.stdout.split() == ["7/min", "3/hour", "5/min"]


def test_requests_racing_for_the_last_places_in_a_window_never_exceed_the_limit(owner, throttle_rates):
    """The check and the count are one atomic step in Redis: 24 simultaneous requests against a
    limit of 5 admit exactly 5."""
    from concurrent.futures import ThreadPoolExecutor
    from types import SimpleNamespace

    from conversations.api.throttles import UserThrottle

    throttle_rates(user="5/min")
    request = SimpleNamespace(user=owner)
    with ThreadPoolExecutor(max_workers=8) as pool:
        admitted = list(pool.map(lambda _: UserThrottle().allow_request(request, None), range(24)))
    assert admitted.count(True) == 5
