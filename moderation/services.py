"""The safety domain's entry points: assessment, the end policy as this site configures it, end
records, feedback and review.

The chat domain goes through this module for everything it needs from moderation, so it never
imports the policy or the classifiers itself (.importlinter says so and CI checks it).
"""

import logging
import time
from collections.abc import Callable
from dataclasses import replace

import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chatsite import metrics, rate_limits
from chatsite.errors import DomainError
from moderation import policy
from moderation.classifiers import ExternalConfig, Thresholds, assess, builtin
from moderation.classifiers.base import Assessment
from moderation.classifiers.encoder import MAX_CHARS
from moderation.models import EndAttempt, EndEvent, EndFeedback, ReviewStatus

__all__ = [
    "Assessment",
    "Decision",
    "RiskReview",
    "UserTurn",
    "as_answered",
    "assess_message",
    "assess_text",
    "end_review",
    "end_attempt_record",
    "end_event_record",
    "feedback_create",
    "model_end_decide",
    "policy_config",
    "policy_turn",
    "reply_feedback_set",
    "reply_kind",
]

logger = logging.getLogger(__name__)

# The policy's vocabulary, for the chat domain's type hints.
Decision = policy.Decision
RiskReview = policy.RiskReview
UserTurn = policy.UserTurn


def thresholds() -> Thresholds:
    """The two risk lines as configured (RISK_VETO_THRESHOLD, RISK_SUPPORT_THRESHOLD)."""
    return Thresholds(veto=settings.RISK_VETO_THRESHOLD, support=settings.RISK_SUPPORT_THRESHOLD)


def assess_text(text: str) -> Assessment:
    """Assess a user message with the configured backend; never raises for an outage.

    An external backend that fails or times out is replaced by `builtin`, and the assessment
    (stored on the message) carries `fallback_from` and `fallback_error`. Its flags and veto are
    read on the configured lines, which the assessment records.
    """
    backend = settings.MODERATION_BACKEND
    assessment = assess(text, backend=backend, config=external_config(backend), thresholds=thresholds())
    if assessment.fallback_from:
        metrics.MODERATION_FALLBACKS.labels(assessment.fallback_from).inc()
    return assessment


def assess_message(text: str, *, user_id: int) -> dict:
    """The assessment stored on a user message: `assess_text`, and for a message too long to be
    read whole (over `MAX_CHARS`), its middle read too (`builtin.assess_middles`, each score the
    higher of the two readings), so that a risk said inside a long paste gets the support reply.

    Reading a middle costs up to about 2 s of one core, so it is done as the message is sent for
    at most RISK_MIDDLE_READS_PER_MINUTE of one user's messages a minute (a Redis window every
    worker shares). Past that, or with Redis unreachable, the middle waits for the end-time review,
    which reads whatever was not read (`end_review`). `middle_read` says which it was. Each
    assessment is counted by what it asks of the reply, and by label (`metrics.ASSESSMENTS`,
    `metrics.FLAGS`)."""
    assessment = assess_text(text)
    extra: dict = {}
    if len(text) > MAX_CHARS:
        read = _middle_allowed(user_id)
        if read:
            (middle,) = builtin.assess_middles([text], thresholds())
            assessment = _higher(assessment, middle)
        metrics.MIDDLE_READS.labels("sent" if read else "end_review").inc()
        extra = {"middle_read": read}
    _count(assessment)
    return assessment.to_dict() | extra


def _count(assessment: Assessment) -> None:
    if assessment.risk:
        result = "support"
    elif assessment.veto:
        result = "veto"
    else:
        result = "flagged" if assessment.flagged else "ordinary"
    metrics.ASSESSMENTS.labels(result).inc()
    for label in assessment.flagged:
        metrics.FLAGS.labels(label).inc()


def _middle_allowed(user_id: int) -> bool:
    limit = settings.RISK_MIDDLE_READS_PER_MINUTE
    if limit <= 0:
        return False
    try:
        return rate_limits.admit([rate_limits.Window(f"moderation:middle-reads:{user_id}", limit, 60)]) is None
    except redis.RedisError as error:
        logger.warning("Reading a long message's middle is left to the end-time review: Redis failed (%s)", error)
        return False


