"""Small helpers shared by tests that drive the services in process (no worker)."""

from conversations import replies
from conversations.providers import ProviderResult


def finish_reply(reply_id, text: str = "Here is an answer from the offline assistant.") -> None:
    """Complete a pending reply the way the worker does: claim it, then save a provider result."""
    state, reply = replies.reply_claim(message_id=reply_id)
    assert state == "claimed"
    replies.reply_complete(message=reply, result=ProviderResult(text=text))
