"""GET /api/v1/models/ and choosing one when creating a conversation."""

import pytest


@pytest.fixture
def real_providers(monkeypatch, settings):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1")
    settings.ANTHROPIC_MODEL = "claude-test-1"
    settings.OPENAI_MODEL = "llama3.1:8b"


def pairs(response) -> list[tuple[str, str]]:
    return [(choice["provider"], choice["model"]) for choice in response.json()["results"]]


def test_the_default_offline_model_is_listed_first_as_the_default(api, monkeypatch):
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    response = api.get("/api/v1/models/")
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first == {"provider": "local", "model": "local-offline-1", "default": True}
    assert not {"anthropic", "openai"} & {provider for provider, _ in pairs(response)}


def test_real_providers_are_listed_once_their_sdk_variables_are_set(api, real_providers):
    listed = pairs(api.get("/api/v1/models/"))
    assert ("anthropic", "claude-test-1") in listed
    assert ("openai", "llama3.1:8b") in listed


def test_an_explicit_list_of_choices_replaces_the_discovered_ones(api, settings):
    settings.LLM_CHOICES = ["openai:gpt-4.1-mini", "openai:qwen2.5:7b", "anthropic"]
    settings.ANTHROPIC_MODEL = "claude-test-1"
    assert pairs(api.get("/api/v1/models/")) == [
        ("local", "local-offline-1"),
        ("openai", "gpt-4.1-mini"),
        ("openai", "qwen2.5:7b"),
        ("anthropic", "claude-test-1"),
    ]


def test_the_model_list_needs_a_signed_in_user(client):
    assert client.get("/api/v1/models/").status_code in (401, 403)


def test_a_conversation_is_created_with_the_chosen_provider_and_model(api, real_providers):
    response = api.post("/api/v1/conversations/", {"provider": "openai", "model": "llama3.1:8b"}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["provider"], response.json()["model"]) == ("openai", "llama3.1:8b")


def test_a_provider_alone_takes_its_configured_model(api, real_providers):
    response = api.post("/api/v1/conversations/", {"provider": "anthropic"}, format="json")
    assert (response.json()["provider"], response.json()["model"]) == ("anthropic", "claude-test-1")


def test_without_a_choice_the_conversation_takes_the_default(api, real_providers):
    response = api.post("/api/v1/conversations/", {}, format="json")
    assert (response.json()["provider"], response.json()["model"]) == ("local", "local-offline-1")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"provider": "skynet"}, "provider"),
        ({"provider": "anthropic", "model": "claude-unlisted"}, "model"),
        ({"model": "gpt-5-ultra"}, "model"),
        ({"provider": 3}, "provider"),
    ],
)
def test_a_model_that_is_not_configured_is_refused(api, real_providers, body, field):
    response = api.post("/api/v1/conversations/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]


def test_a_provider_without_its_sdk_variables_cannot_be_chosen(api, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    response = api.post("/api/v1/conversations/", {"provider": "anthropic"}, format="json")
    assert response.status_code == 400
