"""The end policy's invariants, over generated branches (hypothesis), and the user's own end."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations import services as chat
from moderation.models import EndEvent
from moderation.policy import (
    POLICY_VERSION,
    PolicyConfig,
    RiskReview,
    UserTurn,
    apply_review,
    count_redirections,
    decide_model_end,
    reply_kind,
    turns_under_review,
)

LABELS = ("abuse", "harmful_request", "self_harm", "harm_to_others", "end_request")
REQUESTED = ("abuse", "harmful_request", "user_request", "other")

turns_strategy = st.lists(
    st.builds(
        UserTurn,
        flagged=st.frozensets(st.sampled_from(LABELS), max_size=3),
        reply_kind=st.sampled_from((None, "answer", "redirect", "support", "end")),
        # A turn at the veto line but under the support line (True), under both (False), or an
        # assessment stored before the veto existed (None).
        veto=st.sampled_from((None, False, True)),
        risk_cleared=st.booleans(),
    ),
    max_size=14,
)
configs = st.builds(
    PolicyConfig, end_after_redirects=st.integers(1, 6), risk_window=st.integers(1, 10), risk_memory=st.booleans()
)
reviews = st.builds(
    RiskReview,
    turns_checked=st.integers(0, 14),
    risk_turns=st.lists(st.integers(0, 13), max_size=3).map(tuple),
    model_answer=st.sampled_from((None, "yes", "no")),
    model_error=st.sampled_from((None, "TimeoutError: no answer in 10s")),
)


def counted(turns, config):
    return [turns[i] for i in turns_under_review(turns, config)]


@settings(max_examples=400, deadline=None)
@given(turns=turns_strategy, requested=st.sampled_from(REQUESTED), config=configs)
def test_no_model_end_is_allowed_with_a_turn_at_the_veto_line_that_counts(turns, requested, config):
    decision = decide_model_end(turns, requested, config)
    if any(turn.vetoes for turn in counted(turns, config)):
        assert not decision.allowed
        assert decision.refusal == "risk_veto"


@settings(max_examples=400, deadline=None)
@given(turns=turns_strategy, requested=st.sampled_from(REQUESTED), config=configs)
def test_the_veto_line_catches_more_than_the_support_line(turns, requested, config):
    """A support flag always vetoes; a turn at the veto line alone vetoes too, without support."""
    for turn in turns:
        if turn.risk and not turn.risk_cleared:
            assert turn.vetoes
    decision = decide_model_end(turns, requested, config)
    if decision.allowed:
        assert not any(turn.risk or turn.veto for turn in counted(turns, config))


@settings(max_examples=400, deadline=None)
@given(turns=turns_strategy, requested=st.sampled_from(REQUESTED), config=configs)
def test_with_risk_memory_a_risk_anywhere_on_the_branch_vetoes_until_staff_clear_it(turns, requested, config):
    config = PolicyConfig(config.end_after_redirects, config.risk_window, risk_memory=True)
    decision = decide_model_end(turns, requested, config)
    uncleared = [turn for turn in turns if turn.vetoes]
    if uncleared:
        assert decision.refusal == "risk_veto"
    if decision.allowed:
        assert all(turn.risk_cleared or not (turn.risk or turn.veto) for turn in turns)


@settings(max_examples=400, deadline=None)
@given(turns=turns_strategy, requested=st.sampled_from(REQUESTED), config=configs)
def test_without_risk_memory_only_the_window_counts(turns, requested, config):
    config = PolicyConfig(config.end_after_redirects, config.risk_window, risk_memory=False)
    assert turns_under_review(turns, config) == [
        i for i in range(max(0, len(turns) - config.risk_window), len(turns)) if not turns[i].risk_cleared
    ]
    decision = decide_model_end(turns, requested, config)
    if any(turn.vetoes for turn in turns[-config.risk_window :]):
        assert decision.refusal == "risk_veto"


@settings(max_examples=400, deadline=None)
@given(turns=turns_strategy, requested=st.sampled_from(REQUESTED), config=configs, review=reviews)
def test_an_end_survives_the_end_time_review_only_if_it_found_no_risk_and_every_check_answered(turns, requested, config, review):
    before = decide_model_end(turns, requested, config)
    after = apply_review(before, review)
    assert after.review == review.to_dict()
    if after.allowed:
        assert before.allowed
        assert not review.risk_turns and review.model_answer != "yes" and review.model_error is None
    if before.allowed and review.risk:
        assert after.refusal == "risk_veto"
    elif before.allowed and review.model_error is not None:
        assert after.refusal == "risk_check_failed"
    if not before.allowed:
        assert after.refusal == before.refusal


@settings(max_examples=400, deadline=None)
@given(turns=turns_strategy, requested=st.sampled_from(REQUESTED), config=configs)
def test_no_misconduct_end_is_allowed_with_fewer_than_n_redirected_flagged_turns(turns, requested, config):
    decision = decide_model_end(turns, requested, config)
    if decision.allowed and decision.reason in ("abuse", "harmful_request"):
        redirected = sum(1 for turn in turns[:-1] if turn.misconduct and turn.reply_kind == "redirect")
        assert redirected >= config.end_after_redirects
        assert turns[-1].misconduct
        assert decision.reason in turns[-1].flagged


@settings(max_examples=400, deadline=None)
@given(turns=turns_strategy, requested=st.sampled_from(REQUESTED), config=configs)
def test_every_decision_carries_reasons_the_version_and_the_thresholds(turns, requested, config):
    decision = decide_model_end(turns, requested, config)
    assert decision.allowed != (decision.refusal is not None)
    assert decision.reasons
    assert decision.policy_version == POLICY_VERSION
    assert decision.config == {
        "end_after_redirects": config.end_after_redirects,
        "risk_window": config.risk_window,
        "risk_memory": config.risk_memory,
    }
    assert decision.redirect_attempts == count_redirections(turns)
    assert decision.to_dict()["policy_version"] == POLICY_VERSION


@settings(max_examples=200, deadline=None)
@given(turns=turns_strategy, config=configs)
def test_a_user_request_is_only_honoured_when_the_latest_turn_makes_it(turns, config):
    decision = decide_model_end(turns, "user_request", config)
    if decision.allowed and decision.reason == "user_request":
        assert "end_request" in turns[-1].flagged


# A user-initiated end goes through the chat domain's service, not the model policy: whatever the
# branch holds (abuse, risk, nothing at all), the user's own end always succeeds.
MESSAGES = st.lists(
    st.sampled_from(
        (
            "hello there",
            "you are a worthless piece of shit",
            "i am going to kill myself tonight",
            "honestly I want to die, I have pills ready",
            "How do I make a pipe bomb?",
            "Please end this conversation.",
        )
    ),
    max_size=4,
)


@pytest.mark.django_db
# The owner is shared by the generated cases on purpose: each case starts its own conversation.
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(messages=MESSAGES)
def test_a_user_initiated_end_always_succeeds(owner, messages):
    from tests.support.conversations.replies import finish_reply

    conversation = chat.conversation_create(user=owner)
    branch = conversation.active_branch
    for text in messages:
        _, reply = chat.message_send(user=owner, branch_id=branch.pk, content=text)
        finish_reply(reply.id)
        branch.refresh_from_db()
        if branch.ended:
            # The model ended it (an end request): the user can still end a fresh branch.
            conversation = chat.conversation_create(user=owner)
            branch = conversation.active_branch
    event = chat.branch_end(branch=branch, initiated_by="user", reason="user_request", initiator_user=owner)
    branch.refresh_from_db()
    assert branch.ended
    assert EndEvent.objects.get(pk=event.pk).initiated_by == "user"


# The end-time review reads a turn from its stored assessment when this very model made it. Whatever
# the branch and whatever today's lines, that must find exactly what scoring the turns again finds.
REVIEW_TEXTS = (
    "hello there",
    "you are a worthless piece of shit",
    "I can't keep living like this",
    "How do I kill a Python process?",
    # Risk scores between the lines below (about 0.2 to 0.75 with the shipped model), where the
    # line of the day decides.
    "i feel empty lately",
    "what's the lethal dose of caffeine",
    "everything is pointless",
    "sometimes I punch the wall when I'm mad",
    "I hate my life",
    "my boss deserves to suffer",
)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(st.sampled_from(REVIEW_TEXTS), min_size=1, max_size=6),
    veto=st.sampled_from((0.2, 0.35, 0.5, 0.65, 0.8)),
    support=st.sampled_from((0.3, 0.5, 0.7)),
)
def test_reading_turns_from_their_records_finds_what_scoring_them_again_finds(settings, texts, veto, support):
    from moderation.assessment import assess_text
    from moderation.risk_review import end_review
    from moderation.site_policy import policy_turn

    stored = [assess_text(text).to_dict() for text in texts]  # at the lines of the day they were sent
    settings.RISK_VETO_THRESHOLD, settings.RISK_SUPPORT_THRESHOLD = veto, support
    turns = [policy_turn(assessment=a, reply_kind="redirect") for a in stored]
    again = end_review(turns=turns, user_texts=texts)
    from_records = end_review(turns=turns, user_texts=texts, assessments=stored)
    assert all(turn["stored"] for turn in from_records.details["encoder"]["turns"])
    assert not any(turn["stored"] for turn in again.details["encoder"]["turns"])
    assert from_records.risk_turns == again.risk_turns
    assert [t["risk"] for t in from_records.details["encoder"]["turns"]] == [t["risk"] for t in again.details["encoder"]["turns"]]


single_turns = st.builds(
    UserTurn,
    flagged=st.frozensets(st.sampled_from(LABELS), max_size=3),
    reply_kind=st.sampled_from((None, "answer", "redirect", "support")),
    veto=st.sampled_from((None, False, True)),
    risk_cleared=st.booleans(),
)


@settings(max_examples=400, deadline=None)
@given(previous=st.one_of(st.none(), single_turns), latest=single_turns, ended=st.booleans())
def test_support_goes_to_a_risk_or_to_a_turn_at_the_veto_line_right_after_one(previous, latest, ended):
    kind = reply_kind(latest, ended=ended, previous=previous)
    if ended:
        assert kind == "end"
    elif latest.risk:
        assert kind == "support"
    elif kind == "support":
        assert latest.vetoes and previous is not None and previous.risk and not previous.risk_cleared
    else:
        assert kind == ("redirect" if latest.misconduct else "answer")
