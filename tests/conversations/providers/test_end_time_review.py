"""The end-time risk review and risk memory, through the reply pipeline in process: the real SDKs
against the fake model APIs (tests/support/conversations/providers/fake_llm_server.py), the real
database and Redis."""

import pytest
from django.contrib.auth import get_user_model

from conversations import pipeline, services
from conversations.models import Message
from moderation.models import EndAttempt, EndEvent
from review.services import branch_risk_clear
from tests.support.conversations.providers.fake_llm_server import (
    anthropic_end_call,
    anthropic_error,
    anthropic_message,
    anthropic_stream,
    openai_completion,
    openai_end_call,
    openai_stream,
)

pytestmark = pytest.mark.django_db

END_REQUEST = "Please end this conversation."
ABUSE = "you are a worthless piece of shit"
RISK = "I can't keep living like this, I'm going to end it tonight"


def send(owner, text, provider, conversation=None):
    conversation = conversation or services.conversation_create(user=owner, provider=provider)
    _, reply = services.message_send(user=owner, branch_id=conversation.active_branch_id, content=text)
    return conversation, reply


def generate(reply):
    assert pipeline.generate(str(reply.pk), retries_left=0) in ("complete", "failed")
    reply.refresh_from_db()
    return reply


def test_before_an_end_the_model_is_asked_about_risk_and_its_no_is_recorded(owner, fake_llm):
    fake_llm.queue(anthropic_end_call("user_request", "Asked to stop.", ["Goodbye."]), anthropic_message("No"))
    _, reply = send(owner, END_REQUEST, "anthropic")
    reply = generate(reply)
    assert reply.branch.ended
    question = fake_llm.requests[1]
    assert "stream" not in question.body or not question.body["stream"]
    assert "yes or no" in question.body["system"]
    assert END_REQUEST in question.body["messages"][0]["content"]
    review = EndEvent.objects.get().risk_review
    assert review["model_answer"] == "no" and not review["risk"] and not review["failed"]
    assert review["turns_checked"] == 1
    assert review["details"]["encoder"]["turns"][0]["veto"] is False
    assert review["details"]["model"]["ms"] >= 0


def test_a_yes_from_the_model_vetoes_the_end_and_the_assistant_stays(owner, fake_llm):
    fake_llm.queue(
        openai_end_call("user_request", "Asked to stop.", ["Goodbye."]),
        openai_completion("Yes."),
        openai_stream(["I'm still here if you want to talk."]),
    )
    _, reply = send(owner, END_REQUEST, "openai")
    reply = generate(reply)
    assert not reply.branch.ended
    assert reply.content.startswith("I'm still here")
    attempt = EndAttempt.objects.get()
    assert attempt.refusal == "risk_veto"
    assert attempt.risk_review["model_answer"] == "yes"
    assert "answered yes" in attempt.decision["reasons"][0]
    assert EndEvent.objects.count() == 0


@pytest.mark.parametrize(
    "answer",
    [anthropic_error(529, "overloaded_error", "Overloaded"), anthropic_message("I'd rather not say.")],
    ids=["service-error", "neither-yes-nor-no"],
)
def test_an_unanswered_risk_question_refuses_the_end(owner, fake_llm, answer):
    fake_llm.queue(anthropic_end_call("user_request", "Asked to stop."), answer, anthropic_stream(["Let's keep talking."]))
    _, reply = send(owner, END_REQUEST, "anthropic")
    reply = generate(reply)
    assert not reply.branch.ended
    attempt = EndAttempt.objects.get()
    assert attempt.refusal == "risk_check_failed"
    assert attempt.risk_review["failed"]
    assert attempt.risk_review["model_error"]


def test_a_model_that_never_answers_is_given_up_on_within_the_timeout(owner, fake_llm, settings):
    from tests.support.conversations.providers.fake_llm_server import Stream

    settings.RISK_REVIEW_MODEL_TIMEOUT_MS = 300
    # The answer hangs: a stream that goes silent, where a JSON body was expected.
    fake_llm.queue(anthropic_end_call("user_request", "Asked to stop."), Stream(["event: ping\ndata: {}\n\n"], cut_after=1, cut="hang"), anthropic_stream(["Still here."]))
    _, reply = send(owner, END_REQUEST, "anthropic")
    reply = generate(reply)
    attempt = EndAttempt.objects.get()
    assert attempt.refusal == "risk_check_failed"
    assert attempt.risk_review["details"]["model"]["ms"] < 5000


def test_the_offline_provider_has_no_model_to_ask_and_its_end_is_reviewed_by_the_encoder(owner):
    _, reply = send(owner, END_REQUEST, "local")
    reply = generate(reply)
    assert reply.branch.ended
    review = EndEvent.objects.get().risk_review
    assert review["model_answer"] is None and "model" not in review["details"]
    assert review["details"]["encoder"]["turns"][0]["turn"] == 1