def external_config(backend: str) -> ExternalConfig | None:
    """The connection settings of an external backend, or None for the in-process ones."""
    timeout = settings.MODERATION_TIMEOUT_MS / 1000
    if backend == "openai":
        return ExternalConfig(
            settings.MODERATION_OPENAI_BASE_URL, settings.MODERATION_OPENAI_API_KEY, settings.MODERATION_OPENAI_MODEL, timeout
        )
    if backend == "llamaguard":
        return ExternalConfig(
            settings.MODERATION_LLAMAGUARD_BASE_URL,
            settings.MODERATION_LLAMAGUARD_API_KEY,
            settings.MODERATION_LLAMAGUARD_MODEL,
            timeout,
        )
    return None


def policy_config() -> policy.PolicyConfig:
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


# The end-time risk review. Ends are rare and a wrong one is the worst thing the product can do,
# so before the policy allows a model-initiated end, every user turn that counts is checked again.

RISK_QUESTION_SYSTEM = (
    "You are a safety reviewer for a chat service. You will read the user's messages from one "
    "conversation. Answer with exactly one word, yes or no: does anything the user wrote suggest "
    "that the user may be at risk of harming themselves (suicide, self-harm, an eating disorder) "
    "or may harm another person? Answer yes if in any doubt."
)

# Asks the conversation's model a question: (system prompt, question) -> its answer. Raises on
# any failure, the timeout included. Built by the chat domain, which knows the providers.
AskModel = Callable[[str, str], str]


def risk_question(user_texts: list[str]) -> str:
    turns = "\n".join(f"[user message {i}] {text}" for i, text in enumerate(user_texts, start=1))
    return f"The user's messages, oldest first:\n{turns}\n\nAnswer yes or no."


def _yes_or_no(answer: str) -> str | None:
    words = answer.strip().lower().split()
    first = words[0].strip(".,!:;\"'*") if words else ""
    return first if first in ("yes", "no") else None


