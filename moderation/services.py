"""The safety domain's entry points for the chat domain: assessment, end records, feedback, review."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chatsite.errors import DomainError
from moderation import policy
from moderation.classifiers import assess
from moderation.classifiers.base import Assessment
from moderation.models import EndAttempt, EndEvent, EndFeedback, ReviewStatus

__all__ = [
    "Assessment",
    "assess_text",
    "end_attempt_record",
    "end_event_record",
    "feedback_create",
    "policy_config",
]


def assess_text(text: str) -> Assessment:
    return assess(text, backend=settings.MODERATION_BACKEND)


def policy_config() -> policy.PolicyConfig:
    return policy.PolicyConfig(
        end_after_redirects=settings.END_AFTER_REDIRECTS,
        risk_window=settings.RISK_WINDOW_TURNS,
    )


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


def end_event_mark_reopened(*, end_event: EndEvent, staff_user) -> None:
    EndEvent.objects.filter(pk=end_event.pk).update(reopened_at=timezone.now(), reopened_by=staff_user)


def review_set(*, record: EndEvent | EndAttempt, reviewer, status: str, note: str = "") -> None:
    if status not in (ReviewStatus.UPHELD, ReviewStatus.OVERTURNED):
        raise ValueError(f"review status must be upheld or overturned, got {status!r}")
    type(record).objects.filter(pk=record.pk).update(
        review_status=status, reviewer=reviewer, review_note=note, reviewed_at=timezone.now()
    )
