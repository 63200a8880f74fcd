"""The end policy: pure functions over the assessments of a branch's user turns.

Nothing here touches the database. Every decision carries its reasons and the policy version so
that the record staff review says exactly why a conversation was (or was not) ended.

Risk comes first, on two lines (see `moderation.classifiers.base.Thresholds`): a turn at the
*veto* line keeps the model from ending the branch; a turn at the *support* line also gets a
reply with support resources, and so does the next turn if it reaches the veto line. With
`risk_memory` on (the default), a veto anywhere on the branch is remembered for the rest of it,
unless staff cleared that turn; off, only the last `risk_window` turns count. Just before an
end is allowed, an end-time review re-checks every turn that counts (`RiskReview`, run by
`moderation.risk_review`); any risk it finds, or a check that could not answer, refuses the end.
"""

from dataclasses import asdict, dataclass, field, replace

from moderation.classifiers.base import LABELS, RISK_LABELS
from moderation.classifiers.base import MISCONDUCT_LABELS as _MISCONDUCT

POLICY_VERSION = "2026-11-30.1"

# The classifiers' misconduct labels, in their label order: when a turn is both, "abuse" names the end.
MISCONDUCT_LABELS = tuple(label for label in LABELS if label in _MISCONDUCT)
END_REQUEST = "end_request"


@dataclass(frozen=True)
class UserTurn:
    """One user turn on the branch path: what it was flagged for, whether it is a risk at the veto
    line, whether staff cleared that risk, and how the assistant answered."""

    flagged: frozenset[str]
    reply_kind: str | None = None
    # None means "as flagged": a turn flagged with a risk label is at the veto line too.
    veto: bool | None = None
    risk_cleared: bool = False

    @property
    def risk(self) -> bool:
        """At the support line: the reply to this turn offers support."""
        return bool(self.flagged & RISK_LABELS)

    @property
    def vetoes(self) -> bool:
        """At the veto line and not cleared by staff: the model may not end the branch."""
        if self.risk_cleared:
            return False
        return self.risk or bool(self.veto)

    @property
    def misconduct(self) -> bool:
        return any(label in self.flagged for label in MISCONDUCT_LABELS)

    @property
    def asks_to_end(self) -> bool:
        return END_REQUEST in self.flagged


@dataclass(frozen=True)
class PolicyConfig:
    end_after_redirects: int = 3
    risk_window: int = 6
    risk_memory: bool = True


@dataclass(frozen=True)
class RiskReview:
    """What the end-time review found (run by the caller, before an end it would allow).

    `turns_checked` user turns were re-checked by the encoder at the veto line; `risk_turns` holds
    the positions (0 = the first user turn) of those it found at risk. `model_answer` is the
    configured model's answer to a strict yes/no question about risk in the transcript: "yes",
    "no", or None when no model was asked (the offline provider); `model_error` says why the
    question could not be answered, which refuses the end as well. `unread_chars` counts the
    characters of long messages the encoder was not allowed to read (more than the review may
    read in one end): what was not checked refuses the end too.
    """

    turns_checked: int
    risk_turns: tuple[int, ...] = ()
    model_answer: str | None = None
    model_error: str | None = None
    unread_chars: int = 0
    details: dict = field(default_factory=dict)

    @property
    def risk(self) -> bool:
        return bool(self.risk_turns) or self.model_answer == "yes"

    @property
    def failed(self) -> bool:
        return self.model_error is not None or self.unread_chars > 0

    def to_dict(self) -> dict:
        return {**asdict(self), "risk": self.risk, "failed": self.failed}


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
    config: dict[str, int | bool] = field(default_factory=dict)
    # What the end-time review found, when one ran (`apply_review`).
    review: dict | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def count_redirections(turns: list[UserTurn]) -> int:
    """Earlier flagged turns (all but the latest) that the assistant answered with a redirection."""
    return sum(1 for turn in turns[:-1] if turn.misconduct and turn.reply_kind == "redirect")


def risk_in_window(turns: list[UserTurn], window: int) -> bool:
    return any(turn.vetoes for turn in turns[-window:])


