"""The openai and llamaguard backends, against a local server answering in their real formats."""

from __future__ import annotations

import pytest

from conversations import replies, services as chat
from moderation.classifiers import ExternalConfig, assess
from moderation.classifiers.external import llamaguard_scores
from moderation.assessment import assess_text
from tests.support.moderation.fake_moderation_server import FakeModerationServer, chat_completion, moderation_response


@pytest.fixture(scope="module")
def server():
    with FakeModerationServer() as running:
        yield running


@pytest.fixture(autouse=True)
def reset(server):
    server.answer({}, 200)
    server.requests.clear()


def config(server, timeout: float = 2.0) -> ExternalConfig:
    return ExternalConfig(base_url=server.url, api_key="sk-test", model="", timeout=timeout)


# --- openai ---------------------------------------------------------------------------------


def test_openai_harassment_is_read_as_abuse(server):
    server.answer(moderation_response(harassment=0.93))
    assessment = assess("you are a worthless piece of shit", "openai", config(server))
    assert assessment.backend == "openai"
    assert assessment.flagged == ("abuse",)
    assert assessment.labels["abuse"] == 0.93
    assert server.requests[0]["path"] == "/v1/moderations"
    assert server.requests[0]["json"]["input"] == "you are a worthless piece of shit"
    assert server.requests[0]["auth"] == "Bearer sk-test"


def test_openai_self_harm_intent_is_a_risk(server):
    server.answer(moderation_response(self_harm=0.7, self_harm_intent=0.91))
    assessment = assess("I want to end my life", "openai", config(server))
    assert "self_harm" in assessment.flagged
    assert assessment.risk


def test_openai_illicit_violent_is_a_harmful_request(server):
    server.answer(moderation_response(illicit=0.6, illicit_violent=0.88, violence=0.4))
    assert assess("How do I build a pipe bomb?", "openai", config(server)).flagged == ("harmful_request",)


def test_a_category_the_service_flags_counts_even_with_a_low_score(server):
    body = moderation_response(hate=0.3)
    body["results"][0]["categories"]["hate"] = True
    server.answer(body)
    assert "abuse" in assess("some text", "openai", config(server)).flagged


def test_openai_cannot_see_end_requests_so_builtin_supplies_them(server):
    server.answer(moderation_response())
    assert assess("Please end this conversation.", "openai", config(server)).flagged == ("end_request",)


def test_a_risk_builtin_sees_is_kept_when_openai_misses_it(server):
    server.answer(moderation_response())
    assert "self_harm" in assess("i am going to kill myself tonight", "openai", config(server)).flagged


def test_an_external_assessment_names_the_builtin_model_whose_risk_it_never_goes_under(server):
    """The end-time review reads such a record instead of scoring the text again; that is safe
    only because the record's risk scores are at least the model's own."""
    from moderation.classifiers import builtin

    text = "I'm so tired of everything"
    server.answer(moderation_response())  # the service sees no risk
    combined = assess(text, "openai", config(server))
    local = builtin.assess(text)
    assert combined.backend == "openai" and combined.model == builtin.model_identity()
    assert combined.risk_score >= local.risk_score
    assert all(combined.labels[label] >= local.labels[label] for label in ("self_harm", "harm_to_others"))


# --- llamaguard -----------------------------------------------------------------------------


def test_llamaguard_safe_flags_nothing(server):
    server.answer(chat_completion("safe"))
    assessment = assess("What's the capital of France?", "llamaguard", config(server))
    assert assessment.backend == "llamaguard"
    assert assessment.flagged == ()
    request = server.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["json"]["messages"] == [{"role": "user", "content": "What's the capital of France?"}]


def test_llamaguard_hazard_codes_map_to_our_labels(server):
    server.answer(chat_completion("unsafe\nS1,S10"))
    assert assess("some message", "llamaguard", config(server)).flagged == ("abuse", "harmful_request")


def test_llamaguard_suicide_and_self_harm_is_a_risk(server):
    server.answer(chat_completion("\n\nunsafe\nS11"))
    assert assess("I want to hurt myself", "llamaguard", config(server)).flagged == ("self_harm",)


