"""The chat pages. Thin: parse with a form, check ownership, call a service, redirect or render.

Every page works without JavaScript (a form POST, then a redirect; a pending reply shows on
reload). With JavaScript, static/chat/chat.js submits the same forms in the background, swaps in
the page the server renders, and streams pending replies from the server-sent-events endpoint. A
send, edit or retry that asks for `text/event-stream` gets the page and its reply in one response.
"""

import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chatsite.errors import DomainError
from conversations import selectors, services
from conversations.relay import created_stream
from conversations.forms import EndForm, FeedbackForm, MessageForm, RenameForm, SendForm, SwitchForm
from conversations.models import Branch, Conversation, Message
from moderation import services as moderation
from moderation.models import EndEvent, EndReason, Initiator

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


# Reads for the chat page. Fixed number of queries, whatever the size of the conversation: the
# conversation, its branches, its messages, the end event, the sidebar.


@dataclass
class Turn:
    """One message of the transcript, with what the page needs to draw its navigator and actions."""

    message: Message
    siblings: list[Message] = field(default_factory=list)
    text: str = ""

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


def _owned_conversation(request: HttpRequest, pk: uuid.UUID) -> Conversation:
    return get_object_or_404(selectors.conversations_for(request.user), pk=pk)


def _sidebar(user) -> QuerySet[Conversation]:
    return selectors.conversations_for(user).select_related("active_branch").order_by("-updated_at", "-created_at")


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


def chat_context(request: HttpRequest, conversation: Conversation, **extra) -> dict:
    branches = list(Branch.objects.filter(conversation=conversation).order_by("created_at"))
    branch = _shown_branch(conversation, branches)
    branch.conversation = conversation
    # The navigator needs every message's place in the tree but only the path's content: a light
    # query for the tree and one for the path keep a long conversation cheap to show.
    tree = list(Message.objects.filter(conversation=conversation).only("id", "parent_id").order_by("created_at"))
    children = _children(tree)
    path = selectors.message_path(branch.tip_id)
    turns = []
    for message in path:
        text = message.content
        if message.kind == Message.Kind.SUPPORT:
            # The support resources get their own prominent box; do not repeat them in the text.
            text = text.replace(settings.SUPPORT_RESOURCES, "").strip()
        turns.append(Turn(message=message, siblings=children.get(message.parent_id, [message]), text=text))

    end_event = None
    if branch.ended:
        end_event = (
            EndEvent.objects.filter(branch=branch, reopened_at__isnull=True)
            .select_related("feedback")
            .order_by("-created_at")
            .first()
        )
    tip = path[-1] if path else None
    context = {
        "conversation": conversation,
        "conversations": _sidebar(request.user)[:SIDEBAR_SIZE],
        "branch": branch,
        "turns": turns,
        "end_event": end_event,
        "end_reason": END_REASONS.get(end_event.reason, "") if end_event else "",
        "feedback": getattr(end_event, "feedback", None) if end_event else None,
        "replying": tip is not None and tip.role == Message.Role.ASSISTANT and not tip.is_terminal,
        "composer": SendForm(initial={"branch": branch.id}),
        "feedback_form": FeedbackForm(),
        "editing": None,
        "error": None,
    }
    editing = request.GET.get("edit")
    if editing:
        try:
            context["editing"] = uuid.UUID(editing)
        except ValueError:
            pass
    context.update(extra)
    return context


def _render_chat(request: HttpRequest, conversation: Conversation, status: int = 200, **extra) -> HttpResponse:
    return render(request, "conversations/chat.html", chat_context(request, conversation, **extra), status=status)


def _refused(request: HttpRequest, conversation: Conversation, error: DomainError, **extra) -> HttpResponse:
    """A refused action re-renders the page with the human message and the matching status."""
    conversation.refresh_from_db()
    return _render_chat(request, conversation, status=error.status, error=error.detail, **extra)


