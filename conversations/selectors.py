"""Reads shared by the pages, the API and the pipeline, each in a fixed number of queries."""

from django.db.models import Prefetch, QuerySet

from conversations.models import Branch, Conversation, Message
from moderation.models import EndEvent


def conversations_for(user) -> QuerySet[Conversation]:
    return Conversation.objects.filter(owner=user)


def conversation_detail_qs(user) -> QuerySet[Conversation]:
    return conversations_for(user).prefetch_related(
        Prefetch("branches", queryset=Branch.objects.order_by("created_at"))
    )


def branches_for(user) -> QuerySet[Branch]:
    return Branch.objects.filter(conversation__owner=user).select_related("conversation")


def messages_for(user) -> QuerySet[Message]:
    return Message.objects.filter(conversation__owner=user)


def path_to(tip_id, messages: dict) -> list[Message]:
    """Walk from a tip up to the root through messages already in memory; root first."""
    path = []
    current = messages.get(tip_id)
    while current is not None:
        path.append(current)
        current = messages.get(current.parent_id)
    path.reverse()
    return path


def branch_path(branch: Branch) -> list[Message]:
    """The branch's transcript: one query for the conversation's messages, then a walk in memory."""
    if branch.tip_id is None:
        return []
    messages = {message.id: message for message in Message.objects.filter(conversation_id=branch.conversation_id)}
    return path_to(branch.tip_id, messages)


def current_end_event(branch: Branch) -> EndEvent | None:
    if branch.ended_at is None:
        return None
    return EndEvent.objects.filter(branch=branch, reopened_at__isnull=True).order_by("-created_at").first()


def branch_containing(conversation: Conversation, message: Message) -> Branch:
    """The branch to fork from when a message is edited or retried: the active branch when it
    contains the message, else the branch the message was written on."""
    active = conversation.active_branch
    if active is not None and active.tip_id is not None:
        if any(m.id == message.id for m in branch_path(active)):
            return active
    return message.branch
