"""Generating one reply: claim it, assess the user turn, stream the provider, let the policy decide."""

import logging
import time

from django.conf import settings

from conversations import services
from conversations.models import Message
from conversations.providers import ChatTurn, ProviderError, ProviderRequest, ProviderResult, get_provider
from conversations.providers.prompts import END_TOOL, SYSTEM_PROMPT
from conversations.selectors import path_to
from conversations.streams import ReplyStream

logger = logging.getLogger(__name__)


class ReplyBusy(Exception):
    """Another attempt holds a live lease on the reply; try again once it may have expired."""


class TransientFailure(Exception):
    def __init__(self, error: ProviderError) -> None:
        super().__init__(str(error))
        self.error = error


def build_request(message: Message, path: list[Message]) -> ProviderRequest:
    """The provider's view of the branch up to the user turn this reply answers."""
    turns = [
        ChatTurn(role=m.role, content=m.content)
        for m in path
        if m.role == Message.Role.USER or (m.status == Message.Status.COMPLETE and m.content)
    ]
    conversation = message.conversation
    return ProviderRequest(system=SYSTEM_PROMPT, messages=turns, model=conversation.model, tools=[END_TOOL])


def generate(message_id: str, *, retries_left: int) -> str:
    """Generate one reply exactly once. Returns what happened: complete, failed, done or lost."""
    state, message = services.reply_claim(message_id=message_id)
    if state == "busy":
        raise ReplyBusy()
    if state == "done":
        return "done"
    stream = ReplyStream(message.id)
    if message.attempt > 1:
        stream.reset(message.attempt)

    user_message = message.parent
    services.user_message_assess(message=user_message)
    path = [m for m in branch_path_until(message) if m.id != message.id]
    request = build_request(message, path)

    parts: list[str] = []
    result: ProviderResult | None = None
    renew_every = settings.REPLY_LEASE_SECONDS / 3
    renewed = time.monotonic()
    try:
        provider = get_provider(message.conversation.provider)
        for item in provider.stream(request):
            if isinstance(item, ProviderResult):
                result = item
                break
            parts.append(item)
            stream.token(item)
            if time.monotonic() - renewed > renew_every:
                if not services.reply_renew_lease(message=message):
                    return "lost"
                renewed = time.monotonic()
        if result is None:
            raise ProviderError("The model's reply stopped before it finished.", transient=True)
    except ProviderError as error:
        if error.transient and retries_left > 0:
            services.reply_release(message=message, error=str(error))
            raise TransientFailure(error) from error
        return _fail(message, stream, str(error), "".join(parts))
    except Exception:
        logger.exception("Reply %s failed", message.id)
        return _fail(message, stream, "The assistant hit an internal error. Try again.", "".join(parts))

    outcome = services.reply_complete(message=message, result=result)
    if outcome is None:
        return "lost"
    saved, extra = outcome
    if extra:
        stream.token(extra)
    saved.branch.refresh_from_db(fields=["ended_at"])
    stream.done(status=saved.status, kind=saved.kind, ended=saved.branch.ended)
    return "complete"


def branch_path_until(message: Message) -> list[Message]:
    """The path from the root to `message` (the reply's branch may have moved on since)."""
    messages = {m.id: m for m in Message.objects.filter(conversation_id=message.conversation_id)}
    return path_to(message.id, messages)


def _fail(message: Message, stream: ReplyStream, error: str, partial: str) -> str:
    if services.reply_fail(message=message, error=error, partial=partial):
        stream.done(status=Message.Status.FAILED, kind=None, ended=False, error=error)
        return "failed"
    return "lost"
