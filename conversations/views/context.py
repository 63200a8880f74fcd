"""What the chat pages show, read in a fixed number of queries whatever the size of the
conversation (the conversation, its branches, its tree, the path, the end event, the sidebar),
and the helpers every chat view answers with."""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from chatsite.errors import DomainError
from conversations import selectors
from conversations.relay import created_stream
from conversations.forms import FeedbackForm, NewChatForm, SendForm
from conversations.models import Branch, Conversation, Message
from moderation.models import EndEvent, EndReason

SIDEBAR_SIZE = 50

# Why the assistant ended a branch, in plain words, by the end event's reason.
END_REASONS = {
    EndReason.ABUSE: "It did so after several attempts to steer the conversation away from abusive messages.",
    EndReason.HARMFUL_REQUEST: (
        "It did so after several attempts to steer the conversation away from requests for help "
        "with something harmful."
    ),
    EndReason.USER_REQUEST: "It did so because you asked it to.",
    EndReason.OTHER: "",
}


@dataclass
class TranscriptEntry:
    """One message of the transcript, with what the page needs to draw its navigator and actions."""

    message: Message
    number: int
    siblings: list[Message] = field(default_factory=list)
    text: str = ""
    rating: str = ""

    @property
    def position(self) -> int:
        return next(i for i, m in enumerate(self.siblings, 1) if m.id == self.message.id)

    @property
    def previous(self) -> Message | None:
        index = self.position - 1
        return self.siblings[index - 1] if index > 0 else None

    @property
    def next(self) -> Message | None:
        index = self.position - 1
        return self.siblings[index + 1] if index + 1 < len(self.siblings) else None


@dataclass
class SidebarGroup:
    label: str
    conversations: list[Conversation]


def owned_conversation(request: HttpRequest, pk: uuid.UUID) -> Conversation:
    return get_object_or_404(selectors.conversations_for(request.user), pk=pk)


def sidebar(user):
    return selectors.conversations_for(user).select_related("active_branch").order_by("-updated_at", "-created_at")


def grouped_by_date(conversations, now=None) -> list[SidebarGroup]:
    """Conversations under the headings people know from other chat apps, newest first."""
    today = timezone.localtime(now or timezone.now()).date()
    bounds = [
        ("Today", today),
        ("Yesterday", today - timedelta(days=1)),
        ("Previous 7 days", today - timedelta(days=7)),
        ("Previous 30 days", today - timedelta(days=30)),
    ]
    groups: list[SidebarGroup] = []
    for conversation in conversations:
        day = timezone.localtime(conversation.updated_at).date()
        label = next((name for name, start in bounds if day >= start), None) or f"{day:%B %Y}"
        if not groups or groups[-1].label != label:
            groups.append(SidebarGroup(label, []))
        groups[-1].conversations.append(conversation)
    return groups


def sidebar_context(request: HttpRequest) -> dict:
    return {"sidebar_groups": grouped_by_date(sidebar(request.user)[:SIDEBAR_SIZE])}


def _children(messages: list[Message]) -> dict:
    """Messages grouped by parent, oldest first (the query orders them by creation)."""
    children: dict = {}
    for message in messages:
        children.setdefault(message.parent_id, []).append(message)
    return children


def branch_continuing(branches: list[Branch], messages: list[Message], message_id) -> Branch | None:
    """The latest branch whose transcript contains the message: the line that continues from it."""
    children = _children(messages)
    subtree, frontier = {message_id}, [message_id]
    while frontier:
        for child in children.get(frontier.pop(), []):
            subtree.add(child.id)
            frontier.append(child.id)
    candidates = [branch for branch in branches if branch.tip_id in subtree]
    return max(candidates, key=lambda branch: branch.created_at, default=None)


