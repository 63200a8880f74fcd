"""The end policy (`moderation.policy`, plain Python) as this site configures it: the settings it
reads, a stored assessment as the policy's user turn, and its answer to a model's end."""

from django.conf import settings

from moderation import policy
from moderation.classifiers.base import Assessment

# The policy's vocabulary, for the chat domain's type hints.
Decision = policy.Decision
RiskReview = policy.RiskReview
UserTurn = policy.UserTurn


def policy_config() -> policy.PolicyConfig:
    """The policy's settings as this site sets them (END_AFTER_REDIRECTS, RISK_WINDOW_TURNS,
    RISK_MEMORY)."""
    return policy.PolicyConfig(
        end_after_redirects=settings.END_AFTER_REDIRECTS,
        risk_window=settings.RISK_WINDOW_TURNS,
        risk_memory=settings.RISK_MEMORY,
    )


def policy_turn(*, flagged=(), reply_kind: str | None = None, assessment: dict | None = None) -> UserTurn:
    """One user turn as the policy sees it: the labels it was flagged for, whether it is a risk at
    the veto line and whether staff cleared that, and the kind of the reply that answered it
    (None while unanswered). `assessment` is a stored assessment (`Assessment.to_dict()`, with
    staff's `risk_cleared` when set); without one, `flagged` alone describes the turn."""
    if assessment is None:
        return policy.UserTurn(flagged=frozenset(flagged), reply_kind=reply_kind)
    stored = Assessment.from_dict(assessment) if assessment.get("labels") else None
    return policy.UserTurn(
        flagged=frozenset(stored.flagged if stored else assessment.get("flagged", ())),
        reply_kind=reply_kind,
        veto=stored.veto if stored else None,
        risk_cleared=bool(assessment.get("risk_cleared")),
    )


def model_end_decide(
    *, turns: list[UserTurn], requested_reason: str, branch_ended: bool = False, review: RiskReview | None = None
) -> Decision:
    """The policy's answer to a model asking to end a branch whose user turns are `turns`; with
    `review` (the end-time risk review's findings), the answer after that review."""
    if branch_ended:
        return policy.Decision(False, None, "already_ended", 0, ["The branch had already ended."])
    decision = policy.decide_model_end(turns, requested_reason, policy_config())
    return policy.apply_review(decision, review) if review is not None else decision


def as_answered(turns: list[UserTurn]) -> list[UserTurn]:
    """`turns` with each earlier turn given the reply kind the server gives it (no end between)."""
    return policy.as_answered(turns)


def reply_kind(*, turns: list[UserTurn], ended: bool) -> str:
    """The kind of the reply to the latest of the branch's user `turns`: answer, redirect, support
    or end, whatever the provider."""
    return policy.latest_reply_kind(turns, ended=ended)
