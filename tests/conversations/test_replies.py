"""The worker's side of a reply (conversations/replies.py): claims, leases and the sweeper."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conversations import replies, services
from conversations.models import Message


@pytest.fixture
def conversation(owner):
    return services.conversation_create(user=owner)


def test_replies_no_worker_is_working_on_are_swept_to_failed_and_can_be_retried(owner, conversation):
    _, stuck = services.message_send(user=owner, branch_id=conversation.active_branch_id, content="hello")
    other = services.conversation_create(user=owner)
    _, fresh = services.message_send(user=owner, branch_id=other.active_branch_id, content="hello")
    long_ago = timezone.now() - timedelta(hours=1)
    Message.objects.filter(pk=stuck.pk).update(updated_at=long_ago)

    swept = replies.replies_sweep_stuck(older_than_seconds=600)

    assert [m.pk for m in swept] == [stuck.pk]
    stuck.refresh_from_db()
    assert stuck.status == Message.Status.FAILED and "Retry" in stuck.error
    assert Message.objects.get(pk=fresh.pk).status == Message.Status.PENDING
    branch, again = services.message_retry(user=owner, message=stuck)
    assert again.status == Message.Status.PENDING


def test_a_streaming_reply_with_a_live_lease_is_not_swept(owner, conversation):
    _, reply = services.message_send(user=owner, branch_id=conversation.active_branch_id, content="hello")
    replies.reply_claim(message_id=reply.pk)
    Message.objects.filter(pk=reply.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert replies.replies_sweep_stuck(older_than_seconds=600) == []
