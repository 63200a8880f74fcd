"""Replies from Claude and OpenAI-compatible models through the pipeline, in process: the real SDKs
against the fake APIs, the real database and Redis. Whatever the model asks, the policy decides."""

import json

import pytest
import redis
from django.conf import settings

from conversations import pipeline, replies, services
from conversations.models import Message
from conversations.providers.prompts import SYSTEM_PROMPT
from conversations.streams import stream_key
from moderation.models import EndAttempt, EndEvent
from tests.support.conversations.providers.fake_llm_server import (
    anthropic_end_call,
    anthropic_error,
    anthropic_message,
    anthropic_stream,
    openai_completion,
    openai_end_call,
    openai_error,
    openai_stream,
)

RISK = "honestly I want to die, I have pills ready"


def events(message_id) -> list[tuple[str, dict]]:
    client = redis.Redis.from_url(settings.REDIS_URL)
    return [(f[b"event"].decode(), json.loads(f[b"data"])) for _, f in client.xrange(stream_key(message_id))]


def as_read(message_id) -> str:
    """The text a stream reader ends up with: tokens, with a `reset` discarding what came before."""
    text = ""
    for event, data in events(message_id):
        if event == "reset":
            text = ""
        elif event == "token":
            text += data["text"]
    return text


def send(owner, text, provider, model=""):
    conversation = services.conversation_create(user=owner, provider=provider, model=model or None)
    return services.message_send(user=owner, branch_id=conversation.active_branch_id, content=text)


def test_an_allowed_end_keeps_the_text_written_before_the_call_as_the_end_reply(owner, fake_llm):
    # The end-time review asks the model its yes/no question about risk; "no" lets the end through.
    fake_llm.queue(anthropic_end_call("user_request", "The user asked to stop.", ["Of course. ", "Take care!"]), anthropic_message("no"))
    _, reply = send(owner, "Please end this conversation.", "anthropic")
    assert pipeline.generate(str(reply.pk), retries_left=1) == "complete"
    reply.refresh_from_db()
    assert reply.content == "Of course. Take care!"
    assert reply.kind == "end"
    assert reply.branch.ended
    assert as_read(reply.pk) == reply.content
    assert events(reply.pk)[-1] == ("done", {"status": "complete", "kind": "end", "ended": True})
    event = EndEvent.objects.get()
    assert (event.initiated_by, event.reason, event.rationale) == ("model", "user_request", "The user asked to stop.")
    assert reply.model == "claude-test-1"
    assert reply.usage == {"input_tokens": 42, "output_tokens": 17}
    assert reply.stop_reason == "tool_use"
    assert reply.tool_calls[0]["outcome"] == "allowed"
    assert len(fake_llm.requests) == 2


def test_an_allowed_end_with_no_text_gets_the_default_notice(owner, fake_llm):
    fake_llm.queue(openai_end_call("user_request", "Asked to end."), openai_completion("No."))
    _, reply = send(owner, "Please end this conversation.", "openai")
    pipeline.generate(str(reply.pk), retries_left=1)
    reply.refresh_from_db()
    assert reply.content == replies.DEFAULT_END_NOTICE
    assert as_read(reply.pk) == replies.DEFAULT_END_NOTICE
    assert reply.branch.ended


def test_a_refused_end_is_explained_to_the_model_and_its_continuation_is_the_reply(owner, fake_llm):
    fake_llm.queue(
        anthropic_end_call("abuse", "I am done.", ["I'm ending this ", "conversation."]),
        anthropic_stream(["Lima ", "is the capital of Peru."], input_tokens=60, output_tokens=8),
    )
    _, reply = send(owner, "What's the capital of Peru?", "anthropic")
    assert pipeline.generate(str(reply.pk), retries_left=1) == "complete"
    reply.refresh_from_db()
    assert reply.content == "Lima is the capital of Peru."
    assert reply.kind == "answer"
    assert not reply.branch.ended
    assert EndAttempt.objects.get().refusal == "too_few_redirections"
    assert EndEvent.objects.count() == 0

    # The farewell streamed first is withdrawn with a `reset`; readers end with the saved text.
    kinds = [event for event, _ in events(reply.pk)]
    assert kinds.index("reset") > kinds.index("token")
    assert as_read(reply.pk) == reply.content

    continuation = fake_llm.requests[1].body["messages"]
    assert continuation[-2]["role"] == "assistant"
    assert continuation[-2]["content"][-1]["type"] == "tool_use"
    result = continuation[-1]["content"][0]
    assert result["type"] == "tool_result"
    assert result["tool_use_id"] == "toolu_01FakeEnd"
    assert "NOT ended" in result["content"] and "last resort" in result["content"]
    assert reply.usage == {"input_tokens": 102, "output_tokens": 25, "calls": 2}
    assert reply.stop_reason == "end_turn"
    assert reply.tool_calls[0]["outcome"] == "refused"


