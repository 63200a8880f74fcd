"""Celery workers keep their database connection between tasks (WORKER_DB_CONN_MAX_AGE,
chatsite/celery.py). A kept connection can die under them: the database restarts, a proxy or an
administrator closes it. The next reply must still be generated, on a new connection."""

import pytest
from django.db import connection

from tests.support import live

pytestmark = pytest.mark.django_db(transaction=True)


def server_connections_other_than_this_one() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def close_every_other_connection() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def test_a_reply_after_the_database_closed_the_workers_kept_connection_is_generated(live_client):
    if connection.vendor != "postgresql":
        pytest.skip("only a database server closes connections; SQLite has none to lose")
    branch = live_client.post("/api/v1/conversations/", json={}).json()["active_branch"]
    first = live_client.post(f"/api/v1/branches/{branch}/messages/", json={"content": "Hello"}).json()
    assert live.read_stream(live_client, first["assistant_message"]["id"]).done["status"] == "complete"
    assert server_connections_other_than_this_one() >= 1, "the worker keeps its connection after a task"

    close_every_other_connection()

    second = live_client.post(f"/api/v1/branches/{branch}/messages/", json={"content": "Still there?"})
    assert second.status_code == 202, second.content
    reply = live.read_stream(live_client, second.json()["assistant_message"]["id"])
    assert reply.done["status"] == "complete"
    assert reply.text