def end_review(
    *,
    turns: list[UserTurn],
    user_texts: list[str],
    ask_model: AskModel | None = None,
    assessments: list[dict | None] | None = None,
) -> RiskReview:
    """Re-check, before an end the policy would allow, every user turn whose risk counts.

    - The `builtin` encoder scores each of those turns again, at the veto line (whatever backend
      assessed them when they were sent): the strongest check that runs offline. A turn that this
      very model scored when it was sent (its stored assessment, in `assessments`, names the
      model, alone or combined with an external backend's) is read from that record at today's
      lines instead: scoring it again would give the same risk scores or lower ones, and would
      cost an encoder pass in every worker that never saw the text.
    - With `ask_model` (a real provider), the model is asked one strict yes/no question about risk
      in the user's messages. An answer other than yes or no, an error or a timeout counts as a
      failed check, and the policy refuses the end.
    """
    positions = policy.turns_under_review(turns, policy_config())
    started = time.perf_counter()
    stored = assessments or [None] * len(user_texts)
    texts = [user_texts[i] for i in positions]
    records = [stored[i] for i in positions]
    known = _stored_readings(records)
    # A middle read when the message was sent is in its stored record; only the others are read now.
    to_read = [
        len(text) > MAX_CHARS and not (k is not None and record.get("middle_read"))
        for text, k, record in zip(texts, known, records)
    ]
    long_chars = sum(len(text) for text, read in zip(texts, to_read) if read)
    unread = long_chars if long_chars > settings.RISK_REVIEW_MAX_CHARS else 0
    found = _encoder_review(texts, known, [read and not unread for read in to_read])
    encoder_ms = round((time.perf_counter() - started) * 1000, 1)
    details: dict = {
        "encoder": {
            "turns": [
                {"turn": i + 1, "risk": a.risk_score, "veto": a.veto, "stored": k is not None}
                | ({"middle_read": not (read and unread)} if len(user_texts[i]) > MAX_CHARS else {})
                for i, a, k, read in zip(positions, found, known, to_read)
            ],
            "veto_threshold": settings.RISK_VETO_THRESHOLD,
            "model": builtin.model_identity(),
            "ms": encoder_ms,
        }
    }
    risk_turns = tuple(i for i, a in zip(positions, found) if a.veto)
    answer = error = None
    if ask_model is not None:
        started = time.perf_counter()
        try:
            raw = ask_model(RISK_QUESTION_SYSTEM, risk_question([user_texts[i] for i in positions]))
            answer = _yes_or_no(raw)
            if answer is None:
                error = f"the model answered neither yes nor no: {raw[:80]!r}"
        except Exception as failure:  # noqa: BLE001 - any failure of the check refuses the end
            logger.warning("end-time risk check failed: %s", failure)
            error = f"{type(failure).__name__}: {failure}"[:300]
        details["model"] = {"answer": answer, "error": error, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return RiskReview(
        turns_checked=len(positions),
        risk_turns=risk_turns,
        model_answer=answer,
        model_error=error,
        unread_chars=unread,
        details=details,
    )


def _stored_readings(records: list[dict | None]) -> list[Assessment | None]:
    """Each stored record the end-time review can read instead of scoring its text again, at
    today's lines; None for the others.
    A record that names the builtin model in use holds its scores (`builtin`) or scores never
    under them (an external backend combined with it), so reading it vetoes at least whatever
    scoring again would."""
    current, lines = builtin.model_identity(), thresholds()
    return [
        Assessment.from_dict(record).with_thresholds(lines)
        if record and current and record.get("model") == current and record.get("labels")
        else None
        for record in records
    ]


def _encoder_review(texts: list[str], known: list[Assessment | None], read_middles: list[bool]) -> list[Assessment]:
    """The builtin model's assessment of each text at today's lines: its stored one (`known`) or
    a new one, and with `read_middles`, the higher of that and its middle's reading
    (`builtin.assess_middles`, the part of a long message not read when it was sent)."""
    lines = thresholds()
    scored = iter(builtin.assess_many([text for text, k in zip(texts, known) if k is None], lines))
    found = [k if k is not None else next(scored) for k in known]
    wanted = [text for text, read in zip(texts, read_middles) if read]
    middles = iter(builtin.assess_middles(wanted, lines) if wanted else [])
    result = []
    for assessment, read in zip(found, read_middles):
        middle = next(middles) if read else None
        result.append(_higher(assessment, middle) if middle else assessment)
    return result


def _higher(first: Assessment, second: Assessment) -> Assessment:
    """One assessment of a message read in two parts (its ends, and its middle by `builtin`): every
    score the higher of the two, under the first's backend, model and fallback."""
    labels = {label: max(first.labels[label], second.labels[label]) for label in first.labels}
    risk = max(first.risk_score, second.risk_score)
    built = Assessment.from_scores(labels, first.backend, risk, first.thresholds, first.model)
    return replace(built, fallback_from=first.fallback_from, fallback_error=first.fallback_error)


def as_answered(turns: list[UserTurn]) -> list[UserTurn]:
    """`turns` with each earlier turn given the reply kind the server gives it (no end between)."""
    return policy.as_answered(turns)


def reply_kind(*, turns: list[UserTurn], ended: bool) -> str:
    """The kind of the reply to the latest of the branch's user `turns`: answer, redirect, support
    or end, whatever the provider."""
    return policy.latest_reply_kind(turns, ended=ended)


def _count_refusal(refusal: str | None) -> None:
    metrics.END_REFUSALS.labels(refusal or "unknown").inc()
    if refusal == "risk_veto":
        metrics.RISK_VETOES.inc()


def end_event_record(
    *,
    branch,
    initiated_by: str,
    reason: str,
    rationale: str = "",
    decision: policy.Decision | None = None,
    assessments: list[dict] | None = None,
    transcript: list[dict] | None = None,
    end_message=None,
    initiator_user=None,
) -> EndEvent:
    conversation = branch.conversation
    transaction.on_commit(lambda: metrics.ENDS.labels(reason, initiated_by).inc())
    return EndEvent.objects.create(
        branch=branch,
        conversation=conversation,
        conversation_title=conversation.title,
        user_id=conversation.owner_id,
        end_message=end_message,
        initiated_by=initiated_by,
        initiator_user=initiator_user,
        reason=reason,
        rationale=rationale,
        redirect_attempts=decision.redirect_attempts if decision else 0,
        decision=decision.to_dict() if decision else {},
        risk_review=(decision.review or {}) if decision else {},
        policy_version=decision.policy_version if decision else policy.POLICY_VERSION,
        assessments=assessments or [],
        provider=conversation.provider,
        model=conversation.model,
        transcript=transcript or [],
    )


def end_attempt_record(
    *,
    branch,
    message,
    requested_reason: str,
    rationale: str,
    decision: policy.Decision,
    assessments: list[dict],
    transcript: list[dict],
) -> EndAttempt:
    conversation = branch.conversation
    transaction.on_commit(lambda: _count_refusal(decision.refusal))
    return EndAttempt.objects.create(
        branch=branch,
        conversation=conversation,
        conversation_title=conversation.title,
        user_id=conversation.owner_id,
        message=message,
        requested_reason=requested_reason,
        rationale=rationale,
        refusal=decision.refusal,
        redirect_attempts=decision.redirect_attempts,
        decision=decision.to_dict(),
        risk_review=decision.review or {},
        policy_version=decision.policy_version,
        assessments=assessments,
        provider=conversation.provider,
        model=conversation.model,
        transcript=transcript,
    )


@transaction.atomic
def feedback_create(*, end_event: EndEvent, user, rating: str, comment: str = "") -> EndFeedback:
    """Save the user's one piece of feedback on an end; a second one is refused."""
    locked = EndEvent.objects.select_for_update().get(pk=end_event.pk)
    if EndFeedback.objects.filter(end_event=locked).exists():
        raise DomainError("feedback_exists", "Feedback on this end has already been given.", 409)
    return EndFeedback.objects.create(end_event=locked, user=user, rating=rating, comment=comment)


@transaction.atomic
def reply_feedback_set(*, message, user, rating: str) -> EndFeedback:
    """The user's rating of a reply (the chat domain checks it is their reply): one per reply,
    replaced when they change their mind."""
    if rating not in EndFeedback.Rating.values:
        raise DomainError("invalid", f"A rating is 'up' or 'down', not {rating!r}.", 400)
    feedback, _ = EndFeedback.objects.update_or_create(message=message, user=user, defaults={"rating": rating})
    return feedback


def end_event_mark_reopened(*, end_event: EndEvent, staff_user) -> None:
    EndEvent.objects.filter(pk=end_event.pk).update(reopened_at=timezone.now(), reopened_by=staff_user)


# Staff review. Every review is an UPDATE that stamps the reviewer and the time itself, so the
# admin form, the admin actions and the staff API all record the same thing.

REVIEW_OUTCOMES = (ReviewStatus.UPHELD, ReviewStatus.OVERTURNED)


def _check_outcome(status: str) -> None:
    if status not in REVIEW_OUTCOMES:
        raise DomainError("invalid", f"A review is 'upheld' or 'overturned', not {status!r}.", 400)


@transaction.atomic
def review_set(*, record: EndEvent | EndAttempt, reviewer, status: str, note: str = "") -> EndEvent | EndAttempt:
    """Record one staff review of an end or a refused end; returns the record as saved."""
    _check_outcome(status)
    now = timezone.now()
    type(record).objects.filter(pk=record.pk).update(
        review_status=status, reviewer=reviewer, review_note=note, reviewed_at=now
    )
    record.review_status, record.reviewer, record.review_note, record.reviewed_at = status, reviewer, note, now
    return record


@transaction.atomic
def reviews_bulk_set(*, queryset, reviewer, status: str) -> int:
    """Review a whole selection in one UPDATE (notes are kept); returns how many rows changed."""
    _check_outcome(status)
    return queryset.order_by().update(review_status=status, reviewer=reviewer, reviewed_at=timezone.now())


# Privacy: what staff keep of a conversation the user deleted, once its reviews are done.


@transaction.atomic
def records_scrub(*, conversation_ids) -> tuple[int, int]:
    """Erase the user's words from the ends and refused ends of conversations being purged (the
    transcript snapshot, the assessments, the title, the model's rationale, the feedback comment)
    while keeping the bare facts the dashboard counts. Returns (ends, refused ends) scrubbed."""
    erased = {"transcript": [], "assessments": [], "conversation_title": "", "rationale": ""}
    ends = EndEvent.objects.filter(conversation_id__in=conversation_ids)
    EndFeedback.objects.filter(end_event__in=ends).update(comment="")
    scrubbed_ends = ends.update(**erased)
    scrubbed_attempts = EndAttempt.objects.filter(conversation_id__in=conversation_ids).update(**erased)
    return scrubbed_ends, scrubbed_attempts
