"""Periodic upkeep run by Celery beat (registered through CELERY_IMPORTS): hand unclaimed replies
back to the queue after a Redis outage, and purge the conversations users deleted."""

from dataclasses import asdict

from celery import shared_task
from django.conf import settings

from conversations import queue, retention


@shared_task
def requeue_unclaimed_replies() -> int:
    """Replies whose task never reached a worker (Redis was down when it was enqueued) get one."""
    return len(queue.replies_requeue_unclaimed(older_than_seconds=settings.REPLY_REQUEUE_SECONDS))


@shared_task
def purge_deleted_conversations() -> dict:
    """Deleted conversations past the retention period and their review, removed for good."""
    return asdict(retention.conversations_purge_deleted())
