"""Messages through the API: reading one, editing a user message, retrying a reply."""

import pytest

from conversations import replies, services
from conversations.models import Branch, Conversation, Message
from tests.support.conversations.replies import finish_reply as finish

MESSAGE_KEYS = {"id", "conversation", "branch", "parent", "role", "content", "status", "kind", "created_at", "error", "moderation"}


def new_branch(client) -> str:
    response = client.post("/api/v1/conversations/", {}, format="json")
    assert response.status_code == 201
    return response.json()["active_branch"]


def send(client, branch_id, content) -> dict:
    response = client.post(f"/api/v1/branches/{branch_id}/messages/", {"content": content}, format="json")
    assert response.status_code == 202, response.content
    return response.json()


def get(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def active_branch(client, branch_id) -> str:
    conversation = get(client, f"/api/v1/branches/{branch_id}/")["conversation"]
    return get(client, f"/api/v1/conversations/{conversation}/")["active_branch"]


def edit(client, message_id, content):
    return client.post(f"/api/v1/messages/{message_id}/edit/", {"content": content}, format="json")


def retry(client, message_id):
    return client.post(f"/api/v1/messages/{message_id}/retry/")


@pytest.fixture
def chat(api):
    """An open branch with two finished turns: {"branch", "turns": [(user_id, reply_id), ...]}."""
    branch = new_branch(api)
    turns = []
    for text in ("Tell me about owls.", "And about otters?"):
        body = send(api, branch, text)
        finish(body["assistant_message"]["id"], text=f"A reply to: {text}")
        turns.append((body["user_message"]["id"], body["assistant_message"]["id"]))
    return {"branch": branch, "turns": turns}


def unchanged(client, chat):
    """A snapshot of what the client sees of the chat, to compare before and after a request."""
    branch = get(client, f"/api/v1/branches/{chat['branch']}/")
    conversation = get(client, f"/api/v1/conversations/{branch['conversation']}/")
    return branch, conversation["active_branch"], Branch.objects.count(), Message.objects.count()


# Reading a message


def test_a_message_can_be_read_by_its_id(api):
    body = send(api, new_branch(api), "Hello there")
    for sent in body.values():
        response = api.get(f"/api/v1/messages/{sent['id']}/")
        assert response.status_code == 200
        assert set(response.json()) == MESSAGE_KEYS
        assert response.json() == sent


def test_a_finished_reply_reads_back_complete_with_its_kind(api):
    body = send(api, new_branch(api), "Hello there")
    finish(body["assistant_message"]["id"], text="Hi! I am the offline assistant.")
    reply = get(api, f"/api/v1/messages/{body['assistant_message']['id']}/")
    assert reply["status"] == "complete"
    assert reply["kind"] == "answer"
    assert reply["content"] == "Hi! I am the offline assistant."


def test_a_user_messages_moderation_is_null_until_assessed_then_labels_and_flagged(api):
    body = send(api, new_branch(api), "you are a worthless piece of shit")
    url = f"/api/v1/messages/{body['user_message']['id']}/"
    assert body["user_message"]["moderation"] is None
    assert get(api, url)["moderation"] is None

    user_message = Message.objects.select_related("conversation").get(pk=body["user_message"]["id"])
    replies.user_message_assess(message=user_message, user_id=user_message.conversation.owner_id)
    moderation = get(api, url)["moderation"]
    assert set(moderation) == {"labels", "flagged"}
    assert "abuse" in moderation["flagged"]
    assert all(isinstance(score, (int, float)) for score in moderation["labels"].values())
    assert set(moderation["flagged"]) <= set(moderation["labels"])


def test_an_assistant_messages_moderation_is_always_null(api):
    body = send(api, new_branch(api), "Hello")
    reply_id = body["assistant_message"]["id"]
    finish(reply_id)
    Message.objects.filter(pk=reply_id).update(moderation={"labels": {"abuse": 0.9}, "flagged": ["abuse"]})
    assert get(api, f"/api/v1/messages/{reply_id}/")["moderation"] is None


# Editing


def test_editing_a_user_message_gives_201_and_a_new_active_branch_with_a_pending_reply(api, chat):
    (first_user, first_reply), (second_user, second_reply) = chat["turns"]
    old_branch = get(api, f"/api/v1/branches/{chat['branch']}/")

    response = edit(api, second_user, "And about beavers?")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"branch", "user_message", "assistant_message"}
    assert set(body["user_message"]) == MESSAGE_KEYS
    assert set(body["assistant_message"]) == MESSAGE_KEYS
    new = body["branch"]["id"]
    assert new != chat["branch"]
    assert body["branch"]["ended"] is False
    assert body["branch"]["forked_from"] == chat["branch"]
    assert body["user_message"]["content"] == "And about beavers?"
    assert body["user_message"]["parent"] == first_reply, "the edit is a sibling of the edited message"
    assert body["user_message"]["branch"] == new
    assert body["assistant_message"]["parent"] == body["user_message"]["id"]
    assert body["assistant_message"]["status"] == "pending"
    assert body["assistant_message"]["kind"] is None

    assert active_branch(api, chat["branch"]) == new
    new_detail = get(api, f"/api/v1/branches/{new}/")
    assert [m["id"] for m in new_detail["messages"]] == [
        first_user, first_reply, body["user_message"]["id"], body["assistant_message"]["id"],
    ]
    assert new_detail["tip"] == body["assistant_message"]["id"]
    assert get(api, f"/api/v1/branches/{chat['branch']}/") == old_branch, "the old branch is untouched"


