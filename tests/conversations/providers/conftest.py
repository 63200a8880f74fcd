import pytest

from tests.support.conversations.providers.fake_llm_server import FakeLLMServer


@pytest.fixture
def fake_llm(monkeypatch, settings):
    """The fake model APIs, with both SDKs pointed at them through their own variables."""
    server = FakeLLMServer().start()
    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.anthropic_url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")
    monkeypatch.setenv("OPENAI_BASE_URL", server.openai_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key")
    settings.LLM_READ_TIMEOUT_SECONDS = 1
    settings.LLM_CONNECT_TIMEOUT_SECONDS = 1
    yield server
    server.stop()
