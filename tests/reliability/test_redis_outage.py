"""Redis (the task queue and the token streams) going away, against a real Redis that the tests
stop and start, a real worker and the database.

The choice (README, "Faults, limits and privacy"): a message sent
while Redis is unreachable is refused with 503 `service_unavailable` and nothing is written. If
Redis goes away in the instant between that check and the enqueue after commit, the message is
kept, its reply stays pending and marked, and the periodic requeue hands it to a worker once Redis
is back.
"""

import json
import time

import pytest
from django.conf import settings
from django.urls import reverse
from kombu.exceptions import OperationalError as KombuOperationalError
from rest_framework.test import APIClient

from conversations import queue, replies, services
from conversations.maintenance import requeue_unclaimed_replies
from conversations.models import Message
from conversations.tasks import generate_reply
from tests.support import live
from tests.support.live import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def counts() -> tuple[int, int]:
    return Message.objects.filter(role="user").count(), Message.objects.filter(role="assistant").count()


def test_a_message_sent_while_redis_is_down_is_refused_with_503_and_nothing_is_saved(own_stack, owner):
    stack = own_stack()
    with stack.client(owner) as client:
        branch = client.post("/api/v1/conversations/", json={}).json()["active_branch"]
        stack.stop_redis()

        refused = client.post(f"/api/v1/branches/{branch}/messages/", json={"content": "Hello?"})

        assert refused.status_code == 503
        assert refused.json()["code"] == "service_unavailable"
        assert int(refused.headers["Retry-After"]) > 0
        assert counts() == (0, 0), "no half-written turn: neither the message nor a pending reply"

        # Reading one's own data needs only the database: the rate limits fail open for reads
        # (their counters are in Redis) and closed for writes.
        listed = client.get("/api/v1/conversations/")
        assert listed.status_code == 200, listed.text
        assert [item["active_branch"] for item in listed.json()["results"]] == [branch]
        assert client.get(f"/api/v1/branches/{branch}/").status_code == 200
        created = client.post("/api/v1/conversations/", json={})
        assert created.status_code == 503 and created.json()["code"] == "service_unavailable"

        stack.start_redis()
        stack.wait_healthy()
        sent = client.post(f"/api/v1/branches/{branch}/messages/", json={"content": "Hello again"})
        assert sent.status_code == 202
        reply = live.read_stream(client, sent.json()["assistant_message"]["id"])
    assert reply.done["status"] == "complete"
    assert counts() == (1, 1)


def test_the_chat_page_says_the_assistant_is_unavailable_and_keeps_nothing_when_redis_is_down(client, owner, settings):
    from scripts.redis_server import free_port

    conversation = services.conversation_create(user=owner)
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    client.force_login(owner)
    response = client.post(
        reverse("chat:send", args=[conversation.pk]), {"content": "Are you there?", "branch": conversation.active_branch_id}
    )
    assert response.status_code == 503
    assert "The assistant is unavailable for a moment, so nothing was sent." in response.content.decode()
    assert "Are you there?</textarea>" in response.content.decode(), "the draft is kept to send again"
    assert counts() == (0, 0)


def test_a_reply_whose_enqueue_failed_after_commit_is_kept_and_requeued_once_redis_is_back(live_stack, owner, monkeypatch):
    branch = services.conversation_create(user=owner).active_branch
    api = APIClient()
    api.force_authenticate(owner)

    def broker_down(*args, **kwargs):
        raise KombuOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patch:
        # Redis answered the check, then went away before the task was published.
        patch.setattr(generate_reply, "apply_async", broker_down)
        sent = api.post(f"/api/v1/branches/{branch.id}/messages/", {"content": "Tell me about lighthouses."}, format="json")

    # The answer says so at once, and that the message is kept: sending it again is not needed.
    assert sent.status_code == 503, sent.content
    assert sent.json()["code"] == "service_unavailable"
    assert "Your message is saved" in sent.json()["detail"]
    pending = Message.objects.get(branch=branch, role=Message.Role.ASSISTANT)
    reply_id = pending.pk
    assert pending.status == Message.Status.PENDING and pending.error == queue.QUEUE_DOWN_ERROR

    # Redis is back: the periodic requeue (run by the real worker, as beat would) hands it over.
    requeue_unclaimed_replies.delay()
    done = wait_until(lambda: (m := Message.objects.get(pk=reply_id)).is_terminal and m, timeout=60)
    assert done.status == Message.Status.COMPLETE and done.error == ""
    assert done.attempt == 1
    assert "requeue-unclaimed-replies" in settings.CELERY_BEAT_SCHEDULE