def forge_assessment(user_message, *, model, risk):
    """Replace the stored assessment of a user message, before its reply is generated."""
    labels = {"abuse": 0.0, "harmful_request": 0.0, "self_harm": 0.0, "harm_to_others": 0.0, "end_request": 0.9}
    record = {
        "labels": labels, "flagged": ["end_request"], "risk": risk, "veto": False,
        "thresholds": {"veto": 0.5, "support": 0.5}, "backend": "builtin", "model": model,
    }
    Message.objects.filter(pk=user_message.pk).update(moderation=record)


def test_every_turn_is_re_scored_unless_this_very_model_scored_it(owner):
    """A record from another model (an earlier release, say) is not trusted: the risk it missed
    is found again and the end is refused."""
    conversation = services.conversation_create(user=owner, provider="always_end")
    user_message, reply = services.message_send(user=owner, branch_id=conversation.active_branch_id, content=RISK)
    forge_assessment(user_message, model="builtin-0000000000000000", risk=0.0)
    reply = generate(reply)
    assert not reply.branch.ended
    attempt = EndAttempt.objects.get()
    assert attempt.refusal == "risk_veto"
    turn = attempt.risk_review["details"]["encoder"]["turns"][0]
    assert turn["veto"] and not turn["stored"]


def test_a_turn_this_model_scored_is_read_from_its_record_at_todays_veto_line(owner, settings):
    """No second encoder pass for a score this model already gave; the veto line is today's."""
    from moderation.classifiers import builtin

    settings.RISK_VETO_THRESHOLD = 0.4
    conversation = services.conversation_create(user=owner, provider="always_end")
    user_message, reply = services.message_send(user=owner, branch_id=conversation.active_branch_id, content=END_REQUEST)
    forge_assessment(user_message, model=builtin.model_identity(), risk=0.45)  # under 0.5 when sent
    reply = generate(reply)
    assert not reply.branch.ended
    review = EndAttempt.objects.get().risk_review
    assert review["details"]["encoder"]["model"] == builtin.model_identity()
    assert review["details"]["encoder"]["turns"] == [{"turn": 1, "risk": 0.45, "veto": True, "stored": True}]


def test_an_end_reviews_turns_from_their_records_in_a_worker_that_never_saw_them(owner):
    from moderation.classifiers import builtin

    conversation, reply = send(owner, "Hello there", "local")
    generate(reply)
    _, reply = send(owner, END_REQUEST, "local", conversation)
    builtin.clear_cache()  # another worker process: nothing scored in memory
    reply = generate(reply)
    assert reply.branch.ended
    turns = EndEvent.objects.get().risk_review["details"]["encoder"]["turns"]
    assert [turn["stored"] for turn in turns] == [True, True]


def test_with_an_external_moderation_backend_an_end_reads_the_combined_records(owner, settings):
    """The combined record names the builtin model whose risk scores it includes."""
    from moderation.classifiers import builtin
    from tests.support.moderation.fake_moderation_server import FakeModerationServer, moderation_response

    with FakeModerationServer() as moderation:
        moderation.answer(moderation_response())
        settings.MODERATION_BACKEND = "openai"
        settings.MODERATION_OPENAI_BASE_URL = moderation.url
        _, reply = send(owner, END_REQUEST, "local")
        builtin.clear_cache()  # another worker process: nothing scored in memory
        reply = generate(reply)
    assert reply.branch.ended
    assert Message.objects.get(role="user").moderation["backend"] == "openai"
    assert [turn["stored"] for turn in EndEvent.objects.get().risk_review["details"]["encoder"]["turns"]] == [True]


def test_a_risk_early_in_a_long_branch_still_vetoes_the_end(owner, settings):
    """Risk memory: turn 1 was a risk; nine abusive turns later the model asks to end."""
    settings.RISK_WINDOW_TURNS = 3
    conversation, reply = send(owner, RISK, "always_end")
    generate(reply)
    for _ in range(9):
        _, reply = send(owner, ABUSE, "always_end", conversation)
        reply = generate(reply)
    assert not reply.branch.ended
    assert EndAttempt.objects.filter(refusal="risk_veto").count() == 10
    assert "on this branch" in EndAttempt.objects.first().decision["reasons"][0]


def test_without_risk_memory_only_the_window_counts(owner, settings):
    settings.RISK_MEMORY = False
    settings.RISK_WINDOW_TURNS = 2
    settings.END_AFTER_REDIRECTS = 1
    conversation, reply = send(owner, RISK, "always_end")
    generate(reply)
    for _ in range(3):
        _, reply = send(owner, ABUSE, "always_end", conversation)
        reply = generate(reply)
        if reply.branch.ended:
            break
    assert reply.branch.ended


