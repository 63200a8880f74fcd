"""Database connections: an open reply stream holds none, and requests borrow pooled ones.

An open reply stream holds no database connection. Streams stay open for as long as a reply
takes (minutes with a slow model) and one web process serves thousands of them; if each kept the
connection its request opened, a few hundred readers would exhaust PostgreSQL's max_connections
and every other request would fail."""

from contextlib import ExitStack

import pytest
from django.db import connection

from conversations import services
from conversations.models import Message
from tests.reliability.test_worker_database_connection import server_connections_other_than_this_one

pytestmark = pytest.mark.django_db(transaction=True)

STREAMS = 6


def pending_replies(owner, count: int) -> list[str]:
    """Replies that stay pending: written directly, with no task queued, so their streams wait."""
    conversation = services.conversation_create(user=owner)
    return [
        str(
            Message.objects.create(
                conversation=conversation,
                branch=conversation.active_branch,
                role=Message.Role.ASSISTANT,
                status=Message.Status.PENDING,
            ).id
        )
        for _ in range(count)
    ]


def test_open_reply_streams_hold_no_database_connection(live_client, owner):
    if connection.vendor != "postgresql":
        pytest.skip("counts server connections; SQLite has no server")
    replies = pending_replies(owner, STREAMS)
    live_client.get("/api/v1/conversations/").raise_for_status()  # the web process is up and has served a request
    before = server_connections_other_than_this_one()
    with ExitStack() as streams:
        for reply in replies:
            response = streams.enter_context(live_client.stream("GET", f"/api/v1/messages/{reply}/stream/"))
            assert response.status_code == 200
        # A streamed send holds its response open the same way while the reply is written.
        branch = live_client.post("/api/v1/conversations/", json={}).json()["active_branch"]
        sent = streams.enter_context(
            live_client.stream(
                "POST",
                f"/api/v1/branches/{branch}/messages/",
                json={"content": "Tell me a long story about a lighthouse keeper.", "stream": True},
            )
        )
        lines = sent.iter_lines()
        assert next(lines) == "event: created"
        during = server_connections_other_than_this_one()
        assert next(line for line in lines if line == "event: token")
    assert during - before <= 2, f"{during - before} more database connections with {STREAMS + 1} streams open"


def sessions_opened() -> int:
    """How many connections the server has accepted to this database so far (PostgreSQL 14+)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def test_requests_and_replies_borrow_pooled_connections_instead_of_opening_their_own(live_client):
    if connection.vendor != "postgresql":
        pytest.skip("pools PostgreSQL connections only")
    branch = live_client.post("/api/v1/conversations/", json={}).json()["active_branch"]
    live_client.get(f"/api/v1/branches/{branch}/").raise_for_status()
    before = sessions_opened()
    for n in range(10):
        sent = live_client.post(f"/api/v1/branches/{branch}/messages/", json={"content": f"Hello {n}", "stream": True})
        assert sent.status_code == 202 and "event: done" in sent.text
        live_client.get(f"/api/v1/branches/{branch}/").raise_for_status()
    opened = sessions_opened() - before
    # 20 requests and 10 replies; without a pool each request opened a connection of its own.
    assert opened <= 4, f"{opened} new connections for 20 requests and 10 replies"
