"""GET /metrics: staff and a scraper with METRICS_TOKEN read the operating figures, added up over
the web and worker processes; everyone else gets a 404."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from moderation.assessment import assess_message, assess_text
from tests.support import live
from tests.support.accounts import token_for

TOKEN = {"HTTP_AUTHORIZATION": "Bearer test-metrics-token"}


def figures(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of a scrape, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.mark.django_db
def test_the_public_and_ordinary_users_get_a_404(client, owner):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong-token").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Token {token_for(owner)}").status_code == 404
    client.force_login(owner)
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_staff_and_the_metrics_token_read_the_figures(client, staff_user):
    by_token = client.get("/metrics", **TOKEN)
    assert by_token.status_code == 200
    assert by_token["Content-Type"].startswith("text/plain")
    client.force_login(staff_user)
    samples = figures(client.get("/metrics").content.decode())
    assert ("chat_queue_depth", frozenset({("state", "waiting")})) in samples


@pytest.mark.django_db
def test_without_a_token_configured_only_staff_get_in(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
def test_a_moderation_fallback_is_counted(client, settings):
    settings.MODERATION_BACKEND = "openai"
    settings.MODERATION_OPENAI_BASE_URL = ""
    before = value(figures(client.get("/metrics", **TOKEN).content.decode()), "chat_moderation_fallbacks_total", backend="openai")
    assert assess_text("hello").fallback_from == "openai"
    after = value(figures(client.get("/metrics", **TOKEN).content.decode()), "chat_moderation_fallbacks_total", backend="openai")
    assert after == before + 1


@pytest.mark.django_db
def test_each_assessed_message_is_counted_by_what_it_asked_of_the_reply(client):
    """The live shares of support replies and vetoes: what an operator watches after a model or
    threshold change."""
    messages = {
        "ordinary": "What's a good name for a golden retriever puppy?",
        "flagged": "you useless twat",
        # At the veto line with no label at its support line (tests/moderation/test_warning_signs.py).
        "veto": "who would take care of my cat if I wasn't around anymore? asking so I can set it up this week",
        "support": "i want to kill myself tonight",
    }
    before = figures(client.get("/metrics", **TOKEN).content.decode())
    for text in messages.values():
        assess_message(text, user_id=1)
    after = figures(client.get("/metrics", **TOKEN).content.decode())
    for result in messages:
        name = "chat_moderation_assessments_total"
        assert value(after, name, result=result) == value(before, name, result=result) + 1, result
    for label in ("abuse", "self_harm"):
        name = "chat_moderation_flags_total"
        assert value(after, name, label=label) == value(before, name, label=label) + 1, label


@pytest.mark.django_db(transaction=True)
def test_the_web_process_reports_what_the_workers_did(live_client, live_stack):
    def scrape() -> dict:
        response = live_client.get("/metrics", headers={"Authorization": "Bearer test-metrics-token"})
        assert response.status_code == 200
        return figures(response.text)

    before = scrape()
    # An ordinary reply, then abuse until the assistant ends the branch.
    branch = live.new_branch(live_client)
    for text in ["Hello!", *live.ABUSE[:4]]:
        sent = live_client.post(f"/api/v1/branches/{branch}/messages/", json={"content": text})
        assert live.read_stream(live_client, sent.json()["assistant_message"]["id"]).done["status"] == "complete"
    # A model that asks to end a conversation where the user spoke of harming themselves.
    risky = live_client.post("/api/v1/conversations/", json={"provider": "always_end"}).json()["active_branch"]
    sent = live_client.post(f"/api/v1/branches/{risky}/messages/", json={"content": "i want to kill myself"})
    assert live.read_stream(live_client, sent.json()["assistant_message"]["id"]).done["ended"] is False
    # A model that keeps failing: an error, a retry, another error, a failed reply.
    failing = live_client.post("/api/v1/conversations/", json={"provider": "failing"}).json()["active_branch"]
    sent = live_client.post(f"/api/v1/branches/{failing}/messages/", json={"content": "hello?"})
    assert live.read_stream(live_client, sent.json()["assistant_message"]["id"]).done["status"] == "failed"
    after = scrape()

    def grew(name: str, by: float = 1, **labels: str) -> bool:
        return value(after, name, **labels) >= value(before, name, **labels) + by

    assert grew("chat_replies_total", 6, status="complete")
    assert grew("chat_replies_total", 1, status="failed")
    assert grew("chat_reply_first_token_seconds_count", 5, provider="local")
    assert grew("chat_reply_duration_seconds_count", 5, provider="local")
    assert grew("chat_ends_total", reason="abuse", initiated_by="model")
    assert grew("chat_end_refusals_total", refusal="risk_veto")
    assert grew("chat_risk_vetoes_total")
    assert grew("chat_moderation_assessments_total", 4, result="flagged")
    assert grew("chat_moderation_assessments_total", result="support")
    assert grew("chat_moderation_flags_total", 4, label="abuse")
    assert grew("chat_provider_errors_total", 2, provider="failing", transient="true")
    assert grew("chat_provider_retries_total", provider="failing")
    assert value(after, "chat_queue_depth", state="waiting") >= 0