def test_staff_clearing_a_false_alarm_lets_the_model_end_the_branch_again(owner, make_user):
    staff = make_user("moderator", staff=True)
    conversation, reply = send(owner, RISK, "always_end")
    generate(reply)
    attempt = EndAttempt.objects.get()
    assert attempt.refusal == "risk_veto"
    assert branch_risk_clear(attempt=attempt, staff_user=staff) == 1
    attempt.refresh_from_db()
    assert attempt.risk_cleared_by == staff and attempt.risk_cleared_at is not None
    first = Message.objects.filter(conversation=conversation, role="user").get()
    assert first.moderation["risk_cleared"]["by"] == "moderator"
    _, reply = send(owner, END_REQUEST, "always_end", conversation)
    reply = generate(reply)
    assert reply.branch.ended
    assert EndEvent.objects.get().risk_review["turns_checked"] == 1, "the cleared turn is not re-checked"


def test_a_risk_after_staff_cleared_the_branch_counts_again(owner, make_user):
    staff = make_user("moderator", staff=True)
    conversation, reply = send(owner, RISK, "always_end")
    generate(reply)
    branch_risk_clear(attempt=EndAttempt.objects.get(), staff_user=staff)
    _, reply = send(owner, "i want to kill myself", "always_end", conversation)
    reply = generate(reply)
    assert not reply.branch.ended
    assert EndAttempt.objects.filter(refusal="risk_veto").count() == 2


def test_the_user_can_always_end_a_branch_the_model_may_not(owner):
    conversation, reply = send(owner, RISK, "always_end")
    generate(reply)
    branch = conversation.active_branch
    services.branch_end(branch=branch, initiated_by="user", reason="user_request", initiator_user=owner)
    branch.refresh_from_db()
    assert branch.ended


def test_the_review_is_shown_to_staff_on_the_records_pages(owner, fake_llm, admin_client):
    fake_llm.queue(anthropic_end_call("user_request", "Asked to stop.", ["Goodbye."]), anthropic_message("no"))
    _, reply = send(owner, END_REQUEST, "anthropic")
    generate(reply)
    event = EndEvent.objects.get()
    page = admin_client.get(f"/admin/moderation/endevent/{event.pk}/change/").content.decode()
    assert "End-time risk review" in page
    assert "No risk found" in page and "<strong>no</strong>" in page
    assert "(as sent)" in page, "staff see that the turn's score was read from its record"


def test_staff_clear_a_risk_veto_from_the_refused_ends_list(owner, admin_client):
    conversation, reply = send(owner, RISK, "always_end")
    generate(reply)
    attempt = EndAttempt.objects.get()
    response = admin_client.post(
        "/admin/moderation/endattempt/", {"action": "clear_risk", "_selected_action": [str(attempt.pk)]}, follow=True
    )
    assert "Risk cleared on 1 branch" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.risk_cleared_by == get_user_model().objects.get(username="admin")


def test_moderators_clear_a_risk_veto_through_the_staff_api_and_read_the_review(owner, moderator):
    from rest_framework.test import APIClient

    _, reply = send(owner, RISK, "always_end")
    generate(reply)
    attempt = EndAttempt.objects.get()
    client = APIClient()
    client.force_authenticate(moderator)
    detail = client.get(f"/api/v1/moderation/end-attempts/{attempt.pk}/").json()
    assert detail["refusal"] == "risk_veto" and detail["risk_cleared_at"] is None
    assert detail["risk_review"] == {}, "the policy refused before any end-time review was needed"
    cleared = client.post(f"/api/v1/moderation/end-attempts/{attempt.pk}/clear-risk/")
    assert cleared.status_code == 200
    assert cleared.json()["risk_cleared_by"] == "moderator"
    again = client.post(f"/api/v1/moderation/end-attempts/{attempt.pk}/clear-risk/")
    assert again.status_code == 200, "clearing twice changes nothing and is not an error"


def test_only_a_risk_veto_can_be_cleared(owner, moderator):
    from rest_framework.test import APIClient

    conversation, reply = send(owner, "hello there", "always_end")
    generate(reply)
    attempt = EndAttempt.objects.get()
    assert attempt.refusal == "too_few_redirections"
    client = APIClient()
    client.force_authenticate(moderator)
    refused = client.post(f"/api/v1/moderation/end-attempts/{attempt.pk}/clear-risk/")
    assert refused.status_code == 409 and refused.json()["code"] == "not_a_risk_veto"


