"""Small helpers shared by tests that drive the services in process (no worker)."""

from conversations import services
from conversations.providers import ProviderResult


def finish_reply(reply_id, text: str = "Here is an answer from the offline assistant.") -> None:
    """Complete a pending reply the way the worker does: claim it, then save a provider result."""
    state, reply = services.reply_claim(message_id=reply_id)
    assert state == "claimed"
    services.reply_complete(message=reply, result=ProviderResult(text=text))
