"""Each process keeps one SDK client per provider base URL: replies after the first reuse its
connection to the model's API instead of paying a new TCP connection and TLS handshake."""

import logging

import pytest

from chatsite.logs import ContextFilter
from conversations import pipeline, services
from conversations.providers.anthropic import AnthropicProvider
from conversations.providers.openai_compat import OpenAICompatProvider
from tests.support.conversations.providers.fake_llm_server import anthropic_stream, openai_stream


def reply_to(owner, provider: str, text: str):
    conversation = services.conversation_create(user=owner, provider=provider)
    _, reply = services.message_send(user=owner, branch_id=conversation.active_branch_id, content=text)
    assert pipeline.generate(str(reply.pk), retries_left=0) == "complete"
    return reply


@pytest.mark.parametrize("provider, stream", [("anthropic", anthropic_stream), ("openai", openai_stream)])
def test_replies_one_after_another_share_one_connection_to_the_model(owner, fake_llm, provider, stream):
    fake_llm.queue(*(stream(["Hello ", "there."]) for _ in range(3)))
    for text in ("one", "two", "three"):
        reply_to(owner, provider, text)
    assert len(fake_llm.requests) == 3
    assert len({request.peer for request in fake_llm.requests}) == 1


@pytest.mark.parametrize("provider, variable", [(AnthropicProvider, "ANTHROPIC_BASE_URL"), (OpenAICompatProvider, "OPENAI_BASE_URL")])
def test_a_new_base_url_gets_a_client_of_its_own(fake_llm, monkeypatch, provider, variable):
    first = provider().client()
    assert provider().client() is first
    monkeypatch.setenv(variable, "http://127.0.0.1:9/")
    assert provider().client() is not first


@pytest.mark.parametrize(
    "provider, variable, default",
    [(AnthropicProvider, "ANTHROPIC_BASE_URL", "https://api.anthropic.com"), (OpenAICompatProvider, "OPENAI_BASE_URL", "https://api.openai.com/v1")],
)
def test_an_empty_base_url_means_the_sdks_default_not_an_empty_url(monkeypatch, provider, variable, default):
    monkeypatch.setenv(variable, "")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key")
    assert str(provider().client().base_url).rstrip("/") == default


def test_the_provider_calls_log_lines_name_the_reply(owner, fake_llm, caplog):
    caplog.handler.addFilter(ContextFilter())
    fake_llm.queue(anthropic_stream(["Hello."]))
    with caplog.at_level(logging.INFO):
        reply = reply_to(owner, "anthropic", "hi")
    calls = [record for record in caplog.records if record.name.startswith("httpx") and "HTTP Request" in record.getMessage()]
    assert calls, [record.getMessage() for record in caplog.records]
    assert {record.reply_id for record in calls} == {str(reply.pk)}
