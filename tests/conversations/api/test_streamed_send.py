"""`"stream": true` on a send, an edit or a retry: the reply comes back in the same response, against
the real worker, Redis and ASGI server."""

import httpx
import pytest

from conversations.models import Message
from tests.support.live import ABUSE, Reply, new_branch, read_events, read_stream

pytestmark = pytest.mark.django_db(transaction=True)

def streamed(client: httpx.Client, path: str, body: dict, expected_status: int) -> Reply:
    with client.stream("POST", path, json={**body, "stream": True}) as response:
        assert response.status_code == expected_status, response.read()
        assert response.headers["cache-control"] == "no-cache"
        return read_events(response)


def send_streamed(client, branch: str, text: str) -> Reply:
    return streamed(client, f"/api/v1/branches/{branch}/messages/", {"content": text}, 202)


def test_a_streamed_send_answers_with_the_json_body_then_the_whole_reply(live_client):
    branch = new_branch(live_client)
    reply = send_streamed(live_client, branch, "What is a good name for a goldfish?")

    assert reply.events[0] == "created"
    assert set(reply.created) == {"user_message", "assistant_message"}
    assert reply.created["user_message"]["content"] == "What is a good name for a goldfish?"
    assert reply.created["assistant_message"]["status"] == "pending"
    assert reply.done == {"status": "complete", "kind": "answer", "ended": False}
    assert len(reply.tokens) > 5, "the reply streams token by token"
    reply_id = reply.created["assistant_message"]["id"]
    assert live_client.get(f"/api/v1/messages/{reply_id}/").json()["content"] == reply.text
    assert read_stream(live_client, reply_id).text == reply.text, "the reply's own stream still replays it"


def test_streamed_sends_end_an_abusive_branch_and_a_further_send_is_a_plain_409(live_client):
    branch = new_branch(live_client)
    kinds = [send_streamed(live_client, branch, text).done for text in ABUSE[:4]]
    assert [done["kind"] for done in kinds] == ["redirect", "redirect", "redirect", "end"]
    assert kinds[-1]["ended"] is True

    response = live_client.post(f"/api/v1/branches/{branch}/messages/", json={"content": "hello?", "stream": True})
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/json"
    assert response.json()["code"] == "branch_ended"


def test_a_streamed_edit_and_a_streamed_retry_start_their_branch_and_stream_its_reply(live_client):
    branch = new_branch(live_client)
    first = send_streamed(live_client, branch, "Tell me about owls.")
    user_id = first.created["user_message"]["id"]

    edited = streamed(live_client, f"/api/v1/messages/{user_id}/edit/", {"content": "Tell me about otters."}, 201)
    assert set(edited.created) == {"branch", "user_message", "assistant_message"}
    assert edited.created["branch"]["id"] != branch
    assert edited.done["status"] == "complete"
    assert Message.objects.get(pk=edited.created["assistant_message"]["id"]).content == edited.text

    retried = streamed(live_client, f"/api/v1/messages/{edited.created['assistant_message']['id']}/retry/", {}, 201)
    assert set(retried.created) == {"branch", "assistant_message"}
    assert retried.created["assistant_message"]["parent"] == edited.created["user_message"]["id"]
    assert retried.done["status"] == "complete"


@pytest.mark.parametrize("value", ["yes", 1, None, "true"])
def test_stream_must_be_a_json_boolean_and_nothing_is_saved_otherwise(live_client, value):
    branch = new_branch(live_client)
    response = live_client.post(f"/api/v1/branches/{branch}/messages/", json={"content": "hi", "stream": value})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "stream" in response.json()["errors"]
    assert not Message.objects.filter(branch_id=branch).exists()


def test_a_streamed_send_to_another_users_branch_is_a_404(live_client, other_user):
    from tests.support.accounts import token_for

    with httpx.Client(base_url=str(live_client.base_url), headers={"Authorization": f"Token {token_for(other_user)}"}) as other:
        theirs = new_branch(other)
    response = live_client.post(f"/api/v1/branches/{theirs}/messages/", json={"content": "hi", "stream": True})
    assert response.status_code == 404
    assert not Message.objects.filter(branch_id=theirs).exists()
