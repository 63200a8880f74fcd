"""End to end with real model SDKs: a Celery worker and an ASGI server in their own processes, with
ANTHROPIC_BASE_URL and OPENAI_BASE_URL pointing at the fake model APIs. Conversations are created
through the API with a chosen provider, replies are read over SSE, ends go through the policy.

This stack has a Redis database of its own (broker, reply streams), so its worker is the only one
that sees these replies, even while the suite's shared worker runs."""

from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from django.conf import settings

from conversations.models import Message
from moderation.models import EndAttempt, EndEvent
from tests.support.accounts import token_for
from tests.support.conversations.providers.fake_llm_server import (
    FakeLLMServer,
    anthropic_end_call,
    anthropic_message,
    anthropic_stream,
    openai_error,
    openai_stream,
)
from tests.support.live import free_port, read_stream, start_web, start_worker, wait_for_worker

pytestmark = pytest.mark.django_db(transaction=True)


def own_redis_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


@pytest.fixture(scope="module")
def provider_stack(django_db_setup, django_db_blocker, tmp_path_factory):
    fake = FakeLLMServer().start()
    logs = tmp_path_factory.mktemp("provider-stack-logs")
    env = {
        "REDIS_URL": own_redis_db(settings.REDIS_URL, 9),
        "ANTHROPIC_BASE_URL": fake.anthropic_url,
        "ANTHROPIC_API_KEY": "sk-ant-test-key",
        "OPENAI_BASE_URL": fake.openai_url,
        "OPENAI_API_KEY": "sk-test-key",
        "ANTHROPIC_MODEL": "claude-test-1",
        "OPENAI_MODEL": "qwen2.5:7b",
        "PROVIDER_RETRY_BASE_SECONDS": "1",
    }
    port = free_port()
    with django_db_blocker.unblock():
        worker = start_worker(logs, name="provider-worker", **env)
        wait_for_worker(worker)
        web = start_web(logs, port, **env)
    yield fake, f"http://127.0.0.1:{port}"
    web.stop()
    worker.stop()
    fake.stop()


@pytest.fixture
def client(provider_stack, owner):
    fake, base_url = provider_stack
    fake.steps.clear()
    fake.requests.clear()
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Token {token_for(owner)}"}, timeout=30) as client:
        yield client


def new_branch(client, provider: str) -> str:
    response = client.post("/api/v1/conversations/", json={"provider": provider})
    assert response.status_code == 201, response.text
    return response.json()["active_branch"]


def send(client, branch: str, text: str):
    response = client.post(f"/api/v1/branches/{branch}/messages/", json={"content": text})
    assert response.status_code == 202, response.text
    reply_id = response.json()["assistant_message"]["id"]
    return reply_id, read_stream(client, reply_id)


def test_claude_streams_a_reply_and_its_end_requests_go_through_the_policy(provider_stack, client):
    fake, _ = provider_stack
    branch = new_branch(client, "anthropic")

    # An end the policy refuses: the model is told why and its continuation is the reply.
    fake.queue(
        anthropic_end_call("abuse", "Done talking.", ["I'm ending ", "this chat."]),
        anthropic_stream(["Lima ", "is the ", "capital of Peru."]),
    )
    reply_id, reply = send(client, branch, "What's the capital of Peru?")
    assert reply.done == {"status": "complete", "kind": "answer", "ended": False}
    assert reply.text == "Lima is the capital of Peru."
    assert "reset" in reply.events, "the withdrawn farewell is discarded by readers"
    assert EndAttempt.objects.get().refusal == "too_few_redirections"
    stored = Message.objects.get(pk=reply_id)
    assert (stored.provider, stored.model) == ("anthropic", "claude-test-1")
    assert stored.usage["calls"] == 2

    # An end the policy allows: the model answers the end-time review's yes/no question about
    # risk, then the text before the call is the end reply, and the branch ends.
    fake.queue(anthropic_end_call("user_request", "The user asked.", ["Sure. ", "Goodbye!"]), anthropic_message("no"))
    _, reply = send(client, branch, "Please end this conversation.")
    assert reply.done == {"status": "complete", "kind": "end", "ended": True}
    assert reply.text == "Sure. Goodbye!"
    event = EndEvent.objects.get()
    assert event.reason == "user_request"
    assert event.risk_review["model_answer"] == "no"
    refused = client.post(f"/api/v1/branches/{branch}/messages/", json={"content": "hello?"})
    assert refused.status_code == 409
    assert fake.requests[-2].body["messages"][0] == {"role": "user", "content": "What's the capital of Peru?"}
    assert "yes or no" in fake.requests[-1].body["system"]


def test_an_openai_compatible_server_that_rate_limits_is_retried_after_its_retry_after(provider_stack, client):
    fake, _ = provider_stack
    branch = new_branch(client, "openai")
    fake.queue(
        openai_error(429, "Rate limit reached", "requests", "rate_limit_exceeded", retry_after="1"),
        openai_stream(["Tides ", "follow ", "the moon."], model="qwen2.5:7b"),
    )
    reply_id, reply = send(client, branch, "Explain tides in one line.")
    assert reply.done == {"status": "complete", "kind": "answer", "ended": False}
    assert reply.text == "Tides follow the moon."
    assert len(reply.tokens) >= 3
    stored = Message.objects.get(pk=reply_id)
    assert stored.model == "qwen2.5:7b"
    assert stored.usage == {"input_tokens": 40, "output_tokens": 15}
    assert stored.stop_reason == "stop"
    assert len(fake.requests) == 2
