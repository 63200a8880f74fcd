"""The worker's side of a reply's Redis Stream: events pipelined on one connection, or a round trip
each with the patch off (PATCH_REDIS_PIPELINING). Real Redis."""

import json
import uuid

import pytest
import redis
from django.conf import settings

from chatsite.redis_clients import client as sync_client
from chatsite.patches.redis_pipelining import UNREAD_LIMIT
from conversations.streams import ReplyStream, stream_key


def entries(message_id) -> list[tuple[str, dict]]:
    reader = redis.Redis.from_url(settings.REDIS_URL)
    return [(f[b"event"].decode(), json.loads(f[b"data"])) for _, f in reader.xrange(stream_key(message_id))]


def server_connections() -> int:
    return len(redis.Redis.from_url(settings.REDIS_URL).client_list())


@pytest.mark.parametrize("pipelined", [True, False], ids=["pipelined", "patch-off"])
def test_each_event_reaches_readers_as_it_is_written_not_at_the_end(settings, pipelined):
    settings.PATCH_REDIS_PIPELINING = pipelined
    message_id = uuid.uuid4()
    stream = ReplyStream(message_id)
    stream.token("Once ")
    assert entries(message_id) == [("token", {"text": "Once "})]
    assert redis.Redis.from_url(settings.REDIS_URL).ttl(stream_key(message_id)) > 0, "it expires even if the worker dies"
    stream.token("upon a time.")
    assert entries(message_id)[-1] == ("token", {"text": "upon a time."})
    stream.done(status="complete", kind="answer", ended=False, content="Once upon a time.")
    assert entries(message_id)[-1] == ("done", {"status": "complete", "kind": "answer", "ended": False})


@pytest.mark.parametrize("pipelined", [True, False], ids=["pipelined", "patch-off"])
def test_a_long_reply_leaves_the_shared_connection_clean_for_the_next_command(settings, pipelined):
    settings.PATCH_REDIS_PIPELINING = pipelined
    message_id = uuid.uuid4()
    stream = ReplyStream(message_id)
    for n in range(3 * UNREAD_LIMIT + 5):
        stream.token(f"{n} ")
    stream.done(status="complete", kind="answer", ended=False)
    assert len(entries(message_id)) == 3 * UNREAD_LIMIT + 6

    # The connection is back in the pool: had answers been left unread on it, the next command
    # would read one of them instead of its own.
    client = sync_client()
    key = f"test:{uuid.uuid4()}"
    client.set(key, "mine")
    assert client.get(key) == b"mine"
    client.delete(key)


def test_streams_closed_without_a_last_event_give_their_connection_back():
    warm = ReplyStream(uuid.uuid4())
    warm.token("warm up")
    warm.close()
    before = server_connections()
    for _ in range(30):
        stream = ReplyStream(uuid.uuid4())
        stream.token("Someone else took this reply over.")
        stream.close()  # as a lost attempt ends: no `done`
    assert server_connections() <= before + 1
