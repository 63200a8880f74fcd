"""Every broker connection of the web process busy (what fifty concurrent health probes used to
cause): a send answers 503 within the acquire timeout instead of waiting for ever, and its message
is kept for the requeue task."""

import time

import pytest
from rest_framework.test import APIClient

from chatsite.celery import app
from conversations import queue, services
from conversations.models import Message

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_send_with_every_broker_connection_busy_answers_503_within_two_seconds_and_keeps_the_message(owner):
    branch = services.conversation_create(user=owner).active_branch
    api = APIClient()
    api.force_authenticate(owner)
    pool = app.pool
    held = [pool.acquire(block=True, timeout=5) for _ in range(pool.limit)]
    try:
        started = time.monotonic()
        sent = api.post(f"/api/v1/branches/{branch.id}/messages/", {"content": "Still there?"}, format="json")
        elapsed = time.monotonic() - started
    finally:
        for connection in held:
            connection.release()
    assert sent.status_code == 503, sent.content
    assert sent.json()["code"] == "service_unavailable"
    assert sent["Retry-After"]
    assert elapsed < 2, f"the send waited {elapsed:.1f}s for a broker connection"
    reply = Message.objects.get(branch=branch, role=Message.Role.ASSISTANT)
    assert reply.status == Message.Status.PENDING and reply.error == queue.QUEUE_DOWN_ERROR
    assert queue.replies_requeue_unclaimed(older_than_seconds=600) == [str(reply.pk)]
