"""Retention: what users deleted is removed for good once the retention period has passed and
nothing about it awaits staff review (docs/privacy.md)."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from conversations.models import Branch, Conversation
from moderation.models import EndAttempt, EndEvent, ReviewStatus
from moderation.services import records_scrub


@dataclass
class PurgeReport:
    conversations: int = 0
    ends_scrubbed: int = 0
    attempts_scrubbed: int = 0
    # Deleted and past the retention period, but an end or a refused end of it awaits review
    # (or was reviewed too recently), so it is kept for now.
    kept_for_review: int = 0


def conversations_purge_deleted(*, now=None, batch_size: int = 200) -> PurgeReport:
    """Remove for good the conversations users deleted more than DELETED_RETENTION_DAYS ago.

    Content under staff review is kept until the review is done: a conversation with a pending
    end or refused end waits, and one reviewed less than the retention period ago waits too.
    What is purged: the conversation, its branches and messages, and the user's words in the
    snapshots of its ends and refused ends (the counted facts stay for the dashboard).
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.DELETED_RETENTION_DAYS)
    due = Conversation.objects.filter(deleted_at__isnull=False, deleted_at__lte=cutoff)
    held = set()
    for model in (EndEvent, EndAttempt):
        records = model.objects.filter(conversation__in=due)
        held.update(
            records.filter(Q(review_status=ReviewStatus.PENDING) | Q(reviewed_at__gt=cutoff)).values_list(
                "conversation_id", flat=True
            )
        )
    report = PurgeReport(kept_for_review=len(held))
    ids = [pk for pk in due.values_list("id", flat=True) if pk not in held]
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        with transaction.atomic():
            ends, attempts = records_scrub(conversation_ids=batch)
            # Clear the branch <-> message links first so the cascade has no cycle to untangle.
            Conversation.objects.filter(pk__in=batch).update(active_branch=None)
            Branch.objects.filter(conversation_id__in=batch).update(tip=None, forked_at=None, forked_from=None)
            Conversation.objects.filter(pk__in=batch, deleted_at__isnull=False).delete()
        report.conversations += len(batch)
        report.ends_scrubbed += ends
        report.attempts_scrubbed += attempts
    return report
