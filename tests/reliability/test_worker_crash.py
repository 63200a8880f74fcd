"""Faults in the reply pipeline: a worker killed mid-reply, a task delivered more than once."""

import time

import httpx
import pytest
import redis
from django.conf import settings

from conversations import services
from conversations.models import Message
from conversations.streams import stream_key
from conversations.tasks import generate_reply
from moderation.models import EndEvent
from tests.support import live
from tests.support.live import ABUSE, wait_until
from tests.support.accounts import token_for

pytestmark = pytest.mark.django_db(transaction=True)


def stream_events(client: redis.Redis, message_id) -> list[str]:
    return [fields[b"event"].decode() for _, fields in client.xrange(stream_key(message_id))]


@pytest.fixture
def isolated_redis_url():
    """A Redis database of its own, so only the workers this test starts see its tasks."""
    url = settings.REDIS_URL.rsplit("/", 1)[0] + "/7"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()


def test_a_reply_whose_worker_is_killed_mid_stream_completes_exactly_once(owner, tmp_path, isolated_redis_url):
    env = {
        "REDIS_URL": isolated_redis_url,
        "LOCAL_TOKEN_DELAY_MS": "60",
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "REPLY_LEASE_SECONDS": "2",
    }
    port = live.free_port()
    web = live.start_web(tmp_path, port, **env)
    first = live.start_worker(tmp_path, "doomed", **env)
    second = None
    broker = redis.Redis.from_url(isolated_redis_url)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Token {token_for(owner)}"}, timeout=30) as client:
            branch = client.post("/api/v1/conversations/", json={}).json()["active_branch"]
            sent = client.post(f"/api/v1/branches/{branch}/messages/", json={"content": "Tell me a long story about a lighthouse keeper."})
            reply_id = sent.json()["assistant_message"]["id"]

            wait_until(lambda: stream_events(broker, reply_id).count("token") >= 5)
            first.kill()
            interrupted = Message.objects.get(pk=reply_id)
            assert interrupted.status == Message.Status.STREAMING
            assert "done" not in stream_events(broker, reply_id)

            second = live.start_worker(tmp_path, "rescuer", **env)
            reply = live.read_stream(client, reply_id, timeout=90)

        assert reply.done == {"status": "complete", "kind": "answer", "ended": False}
        assert "reset" in reply.events, "readers are told to drop the killed attempt's text"
        saved = Message.objects.get(pk=reply_id)
        assert saved.content == reply.text
        assert saved.content.count("offline assistant") == 1, "the text is not written twice"
        assert saved.attempt == 2
        # Give any stray redelivery time to run: nothing may change and no second done may appear.
        time.sleep(4)
        assert Message.objects.get(pk=reply_id).updated_at == saved.updated_at
        assert stream_events(broker, reply_id).count("done") == 1
        assert Message.objects.filter(role=Message.Role.ASSISTANT).count() == 1
    finally:
        for process in (first, second, web):
            if process is not None:
                process.stop()


def test_a_task_delivered_three_times_gives_one_reply_and_one_end(live_stack, owner):
    conversation = services.conversation_create(user=owner)
    branch = conversation.active_branch
    for text in ABUSE[:3]:
        _, reply = services.message_send(user=owner, branch_id=branch.pk, content=text)
        wait_until(lambda: Message.objects.get(pk=reply.pk).is_terminal)
    _, reply = services.message_send(user=owner, branch_id=branch.pk, content=ABUSE[3])
    generate_reply.delay(str(reply.pk))
    generate_reply.delay(str(reply.pk))

    saved = wait_until(lambda: (m := Message.objects.get(pk=reply.pk)).is_terminal and m)
    time.sleep(2)
    assert saved.kind == Message.Kind.END
    assert EndEvent.objects.filter(branch=branch).count() == 1
    assert Message.objects.get(pk=reply.pk).content == saved.content
    client = redis.Redis.from_url(settings.REDIS_URL)
    assert stream_events(client, reply.pk).count("done") == 1
