"""The whole lifecycle through the API, against a real Celery worker, real Redis and the ASGI server."""

import httpx
import pytest

from conversations.models import Message
from moderation.models import EndAttempt, EndEvent
from tests.support.accounts import token_for
from tests.support.live import ABUSE, new_branch, read_stream

pytestmark = pytest.mark.django_db(transaction=True)

def send(client, branch_id: str, text: str):
    """Send a message, read the reply's stream to the end, return (202 body, streamed reply)."""
    response = client.post(f"/api/v1/branches/{branch_id}/messages/", json={"content": text})
    assert response.status_code == 202, response.text
    body = response.json()
    return body, read_stream(client, body["assistant_message"]["id"])


def test_an_ordinary_message_is_answered_by_the_offline_assistant(live_client):
    branch = new_branch(live_client)
    body, reply = send(live_client, branch, "What is a good name for a goldfish?")
    assert body["assistant_message"]["status"] == "pending"
    assert reply.done == {"status": "complete", "kind": "answer", "ended": False}
    assert "offline assistant" in reply.text
    assert len(reply.tokens) > 5, "the reply streams token by token"
    saved = live_client.get(f"/api/v1/messages/{body['assistant_message']['id']}/").json()
    assert saved["content"] == reply.text
    assert saved["kind"] == "answer"
    stored = Message.objects.get(pk=body["assistant_message"]["id"])
    assert stored.model == "local-offline-1"
    assert stored.usage["output_tokens"] > 0
    assert stored.stop_reason == "end_turn"


