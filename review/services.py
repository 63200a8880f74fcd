"""Staff actions that change both domains at once."""

from django.db import transaction
from django.utils import timezone

from chatsite.errors import DomainError
from conversations.models import Branch, Message
from conversations.selectors import branch_path
from conversations.services import branch_reopen
from moderation.models import EndAttempt, EndEvent, Refusal, ReviewStatus


def end_event_reopen(*, end_event: EndEvent, staff_user) -> Branch:
    """Reopen the branch an end closed, on behalf of staff; the end event records who and when."""
    if end_event.branch_id is None or end_event.branch.conversation.deleted_at is not None:
        raise DomainError("branch_deleted", "The user has deleted this conversation; there is nothing to reopen.", 409)
    if end_event.reopened_at is not None:
        raise DomainError("already_reopened", "This end has already been reopened.", 409)
    if end_event.review_status == ReviewStatus.UPHELD:
        # "Upheld and reopened" would say two opposite things about one end: the review decides.
        raise DomainError(
            "end_upheld", "This end was upheld on review. Mark it overturned first, then reopen the branch.", 409
        )
    return branch_reopen(branch=end_event.branch, staff_user=staff_user)


@transaction.atomic
def branch_risk_clear(*, attempt: EndAttempt, staff_user) -> int:
    """Staff judged the risk that vetoed this end a false alarm: the user turns on the branch up to
    the refused end stop counting as risk for model-initiated ends (risk memory and the end-time
    review skip them; later turns count as usual). Recorded on each message's assessment and on
    the attempt. Returns the turns cleared."""
    if attempt.refusal != Refusal.RISK_VETO:
        raise DomainError("not_a_risk_veto", "Only a refusal for risk can be cleared.", 409)
    if attempt.branch_id is None or attempt.branch.conversation.deleted_at is not None:
        raise DomainError("branch_deleted", "The user has deleted this conversation.", 409)
    now = timezone.now()
    mark = {"by": staff_user.username, "at": now.isoformat(), "end_attempt": str(attempt.pk)}
    cleared = 0
    for message in branch_path(attempt.branch):
        stored = message.moderation or {}
        if message.role != Message.Role.USER or stored.get("risk_cleared") or message.created_at > attempt.created_at:
            continue
        Message.objects.filter(pk=message.pk).update(moderation={**stored, "risk_cleared": mark})
        cleared += 1
    EndAttempt.objects.filter(pk=attempt.pk).update(risk_cleared_at=now, risk_cleared_by=staff_user)
    return cleared
