"""Branches through the API: sending messages, reading the transcript, ending a branch."""

import pytest

from conversations.models import Branch, Message
from moderation.models import EndEvent
from tests.support.conversations.replies import finish_reply as finish

BRANCH_KEYS = {"id", "conversation", "tip", "forked_from", "ended", "ended_at", "end_event", "messages"}
# reopened_at is not in the contract; it is tolerated as the one extra (staff may reopen a branch).
BRANCH_EXTRA_KEYS_ALLOWED = {"reopened_at"}
MESSAGE_KEYS = {"id", "conversation", "branch", "parent", "role", "content", "status", "kind", "created_at", "error", "moderation"}
END_EVENT_KEYS = {"id", "initiated_by", "reason", "rationale", "redirect_attempts", "created_at"}


@pytest.fixture
def branch(api) -> str:
    """The id of the open, empty branch of a new conversation of the owner."""
    response = api.post("/api/v1/conversations/", {}, format="json")
    assert response.status_code == 201
    return response.json()["active_branch"]


def send(client, branch_id, content):
    return client.post(f"/api/v1/branches/{branch_id}/messages/", {"content": content}, format="json")


def sent(client, branch_id, content) -> dict:
    response = send(client, branch_id, content)
    assert response.status_code == 202, response.content
    return response.json()


def stored(branch_id) -> tuple:
    """The branch's tip and the conversation's message ids, to show a refused request saved nothing."""
    branch = Branch.objects.get(pk=branch_id)
    return branch.tip_id, branch.ended_at, sorted(Message.objects.filter(conversation=branch.conversation).values_list("id", flat=True))


def get_branch(client, branch_id) -> dict:
    response = client.get(f"/api/v1/branches/{branch_id}/")
    assert response.status_code == 200
    return response.json()


# Sending


def test_sending_returns_202_with_the_user_message_and_a_pending_reply(api, branch):
    body = sent(api, branch, "What is a good name for a goldfish?")
    assert set(body) == {"user_message", "assistant_message"}
    user, reply = body["user_message"], body["assistant_message"]
    assert set(user) == MESSAGE_KEYS
    assert set(reply) == MESSAGE_KEYS
    assert user["role"] == "user"
    assert user["content"] == "What is a good name for a goldfish?"
    assert user["branch"] == branch
    assert user["parent"] is None
    assert user["kind"] is None
    assert user["status"] == "complete"
    assert reply["role"] == "assistant"
    assert reply["status"] == "pending"
    assert reply["kind"] is None
    assert reply["content"] == ""
    assert reply["error"] == ""
    assert reply["moderation"] is None
    assert reply["parent"] == user["id"]
    assert reply["branch"] == branch
    assert reply["conversation"] == user["conversation"]
    assert get_branch(api, branch)["tip"] == reply["id"]


def test_a_second_message_while_the_reply_is_pending_is_409_reply_pending_and_not_saved(api, branch):
    sent(api, branch, "First question")
    before = stored(branch)
    response = send(api, branch, "Are you there?")
    assert response.status_code == 409
    assert response.json()["code"] == "reply_pending"
    assert response.json()["detail"]
    assert stored(branch) == before


def test_a_message_after_the_reply_finished_continues_the_branch(api, branch):
    first = sent(api, branch, "First question")
    finish(first["assistant_message"]["id"])
    second = sent(api, branch, "Second question")
    assert second["user_message"]["parent"] == first["assistant_message"]["id"]


@pytest.mark.parametrize("content", ["", "   ", "\n\t  \n"], ids=["empty", "spaces", "whitespace"])
def test_an_empty_or_blank_message_is_400_invalid_and_not_saved(api, branch, content):
    before = stored(branch)
    response = send(api, branch, content)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["detail"]
    assert stored(branch) == before


def test_a_message_over_the_limit_is_400_invalid_and_the_detail_names_the_limit(api, branch, settings):
    settings.MAX_MESSAGE_CHARS = 50
    before = stored(branch)
    response = send(api, branch, "x" * 51)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "50" in response.json()["detail"]
    assert stored(branch) == before


def test_a_message_exactly_at_the_limit_is_accepted(api, branch, settings):
    settings.MAX_MESSAGE_CHARS = 50
    assert send(api, branch, "y" * 50).status_code == 202


def test_the_default_limit_is_32000_characters(api, branch):
    assert send(api, branch, "z" * 32_001).status_code == 400
    assert send(api, branch, "z" * 32_000).status_code == 202


