"""Reads shared by the pages, the API and the pipeline, each in a fixed number of queries."""

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from conversations.models import Branch, Conversation, Message
from moderation.models import EndEvent, EndFeedback


def conversations_for(user) -> QuerySet[Conversation]:
    """The user's conversations; a deleted one is gone for its owner at once."""
    return Conversation.objects.filter(owner=user, deleted_at__isnull=True)


def deleted_conversations_for(user) -> QuerySet[Conversation]:
    """The user's deleted conversations not purged yet: the ones a delete can still be undone for."""
    return Conversation.objects.filter(owner=user, deleted_at__isnull=False)


SEARCH_LIMIT = 50


def conversations_search(user, query: str, limit: int = SEARCH_LIMIT) -> list[tuple[Conversation, str]]:
    """The user's conversations whose title or any message contains the query (any case), newest
    first, each with the text to show: the first matching message, or the title. Two queries."""
    query = query.strip()
    if not query:
        return []
    mine = conversations_for(user)
    by_message = Message.objects.filter(conversation__in=mine, content__icontains=query)
    matching = (
        mine.filter(Q(title__icontains=query) | Q(pk__in=by_message.values("conversation_id")))
        .select_related("active_branch")
        .order_by("-updated_at", "-created_at")[:limit]
    )
    conversations = list(matching)
    first_match: dict = {}
    for conversation_id, content in (
        by_message.filter(conversation_id__in=[c.id for c in conversations]).order_by("created_at").values_list("conversation_id", "content")
    ):
        first_match.setdefault(conversation_id, content)
    return [(c, first_match.get(c.id, "")) for c in conversations]


def reply_ratings(user, message_ids) -> dict:
    """The user's thumbs up or down on these replies, by message id. One query."""
    if not message_ids:
        return {}
    return dict(EndFeedback.objects.filter(user=user, message_id__in=message_ids).values_list("message_id", "rating"))


def conversation_detail_qs(user) -> QuerySet[Conversation]:
    return conversations_for(user).prefetch_related(
        Prefetch("branches", queryset=Branch.objects.order_by("created_at"))
    )


def branches_for(user) -> QuerySet[Branch]:
    return Branch.objects.filter(conversation__owner=user, conversation__deleted_at__isnull=True).select_related(
        "conversation"
    )


def messages_for(user) -> QuerySet[Message]:
    return Message.objects.filter(conversation__owner=user, conversation__deleted_at__isnull=True)


def end_events_for(user) -> QuerySet[EndEvent]:
    """Ends of the user's own conversations that they can still see (not deleted, not purged)."""
    return EndEvent.objects.filter(user=user, conversation__isnull=False, conversation__deleted_at__isnull=True)


def message_path(tip_id) -> list[Message]:
    """The path from the root to `tip_id`, root first, in one query.

    A recursive CTE follows the parent links inside the database (one primary-key lookup per
    step), so the cost grows with the length of the path, not with the size of the conversation.
    """
    if tip_id is None:
        return []
    quote = connection.ops.quote_name
    table = quote(Message._meta.db_table)
    columns = ", ".join(f"m.{quote(field.column)}" for field in Message._meta.concrete_fields)
    sql = (
        f"WITH RECURSIVE path (id, parent_id, depth) AS ("
        f" SELECT id, parent_id, 0 FROM {table} WHERE id = %s"
        f" UNION ALL"
        f" SELECT m.id, m.parent_id, path.depth + 1 FROM {table} m JOIN path ON m.id = path.parent_id"
        f") SELECT {columns} FROM {table} m JOIN path ON m.id = path.id ORDER BY path.depth DESC"
    )
    return list(Message.objects.raw(sql, [Message._meta.pk.get_db_prep_value(tip_id, connection)]))


def branch_path(branch: Branch) -> list[Message]:
    """The branch's transcript, root to tip."""
    return message_path(branch.tip_id)


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


def conversations_export(user) -> dict:
    """Everything the user can see, as plain JSON-ready data: every conversation with all its
    branches (each with its end, if any, and the user's feedback on it) and the whole message tree.
    Five queries, whatever the number of conversations."""
    conversations = list(conversations_for(user).order_by("created_at"))
    ids = [c.id for c in conversations]
    branches: dict = {}
    for branch in Branch.objects.filter(conversation_id__in=ids).order_by("created_at"):
        branches.setdefault(branch.conversation_id, []).append(branch)
    messages: dict = {}
    for message in Message.objects.filter(conversation_id__in=ids).order_by("created_at"):
        messages.setdefault(message.conversation_id, []).append(message)
    ratings = dict(
        EndFeedback.objects.filter(user=user, message__conversation_id__in=ids).values_list("message_id", "rating")
    )
    ends: dict = {}
    for event in EndEvent.objects.filter(conversation_id__in=ids, user=user).select_related("feedback").order_by("created_at"):
        ends.setdefault(event.branch_id, []).append(event)

    def when(value):
        return value.isoformat() if value else None

    def end_data(event: EndEvent) -> dict:
        feedback = getattr(event, "feedback", None)
        return {
            "id": str(event.id),
            "initiated_by": event.initiated_by,
            "reason": event.reason,
            "created_at": when(event.created_at),
            "reopened_at": when(event.reopened_at),
            "feedback": {"rating": feedback.rating, "comment": feedback.comment} if feedback else None,
        }

    return {
        "format": "chat-export-1",
        "user": user.get_username(),
        "conversations": [
            {
                "id": str(c.id),
                "title": c.title,
                "provider": c.provider,
                "model": c.model,
                "created_at": when(c.created_at),
                "updated_at": when(c.updated_at),
                "active_branch": str(c.active_branch_id) if c.active_branch_id else None,
                "branches": [
                    {
                        "id": str(b.id),
                        "tip": str(b.tip_id) if b.tip_id else None,
                        "forked_from": str(b.forked_from_id) if b.forked_from_id else None,
                        "forked_at": str(b.forked_at_id) if b.forked_at_id else None,
                        "created_at": when(b.created_at),
                        "ended_at": when(b.ended_at),
                        "reopened_at": when(b.reopened_at),
                        "ends": [end_data(e) for e in ends.get(b.id, [])],
                    }
                    for b in branches.get(c.id, [])
                ],
                "messages": [
                    {
                        "id": str(m.id),
                        "parent": str(m.parent_id) if m.parent_id else None,
                        "branch": str(m.branch_id),
                        "role": m.role,
                        "content": m.content,
                        "status": m.status,
                        "kind": m.kind,
                        "error": m.error,
                        "rating": ratings.get(m.id),
                        "created_at": when(m.created_at),
                    }
                    for m in messages.get(c.id, [])
                ],
            }
            for c in conversations
        ],
    }
