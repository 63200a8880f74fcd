"""The user's actions on the chat domain (and staff's reopen). Keyword-only, atomic; illegal moves
raise DomainError.

The worker's side of a reply is in replies.py, the task queue in queue.py, retention in
retention.py.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from chatsite import errors
from chatsite.errors import DomainError
from conversations.markdown import cut_at_word, plain_text
from conversations.models import Branch, Conversation, Message
from conversations.providers.registry import get_provider
from conversations.queue import reply_enqueue
from conversations.selectors import branch_containing, branch_path
from conversations.snapshots import assessments_of, transcript_snapshot
from conversations.streams import ReplyStream, stop_request
from moderation.models import EndEvent
from moderation.services import end_event_mark_reopened, end_event_record, reply_feedback_set

TITLE_LENGTH = 60


def _clean_content(content: str) -> str:
    if not isinstance(content, str) or not content.strip():
        raise errors.invalid("The message is empty. Write something to send.")
    if len(content) > settings.MAX_MESSAGE_CHARS:
        raise errors.invalid(
            f"The message is {len(content):,} characters long; the limit is {settings.MAX_MESSAGE_CHARS:,}."
        )
    return content


class ConversationLimitReached(DomainError):
    def __init__(self, limit: int) -> None:
        super().__init__(
            "conversation_limit",
            f"You have started {limit} conversations in the last hour, the most allowed. "
            "Continue one of them, or start a new one a little later.",
            429,
        )


@transaction.atomic
def conversation_create(*, user, title: str = "", provider: str | None = None, model: str | None = None) -> Conversation:
    """A new conversation with one open branch. Only how many the user started in the last hour
    counts against the limit (deleted ones included); ends never do, so a user whose chat was
    ended can always start another at once."""
    limit = settings.MAX_CONVERSATIONS_PER_HOUR
    if limit:
        # Lock the user's row so two concurrent creations cannot both pass the count.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        since = timezone.now() - timedelta(hours=1)
        if Conversation.objects.filter(owner=user, created_at__gte=since).count() >= limit:
            raise ConversationLimitReached(limit)
    provider = provider or settings.LLM_PROVIDER
    model = model or settings.LLM_MODEL or get_provider(provider).default_model
    conversation = Conversation.objects.create(owner=user, title=title.strip()[:200], provider=provider, model=model)
    branch = Branch.objects.create(conversation=conversation)
    conversation.active_branch = branch
    conversation.save(update_fields=["active_branch"])
    return conversation


def title_from(content: str) -> str:
    """A conversation's title from its first message: plain text (no markdown symbols), cut
    after a whole word."""
    return cut_at_word(plain_text(content), TITLE_LENGTH)


@transaction.atomic
def conversation_start(
    *, user, content: str, provider: str | None = None, model: str | None = None
) -> tuple[Conversation, Message, Message]:
    """A new conversation with its first message and that message's pending reply. The pages
    start a chat this way, so no empty conversation is ever saved; the message is checked first,
    so an empty one creates nothing."""
    content = _clean_content(content)
    conversation = conversation_create(user=user, provider=provider, model=model)
    branch = conversation.active_branch
    branch.conversation = conversation
    user_message, reply = _add_turn(branch=branch, parent=None, content=content)
    conversation.title = title_from(content)
    return conversation, user_message, reply


@transaction.atomic
def conversation_update(*, conversation: Conversation, title: str | None = None, active_branch: Branch | None = None) -> Conversation:
    fields = ["updated_at"]
    if title is not None:
        conversation.title = title.strip()[:200]
        fields.append("title")
    if active_branch is not None:
        if active_branch.conversation_id != conversation.id:
            raise DomainError("not_found", "No such branch in this conversation.", 404)
        conversation.active_branch = active_branch
        fields.append("active_branch")
    conversation.save(update_fields=fields)
    return conversation


@transaction.atomic
def conversation_delete(*, conversation: Conversation) -> None:
    """Hide the conversation from its owner at once; `conversations_purge_deleted` removes it."""
    now = timezone.now()
    Conversation.objects.filter(pk=conversation.pk, deleted_at__isnull=True).update(deleted_at=now)
    conversation.deleted_at = now


@transaction.atomic
def conversation_restore(*, conversation: Conversation) -> None:
    """Undo a delete: the conversation is back where it was, as long as it has not been purged."""
    Conversation.objects.filter(pk=conversation.pk, deleted_at__isnull=False).update(deleted_at=None)
    conversation.deleted_at = None


def _add_turn(*, branch: Branch, parent: Message | None, content: str) -> tuple[Message, Message]:
    """Save a user message and its pending reply under `parent`, move the tip, enqueue the reply."""
    conversation = branch.conversation
    user_message = Message.objects.create(
        conversation=conversation, branch=branch, parent=parent, role=Message.Role.USER, content=content
    )
    reply = Message.objects.create(
        conversation=conversation,
        branch=branch,
        parent=user_message,
        role=Message.Role.ASSISTANT,
        status=Message.Status.PENDING,
        provider=conversation.provider,
        model=conversation.model,
    )
    branch.tip = reply
    branch.save(update_fields=["tip"])
    update = {"updated_at": timezone.now()}
    if not conversation.title:
        update["title"] = title_from(content)
    Conversation.objects.filter(pk=conversation.pk).update(**update)
    reply_enqueue(reply=reply)
    return user_message, reply


@transaction.atomic
def message_send(*, user, branch_id, content: str) -> tuple[Message, Message]:
    """A user message and its pending reply at the tip of one of the user's branches. The branch
    is looked up and locked in one query: anything not the user's, deleted or not there is a 404."""
    content = _clean_content(content)
    branch = (
        Branch.objects.select_for_update()
        .select_related("conversation")
        .filter(pk=branch_id, conversation__owner=user, conversation__deleted_at__isnull=True)
        .first()
    )
    if branch is None:
        raise DomainError("not_found", "Not found.", 404)
    if branch.ended:
        raise errors.branch_ended()
    tip = Message.objects.filter(pk=branch.tip_id).first() if branch.tip_id else None
    if tip is not None and tip.role == Message.Role.ASSISTANT and not tip.is_terminal:
        raise errors.reply_pending()
    return _add_turn(branch=branch, parent=tip, content=content)


