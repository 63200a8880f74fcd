"""Reading a reply's stream (GET messages/{id}/stream/) in the cases a live read does not show:
a finished reply read again, resumed with Last-Event-ID, its stream expired or missing entries.
Against the ASGI server and real Redis; the stream is written here, standing in for the worker."""

import httpx
import pytest
import redis
from django.conf import settings

from conversations import services
from conversations.models import Branch, Message
from conversations.streams import ReplyStream, stream_key
from tests.support.live import Reply, read_events

pytestmark = pytest.mark.django_db(transaction=True)

SAVED = "Once upon a time, a goldfish learned to sing."


def finished_reply(owner, *tokens: str, done: bool = True) -> Message:
    """A complete reply saved as SAVED, whose stream holds `tokens` (and `done` unless told)."""
    conversation = services.conversation_create(user=owner)
    branch = conversation.active_branch
    question = Message.objects.create(conversation=conversation, branch=branch, role="user", content="A story?")
    reply = Message.objects.create(
        conversation=conversation, branch=branch, parent=question, role="assistant", status="complete", kind="answer", content=SAVED
    )
    Branch.objects.filter(pk=branch.pk).update(tip=reply)
    stream = ReplyStream(reply.id)
    for token in tokens:
        stream.token(token)
    if done:
        stream.done(status="complete", kind="answer", ended=False, content=SAVED)
    stream.close()
    return reply


def read(client: httpx.Client, reply: Message, last_event_id: str | None = None) -> Reply:
    headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
    with client.stream("GET", f"/api/v1/messages/{reply.id}/stream/", headers=headers, timeout=10) as response:
        assert response.status_code == 200
        return read_events(response)


def test_a_finished_reply_is_read_again_from_its_stream(live_client, owner):
    reply = finished_reply(owner, "Once upon a time, ", "a goldfish learned to sing.")
    read_back = read(live_client, reply)
    assert read_back.events == ["token", "token", "done"]
    assert read_back.text == SAVED
    assert read_back.done == {"status": "complete", "kind": "answer", "ended": False}
    assert len(read_back.ids) == 3


def test_a_reader_resuming_part_way_gets_only_the_rest(live_client, owner):
    reply = finished_reply(owner, "Once upon a time, ", "a goldfish ", "learned to sing.")
    first_read = read(live_client, reply)
    read_back = read(live_client, reply, last_event_id=first_read.ids[0])
    assert read_back.events == ["token", "token", "done"]
    assert read_back.text == "a goldfish learned to sing."


def test_a_finished_reply_whose_stream_expired_is_replayed_from_the_database(live_client, owner):
    reply = finished_reply(owner, "Once upon a time, ", "a goldfish learned to sing.")
    redis.Redis.from_url(settings.REDIS_URL).delete(stream_key(reply.id))
    read_back = read(live_client, reply)
    assert read_back.events == ["token", "done"]
    assert read_back.text == SAVED
    assert read_back.done == {"status": "complete", "kind": "answer", "ended": False}


def test_a_reader_resuming_a_reply_whose_stream_expired_starts_over_with_the_saved_text(live_client, owner):
    reply = finished_reply(owner, "Once upon a time, ", "a goldfish learned to sing.")
    first_read = read(live_client, reply)
    redis.Redis.from_url(settings.REDIS_URL).delete(stream_key(reply.id))
    read_back = read(live_client, reply, last_event_id=first_read.ids[0])
    assert read_back.events == ["reset", "token", "done"]
    assert read_back.text == SAVED


def test_a_stream_that_lost_entries_is_repaired_from_the_database_before_done(live_client, owner):
    # As after a Redis restart mid-reply: the worker went on writing into a new, empty stream.
    reply = finished_reply(owner, "learned to sing.")
    read_back = read(live_client, reply)
    assert read_back.events == ["token", "reset", "token", "done"]
    assert read_back.text == SAVED