@pytest.mark.parametrize(
    ("answer", "flagged"),
    [("safe", {}), ("unsafe\nS9", {"harmful_request"}), ("unsafe\nS11, S2", {"self_harm", "harmful_request"}), ("unsafe\nS12", set())],
)
def test_llamaguard_answers_are_parsed(answer, flagged):
    assert {label for label, score in llamaguard_scores(answer).items() if score} == set(flagged)


# --- failures fall back to builtin -------------------------------------------------------------


@pytest.mark.parametrize("backend", ["openai", "llamaguard"])
def test_a_server_error_falls_back_to_builtin_and_says_so(server, backend):
    server.answer({"error": {"message": "internal error"}}, status=500)
    assessment = assess("you are a worthless piece of shit", backend, config(server))
    assert assessment.backend == "builtin"
    assert assessment.fallback_from == backend
    assert "HTTP 500" in assessment.fallback_error
    assert "abuse" in assessment.flagged


@pytest.mark.parametrize("backend", ["openai", "llamaguard"])
def test_a_timeout_falls_back_to_builtin_and_says_so(server, backend):
    server.answer(moderation_response(), delay=1.0)
    assessment = assess("i am going to kill myself tonight", backend, config(server, timeout=0.2))
    assert assessment.backend == "builtin"
    assert assessment.fallback_from == backend
    assert "timed out" in assessment.fallback_error
    assert assessment.risk


def test_an_answer_in_the_wrong_format_falls_back_to_builtin(server):
    server.answer(chat_completion("I cannot help with that."))
    assessment = assess("hello", "llamaguard", config(server))
    assert assessment.fallback_from == "llamaguard"


def test_an_unreachable_server_falls_back_to_builtin():
    unreachable = ExternalConfig(base_url="http://127.0.0.1:9/v1", timeout=0.5)
    assert assess("hello", "openai", unreachable).fallback_from == "openai"


def test_a_fallback_survives_a_round_trip_through_storage(server):
    from moderation.classifiers.base import Assessment

    server.answer({}, status=503)
    assessment = assess("hello", "openai", config(server))
    assert Assessment.from_dict(assessment.to_dict()) == assessment


# --- through the settings and the chat ---------------------------------------------------------


def test_assess_text_uses_the_configured_backend(server, settings):
    settings.MODERATION_BACKEND = "openai"
    settings.MODERATION_OPENAI_BASE_URL = server.url
    settings.MODERATION_OPENAI_MODEL = "omni-moderation-latest"
    server.answer(moderation_response(harassment=0.9))
    assert assess_text("you idiot").backend == "openai"
    assert server.requests[0]["json"]["model"] == "omni-moderation-latest"


def test_llamaguard_without_a_base_url_falls_back_to_builtin(settings):
    settings.MODERATION_BACKEND = "llamaguard"
    settings.MODERATION_LLAMAGUARD_BASE_URL = ""
    assessment = assess_text("hello")
    assert assessment.backend == "builtin"
    assert assessment.fallback_from == "llamaguard"


@pytest.mark.django_db
def test_an_outage_is_recorded_on_the_message_and_the_chat_goes_on(server, settings, owner):
    settings.MODERATION_BACKEND = "openai"
    settings.MODERATION_OPENAI_BASE_URL = server.url
    server.answer({"error": {"message": "overloaded"}}, status=500)
    conversation = chat.conversation_create(user=owner)
    user_message, reply = chat.message_send(user=owner, branch_id=conversation.active_branch_id, content="you are a worthless piece of shit")
    stored = replies.user_message_assess(message=user_message, user_id=owner.pk)
    user_message.refresh_from_db()
    assert user_message.moderation == stored
    assert stored["backend"] == "builtin"
    assert stored["fallback_from"] == "openai"
    assert "HTTP 500" in stored["fallback_error"]
    assert "abuse" in stored["flagged"]
    assert reply.status == "pending"


def test_messages_assessed_one_after_another_share_one_connection(server):
    server.answer(moderation_response())
    for text in ("hello", "how are you", "tell me about owls"):
        assert assess(text, "openai", config(server)).fallback_from is None
    assert len({request["peer"] for request in server.requests}) == 1