def test_replies_that_nobody_claimed_are_requeued_and_claimed_ones_are_left_alone(owner, monkeypatch):
    delivered = []
    monkeypatch.setattr(generate_reply, "delay", lambda message_id: delivered.append(message_id))
    monkeypatch.setattr(generate_reply, "apply_async", lambda args, **options: delivered.append(args[0]))
    first = services.conversation_create(user=owner).active_branch
    second = services.conversation_create(user=owner).active_branch
    _, marked = services.message_send(user=owner, branch_id=first.pk, content="one")
    _, claimed = services.message_send(user=owner, branch_id=second.pk, content="two")
    Message.objects.filter(pk=marked.pk).update(error=queue.QUEUE_DOWN_ERROR)
    replies.reply_claim(message_id=claimed.pk)
    delivered.clear()

    assert queue.replies_requeue_unclaimed(older_than_seconds=600) == [str(marked.pk)]
    assert delivered == [str(marked.pk)]
    assert Message.objects.get(pk=marked.pk).error == ""
    # A reply nobody claimed for longer than the cutoff is handed over again too (a lost task).
    assert queue.replies_requeue_unclaimed(older_than_seconds=0) == [str(marked.pk)]


def read_events(response):
    event = None
    for line in response.iter_lines():
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: "):
            yield event, json.loads(line.removeprefix("data: "))


def start_long_reply(client) -> tuple[str, str]:
    """A new conversation and a message whose reply streams for a few seconds: (branch, reply)."""
    branch = client.post("/api/v1/conversations/", json={}).json()["active_branch"]
    sent = client.post(f"/api/v1/branches/{branch}/messages/", json={"content": "Tell me a long story about a lighthouse keeper."})
    return branch, sent.json()["assistant_message"]["id"]


def test_losing_redis_mid_stream_sends_an_error_event_and_the_reply_can_be_read_from_the_database(own_stack, owner):
    stack = own_stack(LOCAL_TOKEN_DELAY_MS="80")
    with stack.client(owner) as client:
        _, reply_id = start_long_reply(client)

        seen = []
        with client.stream("GET", f"/api/v1/messages/{reply_id}/stream/", timeout=60) as response:
            for event, data in read_events(response):
                seen.append((event, data))
                if [e for e, _ in seen].count("token") == 3:
                    stack.stop_redis()
                if event in ("error", "done"):
                    break
        events = [e for e, _ in seen]
        assert events[-1] == "error", events
        assert seen[-1][1]["code"] == "service_unavailable"

        stack.start_redis()
        saved = wait_until(lambda: (m := Message.objects.get(pk=reply_id)).is_terminal and m, timeout=90)

        # Reconnecting gives the reply as the database has it, to its `done` event.
        again = live.read_stream(client, reply_id)
        assert again.done["status"] == saved.status
        assert again.text == saved.content
        if saved.status == Message.Status.FAILED:
            # The worker could not finish without its stream; the user sees why and retries.
            assert saved.error
            stack.wait_healthy()
            retried = client.post(f"/api/v1/messages/{reply_id}/retry/")
            assert retried.status_code == 201
            final = live.read_stream(client, retried.json()["assistant_message"]["id"])
            assert final.done["status"] == "complete"
            saved = Message.objects.get(pk=retried.json()["assistant_message"]["id"])
        assert saved.status == Message.Status.COMPLETE and saved.content


def test_a_worker_that_lost_redis_under_a_running_task_takes_new_work_once_redis_is_back(own_stack, owner):
    stack = own_stack(LOCAL_TOKEN_DELAY_MS="80")
    with stack.client(owner) as client:
        branch, reply_id = start_long_reply(client)
        wait_until(lambda: Message.objects.get(pk=reply_id).status == Message.Status.STREAMING)
        time.sleep(0.5)
        stack.stop_redis()
        stack.start_redis()
        wait_until(lambda: Message.objects.get(pk=reply_id).is_terminal, timeout=90)

        stack.wait_healthy(timeout=60)
        after = client.post(f"/api/v1/branches/{branch}/messages/", json={"content": "Still there?"})
        assert after.status_code == 202
        assert live.read_stream(client, after.json()["assistant_message"]["id"]).done["status"] == "complete"
