"""The Claude provider: the real `anthropic` SDK against a local server speaking the Messages API."""

import time

import pytest

from conversations.providers import ChatTurn, ProviderRequest, ToolCall
from conversations.providers.anthropic import AnthropicProvider
from conversations.providers.prompts import END_TOOL, SYSTEM_PROMPT
from tests.support.conversations.providers.streaming import collect_until_error, drain
from tests.support.conversations.providers.fake_llm_server import anthropic_end_call, anthropic_error, anthropic_error_event, anthropic_stream


def request(*turns: ChatTurn, model: str = "claude-test-1") -> ProviderRequest:
    turns = turns or (ChatTurn("user", "Hello there"),)
    return ProviderRequest(system=SYSTEM_PROMPT, messages=list(turns), model=model, tools=[END_TOOL])


def test_a_reply_streams_delta_by_delta_and_reports_usage_model_and_stop_reason(fake_llm):
    fake_llm.queue(anthropic_stream(["Hel", "lo", ", how can I help?"], input_tokens=31, output_tokens=9))
    tokens, result = drain(AnthropicProvider(), request())
    assert tokens == ["Hel", "lo", ", how can I help?"]
    assert result.text == "Hello, how can I help?"
    assert result.tool_calls == []
    assert result.model == "claude-test-1"
    assert result.usage == {"input_tokens": 31, "output_tokens": 9}
    assert result.stop_reason == "end_turn"


def test_an_end_call_streamed_as_json_fragments_is_assembled_into_its_arguments(fake_llm):
    fake_llm.queue(anthropic_end_call("abuse", "Three redirections failed.", ["I'm ending ", "this now."]))
    tokens, result = drain(AnthropicProvider(), request())
    assert "".join(tokens) == "I'm ending this now."
    assert result.tool_calls == [
        ToolCall("end_conversation", {"reason": "abuse", "rationale": "Three redirections failed."}, "toolu_01FakeEnd")
    ]
    assert result.stop_reason == "tool_use"


def test_the_request_carries_the_system_prompt_the_tool_the_model_and_the_key_from_the_environment(fake_llm):
    fake_llm.queue(anthropic_stream(["ok"]))
    drain(AnthropicProvider(), request(ChatTurn("user", "hi"), ChatTurn("assistant", "Hello!"), ChatTurn("user", "bye"), model="claude-chosen"))
    sent = fake_llm.requests[0]
    assert sent.path == "/v1/messages"
    # The SDK read ANTHROPIC_API_KEY itself (sent as x-api-key or a bearer token, by SDK version).
    assert "sk-ant-test-key" in sent.headers.get("x-api-key", "") + sent.headers.get("authorization", "")
    assert sent.body["stream"] is True
    assert sent.body["model"] == "claude-chosen"
    assert sent.body["system"] == SYSTEM_PROMPT
    assert [tool["name"] for tool in sent.body["tools"]] == ["end_conversation"]
    assert sent.body["tools"][0]["input_schema"]["properties"]["reason"]["enum"] == ["abuse", "harmful_request", "user_request"]
    assert sent.body["messages"] == [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "bye"},
    ]


def test_a_refused_end_goes_back_as_a_tool_use_turn_and_a_tool_result_turn(fake_llm):
    fake_llm.queue(anthropic_stream(["I'm still here."]))
    call = ToolCall("end_conversation", {"reason": "abuse", "rationale": "r"}, "toolu_1")
    drain(
        AnthropicProvider(),
        request(
            ChatTurn("user", "you idiot"),
            ChatTurn("assistant", "Goodbye.", tool_calls=(call,)),
            ChatTurn("tool", "Refused: stay.", tool_call_id="toolu_1"),
        ),
    )
    messages = fake_llm.requests[0].body["messages"]
    assert messages[1] == {
        "role": "assistant",
        "content": [
            {"type": "text", "text": "Goodbye."},
            {"type": "tool_use", "id": "toolu_1", "name": "end_conversation", "input": {"reason": "abuse", "rationale": "r"}},
        ],
    }
    assert messages[2] == {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "Refused: stay."}]}


def test_a_rate_limit_is_transient_honours_retry_after_and_is_not_retried_by_the_sdk(fake_llm):
    fake_llm.queue(anthropic_error(429, "rate_limit_error", "Number of requests has exceeded your rate limit.", retry_after="7"))
    _, error = collect_until_error(AnthropicProvider(), request())
    assert error.transient is True
    assert error.retry_after == 7
    assert "rate limit" in str(error)
    assert len(fake_llm.requests) == 1, "retries are the reply task's job, with its own backoff"


@pytest.mark.parametrize(
    ("status", "error_type", "words"), [(529, "overloaded_error", "overloaded"), (500, "api_error", "failed"), (503, "api_error", "failed")]
)
def test_overload_and_server_errors_are_transient(fake_llm, status, error_type, words):
    fake_llm.queue(anthropic_error(status, error_type, "Overloaded", retry_after="2"))
    _, error = collect_until_error(AnthropicProvider(), request())
    assert error.transient is True
    assert error.retry_after == 2
    assert words in str(error)


@pytest.mark.parametrize(("status", "error_type"), [(400, "invalid_request_error"), (401, "authentication_error"), (404, "not_found_error")])
def test_a_request_the_api_rejects_is_not_worth_retrying(fake_llm, status, error_type):
    fake_llm.queue(anthropic_error(status, error_type, "model: claude-nope is not a model"))
    _, error = collect_until_error(AnthropicProvider(), request())
    assert error.transient is False
    assert f"HTTP {status}" in str(error)
    assert "claude-nope" in str(error)


def test_an_overload_inside_a_started_stream_is_transient_after_the_text_so_far(fake_llm):
    stream = anthropic_stream(["Part", "ial"])
    stream.frames.insert(5, anthropic_error_event("overloaded_error", "Overloaded"))
    fake_llm.queue(stream)
    tokens, error = collect_until_error(AnthropicProvider(), request())
    assert tokens == ["Part", "ial"]
    assert error.transient is True
    assert "overloaded_error" in str(error)


def test_a_stream_that_goes_silent_hits_the_read_timeout(fake_llm):
    fake_llm.queue(anthropic_stream(["Slow ", "then ", "nothing"], cut_after=4, cut="hang"))
    started = time.monotonic()
    tokens, error = collect_until_error(AnthropicProvider(), request())
    assert tokens == ["Slow "]
    assert error.transient is True
    assert "read timeout" in str(error)
    assert time.monotonic() - started < 10


def test_a_dropped_connection_is_transient_and_the_text_so_far_was_streamed(fake_llm):
    fake_llm.queue(anthropic_stream(["Half ", "an ", "answer"], cut_after=5, cut="drop"))
    tokens, error = collect_until_error(AnthropicProvider(), request())
    assert tokens == ["Half ", "an "]
    assert error.transient is True


def test_an_unreachable_service_is_transient(fake_llm, monkeypatch):
    from tests.support.live import free_port

    monkeypatch.setenv("ANTHROPIC_BASE_URL", f"http://127.0.0.1:{free_port()}")
    _, error = collect_until_error(AnthropicProvider(), request())
    assert error.transient is True
    assert "could not be reached" in str(error)


def test_the_default_model_comes_from_settings(settings):
    settings.ANTHROPIC_MODEL = "claude-from-settings"
    assert AnthropicProvider().default_model == "claude-from-settings"
