"""Nobody reaches another user's objects: every endpoint answers 404 `not_found` (never 403) and
changes nothing; a malformed id is a 404 too; an anonymous client gets 401 everywhere."""

import uuid

import pytest
from asgiref.sync import async_to_sync
from rest_framework.test import APIClient

from conversations import replies, services
from conversations.models import Branch, Conversation, Message
from conversations.providers.base import ProviderResult
from moderation.models import EndEvent, EndFeedback
from tests.support.accounts import token_for

# (method, path under /api/v1/, JSON body, what the owner gets for the same request)
ENDPOINTS = [
    ("get", "conversations/{conversation}/", None, 200),
    ("patch", "conversations/{conversation}/", {"title": "Taken over"}, 200),
    ("delete", "conversations/{conversation}/", None, 204),
    ("get", "branches/{branch}/", None, 200),
    ("post", "branches/{branch}/messages/", {"content": "Hello"}, 202),
    ("post", "branches/{branch}/end/", {"reason": "Mine now"}, 200),
    ("get", "messages/{user_message}/", None, 200),
    ("get", "messages/{reply}/", None, 200),
    ("get", "messages/{reply}/stream/", None, 200),
    ("post", "messages/{user_message}/edit/", {"content": "Rewritten"}, 201),
    ("post", "messages/{reply}/retry/", None, 201),
    ("post", "end-events/{end_event}/feedback/", {"rating": "down"}, 201),
]
ENDPOINT_IDS = [f"{method.upper()} {path}" for method, path, _, _ in ENDPOINTS]
NOT_FOUND = {"code": "not_found", "detail": "Not found."}


@pytest.fixture
def owned(owner) -> dict:
    """The owner's objects: an open branch with one finished turn, and an ended branch's end event."""
    conversation = services.conversation_create(user=owner, title="Private")
    user_message, reply = services.message_send(user=owner, branch_id=conversation.active_branch_id, content="my secret")
    _, claimed = replies.reply_claim(message_id=reply.id)
    replies.reply_complete(message=claimed, result=ProviderResult(text="A private answer."))
    ended = services.conversation_create(user=owner, title="Ended")
    end_event = services.branch_end(branch=ended.active_branch, initiated_by="model", reason="abuse")
    return {
        "conversation": conversation.id,
        "branch": conversation.active_branch_id,
        "user_message": user_message.id,
        "reply": reply.id,
        "end_event": end_event.id,
    }


def token_client(user) -> APIClient:
    """Token auth works on the DRF views and on the plain async stream view alike."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


@pytest.fixture(params=["token", "session"])
def intruder(request, other_user) -> APIClient:
    if request.param == "token":
        return token_client(other_user)
    client = APIClient()
    client.force_login(other_user)
    return client


@pytest.fixture
def anonymous(db) -> APIClient:
    return APIClient()


def call(client, method, path, body, ids):
    response = getattr(client, method)(f"/api/v1/{path.format(**ids)}", body, format="json")
    if response.streaming:
        # The SSE relay is an async generator: read it to the end (so it closes its Redis client).
        async def drain() -> bytes:
            return b"".join([chunk async for chunk in response.streaming_content])

        response.sse = async_to_sync(drain)().decode()
    return response


def snapshot() -> tuple:
    """Everything a refused request could have changed."""
    return (
        sorted(Conversation.objects.values_list("id", "title", "active_branch", "updated_at")),
        sorted(Branch.objects.values_list("id", "tip", "ended_at")),
        sorted(Message.objects.values_list("id", "status", "content")),
        EndEvent.objects.count(),
        EndFeedback.objects.count(),
    )


@pytest.mark.parametrize(("method", "path", "body", "expected"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_the_owner_reaches_each_endpoint(owner, owned, method, path, body, expected):
    response = call(token_client(owner), method, path, body, owned)
    assert response.status_code == expected, getattr(response, "content", b"")
    if path.endswith("stream/"):
        assert response["Content-Type"].startswith("text/event-stream")
        assert "event: done" in response.sse


@pytest.mark.parametrize(("method", "path", "body", "expected"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_another_user_gets_404_not_found_and_changes_nothing(intruder, owned, method, path, body, expected):
    before = snapshot()
    response = call(intruder, method, path, body, owned)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert snapshot() == before


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "123", "00000000-0000-0000-0000-00000000000g", str(uuid.UUID(int=7))])
@pytest.mark.parametrize(("method", "path", "body", "expected"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_a_malformed_or_unknown_id_is_a_404_json_error(owner, owned, method, path, body, expected, bad_id):
    before = snapshot()
    response = call(token_client(owner), method, path, body, dict.fromkeys(owned, bad_id))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == NOT_FOUND
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path", "body", "expected"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_an_anonymous_client_gets_401_not_authenticated_and_changes_nothing(anonymous, owned, method, path, body, expected):
    before = snapshot()
    response = call(anonymous, method, path, body, owned)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert snapshot() == before


def test_another_users_branch_cannot_be_made_the_active_branch_of_ones_own_conversation(other_user, owned):
    mine = services.conversation_create(user=other_user, title="Mine")
    before = snapshot()
    response = token_client(other_user).patch(
        f"/api/v1/conversations/{mine.id}/", {"active_branch": str(owned["branch"])}, format="json"
    )
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert snapshot() == before


def test_another_users_conversations_are_not_listed(intruder, owned):
    response = intruder.get("/api/v1/conversations/")
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("path", ["conversations/", "messages/{reply}/stream/"], ids=["api-view", "stream"])
def test_a_wrong_token_is_refused_the_same_way_on_the_api_and_on_the_stream(owned, path):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = call(client, "get", path, None, owned)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Token"


def test_an_inactive_users_token_no_longer_opens_their_streams(owner, owned):
    client = token_client(owner)
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    response = call(client, "get", "messages/{reply}/stream/", None, owned)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