@pytest.mark.parametrize(
    "body",
    [{"content": 42}, {"content": None}, {"content": ["hi"]}, {"content": {"text": "hi"}}, {"content": True}, {}],
    ids=["number", "null", "list", "object", "boolean", "missing"],
)
def test_content_that_is_not_a_string_is_400_invalid_and_not_saved(api, branch, body):
    before = stored(branch)
    response = api.post(f"/api/v1/branches/{branch}/messages/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "content" in response.json()["errors"]
    assert stored(branch) == before


def test_unknown_fields_are_ignored_when_sending(api, branch):
    response = api.post(
        f"/api/v1/branches/{branch}/messages/", {"content": "hi", "role": "assistant", "parent": branch}, format="json"
    )
    assert response.status_code == 202
    assert response.json()["user_message"]["role"] == "user"
    assert response.json()["user_message"]["parent"] is None


def test_malformed_json_is_400_invalid_and_not_saved(api, branch):
    before = stored(branch)
    response = api.post(f"/api/v1/branches/{branch}/messages/", data='{"content": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert stored(branch) == before


def test_sending_to_an_ended_branch_is_409_branch_ended_and_says_how_to_continue(api, branch):
    finish(sent(api, branch, "hello")["assistant_message"]["id"])
    assert api.post(f"/api/v1/branches/{branch}/end/", {}, format="json").status_code == 200
    before = stored(branch)
    response = send(api, branch, "one more thing")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "branch_ended"
    assert "new conversation" in body["detail"]
    assert "edit" in body["detail"]
    assert "earlier message" in body["detail"]
    assert stored(branch) == before


# Reading a branch


def test_a_branch_lists_its_messages_from_root_to_tip(api, branch):
    ids = []
    for text in ("first", "second", "third"):
        body = sent(api, branch, text)
        finish(body["assistant_message"]["id"], text=f"reply to {text}")
        ids += [body["user_message"]["id"], body["assistant_message"]["id"]]
    detail = get_branch(api, branch)
    assert BRANCH_KEYS <= set(detail) <= BRANCH_KEYS | BRANCH_EXTRA_KEYS_ALLOWED
    assert [m["id"] for m in detail["messages"]] == ids
    assert [m["content"] for m in detail["messages"]] == [
        "first", "reply to first", "second", "reply to second", "third", "reply to third",
    ]
    assert [m["parent"] for m in detail["messages"]] == [None, *ids[:-1]]
    assert all(set(m) == MESSAGE_KEYS for m in detail["messages"])
    assert detail["tip"] == ids[-1]
    assert [m["kind"] for m in detail["messages"]] == [None, "answer"] * 3


# Ending


def test_the_user_ending_a_branch_gets_200_and_the_ended_branch_with_its_end_event(api, branch):
    body = sent(api, branch, "Thanks, that's all.")
    finish(body["assistant_message"]["id"])
    response = api.post(f"/api/v1/branches/{branch}/end/", {"reason": "I got what I needed"}, format="json")
    assert response.status_code == 200
    detail = response.json()
    assert BRANCH_KEYS <= set(detail) <= BRANCH_KEYS | BRANCH_EXTRA_KEYS_ALLOWED
    assert detail["id"] == branch
    assert detail["ended"] is True
    assert detail["ended_at"]
    assert [m["id"] for m in detail["messages"]] == [body["user_message"]["id"], body["assistant_message"]["id"]]
    event = detail["end_event"]
    assert set(event) == END_EVENT_KEYS
    assert event["initiated_by"] == "user"
    assert event["reason"] == "user_request"
    assert event["rationale"] == "I got what I needed"
    assert event["redirect_attempts"] == 0
    assert event["id"] == str(EndEvent.objects.get(branch_id=branch).id)
    assert get_branch(api, branch) == detail


def test_ending_an_empty_branch_without_a_reason_works(api, branch):
    response = api.post(f"/api/v1/branches/{branch}/end/")
    assert response.status_code == 200
    assert response.json()["ended"] is True
    assert response.json()["end_event"]["initiated_by"] == "user"


def test_ending_a_branch_twice_is_409_and_keeps_the_first_end(api, branch):
    first = api.post(f"/api/v1/branches/{branch}/end/", {"reason": "done"}, format="json").json()
    response = api.post(f"/api/v1/branches/{branch}/end/", {"reason": "again"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "branch_ended"
    assert EndEvent.objects.filter(branch_id=branch).count() == 1
    assert get_branch(api, branch)["end_event"] == first["end_event"]


def test_a_reason_of_the_wrong_type_is_400_invalid_and_the_branch_stays_open(api, branch):
    response = api.post(f"/api/v1/branches/{branch}/end/", {"reason": 7}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert get_branch(api, branch)["ended"] is False
    assert not EndEvent.objects.exists()


def test_ending_one_branch_leaves_the_users_other_conversations_open(api, branch):
    other = api.post("/api/v1/conversations/", {}, format="json").json()["active_branch"]
    api.post(f"/api/v1/branches/{branch}/end/")
    assert get_branch(api, other)["ended"] is False
    assert send(api, other, "still here?").status_code == 202
