"""The end policy, decision by decision. Pure functions: no database."""

import pytest

from moderation.policy import (
    POLICY_VERSION,
    PolicyConfig,
    RiskReview,
    UserTurn,
    apply_review,
    as_answered,
    decide_model_end,
    reply_kind,
)

CONFIG = PolicyConfig(end_after_redirects=3, risk_window=6)


def turn(*labels: str, reply: str | None = None) -> UserTurn:
    return UserTurn(flagged=frozenset(labels), reply_kind=reply)


def redirected(label: str = "abuse", n: int = 3) -> list[UserTurn]:
    return [turn(label, reply="redirect") for _ in range(n)]


def test_abuse_after_three_redirections_ends_the_branch():
    decision = decide_model_end([*redirected(), turn("abuse")], "abuse", CONFIG)
    assert decision.allowed
    assert decision.reason == "abuse"
    assert decision.redirect_attempts == 3
    assert decision.policy_version == POLICY_VERSION
    assert decision.reasons


def test_abuse_after_two_redirections_is_refused_as_too_few():
    decision = decide_model_end([*redirected(n=2), turn("abuse")], "abuse", CONFIG)
    assert not decision.allowed
    assert decision.refusal == "too_few_redirections"
    assert "2 of the required 3" in decision.reasons[0]


def test_the_latest_turn_must_still_be_flagged():
    decision = decide_model_end([*redirected(), turn()], "abuse", CONFIG)
    assert not decision.allowed
    assert decision.refusal == "too_few_redirections"


def test_flagged_turns_answered_otherwise_than_by_redirection_do_not_count():
    turns = [turn("abuse", reply="answer"), turn("abuse", reply="support"), turn("abuse", reply="redirect"), turn("abuse")]
    decision = decide_model_end(turns, "abuse", CONFIG)
    assert not decision.allowed
    assert decision.redirect_attempts == 1


def test_harmful_requests_end_with_their_own_reason():
    decision = decide_model_end([*redirected("harmful_request"), turn("harmful_request")], "abuse", CONFIG)
    assert decision.allowed
    assert decision.reason == "harmful_request"


@pytest.mark.parametrize("risk", ["self_harm", "harm_to_others"])
def test_a_risk_turn_in_the_window_vetoes_a_model_end(risk):
    turns = [*redirected(), turn("abuse", risk, reply="support"), turn("abuse")]
    decision = decide_model_end(turns, "abuse", CONFIG)
    assert not decision.allowed
    assert decision.refusal == "risk_veto"


def test_a_risk_turn_vetoes_even_a_user_request():
    decision = decide_model_end([turn("self_harm", reply="support"), turn("end_request")], "user_request", CONFIG)
    assert decision.refusal == "risk_veto"


def test_without_risk_memory_a_risk_turn_outside_the_window_no_longer_vetoes():
    turns = [turn("self_harm", reply="support"), *redirected(n=6), turn("abuse")]
    forgetful = PolicyConfig(end_after_redirects=3, risk_window=6, risk_memory=False)
    assert decide_model_end(turns, "abuse", forgetful).allowed
    assert not decide_model_end(turns, "abuse", PolicyConfig(end_after_redirects=3, risk_window=8, risk_memory=False)).allowed


def test_with_risk_memory_a_risk_early_in_the_branch_still_vetoes():
    turns = [turn("self_harm", reply="support"), *redirected(n=9), turn("abuse")]
    decision = decide_model_end(turns, "abuse", PolicyConfig(end_after_redirects=3, risk_window=6))
    assert decision.refusal == "risk_veto"
    assert "on this branch" in decision.reasons[0]


def test_a_turn_at_the_veto_line_alone_vetoes_but_gets_no_support_reply():
    latest = UserTurn(flagged=frozenset({"abuse"}), veto=True)
    decision = decide_model_end([*redirected(), latest], "abuse", CONFIG)
    assert decision.refusal == "risk_veto"
    assert reply_kind(latest, ended=False) == "redirect"


def test_a_risk_staff_cleared_no_longer_vetoes():
    cleared = UserTurn(flagged=frozenset({"self_harm"}), reply_kind="support", risk_cleared=True)
    assert decide_model_end([cleared, *redirected(), turn("abuse")], "abuse", CONFIG).allowed