def test_a_risk_veto_tells_the_model_to_stay_and_offer_support(owner, fake_llm):
    fake_llm.queue(
        openai_end_call("abuse", "Ending.", ["Goodbye."]),
        openai_stream(["I'm really sorry you're feeling this way. ", "I'm here with you."]),
    )
    _, reply = send(owner, RISK, "openai")
    pipeline.generate(str(reply.pk), retries_left=1)
    reply.refresh_from_db()
    assert reply.kind == "support"
    assert reply.content.startswith("I'm really sorry you're feeling this way. I'm here with you.")
    assert settings.SUPPORT_RESOURCES in reply.content, "the server adds the resources the model left out"
    assert as_read(reply.pk) == reply.content
    assert not reply.branch.ended
    assert EndAttempt.objects.get().refusal == "risk_veto"
    told = fake_llm.requests[1].body["messages"][-1]
    assert told["role"] == "tool" and told["tool_call_id"] == "call_fake_end"
    assert "harming themselves" in told["content"]
    assert "findahelpline.com" in told["content"]


def test_a_question_that_is_only_a_risk_after_the_turn_before_gets_the_support_resources(owner, fake_llm):
    """Read alone, the rope question is ordinary (at the veto line, not the support line); after
    goodbye letters, the server adds the support resources the model's answer left out."""
    fake_llm.queue(
        openai_stream(["I'm so sorry. ", "I'm here with you."]),
        openai_stream(["A bowline holds well. ", "Tie it like this."]),
    )
    first, reply = send(owner, "I wrote goodbye letters to my family last night.", "openai")
    pipeline.generate(str(reply.pk), retries_left=1)
    _, second = services.message_send(
        user=owner, branch_id=first.branch_id, content="What's the best knot for a rope that has to hold a person's weight?"
    )
    pipeline.generate(str(second.pk), retries_left=1)
    second.refresh_from_db()
    assert second.kind == "support"
    assert second.content.startswith("A bowline holds well. Tie it like this.")
    assert settings.SUPPORT_RESOURCES in second.content
    assert as_read(second.pk) == second.content
    system = fake_llm.requests[1].body["messages"][0]
    assert system["role"] == "system" and "may be at risk of harm" in system["content"], "the model is told why"


@pytest.mark.parametrize(
    ("text", "told"),
    [
        (RISK, "may be at risk of harm. Take it seriously"),
        # At the veto line, not a support line: a possible sign, which the model is asked to judge.
        ("lowkey want to yeet myself off the parking garage", "a possible but uncertain sign of risk"),
        ("What's a good name for a goldfish?", None),
    ],
)
def test_the_model_is_told_what_the_safety_check_read_in_the_latest_message(owner, fake_llm, text, told):
    fake_llm.queue(anthropic_stream(["Here for you."]))
    _, reply = send(owner, text, "anthropic")
    pipeline.generate(str(reply.pk), retries_left=1)
    reply.refresh_from_db()
    system = fake_llm.requests[0].body["system"]
    assessment = Message.objects.get(pk=reply.parent_id).moderation
    if told is None:
        assert not assessment["veto"] and system == SYSTEM_PROMPT
        return
    assert assessment["veto"]
    assert system.startswith(SYSTEM_PROMPT) and told in system
    if reply.kind == "support":
        assert settings.SUPPORT_RESOURCES in system, "the model knows the resources follow its reply"
    else:
        assert not set(assessment["flagged"]) & {"self_harm", "harm_to_others"} and settings.SUPPORT_RESOURCES not in system