def test_editing_the_first_message_starts_a_branch_from_the_root(api, chat):
    first_user = chat["turns"][0][0]
    body = edit(api, first_user, "Tell me about eagles.").json()
    assert body["user_message"]["parent"] is None
    messages = get(api, f"/api/v1/branches/{body['branch']['id']}/")["messages"]
    assert [m["id"] for m in messages] == [body["user_message"]["id"], body["assistant_message"]["id"]]


def test_editing_an_assistant_message_is_400_invalid_and_changes_nothing(api, chat):
    before = unchanged(api, chat)
    response = edit(api, chat["turns"][1][1], "I would rather you said this.")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert unchanged(api, chat) == before


@pytest.mark.parametrize("content", ["", "   ", 42, None], ids=["empty", "blank", "number", "null"])
def test_an_edit_with_empty_or_wrongly_typed_content_is_400_invalid_and_changes_nothing(api, chat, content):
    before = unchanged(api, chat)
    response = api.post(f"/api/v1/messages/{chat['turns'][0][0]}/edit/", {"content": content}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert unchanged(api, chat) == before


def test_an_edit_over_the_length_limit_is_400_invalid_and_changes_nothing(api, chat, settings):
    settings.MAX_MESSAGE_CHARS = 20
    before = unchanged(api, chat)
    response = edit(api, chat["turns"][0][0], "a" * 21)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "20" in response.json()["detail"]
    assert unchanged(api, chat) == before


# Retrying


def test_retrying_a_reply_gives_201_and_a_new_active_branch_with_a_new_reply_to_the_same_message(api, chat):
    (first_user, first_reply), (second_user, second_reply) = chat["turns"]
    old_branch = get(api, f"/api/v1/branches/{chat['branch']}/")

    response = retry(api, second_reply)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"branch", "assistant_message"}
    assert set(body["assistant_message"]) == MESSAGE_KEYS
    new = body["branch"]["id"]
    assert new != chat["branch"]
    assert body["branch"]["ended"] is False
    reply = body["assistant_message"]
    assert reply["id"] != second_reply
    assert reply["parent"] == second_user
    assert reply["role"] == "assistant"
    assert reply["status"] == "pending"
    assert reply["kind"] is None
    assert reply["branch"] == new

    assert active_branch(api, chat["branch"]) == new
    new_detail = get(api, f"/api/v1/branches/{new}/")
    assert [m["id"] for m in new_detail["messages"]] == [first_user, first_reply, second_user, reply["id"]]
    assert get(api, f"/api/v1/branches/{chat['branch']}/") == old_branch, "the old branch is untouched"


def test_retrying_a_user_message_is_400_invalid_and_changes_nothing(api, chat):
    before = unchanged(api, chat)
    response = retry(api, chat["turns"][1][0])
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert unchanged(api, chat) == before


def test_retrying_a_pending_reply_is_409_reply_pending_and_changes_nothing(api):
    branch = new_branch(api)
    pending = send(api, branch, "Still thinking?")["assistant_message"]["id"]
    before = Branch.objects.count(), Message.objects.count(), active_branch(api, branch)
    response = retry(api, pending)
    assert response.status_code == 409
    assert response.json()["code"] == "reply_pending"
    assert (Branch.objects.count(), Message.objects.count(), active_branch(api, branch)) == before