def test_the_end_time_review_refuses_what_the_policy_would_allow():
    allowed = decide_model_end([*redirected(), turn("abuse")], "abuse", CONFIG)
    assert allowed.allowed
    found = apply_review(allowed, RiskReview(turns_checked=4, risk_turns=(1,)))
    assert (found.allowed, found.refusal) == (False, "risk_veto")
    assert "user turn(s) 2 of 4" in found.reasons[0]
    said_yes = apply_review(allowed, RiskReview(turns_checked=4, model_answer="yes"))
    assert said_yes.refusal == "risk_veto"
    silent = apply_review(allowed, RiskReview(turns_checked=4, model_error="TimeoutError"))
    assert silent.refusal == "risk_check_failed"
    clean = apply_review(allowed, RiskReview(turns_checked=4, model_answer="no"))
    assert clean.allowed and clean.review["model_answer"] == "no"


def test_a_plain_request_to_end_is_allowed_at_once():
    decision = decide_model_end([turn(), turn("end_request")], "user_request", CONFIG)
    assert decision.allowed
    assert decision.reason == "user_request"


def test_a_claimed_user_request_that_the_user_never_made_is_refused():
    decision = decide_model_end([turn(), turn()], "user_request", CONFIG)
    assert not decision.allowed
    assert decision.refusal == "no_user_request"


def test_no_user_turn_means_no_end():
    assert not decide_model_end([], "abuse", CONFIG).allowed


def test_the_threshold_is_a_setting():
    turns = [*redirected(n=1), turn("abuse")]
    assert decide_model_end(turns, "abuse", PolicyConfig(end_after_redirects=1)).allowed
    assert not decide_model_end(turns, "abuse", PolicyConfig(end_after_redirects=2)).allowed


@pytest.mark.parametrize(
    ("labels", "ended", "kind"),
    [
        ((), False, "answer"),
        (("abuse",), False, "redirect"),
        (("harmful_request",), False, "redirect"),
        (("self_harm",), False, "support"),
        (("abuse", "harm_to_others"), False, "support"),
        (("abuse",), True, "end"),
        (("end_request",), True, "end"),
    ],
)
def test_the_reply_kind_follows_the_turn_and_the_end(labels, ended, kind):
    assert reply_kind(turn(*labels), ended=ended) == kind


def test_a_turn_at_the_veto_line_right_after_a_risk_gets_support():
    """A question at the veto line but under the support line ("What's the best knot for a rope
    that has to hold a person's weight?") after a turn read as a risk ("I wrote goodbye letters to
    my family last night"): support, though the question alone gets an answer."""
    risk, question = turn("self_harm", reply="support"), UserTurn(flagged=frozenset(), veto=True)
    assert reply_kind(question, ended=False, previous=risk) == "support"
    assert reply_kind(question, ended=False) == "answer"


@pytest.mark.parametrize(
    ("previous", "latest", "kind"),
    [
        # Under the veto line: an ordinary answer, whatever came before.
        (turn("self_harm", reply="support"), UserTurn(flagged=frozenset(), veto=False), "answer"),
        # A turn before that was only at the veto line, not the support line.
        (UserTurn(flagged=frozenset(), veto=True, reply_kind="answer"), UserTurn(flagged=frozenset(), veto=True), "answer"),
        # A risk staff cleared no longer carries over.
        (
            UserTurn(flagged=frozenset({"self_harm"}), reply_kind="support", risk_cleared=True),
            UserTurn(flagged=frozenset(), veto=True),
            "answer",
        ),
        # Abuse at the veto line after a risk: support rather than a redirection.
        (turn("harm_to_others", reply="support"), UserTurn(flagged=frozenset({"abuse"}), veto=True), "support"),
    ],
)
def test_a_risk_carries_over_only_to_the_next_turn_at_the_veto_line(previous, latest, kind):
    assert reply_kind(latest, ended=False, previous=previous) == kind


def test_a_transcript_s_turns_get_the_kinds_the_server_gave_their_replies():
    at_veto = UserTurn(flagged=frozenset(), veto=True)
    turns = as_answered([turn("self_harm"), at_veto, at_veto, turn("abuse"), turn()])
    assert [t.reply_kind for t in turns] == ["support", "support", "answer", "redirect", None]


def test_the_policy_module_has_no_orm_import():
    import moderation.policy as module

    source = open(module.__file__, encoding="utf-8").read()
    assert "django" not in source