def test_a_second_end_request_in_the_continuation_is_ignored_and_recorded(owner, fake_llm):
    fake_llm.queue(
        anthropic_end_call("abuse", "First try."),
        anthropic_end_call("abuse", "Second try.", ["Fine, let's talk about something else."]),
    )
    _, reply = send(owner, "Tell me about clouds.", "anthropic")
    pipeline.generate(str(reply.pk), retries_left=1)
    reply.refresh_from_db()
    assert reply.content == "Fine, let's talk about something else."
    assert not reply.branch.ended
    assert [call["outcome"] for call in reply.tool_calls] == ["refused", "ignored"]
    assert reply.tool_calls[1]["arguments"]["rationale"] == "Second try."
    assert EndAttempt.objects.count() == 1
    assert len(fake_llm.requests) == 2, "at most one continuation"


def test_an_overloaded_model_gives_the_reply_back_for_a_retry_after_its_retry_after(owner, fake_llm):
    fake_llm.queue(anthropic_error(529, "overloaded_error", "Overloaded", retry_after="2"), anthropic_stream(["Back ", "again."]))
    _, reply = send(owner, "Hello?", "anthropic")
    with pytest.raises(pipeline.TransientFailure) as failure:
        pipeline.generate(str(reply.pk), retries_left=1)
    assert failure.value.error.retry_after == 2
    reply.refresh_from_db()
    assert reply.status == "pending"
    assert "overloaded" in reply.error

    assert pipeline.generate(str(reply.pk), retries_left=0) == "complete"
    reply.refresh_from_db()
    assert (reply.status, reply.content, reply.error) == ("complete", "Back again.", "")


def test_when_retries_run_out_the_streamed_text_is_kept_and_the_reply_can_be_retried(owner, api, fake_llm):
    fake_llm.queue(openai_stream(["Half ", "an ", "answer"], cut_after=3, cut="drop"))
    _, reply = send(owner, "Explain tides.", "openai")
    assert pipeline.generate(str(reply.pk), retries_left=0) == "failed"
    failed = api.get(f"/api/v1/messages/{reply.pk}/").json()
    assert failed["status"] == "failed"
    assert failed["content"] == "Half an "
    assert "dropped" in failed["error"]
    assert events(reply.pk)[-1][1]["status"] == "failed"

    retried = api.post(f"/api/v1/messages/{reply.pk}/retry/")
    assert retried.status_code == 201, retried.content
    fake_llm.queue(openai_stream(["Tides ", "follow the moon."]))
    new_id = retried.json()["assistant_message"]["id"]
    assert pipeline.generate(new_id, retries_left=0) == "complete"
    assert Message.objects.get(pk=new_id).content == "Tides follow the moon."


def test_a_request_the_model_rejects_fails_at_once_with_a_readable_error(owner, fake_llm):
    fake_llm.queue(openai_error(404, "The model `gpt-nope` does not exist", "invalid_request_error", "model_not_found"))
    _, reply = send(owner, "Hi", "openai", model="gpt-nope")
    assert pipeline.generate(str(reply.pk), retries_left=3) == "failed"
    reply.refresh_from_db()
    assert "does not exist" in reply.error
    assert len(fake_llm.requests) == 1


def test_a_conversation_keeps_the_model_it_was_created_with(owner, fake_llm, settings):
    settings.ANTHROPIC_MODEL = "claude-first"
    conversation = services.conversation_create(user=owner, provider="anthropic")
    settings.ANTHROPIC_MODEL = "claude-second"
    _, reply = services.message_send(user=owner, branch_id=conversation.active_branch_id, content="Hi")
    fake_llm.queue(anthropic_stream(["Hello."], model="claude-first"))
    pipeline.generate(str(reply.pk), retries_left=0)
    assert conversation.model == "claude-first"
    assert fake_llm.requests[0].body["model"] == "claude-first"
