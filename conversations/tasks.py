import random

from celery import shared_task
from django.conf import settings

from conversations import pipeline, services
from conversations.streams import ReplyStream


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def generate_reply(self, message_id: str) -> str:
    """Generate an assistant reply. Safe to deliver twice: only one attempt can complete it."""
    provider_retries = self.request.retries
    try:
        return pipeline.generate(message_id, retries_left=settings.PROVIDER_MAX_RETRIES - provider_retries)
    except pipeline.ReplyBusy:
        # Another worker holds the reply (a redelivery while it still runs). Look again once its
        # lease could have run out, without spending one of the provider's retries.
        generate_reply.apply_async((message_id,), countdown=settings.REPLY_LEASE_SECONDS + 1)
        return "busy"
    except pipeline.TransientFailure as failure:
        backoff = failure.error.retry_after or min(60.0, 2.0**provider_retries)
        raise self.retry(countdown=backoff + random.uniform(0, 1)) from None


@shared_task
def sweep_stuck_replies() -> int:
    """Periodic (Celery beat): fail replies whose worker vanished without the task coming back."""
    swept = services.replies_sweep_stuck(older_than_seconds=settings.REPLY_STUCK_SECONDS)
    for message in swept:
        ReplyStream(message.id).done(status="failed", kind=None, ended=False, error=services.STUCK_ERROR)
    return len(swept)
