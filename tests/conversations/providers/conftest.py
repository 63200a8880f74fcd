import pytest

from tests.fakes.llm_server import FakeLLMServer


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


def drain(provider, request):
    """Run a provider's stream to its end: the text deltas and the final result."""
    from conversations.providers import ProviderResult

    tokens, result = [], None
    for item in provider.stream(request):
        if isinstance(item, ProviderResult):
            result = item
        else:
            tokens.append(item)
    return tokens, result


def collect_until_error(provider, request):
    """The deltas a failing stream yielded before its ProviderError, and that error."""
    from conversations.providers import ProviderError

    tokens = []
    with pytest.raises(ProviderError) as failure:
        for item in provider.stream(request):
            if isinstance(item, str):
                tokens.append(item)
    return tokens, failure.value