def test_a_failed_reply_can_be_retried(api):
    branch = new_branch(api)
    reply_id = send(api, branch, "Hello?")["assistant_message"]["id"]
    Message.objects.filter(pk=reply_id).update(status=Message.Status.FAILED, error="The model is overloaded.")
    assert get(api, f"/api/v1/messages/{reply_id}/")["error"] == "The model is overloaded."
    response = retry(api, reply_id)
    assert response.status_code == 201
    assert response.json()["assistant_message"]["status"] == "pending"


# Continuing after an end


def test_editing_a_message_of_an_ended_branch_continues_in_a_new_open_branch(api, chat):
    assert api.post(f"/api/v1/branches/{chat['branch']}/end/").status_code == 200
    response = edit(api, chat["turns"][1][0], "Let's talk about something else.")
    assert response.status_code == 201
    body = response.json()
    assert body["branch"]["ended"] is False
    assert active_branch(api, chat["branch"]) == body["branch"]["id"]
    assert get(api, f"/api/v1/branches/{chat['branch']}/")["ended"] is True, "the ended branch stays ended"

    finish(body["assistant_message"]["id"])
    follow_up = api.post(f"/api/v1/branches/{body['branch']['id']}/messages/", {"content": "Go on."}, format="json")
    assert follow_up.status_code == 202


def test_retrying_a_reply_of_an_ended_branch_continues_in_a_new_open_branch(api, chat, owner):
    branch = Branch.objects.get(pk=chat["branch"])
    services.branch_end(branch=branch, initiated_by="model", reason="abuse")
    response = retry(api, chat["turns"][1][1])
    assert response.status_code == 201
    body = response.json()
    assert body["branch"]["ended"] is False
    assert body["assistant_message"]["parent"] == chat["turns"][1][0]
    assert Conversation.objects.get(owner=owner).active_branch_id == Branch.objects.get(pk=body["branch"]["id"]).pk
    assert get(api, f"/api/v1/branches/{chat['branch']}/")["ended"] is True


# Stop.


def cancel(client, message_id):
    return client.post(f"/api/v1/messages/{message_id}/cancel/")


def test_stopping_a_pending_reply_ends_it_at_once_and_the_branch_takes_the_next_message(api, other_api):
    branch = new_branch(api)
    sent = send(api, branch, "Tell me everything about owls")
    reply = sent["assistant_message"]["id"]
    assert cancel(other_api, reply).status_code == 404, "another user's reply is a 404"
    stopped = cancel(api, reply)
    assert stopped.status_code == 202
    assert (stopped.json()["status"], stopped.json()["content"]) == ("stopped", "")
    assert cancel(api, reply).status_code == 202, "stopping again changes nothing"
    assert send(api, branch, "Just one fact, then")
    assert retry(api, reply).status_code == 201, "a stopped reply can be retried"


def test_a_finished_reply_or_a_user_message_cannot_be_stopped(api):
    branch = new_branch(api)
    sent = send(api, branch, "Hello")
    finish(sent["assistant_message"]["id"])
    finished = cancel(api, sent["assistant_message"]["id"])
    assert finished.status_code == 409 and finished.json()["code"] == "reply_finished"
    mine = cancel(api, sent["user_message"]["id"])
    assert mine.status_code == 400 and mine.json()["code"] == "invalid"


def test_a_reply_is_rated_through_the_api_and_the_rating_can_change(api, other_api, owner):
    from moderation.models import EndFeedback

    branch = new_branch(api)
    sent = send(api, branch, "Hello")
    reply = sent["assistant_message"]["id"]
    url = f"/api/v1/messages/{reply}/feedback/"
    pending = api.post(url, {"rating": "up"}, format="json")
    assert pending.status_code == 400 and pending.json()["code"] == "invalid", "only a finished reply"
    finish(reply)
    assert other_api.post(url, {"rating": "up"}, format="json").status_code == 404
    assert api.post(url, {"rating": "up"}, format="json").json() == {"message": reply, "rating": "up"}
    assert api.post(url, {"rating": "down"}, format="json").json()["rating"] == "down"
    assert list(EndFeedback.objects.values_list("message_id", "rating")) == [(Message.objects.get(pk=reply).id, "down")]
    assert api.post(url, {"rating": "meh"}, format="json").status_code == 400
