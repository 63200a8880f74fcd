"""One user's open reply streams are limited (conversations/stream_slots.py): opening one more
than MAX_STREAMS_PER_USER closes their least recently active stream with a clear error, never
the new one and never another user's. On a real web process, Redis and database."""

import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from chatsite import redis_clients
from conversations import services
from conversations.tasks import generate_reply
from tests.support import live
from tests.support.accounts import token_for

pytestmark = pytest.mark.django_db(transaction=True)


def pending_replies(user, count: int, monkeypatch) -> list[str]:
    """Replies nobody generates (no task is queued), so their streams stay open."""
    monkeypatch.setattr(generate_reply, "apply_async", lambda *args, **kwargs: None)
    replies = []
    for _ in range(count):
        branch = services.conversation_create(user=user).active_branch_id
        replies.append(str(services.message_send(user=user, branch_id=branch, content="wait")[1].pk))
    return replies


def first_event(response: httpx.Response, within: float) -> tuple[str, dict] | None:
    """The first event (not a keep-alive comment) the stream sends within `within` seconds."""
    deadline = time.monotonic() + within
    event = None
    for line in response.iter_lines():
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: ") and event:
            return event, json.loads(line.removeprefix("data: "))
        if time.monotonic() > deadline:
            return None
    return None


def test_opening_one_stream_too_many_closes_the_users_least_recent_one(tmp_path, owner, other_user, monkeypatch):
    port = live.free_port()
    web = live.start_web(tmp_path, port, MAX_STREAMS_PER_USER="3", SSE_HEARTBEAT_SECONDS="1")
    # User ids repeat between tests; slots left by an earlier test must not count.
    redis_clients.client().delete(*(f"chat:streams:user:{user.pk}" for user in (owner, other_user)))
    mine = pending_replies(owner, 4, monkeypatch)
    theirs = pending_replies(other_user, 1, monkeypatch)
    opened = []
    try:
        for user, reply in [(other_user, theirs[0]), *[(owner, reply) for reply in mine]]:
            client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Token {token_for(user)}"}, timeout=20)
            response = client.send(client.build_request("GET", f"/api/v1/messages/{reply}/stream/"), stream=True)
            assert response.status_code == 200, "the new stream is never the one refused"
            opened.append((client, response))
            time.sleep(0.2)
        others, oldest, *newer = [response for _, response in opened]
        closed = first_event(oldest, within=20)
        assert closed is not None and closed[0] == "error", closed
        assert closed[1]["code"] == "too_many_streams"
        assert "more than 3 reply streams" in closed[1]["detail"]
        # The three newest and the other user's stream are still open: nothing but keep-alives
        # (each watched for the same 3 s, side by side).
        still_open = [others, *newer]
        with ThreadPoolExecutor(len(still_open)) as pool:
            assert list(pool.map(lambda response: first_event(response, within=3), still_open)) == [None] * len(still_open)
    finally:
        for client, response in opened:
            response.close()
            client.close()
        web.stop()