def _shown_branch(conversation: Conversation, branches: list[Branch]) -> Branch:
    by_id = {branch.id: branch for branch in branches}
    branch = by_id.get(conversation.active_branch_id)
    if branch is None:
        # The active branch can only be missing if it was deleted; show the newest line instead.
        branch = max(branches, key=lambda b: b.created_at)
    return branch


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def chat_context(request: HttpRequest, conversation: Conversation, **extra) -> dict:
    branches = list(Branch.objects.filter(conversation=conversation).order_by("created_at"))
    branch = _shown_branch(conversation, branches)
    branch.conversation = conversation
    # The navigator needs every message's place in the tree but only the path's content: a light
    # query for the tree and one for the path keep a long conversation cheap to show.
    tree = list(Message.objects.filter(conversation=conversation).only("id", "parent_id").order_by("created_at"))
    children = _children(tree)
    path = selectors.message_path(branch.tip_id)
    ratings = selectors.reply_ratings(request.user, [m.id for m in path if m.role == Message.Role.ASSISTANT])
    turns = []
    for number, message in enumerate(path, 1):
        text = message.content
        if message.kind == Message.Kind.SUPPORT:
            # The support resources get their own prominent box; do not repeat them in the text.
            text = text.replace(settings.SUPPORT_RESOURCES, "").strip()
        siblings = children.get(message.parent_id, [message])
        turns.append(TranscriptEntry(message=message, number=number, siblings=siblings, text=text, rating=ratings.get(message.id, "")))

    end_event = None
    if branch.ended:
        end_event = (
            EndEvent.objects.filter(branch=branch, reopened_at__isnull=True)
            .select_related("feedback")
            .order_by("-created_at")
            .first()
        )
    tip = path[-1] if path else None
    pending = tip if tip is not None and tip.role == Message.Role.ASSISTANT and not tip.is_terminal else None
    context = {
        "conversation": conversation,
        **sidebar_context(request),
        "branch": branch,
        "turns": turns,
        "end_event": end_event,
        "end_reason": END_REASONS.get(end_event.reason, "") if end_event else "",
        "feedback": getattr(end_event, "feedback", None) if end_event else None,
        "replying": pending is not None,
        "pending_reply": pending,
        # The notice that staff reopened the branch stays until the user has written in it again.
        "show_reopened": bool(branch.reopened_at and not branch.ended and (tip is None or tip.created_at < branch.reopened_at)),
        "composer": SendForm(initial={"branch": branch.id}),
        "feedback_form": FeedbackForm(),
        "editing": _uuid(request.GET.get("edit")),
        "renaming": request.GET.get("rename") == "1",
        "error": None,
        "unsent": "",
    }
    context.update(extra)
    return context


def render_chat(request: HttpRequest, conversation: Conversation, status: int = 200, **extra) -> HttpResponse:
    return render(request, "conversations/chat.html", chat_context(request, conversation, **extra), status=status)


def new_chat_context(request: HttpRequest, **extra) -> dict:
    deleted = _uuid(request.GET.get("deleted"))
    context = {
        "conversation": None,
        **sidebar_context(request),
        "composer": NewChatForm(),
        "error": None,
        "deleted": selectors.deleted_conversations_for(request.user).filter(pk=deleted).first() if deleted else None,
    }
    context.update(extra)
    return context


def render_new_chat(request: HttpRequest, status: int = 200, **extra) -> HttpResponse:
    return render(request, "conversations/new.html", new_chat_context(request, **extra), status=status)


def refused(request: HttpRequest, conversation: Conversation, error: DomainError, **extra) -> HttpResponse:
    """A refused action re-renders the page with the human message and the matching status."""
    conversation.refresh_from_db()
    return render_chat(request, conversation, status=error.status, error=error.detail, **extra)


def to_chat(conversation: Conversation, anchor: str = "") -> HttpResponse:
    url = reverse("chat:detail", args=[conversation.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def replying(request: HttpRequest, conversation: Conversation, reply: Message) -> HttpResponse:
    """The answer to a send, edit or retry that started a reply: a redirect to the chat; or, when
    chat.js asks for an event stream, the chat page as a first `page` event followed by the
    reply's own events, which saves the browser the redirect and a second request for the stream."""
    if "text/event-stream" not in request.headers.get("Accept", ""):
        # No fragment: the page reloads itself until the reply is there, and a reload of an
        # address with a fragment is only a jump within the page.
        return to_chat(conversation)
    conversation.refresh_from_db()
    html = render_to_string("conversations/chat.html", chat_context(request, conversation), request=request)
    url = reverse("chat:detail", args=[conversation.pk])
    return created_stream({"url": url, "html": html, "reply": str(reply.id)}, reply, 200, event="page")


def invalid(form) -> DomainError:
    detail = next((error for errors in form.errors.values() for error in errors), "The form is not valid.")
    return DomainError("invalid", detail, 400)