def turns_under_review(turns: list[UserTurn], config: PolicyConfig) -> list[int]:
    """The positions of the user turns whose risk counts: every turn the branch remembers (all of
    them with risk memory on, the window otherwise), less those staff cleared. The end-time review
    re-checks exactly these."""
    first = 0 if config.risk_memory else max(0, len(turns) - config.risk_window)
    return [i for i in range(first, len(turns)) if not turns[i].risk_cleared]


def _risk_vetoes(turns: list[UserTurn], config: PolicyConfig) -> bool:
    return any(turns[i].vetoes for i in turns_under_review(turns, config))


def decide_model_end(turns: list[UserTurn], requested_reason: str, config: PolicyConfig) -> Decision:
    """Decide whether the model may end the branch whose user turns are `turns` (latest last)."""
    return replace(_decide(turns, requested_reason, config), config=asdict(config))


def _decide(turns: list[UserTurn], requested_reason: str, config: PolicyConfig) -> Decision:
    redirects = count_redirections(turns)
    if not turns:
        return Decision(False, None, "no_user_request", 0, ["The branch has no user turn."])
    latest = turns[-1]
    if _risk_vetoes(turns, config):
        where = "on this branch" if config.risk_memory else f"among the last {config.risk_window}"
        return Decision(
            False,
            None,
            "risk_veto",
            redirects,
            [
                f"A user turn {where} shows a possible risk of harm to self or others; the assistant "
                "stays and offers support instead of ending."
            ],
        )
    if latest.asks_to_end:
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


def apply_review(decision: Decision, review: RiskReview) -> Decision:
    """The decision once the end-time review has answered: an allowed end stays allowed only if
    the review found no risk and every check answered."""
    recorded = replace(decision, review=review.to_dict())
    if not decision.allowed:
        return recorded
    if review.risk:
        found = []
        if review.risk_turns:
            positions = ", ".join(str(i + 1) for i in review.risk_turns)
            found.append(f"the encoder found a possible risk in user turn(s) {positions} of {review.turns_checked}")
        if review.model_answer == "yes":
            found.append("the model, asked whether anyone may be at risk, answered yes")
        return _refused(recorded, "risk_veto", f"{' and '.join(found)}; the assistant stays instead of ending.")
    if review.failed:
        unchecked = []
        if review.model_error is not None:
            unchecked.append(f"the model's risk check did not answer ({review.model_error})")
        if review.unread_chars:
            unchecked.append(f"{review.unread_chars} characters of long messages were more than the encoder may read in one end")
        return _refused(recorded, "risk_check_failed", f"{' and '.join(unchecked)}; no end without it.")
    return recorded


def _refused(decision: Decision, refusal: str, why: str) -> Decision:
    return replace(decision, allowed=False, reason=None, refusal=refusal, reasons=[f"End-time risk review: {why}"])


def _misconduct_reason(turn: UserTurn) -> str:
    return next(label for label in MISCONDUCT_LABELS if label in turn.flagged)


def as_answered(turns: list[UserTurn]) -> list[UserTurn]:
    """`turns` with every turn but the latest answered as the server answers it when no end came
    between them: for a transcript that does not carry the kinds of its replies."""
    answered: list[UserTurn] = []
    for turn in turns[:-1]:
        answered.append(replace(turn, reply_kind=latest_reply_kind([*answered, turn], ended=False)))
    return [*answered, *turns[-1:]]


def latest_reply_kind(turns: list[UserTurn], *, ended: bool) -> str:
    """The kind of the reply to the latest of a branch's user `turns` (`reply_kind`, with the turn
    before it)."""
    latest = turns[-1] if turns else UserTurn(flagged=frozenset())
    return reply_kind(latest, ended=ended, previous=turns[-2] if len(turns) > 1 else None)


def reply_kind(latest: UserTurn, *, ended: bool, previous: UserTurn | None = None) -> str:
    """The kind of the assistant reply to `latest`, derived the same way for every provider.

    `previous` is the user turn before it on the branch. A turn at the veto line right after one
    at the support line gets support too: read alone, "What's the best knot for a rope that has
    to hold a person's weight?" is an ordinary question, but not after "I wrote goodbye letters to
    my family last night" was read as a risk."""
    if ended:
        return "end"
    if latest.risk or (latest.vetoes and previous is not None and previous.risk and not previous.risk_cleared):
        return "support"
    if latest.misconduct:
        return "redirect"
    return "answer"
