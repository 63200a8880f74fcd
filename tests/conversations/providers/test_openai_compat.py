"""The OpenAI-compatible provider: the real `openai` SDK against a local chat completions server."""

import json
import time

import pytest

from conversations.providers import ChatTurn, ProviderRequest, ToolCall
from conversations.providers.openai_compat import OpenAICompatProvider
from conversations.providers.prompts import END_TOOL, SYSTEM_PROMPT
from tests.support.conversations.providers.streaming import collect_until_error, drain
from tests.support.conversations.providers.fake_llm_server import openai_error, openai_error_chunk, openai_stream


def request(*turns: ChatTurn, model: str = "llama3.1:8b") -> ProviderRequest:
    turns = turns or (ChatTurn("user", "Hello there"),)
    return ProviderRequest(system=SYSTEM_PROMPT, messages=list(turns), model=model, tools=[END_TOOL])


def test_a_reply_streams_delta_by_delta_and_reports_usage_model_and_finish_reason(fake_llm):
    fake_llm.queue(openai_stream(["Hi", " there", "!"], model="llama3.1:8b", prompt_tokens=12, completion_tokens=3))
    tokens, result = drain(OpenAICompatProvider(), request())
    assert tokens == ["Hi", " there", "!"]
    assert result.text == "Hi there!"
    assert result.tool_calls == []
    assert result.model == "llama3.1:8b"
    assert result.usage == {"input_tokens": 12, "output_tokens": 3}
    assert result.stop_reason == "stop"


def test_tool_call_deltas_are_assembled_by_index(fake_llm):
    fake_llm.queue(
        openai_stream(
            ["Ending now."],
            tool_calls=[
                ("call_a", "end_conversation", ['{"reason": "us', 'er_request", "rati', 'onale": "They asked."}']),
                ("call_b", "lookup", ['{"q": ', '"x"}']),
            ],
        )
    )
    tokens, result = drain(OpenAICompatProvider(), request())
    assert tokens == ["Ending now."]
    assert result.tool_calls == [
        ToolCall("end_conversation", {"reason": "user_request", "rationale": "They asked."}, "call_a"),
        ToolCall("lookup", {"q": "x"}, "call_b"),
    ]
    assert result.stop_reason == "tool_calls"


def test_the_request_offers_the_end_tool_as_a_function_and_maps_every_role(fake_llm):
    fake_llm.queue(openai_stream(["ok"]))
    call = ToolCall("end_conversation", {"reason": "abuse", "rationale": "r"}, "call_1")
    drain(
        OpenAICompatProvider(),
        request(
            ChatTurn("user", "hi"),
            ChatTurn("assistant", "Goodbye.", tool_calls=(call,)),
            ChatTurn("tool", "Refused: stay.", tool_call_id="call_1"),
            model="qwen2.5",
        ),
    )
    sent = fake_llm.requests[0]
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == "Bearer sk-test-key"
    assert sent.body["model"] == "qwen2.5"
    assert sent.body["stream"] is True
    assert sent.body["stream_options"] == {"include_usage": True}
    function = sent.body["tools"][0]
    assert function["type"] == "function"
    assert function["function"]["name"] == "end_conversation"
    assert function["function"]["parameters"]["required"] == ["reason", "rationale"]
    messages = sent.body["messages"]
    assert messages[0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert messages[1] == {"role": "user", "content": "hi"}
    assert messages[2]["role"] == "assistant"
    assert messages[2]["content"] == "Goodbye."
    assert messages[2]["tool_calls"][0]["id"] == "call_1"
    assert json.loads(messages[2]["tool_calls"][0]["function"]["arguments"]) == {"reason": "abuse", "rationale": "r"}
    assert messages[3] == {"role": "tool", "tool_call_id": "call_1", "content": "Refused: stay."}


def test_malformed_tool_arguments_become_an_empty_request_rather_than_a_crash(fake_llm):
    fake_llm.queue(openai_stream([], tool_calls=[("call_x", "end_conversation", ['{"reason": "ab'])]))
    _, result = drain(OpenAICompatProvider(), request())
    assert result.tool_calls == [ToolCall("end_conversation", {}, "call_x")]


def test_a_rate_limit_is_transient_and_honours_retry_after(fake_llm):
    fake_llm.queue(openai_error(429, "Rate limit reached for requests", "requests", "rate_limit_exceeded", retry_after="3"))
    _, error = collect_until_error(OpenAICompatProvider(), request())
    assert error.transient is True
    assert error.retry_after == 3
    assert "Rate limit reached" in str(error)
    assert len(fake_llm.requests) == 1


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_transient(fake_llm, status):
    fake_llm.queue(openai_error(status, "The server had an error while processing your request.", "server_error"))
    _, error = collect_until_error(OpenAICompatProvider(), request())
    assert error.transient is True


@pytest.mark.parametrize("status", [400, 401, 404])
def test_a_request_the_server_rejects_is_not_worth_retrying(fake_llm, status):
    fake_llm.queue(openai_error(status, "The model `nope` does not exist", "invalid_request_error", "model_not_found"))
    _, error = collect_until_error(OpenAICompatProvider(), request())
    assert error.transient is False
    assert "does not exist" in str(error)


def test_an_error_inside_a_started_stream_is_transient_after_the_text_so_far(fake_llm):
    stream = openai_stream(["Some ", "text"])
    stream.frames.insert(3, openai_error_chunk("The server had an error while processing your request."))
    fake_llm.queue(stream)
    tokens, error = collect_until_error(OpenAICompatProvider(), request())
    assert tokens == ["Some ", "text"]
    assert error.transient is True


def test_a_stream_that_goes_silent_hits_the_read_timeout(fake_llm):
    fake_llm.queue(openai_stream(["Slow ", "then ", "nothing"], cut_after=2, cut="hang"))
    started = time.monotonic()
    tokens, error = collect_until_error(OpenAICompatProvider(), request())
    assert tokens == ["Slow "]
    assert error.transient is True
    assert time.monotonic() - started < 10


def test_a_dropped_connection_is_transient(fake_llm):
    fake_llm.queue(openai_stream(["Half ", "an ", "answer"], cut_after=3, cut="drop"))
    tokens, error = collect_until_error(OpenAICompatProvider(), request())
    assert tokens == ["Half ", "an "]
    assert error.transient is True


def test_a_stream_that_ends_without_a_finish_reason_is_treated_as_cut_short(fake_llm):
    stream = openai_stream(["Half"])
    stream.frames = [frame for frame in stream.frames if '"finish_reason": "stop"' not in frame]
    fake_llm.queue(stream)
    _, error = collect_until_error(OpenAICompatProvider(), request())
    assert error.transient is True
    assert "stopped before it finished" in str(error)


def test_without_a_key_the_provider_is_not_configured_and_no_retry_helps(fake_llm, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY")
    _, error = collect_until_error(OpenAICompatProvider(), request())
    assert error.transient is False
    assert "not configured" in str(error)
