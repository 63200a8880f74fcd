import logging
import random

from celery import shared_task
from django.conf import settings

from chatsite import metrics
from chatsite.logs import reply_context
from conversations import pipeline, replies
from conversations.streams import ReplyStream

logger = logging.getLogger(__name__)


# Nobody reads this task's return value (the reply row and its stream are the result), so it
# is not stored: one Redis write less per reply.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, ignore_result=True)
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
        raise self.retry(countdown=retry_delay(provider_retries, failure.error.retry_after)) from None


def retry_delay(retries_so_far: int, retry_after: float | None = None) -> float:
    """Seconds to wait before the next provider call: exponential backoff, capped, with jitter
    (between half and all of it, so replies that failed together do not retry together), and
    never sooner than the provider's Retry-After."""
    ceiling = min(settings.PROVIDER_RETRY_MAX_SECONDS, settings.PROVIDER_RETRY_BASE_SECONDS * 2.0**retries_so_far)
    delay = random.uniform(ceiling / 2, ceiling)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


@shared_task
def sweep_stuck_replies() -> int:
    """Periodic (Celery beat): fail replies whose worker vanished without the task coming back."""
    swept = replies.replies_sweep_stuck(older_than_seconds=settings.REPLY_STUCK_SECONDS)
    for message in swept:
        ReplyStream(message.id).done(status="failed", kind=None, ended=False, error=replies.STUCK_ERROR)
        metrics.REPLIES.labels("failed").inc()
        with reply_context(message.id):
            logger.warning("Reply failed: no worker renewed its lease for %s s", settings.REPLY_STUCK_SECONDS)
    return len(swept)
