"""Staff actions that change both domains at once."""

from chatsite.errors import DomainError
from conversations.models import Branch
from conversations.services import branch_reopen
from moderation.models import EndEvent, ReviewStatus


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