def reply_rate(*, user, message: Message, rating: str):
    """Thumbs up or down on one of the user's finished replies (stored with the end feedback, so
    staff see both in one place)."""
    if message.role != Message.Role.ASSISTANT or not message.is_terminal:
        raise errors.invalid("Only a finished reply can be rated.")
    return reply_feedback_set(message=message, user=user, rating=rating)


def reply_finished() -> DomainError:
    return DomainError("reply_finished", "The reply has already finished; there is nothing to stop.", 409)


def reply_cancel(*, message: Message) -> Message:
    """Stop a reply. One that no worker has started is stopped here, with nothing written; one
    being written is stopped by its worker a token or two later, which keeps the text so far
    (pipeline.py). Either way it ends `stopped`, and like any finished reply it can be retried.
    Stopping a reply already stopped changes nothing; one complete or failed is refused."""
    if message.role != Message.Role.ASSISTANT:
        raise errors.invalid("Only a reply can be stopped.")
    now = timezone.now()
    if Message.objects.filter(pk=message.pk, status=Message.Status.PENDING).update(
        status=Message.Status.STOPPED, error="", lease_expires_at=None, updated_at=now
    ):
        # Readers of its stream are waiting for a `done` that no worker will write.
        ReplyStream(message.id).done(status=Message.Status.STOPPED, kind=None, ended=False, content="")
    else:
        status = Message.objects.filter(pk=message.pk).values_list("status", flat=True).first()
        if status in (Message.Status.COMPLETE, Message.Status.FAILED):
            raise reply_finished()
        if status == Message.Status.STREAMING:
            stop_request(message.id)
    message.refresh_from_db()
    return message


def _fork(*, conversation: Conversation, message: Message, parent: Message | None) -> Branch:
    source = branch_containing(conversation, message)
    branch = Branch.objects.create(conversation=conversation, forked_from=source, forked_at=parent)
    conversation.active_branch = branch
    conversation.save(update_fields=["active_branch", "updated_at"])
    return branch


@transaction.atomic
def message_edit(*, user, message: Message, content: str) -> tuple[Branch, Message, Message]:
    """A new sibling of a user message, with its own reply, on a new branch that becomes active."""
    content = _clean_content(content)
    if message.role != Message.Role.USER:
        raise errors.invalid("Only your own messages can be edited; retry an assistant reply instead.")
    conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
    parent = message.parent
    if parent is None and conversation.title == title_from(message.content):
        # The title was made from the first message, and the user rewrote that message: the
        # title follows, so words the user took back do not stay at the top of the page.
        conversation.title = title_from(content)
        conversation.save(update_fields=["title"])
    branch = _fork(conversation=conversation, message=message, parent=parent)
    user_message, reply = _add_turn(branch=branch, parent=parent, content=content)
    return branch, user_message, reply


@transaction.atomic
def message_retry(*, user, message: Message) -> tuple[Branch, Message]:
    """A new reply to the same user message, on a new branch that becomes active."""
    if message.role != Message.Role.ASSISTANT:
        raise errors.invalid("Only assistant replies can be retried; edit your message instead.")
    if not message.is_terminal:
        raise errors.reply_pending()
    conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
    user_message = message.parent
    branch = _fork(conversation=conversation, message=message, parent=user_message)
    reply = Message.objects.create(
        conversation=conversation,
        branch=branch,
        parent=user_message,
        role=Message.Role.ASSISTANT,
        status=Message.Status.PENDING,
        provider=conversation.provider,
        model=conversation.model,
    )
    branch.tip = reply
    branch.save(update_fields=["tip"])
    reply_enqueue(reply=reply)
    return branch, reply


@transaction.atomic
def branch_end(*, branch: Branch, initiated_by: str, reason: str, rationale: str = "", initiator_user=None) -> EndEvent:
    """End a branch on behalf of its user or staff. (Model ends go through the reply pipeline.)"""
    branch = Branch.objects.select_for_update().select_related("conversation").get(pk=branch.pk)
    if branch.ended:
        raise errors.branch_ended()
    branch.ended_at = timezone.now()
    branch.save(update_fields=["ended_at"])
    path = branch_path(branch)
    return end_event_record(
        branch=branch,
        initiated_by=initiated_by,
        initiator_user=initiator_user,
        reason=reason,
        rationale=rationale,
        assessments=assessments_of(path),
        transcript=transcript_snapshot(path),
    )


@transaction.atomic
def branch_reopen(*, branch: Branch, staff_user) -> Branch:
    branch = Branch.objects.select_for_update().get(pk=branch.pk)
    if not branch.ended:
        raise DomainError("branch_open", "This branch is not ended.", 409)
    for event in EndEvent.objects.filter(branch=branch, reopened_at__isnull=True):
        end_event_mark_reopened(end_event=event, staff_user=staff_user)
    branch.ended_at = None
    branch.reopened_at = timezone.now()
    branch.save(update_fields=["ended_at", "reopened_at"])
    return branch