def test_a_risk_in_the_middle_of_a_long_paste_gets_the_support_reply_and_holds_back_an_end(owner, settings, middle_reads_cleared):
    """The middle of a message over 8,001 characters is read as it is sent, within the user's
    budget: the reply offers support, and the end the user then asks for is refused."""
    from tests.moderation.test_long_messages import RISK_IN_MIDDLE

    conversation, reply = send(owner, RISK_IN_MIDDLE[0], "local")
    reply = generate(reply)
    assert reply.kind == "support" and settings.SUPPORT_RESOURCES in reply.content
    assert reply.content.startswith("I'm really sorry about what's happening"), "the offline provider's own support reply"
    stored = Message.objects.filter(role="user").first().moderation
    assert stored["veto"] and stored["middle_read"]
    _, reply = send(owner, END_REQUEST, "local", conversation)
    reply = generate(reply)
    assert not reply.branch.ended
    attempt = EndAttempt.objects.get()
    assert attempt.refusal == "risk_veto"
    assert attempt.risk_review == {}, "the stored risk refuses the end before any review"


def test_a_risk_in_the_middle_of_a_paste_past_the_budget_still_holds_back_an_end(owner, settings, middle_reads_cleared):
    """Past the budget the middle is not read as the message is sent (no support reply); the
    end-time review reads it, so the assistant still stays."""
    from tests.moderation.test_long_messages import RISK_IN_MIDDLE

    settings.RISK_MIDDLE_READS_PER_MINUTE = 0
    conversation, reply = send(owner, RISK_IN_MIDDLE[0], "local")
    reply = generate(reply)
    assert reply.kind != "support"
    assert not Message.objects.filter(role="user").first().moderation["veto"]  # the ends alone: no risk
    _, reply = send(owner, END_REQUEST, "local", conversation)
    reply = generate(reply)
    assert not reply.branch.ended
    attempt = EndAttempt.objects.get()
    assert attempt.refusal == "risk_veto"
    long_turn = attempt.risk_review["details"]["encoder"]["turns"][0]
    assert long_turn["veto"] and long_turn["middle_read"]


def test_a_long_paste_with_nothing_in_its_middle_does_not_hold_back_an_end(owner):
    from tests.moderation.test_long_messages import ORDINARY_LONG

    conversation, reply = send(owner, ORDINARY_LONG, "local")
    generate(reply)
    _, reply = send(owner, END_REQUEST, "local", conversation)
    reply = generate(reply)
    assert reply.branch.ended
    long_turn = EndEvent.objects.get().risk_review["details"]["encoder"]["turns"][0]
    assert long_turn["middle_read"] and not long_turn["veto"]


def test_more_long_text_than_the_review_may_read_refuses_the_end_and_staff_see_why(owner, settings, client, moderator):
    """What the encoder was not allowed to read was not checked: no end without it."""
    from tests.moderation.test_long_messages import ORDINARY_LONG

    settings.RISK_MIDDLE_READS_PER_MINUTE = 0
    settings.RISK_REVIEW_MAX_CHARS = len(ORDINARY_LONG) - 1
    conversation, reply = send(owner, ORDINARY_LONG, "local")
    generate(reply)
    _, reply = send(owner, END_REQUEST, "local", conversation)
    reply = generate(reply)
    assert not reply.branch.ended
    attempt = EndAttempt.objects.get()
    assert attempt.refusal == "risk_check_failed"
    assert attempt.risk_review["unread_chars"] == len(ORDINARY_LONG)
    assert "characters of long messages" in attempt.decision["reasons"][0]
    assert attempt.risk_review["details"]["encoder"]["turns"][0]["middle_read"] is False
    client.force_login(moderator)
    page = client.get(f"/admin/moderation/endattempt/{attempt.pk}/change/").content.decode()
    assert "Too much long text to read: the end was refused" in page
    assert "(middle of a long message not read)" in page


def test_a_middle_read_as_it_was_sent_is_not_read_again_before_an_end(owner, settings, middle_reads_cleared):
    """The review reads the stored record, so the cap on what it may read does not refuse it."""
    from tests.moderation.test_long_messages import ORDINARY_LONG

    settings.RISK_REVIEW_MAX_CHARS = 0
    conversation, reply = send(owner, ORDINARY_LONG, "local")
    generate(reply)
    _, reply = send(owner, END_REQUEST, "local", conversation)
    reply = generate(reply)
    assert reply.branch.ended
    review = EndEvent.objects.get().risk_review
    assert review["unread_chars"] == 0
    long_turn = review["details"]["encoder"]["turns"][0]
    assert long_turn["stored"] and long_turn["middle_read"] and not long_turn["veto"]
