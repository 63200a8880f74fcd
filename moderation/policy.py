"""The end policy: pure functions over the assessments of a branch's user turns.

Nothing here touches the database. Every decision carries its reasons and the policy version so
that the record staff review says exactly why a conversation was (or was not) ended.
"""

from dataclasses import asdict, dataclass, field, replace


POLICY_VERSION = "2026-11-27.1"

from moderation.classifiers.base import LABELS, RISK_LABELS
from moderation.classifiers.base import MISCONDUCT_LABELS as _MISCONDUCT

# The classifiers' misconduct labels, in their label order: when a turn is both, "abuse" names the end.
MISCONDUCT_LABELS = tuple(label for label in LABELS if label in _MISCONDUCT)
END_REQUEST = "end_request"


@dataclass(frozen=True)
class Turn:
    """One user turn on the branch path: what it was flagged for and how the assistant answered."""

    flagged: frozenset[str]
    reply_kind: str | None = None

    @property
    def risk(self) -> bool:
        return bool(self.flagged & RISK_LABELS)

    @property
    def misconduct(self) -> bool:
        return any(label in self.flagged for label in MISCONDUCT_LABELS)


@dataclass(frozen=True)
class PolicyConfig:
    end_after_redirects: int = 3
    risk_window: int = 6


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str | None  # abuse, harmful_request or user_request when allowed
    refusal: str | None  # risk_veto, too_few_redirections or no_user_request when refused
    redirect_attempts: int
    reasons: list[str] = field(default_factory=list)
    policy_version: str = POLICY_VERSION
    # The thresholds the decision was made with, so a record stays explainable after the
    # settings change.
    config: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def count_redirections(turns: list[Turn]) -> int:
    """Earlier flagged turns (all but the latest) that the assistant answered with a redirection."""
    return sum(1 for turn in turns[:-1] if turn.misconduct and turn.reply_kind == "redirect")


def risk_in_window(turns: list[Turn], window: int) -> bool:
    return any(turn.risk for turn in turns[-window:])


def decide_model_end(turns: list[Turn], requested_reason: str, config: PolicyConfig) -> Decision:
    """Decide whether the model may end the branch whose user turns are `turns` (latest last)."""
    return replace(_decide(turns, requested_reason, config), config=asdict(config))


def _decide(turns: list[Turn], requested_reason: str, config: PolicyConfig) -> Decision:
    redirects = count_redirections(turns)
    if not turns:
        return Decision(False, None, "no_user_request", 0, ["The branch has no user turn."])
    latest = turns[-1]
    if risk_in_window(turns, config.risk_window):
        return Decision(
            False,
            None,
            "risk_veto",
            redirects,
            [
                f"A user turn among the last {config.risk_window} shows a risk of harm to self or "
                "others; the assistant stays and offers support instead of ending."
            ],
        )
    if END_REQUEST in latest.flagged:
        return Decision(True, "user_request", None, redirects, ["The latest user turn asks to end the conversation."])
    if latest.misconduct and redirects >= config.end_after_redirects:
        reason = requested_reason if requested_reason in latest.flagged else _misconduct_reason(latest)
        return Decision(
            True,
            reason,
            None,
            redirects,
            [
                f"{redirects} earlier flagged turns were each answered with a redirection "
                f"(at least {config.end_after_redirects} required) and the latest turn is still flagged "
                f"({', '.join(sorted(latest.flagged))})."
            ],
        )
    if requested_reason == "user_request":
        return Decision(
            False, None, "no_user_request", redirects, ["The model claimed the user asked to end, but the latest turn does not."]
        )
    if not latest.misconduct:
        detail = "the latest user turn is not flagged"
    else:
        detail = f"only {redirects} of the required {config.end_after_redirects} redirections happened first"
    return Decision(False, None, "too_few_redirections", redirects, [f"Ending is a last resort: {detail}."])


def _misconduct_reason(turn: Turn) -> str:
    return next(label for label in MISCONDUCT_LABELS if label in turn.flagged)


def reply_kind(latest: Turn, *, ended: bool) -> str:
    """The kind of the assistant reply to `latest`, derived the same way for every provider."""
    if ended:
        return "end"
    if latest.risk:
        return "support"
    if latest.misconduct:
        return "redirect"
    return "answer"
