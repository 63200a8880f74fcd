import pytest

from conversations import services
from moderation.models import EndFeedback
from tests.support.conversations.replies import finish_reply


@pytest.fixture
def owned(owner) -> dict:
    """The owner's objects: a conversation with a finished turn, and an ended one with feedback."""
    conversation = services.conversation_create(user=owner, title="Private")
    user_message, reply = services.message_send(user=owner, branch_id=conversation.active_branch_id, content="my secret")
    finish_reply(reply.id, "A private answer.")
    ended = services.conversation_create(user=owner, title="Ended")
    end_event = services.branch_end(branch=ended.active_branch, initiated_by="model", reason="abuse")
    feedback = EndFeedback.objects.create(end_event=end_event, user=owner, rating="down", comment="mine")
    deleted = services.conversation_create(user=owner, title="Deleted")
    services.conversation_delete(conversation=deleted)
    return {
        "conversation": conversation,
        "ended": ended,
        "branch": conversation.active_branch,
        "user_message": user_message,
        "reply": reply,
        "end_event": end_event,
        "feedback": feedback,
        "deleted": deleted,
    }