def _to_chat(conversation: Conversation, anchor: str = "") -> HttpResponse:
    url = reverse("chat:detail", args=[conversation.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _replying(request: HttpRequest, conversation: Conversation, reply: Message) -> HttpResponse:
    """The answer to a send, edit or retry that started a reply: a redirect to the chat; or, when
    chat.js asks for an event stream, the chat page as a first `page` event followed by the
    reply's own events, which saves the browser the redirect and a second request for the stream."""
    if "text/event-stream" not in request.headers.get("Accept", ""):
        return _to_chat(conversation, "composer")
    conversation.refresh_from_db()
    html = render_to_string("conversations/chat.html", chat_context(request, conversation), request=request)
    url = reverse("chat:detail", args=[conversation.pk])
    return created_stream({"url": url, "html": html, "reply": str(reply.id)}, reply, 200, event="page")


def _invalid(form) -> DomainError:
    detail = next((error for errors in form.errors.values() for error in errors), "The form is not valid.")
    return DomainError("invalid", detail, 400)


# Pages.


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The user's latest conversation, or a new one when they have none yet."""
    conversation = selectors.conversations_for(request.user).order_by("-updated_at", "-created_at").first()
    if conversation is None:
        try:
            conversation = services.conversation_create(user=request.user)
        except DomainError as error:
            return _list(request, error=error)
    return _to_chat(conversation)


def _list(request: HttpRequest, error: DomainError | None = None) -> HttpResponse:
    context = {"conversations": _sidebar(request.user), "error": error.detail if error else None}
    return render(request, "conversations/list.html", context, status=error.status if error else 200)


@login_required
@require_GET
def conversation_list(request: HttpRequest) -> HttpResponse:
    return _list(request)


@login_required
@require_POST
def conversation_new(request: HttpRequest) -> HttpResponse:
    try:
        conversation = services.conversation_create(user=request.user)
    except DomainError as error:
        # Over the hourly limit: say so on the list, where every existing chat is one click away.
        return _list(request, error=error)
    return _to_chat(conversation, "composer")


@login_required
@require_GET
def conversations_export(request: HttpRequest) -> HttpResponse:
    """All the user's conversations as a JSON file (the same document as GET /api/v1/export/)."""
    now = timezone.now()
    data = selectors.conversations_export(request.user)
    data["exported_at"] = now.isoformat()
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="conversations-{now:%Y-%m-%d}.json"'
    return response


@login_required
@require_GET
def conversation_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _render_chat(request, _owned_conversation(request, pk))


@login_required
@require_POST
def message_send(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    conversation = _owned_conversation(request, pk)
    form = SendForm(request.POST)
    try:
        if not form.is_valid():
            raise _invalid(form)
        branch = get_object_or_404(Branch, conversation=conversation, pk=form.cleaned_data["branch"])
        _, reply = services.message_send(user=request.user, branch_id=branch.pk, content=form.cleaned_data["content"])
    except DomainError as error:
        composer = SendForm(initial={"branch": request.POST.get("branch"), "content": request.POST.get("content", "")})
        return _refused(request, conversation, error, composer=composer)
    return _replying(request, conversation, reply)


def _owned_message(conversation: Conversation, message_pk: uuid.UUID) -> Message:
    return get_object_or_404(Message.objects.select_related("parent"), conversation=conversation, pk=message_pk)


@login_required
@require_POST
def message_edit(request: HttpRequest, pk: uuid.UUID, message_pk: uuid.UUID) -> HttpResponse:
    conversation = _owned_conversation(request, pk)
    message = _owned_message(conversation, message_pk)
    form = MessageForm(request.POST)
    try:
        if not form.is_valid():
            raise _invalid(form)
        _, _, reply = services.message_edit(user=request.user, message=message, content=form.cleaned_data["content"])
    except DomainError as error:
        return _refused(request, conversation, error, editing=message.id)
    return _replying(request, conversation, reply)


@login_required
@require_POST
def message_retry(request: HttpRequest, pk: uuid.UUID, message_pk: uuid.UUID) -> HttpResponse:
    conversation = _owned_conversation(request, pk)
    message = _owned_message(conversation, message_pk)
    try:
        _, reply = services.message_retry(user=request.user, message=message)
    except DomainError as error:
        return _refused(request, conversation, error)
    return _replying(request, conversation, reply)


@login_required
@require_POST
def branch_switch(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Show the line that continues from the chosen version of a message, and remember it."""
    conversation = _owned_conversation(request, pk)
    form = SwitchForm(request.POST)
    if not form.is_valid():
        return _refused(request, conversation, _invalid(form))
    branches = list(Branch.objects.filter(conversation=conversation))
    messages = list(Message.objects.filter(conversation=conversation).only("id", "parent_id"))
    branch = branch_continuing(branches, messages, form.cleaned_data["message"])
    if branch is None:
        raise Http404("No branch continues from that message.")
    services.conversation_update(conversation=conversation, active_branch=branch)
    return _to_chat(conversation, f"m-{form.cleaned_data['message']}")


@login_required
@require_http_methods(["GET", "POST"])
def branch_end(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The user's own end, behind a confirmation page."""
    conversation = _owned_conversation(request, pk)
    data = request.POST if request.method == "POST" else request.GET
    form = EndForm({"branch": data.get("branch") or conversation.active_branch_id})
    if not form.is_valid():
        raise Http404("No such branch.")
    branch = get_object_or_404(Branch, conversation=conversation, pk=form.cleaned_data["branch"])
    if request.method == "GET":
        context = {"conversation": conversation, "branch": branch, "form": EndForm(initial={"branch": branch.id})}
        return render(request, "conversations/end_confirm.html", context)
    try:
        services.branch_end(
            branch=branch, initiated_by=Initiator.USER, reason=EndReason.USER_REQUEST, initiator_user=request.user
        )
    except DomainError as error:
        return _refused(request, conversation, error)
    return _to_chat(conversation, "ended")


@login_required
@require_POST
def end_feedback(request: HttpRequest, pk: uuid.UUID, event_pk: uuid.UUID) -> HttpResponse:
    conversation = _owned_conversation(request, pk)
    end_event = get_object_or_404(EndEvent, pk=event_pk, conversation=conversation, user=request.user)
    form = FeedbackForm(request.POST)
    try:
        if not form.is_valid():
            raise _invalid(form)
        moderation.feedback_create(end_event=end_event, user=request.user, **form.cleaned_data)
    except DomainError as error:
        return _refused(request, conversation, error)
    return _to_chat(conversation, "ended")


@login_required
@require_http_methods(["GET", "POST"])
def conversation_rename(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    conversation = _owned_conversation(request, pk)
    form = RenameForm(request.POST or None, initial={"title": conversation.title})
    if request.method == "POST" and form.is_valid():
        services.conversation_update(conversation=conversation, title=form.cleaned_data["title"])
        return _to_chat(conversation)
    status = 400 if form.is_bound else 200
    return render(request, "conversations/rename.html", {"conversation": conversation, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def conversation_delete(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    conversation = _owned_conversation(request, pk)
    if request.method == "POST":
        title = str(conversation)
        services.conversation_delete(conversation=conversation)
        flash.success(request, f"Deleted “{title}”.")
        return redirect("chat:list")
    return render(request, "conversations/delete_confirm.html", {"conversation": conversation})