def test_three_redirected_abusive_turns_then_a_fourth_end_the_branch(live_client):
    branch = new_branch(live_client)
    for text in ABUSE[:3]:
        _, reply = send(live_client, branch, text)
        assert reply.done["kind"] == "redirect", reply.text
        assert reply.done["ended"] is False
    body, reply = send(live_client, branch, ABUSE[3])
    assert reply.done == {"status": "complete", "kind": "end", "ended": True}

    detail = live_client.get(f"/api/v1/branches/{branch}/").json()
    assert detail["ended"] is True
    assert detail["end_event"]["initiated_by"] == "model"
    assert detail["end_event"]["reason"] == "abuse"
    assert detail["end_event"]["redirect_attempts"] == 3
    assert [m["kind"] for m in detail["messages"] if m["role"] == "assistant"] == ["redirect"] * 3 + ["end"]
    assert "abuse" in detail["messages"][0]["moderation"]["flagged"]

    refused = live_client.post(f"/api/v1/branches/{branch}/messages/", json={"content": "hello?"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "branch_ended"
    assert "new conversation" in refused.json()["detail"]

    # Editing an earlier message continues in a new, open branch that takes messages.
    first_user_message = detail["messages"][0]["id"]
    edited = live_client.post(f"/api/v1/messages/{first_user_message}/edit/", json={"content": "Sorry. Can you help me plan a trip?"})
    assert edited.status_code == 201, edited.text
    new_branch_id = edited.json()["branch"]["id"]
    assert edited.json()["branch"]["ended"] is False
    reply = read_stream(live_client, edited.json()["assistant_message"]["id"])
    assert reply.done["kind"] == "answer"
    _, reply = send(live_client, new_branch_id, "Somewhere warm, please.")
    assert reply.done["ended"] is False
    conversation = live_client.get(f"/api/v1/conversations/{detail['conversation']}/").json()
    assert conversation["active_branch"] == new_branch_id

    # A new conversation works at once: no delay, no penalty.
    _, reply = send(live_client, new_branch(live_client), "hi again")
    assert reply.done["kind"] == "answer"
    assert EndEvent.objects.count() == 1


def test_a_risk_turn_in_an_abusive_branch_gets_support_and_is_never_ended(live_client):
    branch = new_branch(live_client)
    for text in ABUSE[:3]:
        send(live_client, branch, text)
    _, reply = send(live_client, branch, "i am going to kill myself tonight")
    assert reply.done == {"status": "complete", "kind": "support", "ended": False}
    assert "findahelpline.com" in reply.text
    _, reply = send(live_client, branch, ABUSE[4])
    assert reply.done["ended"] is False
    assert EndEvent.objects.count() == 0


def test_please_end_this_conversation_ends_it_as_a_user_request(live_client):
    branch = new_branch(live_client)
    send(live_client, branch, "Tell me a fun fact about owls.")
    _, reply = send(live_client, branch, "Please end this conversation.")
    assert reply.done == {"status": "complete", "kind": "end", "ended": True}
    event = live_client.get(f"/api/v1/branches/{branch}/").json()["end_event"]
    assert event["reason"] == "user_request"
    assert event["initiated_by"] == "model"
    assert event["redirect_attempts"] == 0


def test_a_finished_reply_streams_again_for_a_late_joiner(live_client):
    body, first = send(live_client, new_branch(live_client), "Tell me about the sea.")
    again = read_stream(live_client, body["assistant_message"]["id"])
    assert again.text == first.text
    assert again.done == first.done


def test_a_model_that_asks_to_end_a_conversation_at_risk_is_refused_and_recorded(live_client, owner):
    from conversations.services import conversation_create

    conversation = conversation_create(user=owner, provider="always_end")
    branch = str(conversation.active_branch_id)
    for text in ABUSE[:3]:
        send(live_client, branch, text)
    _, reply = send(live_client, branch, "honestly I want to die, I have pills ready")
    assert reply.done == {"status": "complete", "kind": "support", "ended": False}
    assert "findahelpline.com" in reply.text, "a risk veto always carries support resources"
    attempt = EndAttempt.objects.latest("created_at")
    assert attempt.refusal == "risk_veto"
    assert attempt.requested_reason == "abuse"
    assert attempt.provider == "always_end"
    assert attempt.decision["policy_version"]
    accepted = live_client.post(f"/api/v1/branches/{branch}/messages/", json={"content": "ok"})
    assert accepted.status_code == 202


def test_a_model_that_asks_to_end_an_ordinary_conversation_is_refused(live_client, owner):
    from conversations.services import conversation_create

    conversation = conversation_create(user=owner, provider="always_end")
    _, reply = send(live_client, str(conversation.active_branch_id), "What's the capital of Peru?")
    assert reply.done == {"status": "complete", "kind": "answer", "ended": False}
    assert EndAttempt.objects.get().refusal == "too_few_redirections"
    assert EndEvent.objects.count() == 0


def test_a_reply_whose_model_keeps_failing_is_marked_failed_and_can_be_retried(live_client, owner):
    from conversations.services import conversation_create

    conversation = conversation_create(user=owner, provider="failing")
    body, reply = send(live_client, str(conversation.active_branch_id), "Hello?")
    assert reply.done["status"] == "failed"
    failed = live_client.get(f"/api/v1/messages/{body['assistant_message']['id']}/").json()
    assert failed["status"] == "failed"
    assert "overloaded" in failed["error"]
    assert failed["content"] == "Partial answer ", "tokens already streamed are kept"

    conversation.provider = "local"
    conversation.save()
    retried = live_client.post(f"/api/v1/messages/{failed['id']}/retry/")
    assert retried.status_code == 201, retried.text
    reply = read_stream(live_client, retried.json()["assistant_message"]["id"])
    assert reply.done["status"] == "complete"


def test_health_reports_database_redis_and_worker_ok_when_the_stack_runs(live_stack, transactional_db, staff_user):
    with httpx.Client(base_url=live_stack.base_url, timeout=30) as anonymous:
        assert anonymous.get("/livez").json() == {"status": "ok"}
        for path in ("/readyz", "/healthz"):
            response = anonymous.get(path)
            assert response.status_code == 200
            assert response.json() == {"status": "ok"}
        staff = anonymous.get("/readyz", headers={"Authorization": f"Token {token_for(staff_user)}"})
    assert staff.json() == {"status": "ok", "db": "ok", "redis": "ok", "worker": "ok"}
