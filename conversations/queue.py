"""Handing replies to the task queue: refuse before anything is written when Redis is down,
enqueue after commit, and hand over again what never reached a worker."""

import logging
from datetime import timedelta

import redis
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chatsite import errors, redis_clients
from chatsite.logs import reply_context
from chatsite.celery import app
from conversations.models import Message
from conversations.tasks import generate_reply

logger = logging.getLogger(__name__)

# Marks a pending reply whose task could not be handed to the queue after its message was saved;
# replies_requeue_unclaimed hands it over again once Redis is back.
QUEUE_DOWN_ERROR = "Waiting for the task queue; the reply will start as soon as it is back."


def queue_check() -> None:
    """Refuse before anything is written when Redis (the task queue and the token streams) is down.

    Without it the message would be saved with a reply nobody generates, or the request would
    fail after the commit. The check is cheap (one PING, with short timeouts because it runs
    while the branch row is locked) and raising rolls the transaction back.
    """
    try:
        redis_clients.quick_client().ping()
    except redis.RedisError:
        logger.warning("Redis is unreachable; refusing a message with 503 service_unavailable")
        raise errors.service_unavailable() from None


def queued_later() -> errors.DomainError:
    return errors.DomainError(
        "service_unavailable",
        "Your message is saved, but the assistant cannot start on it right now. It will reply as soon "
        "as the service is back; there is no need to send it again.",
        503,
    )


def _hand_to_queue(message_id: str) -> None:
    """Enqueue a reply after commit. Redis can still go away between the check and here, or every
    broker connection of this process be busy past BROKER_ACQUIRE_TIMEOUT_SECONDS: then the
    message stays saved and the reply pending, marked for the periodic requeue, and the request
    answers 503 at once rather than waiting for a connection."""
    try:
        # A connection taken from the pool with a timeout, rather than Celery's producer pool: that
        # one has more producer slots than the pool has connections, and a producer waits for its
        # connection with no timeout at all.
        with reply_context(message_id), app.pool.acquire(block=True, timeout=settings.CELERY_BROKER_POOL_ACQUIRE_TIMEOUT) as connection:
            generate_reply.apply_async((message_id,), connection=connection)
            logger.info("Reply queued")
    except Exception:  # noqa: BLE001 - kombu and redis raise several types for one outage
        logger.warning("Could not enqueue reply %s; it will be requeued once Redis is back", message_id, exc_info=True)
        Message.objects.filter(pk=message_id, status=Message.Status.PENDING, attempt=0).update(error=QUEUE_DOWN_ERROR)
        raise queued_later() from None


def reply_enqueue(*, reply: Message) -> None:
    """Check the queue now and hand the reply to it once the caller's transaction commits."""
    queue_check()
    message_id = str(reply.id)
    transaction.on_commit(lambda: _hand_to_queue(message_id))


def replies_requeue_unclaimed(*, older_than_seconds: int) -> list[str]:
    """Hand pending replies that no worker ever claimed back to the queue: those whose enqueue
    failed (Redis was down at that moment), and any left unclaimed longer than the cutoff. A
    second delivery of a reply is harmless (the claim lets one attempt through), so erring on the
    side of requeueing never produces two replies. `updated_at` is left alone, so a reply that
    still nobody takes is failed by the stuck-reply sweeper as before."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    unclaimed = Message.objects.filter(role=Message.Role.ASSISTANT, status=Message.Status.PENDING, attempt=0).filter(
        Q(error=QUEUE_DOWN_ERROR) | Q(created_at__lt=cutoff)
    )
    requeued = []
    for message_id in unclaimed.values_list("id", flat=True):
        generate_reply.delay(str(message_id))
        Message.objects.filter(pk=message_id, error=QUEUE_DOWN_ERROR).update(error="")
        requeued.append(str(message_id))
    return requeued
