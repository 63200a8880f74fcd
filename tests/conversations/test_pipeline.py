"""Generating one reply in process: idempotency, leases, failures. Real Redis, real database."""

import json
import time
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from chatsite.errors import DomainError
from chatsite.patches.redis_pipelining import UNREAD_LIMIT
from conversations import pipeline, replies, services
from conversations.models import Message
from conversations.providers import ProviderResult
from conversations.providers.local import LocalProvider
from conversations.streams import stream_key


def events(message_id) -> list[tuple[str, dict]]:
    client = redis.Redis.from_url(settings.REDIS_URL)
    return [(f[b"event"].decode(), json.loads(f[b"data"])) for _, f in client.xrange(stream_key(message_id))]


def send(owner, text="hello", provider=None):
    conversation = services.conversation_create(user=owner, provider=provider)
    return services.message_send(user=owner, branch_id=conversation.active_branch_id, content=text)


def test_a_reply_is_generated_streamed_and_saved(owner):
    user_message, reply = send(owner, "What is a haiku?")
    assert pipeline.generate(str(reply.pk), retries_left=1) == "complete"
    reply.refresh_from_db()
    user_message.refresh_from_db()
    streamed = events(reply.pk)
    assert "".join(data["text"] for event, data in streamed if event == "token") == reply.content
    assert streamed[-1] == ("done", {"status": "complete", "kind": "answer", "ended": False})
    assert user_message.moderation["flagged"] == []
    assert set(user_message.moderation["labels"]) == {"abuse", "harmful_request", "self_harm", "harm_to_others", "end_request"}


def test_a_finished_reply_is_never_generated_twice(owner):
    _, reply = send(owner)
    pipeline.generate(str(reply.pk), retries_left=1)
    reply.refresh_from_db()
    assert pipeline.generate(str(reply.pk), retries_left=1) == "done"
    assert Message.objects.get(pk=reply.pk).updated_at == reply.updated_at
    assert [event for event, _ in events(reply.pk)].count("done") == 1


def test_a_reply_held_by_a_live_attempt_is_left_alone(owner):
    _, reply = send(owner)
    assert replies.reply_claim(message_id=reply.pk)[0] == "claimed"
    with pytest.raises(pipeline.ReplyBusy):
        pipeline.generate(str(reply.pk), retries_left=1)


def test_a_reply_whose_lease_ran_out_is_taken_over_and_the_old_attempt_cannot_finish_it(owner):
    _, reply = send(owner)
    _, stale = replies.reply_claim(message_id=reply.pk)
    Message.objects.filter(pk=reply.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))

    assert pipeline.generate(str(reply.pk), retries_left=1) == "complete"
    assert ("reset", {"attempt": 2}) in events(reply.pk)
    from conversations.providers import ProviderResult

    assert replies.reply_complete(message=stale, result=ProviderResult(text="late")) is None
    assert Message.objects.get(pk=reply.pk).content != "late"


def test_a_transient_failure_gives_the_reply_back_for_a_retry(owner):
    _, reply = send(owner, provider="failing")
    with pytest.raises(pipeline.TransientFailure):
        pipeline.generate(str(reply.pk), retries_left=1)
    reply.refresh_from_db()
    assert reply.status == Message.Status.PENDING
    assert "overloaded" in reply.error


def test_when_retries_run_out_the_reply_fails_with_its_partial_text(owner):
    _, reply = send(owner, provider="failing")
    assert pipeline.generate(str(reply.pk), retries_left=0) == "failed"
    reply.refresh_from_db()
    assert reply.status == Message.Status.FAILED
    assert reply.content == "Partial answer "
    assert events(reply.pk)[-1][1]["status"] == "failed"


def test_a_request_the_model_rejects_fails_at_once_without_retrying(owner):
    _, reply = send(owner, provider="rejecting")
    assert pipeline.generate(str(reply.pk), retries_left=3) == "failed"


class StoppedPartWay(LocalProvider):
    """A model writing a long reply, one word every 5 ms, whose user presses Stop before word 6."""

    stop_before = 6

    def __init__(self, reply_id) -> None:
        self.reply_id = reply_id
        self.yielded = 0

    def stream(self, request):
        for index in range(1, 201):
            if index == self.stop_before:
                services.reply_cancel(message=Message.objects.get(pk=self.reply_id))
            time.sleep(0.005)
            self.yielded = index
            yield f"word{index} "
        yield ProviderResult(text="never saved", tool_calls=[])


def test_a_reply_stopped_while_written_stops_part_way_and_keeps_its_text(owner, monkeypatch):
    """The worker sees Stop once Redis's answer to a token's EXISTS has arrived: a token or two
    later on an idle machine, but on a busy one (a CI run with every core taken) it was 10 tokens.
    What the design guarantees is the held connection's limit: with UNREAD_LIMIT answers unread
    (two per token) it waits for them, so the worker stops within UNREAD_LIMIT / 2 tokens."""
    _, reply = send(owner, "Tell me a long story")
    provider = StoppedPartWay(reply.pk)
    monkeypatch.setattr(pipeline, "get_provider", lambda name: provider)

    assert pipeline.generate(str(reply.pk), retries_left=1) == "stopped"

    assert provider.yielded <= StoppedPartWay.stop_before + UNREAD_LIMIT // 2, f"{provider.yielded} words written after Stop"
    reply.refresh_from_db()
    streamed = events(reply.pk)
    written = "".join(data["text"] for event, data in streamed if event == "token")
    assert reply.status == "stopped" and reply.content == written and written.startswith("word1 word2 word3 word4 word5 ")
    assert streamed[-1] == ("done", {"status": "stopped", "kind": None, "ended": False})
    # Finished: the branch takes the next message, and the stopped reply can be retried.
    services.message_send(user=owner, branch_id=reply.branch_id, content="Shorter, please")
    services.message_retry(user=owner, message=reply)


def test_a_reply_stopped_before_any_worker_took_it_is_never_generated(owner):
    _, reply = send(owner)
    services.reply_cancel(message=reply)
    assert events(reply.pk) == [("done", {"status": "stopped", "kind": None, "ended": False})]
    assert pipeline.generate(str(reply.pk), retries_left=1) == "done"
    reply.refresh_from_db()
    assert (reply.status, reply.content) == ("stopped", "")


def test_stopping_a_finished_reply_is_refused_and_stopping_twice_changes_nothing(owner):
    user_message, reply = send(owner)
    services.reply_cancel(message=reply)
    assert services.reply_cancel(message=reply).status == "stopped"
    with pytest.raises(DomainError) as refused:
        services.reply_cancel(message=user_message)
    assert refused.value.code == "invalid"
    _, other = send(owner)
    pipeline.generate(str(other.pk), retries_left=1)
    with pytest.raises(DomainError) as finished:
        services.reply_cancel(message=other)
    assert (finished.value.code, finished.value.status) == ("reply_finished", 409)
