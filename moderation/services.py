"""The safety domain's writes: end records, feedback on ends and replies, staff review, and what
privacy erases of a deleted conversation's records.

Assessing a message is `moderation.assessment`, the end policy as this site configures it
`moderation.site_policy`, and the end-time risk review `moderation.risk_review`. The chat domain
uses those modules and never imports the policy or the classifiers itself (.importlinter says so and
CI checks it).
"""

from django.db import transaction
from django.utils import timezone

from chatsite import metrics
from chatsite.errors import DomainError
from moderation import policy
from moderation.models import EndAttempt, EndEvent, EndFeedback, ReviewStatus


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
