"""A database that stays locked by another writer (SQLite busy past its timeout, a PostgreSQL row
lock past lock_timeout) or a transaction PostgreSQL aborts (serialisation failure, deadlock):
the request is refused cleanly with 503 `service_unavailable` and Retry-After, nothing is
half-written, and the same request succeeds once the other writer is done. Never a 500."""

import threading

import pytest
from django.db import OperationalError, connection, connections
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from chatsite.middleware import ServiceErrorsMiddleware, is_retryable_database_error
from conversations import services
from conversations.models import Branch, Message

pytestmark = pytest.mark.django_db(transaction=True)


class OtherWriter:
    """Another connection holding the write lock (SQLite) or the branch row lock (PostgreSQL)."""

    def __init__(self, branch_id) -> None:
        self.branch_id = branch_id
        self.locked = threading.Event()
        self.release = threading.Event()

    def run(self) -> None:
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                if other.vendor == "sqlite":
                    cursor.execute("BEGIN IMMEDIATE")
                else:
                    cursor.execute("BEGIN")
                    cursor.execute(
                        f"SELECT id FROM {Branch._meta.db_table} WHERE id = %s FOR UPDATE", [self.branch_id.hex]
                    )
                self.locked.set()
                self.release.wait(30)
                cursor.execute("ROLLBACK")
        finally:
            other.close()


@pytest.fixture
def short_lock_wait():
    """Makes this connection give up on a lock after 300 ms, until the test ends. The setting lives
    on the connection, so it is put back: the test database is emptied through that connection
    after the test, and a reply the worker is still writing would hold a lock past 300 ms."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA busy_timeout")
            (original,) = cursor.fetchone()

    def apply() -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA busy_timeout = 300")
            else:
                cursor.execute("SET lock_timeout = '300ms'")

    yield apply
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA busy_timeout = {int(original)}")
        else:
            cursor.execute("RESET lock_timeout")


def test_a_send_while_another_writer_holds_the_database_is_503_service_unavailable_then_works(owner, short_lock_wait):
    branch = services.conversation_create(user=owner).active_branch
    api = APIClient()
    api.force_authenticate(owner)
    writer = OtherWriter(branch.id)
    thread = threading.Thread(target=writer.run)
    thread.start()
    try:
        assert writer.locked.wait(10)
        short_lock_wait()
        refused = api.post(f"/api/v1/branches/{branch.id}/messages/", {"content": "hello"}, format="json")
    finally:
        writer.release.set()
        thread.join(30)
    assert refused.status_code == 503
    assert refused.json()["code"] == "service_unavailable"
    assert int(refused["Retry-After"]) > 0
    assert not Message.objects.exists(), "the refused request wrote nothing"

    sent = api.post(f"/api/v1/branches/{branch.id}/messages/", {"content": "hello"}, format="json")
    assert sent.status_code == 202


def test_a_page_form_while_the_database_is_locked_gets_a_503_page_not_a_500(client, owner, short_lock_wait):
    conversation = services.conversation_create(user=owner)
    client.force_login(owner)
    writer = OtherWriter(conversation.active_branch_id)
    thread = threading.Thread(target=writer.run)
    thread.start()
    try:
        assert writer.locked.wait(10)
        short_lock_wait()
        response = client.post(
            reverse("chat:send", args=[conversation.pk]), {"content": "hi", "branch": conversation.active_branch_id}
        )
    finally:
        writer.release.set()
        thread.join(30)
    assert response.status_code == 503
    assert "try again" in response.content.decode().lower()


class FakePgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "retryable"),
    [("40001", True), ("40P01", True), ("55P03", True), ("42P01", False)],
    ids=["serialization_failure", "deadlock_detected", "lock_not_available", "undefined_table"],
)
def test_postgresql_conflicts_are_503_and_real_bugs_stay_500(sqlstate, retryable):
    error = OperationalError("conflict")
    error.__cause__ = FakePgError(sqlstate)
    assert is_retryable_database_error(error) is retryable
    request = RequestFactory().post("/api/v1/branches/x/messages/")
    response = ServiceErrorsMiddleware(lambda r: None).process_exception(request, error)
    if retryable:
        assert response.status_code == 503 and response["Retry-After"]
    else:
        assert response is None, "anything else is a real bug and must surface as one"
