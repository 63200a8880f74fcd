"""Managing a conversation: rename it, delete it (and undo that), end it, give feedback on an end
or on a reply."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from chatsite.errors import DomainError
from conversations import selectors, services
from conversations.forms import EndForm, FeedbackForm, RateForm, RenameForm
from conversations.models import Message
from conversations.views.context import invalid, owned_conversation, refused, render_chat, to_chat
from moderation.models import EndEvent, EndReason, Initiator
from moderation.services import feedback_create


@login_required
@require_http_methods(["GET", "POST"])
def branch_end(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The user's own end, behind a confirmation page."""
    conversation = owned_conversation(request, pk)
    data = request.POST if request.method == "POST" else request.GET
    form = EndForm({"branch": data.get("branch") or conversation.active_branch_id})
    if not form.is_valid():
        raise Http404("No such branch.")
    branch = get_object_or_404(selectors.branches_for(request.user), conversation=conversation, pk=form.cleaned_data["branch"])
    if request.method == "GET":
        context = {"conversation": conversation, "branch": branch, "form": EndForm(initial={"branch": branch.id})}
        return render(request, "conversations/end_confirm.html", context)
    try:
        services.branch_end(
            branch=branch, initiated_by=Initiator.USER, reason=EndReason.USER_REQUEST, initiator_user=request.user
        )
    except DomainError as error:
        return refused(request, conversation, error)
    return to_chat(conversation, "ended")


@login_required
@require_POST
def end_feedback(request: HttpRequest, pk: uuid.UUID, event_pk: uuid.UUID) -> HttpResponse:
    conversation = owned_conversation(request, pk)
    end_event = get_object_or_404(EndEvent, pk=event_pk, conversation=conversation, user=request.user)
    form = FeedbackForm(request.POST)
    try:
        if not form.is_valid():
            raise invalid(form)
        feedback_create(end_event=end_event, user=request.user, **form.cleaned_data)
    except DomainError as error:
        return refused(request, conversation, error)
    return to_chat(conversation, "ended")


@login_required
@require_POST
def reply_rate(request: HttpRequest, pk: uuid.UUID, message_pk: uuid.UUID) -> HttpResponse:
    """Thumbs up or down on a reply; the page comes back at that reply."""
    conversation = owned_conversation(request, pk)
    message = get_object_or_404(Message, conversation=conversation, pk=message_pk)
    form = RateForm(request.POST)
    try:
        if not form.is_valid():
            raise invalid(form)
        services.reply_rate(user=request.user, message=message, rating=form.cleaned_data["rating"])
    except DomainError as error:
        return refused(request, conversation, error)
    return to_chat(conversation, f"m-{message.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def conversation_rename(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Rename from the chat header (inline) or from the conversation list's own page. An empty
    title goes back to the one made from the first message."""
    conversation = owned_conversation(request, pk)
    form = RenameForm(request.POST or None, initial={"title": conversation.title})
    if request.method == "POST" and form.is_valid():
        services.conversation_update(conversation=conversation, title=form.cleaned_data["title"])
        return to_chat(conversation)
    if request.method == "POST" and request.POST.get("inline"):
        return render_chat(request, conversation, status=400, renaming=True, rename_error=invalid(form).detail)
    status = 400 if form.is_bound else 200
    return render(request, "conversations/rename.html", {"conversation": conversation, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def conversation_delete(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Deleting takes one click: the next page offers to undo it (the conversation is only hidden
    until it is purged, docs/privacy.md). The GET page stays for links from elsewhere."""
    conversation = owned_conversation(request, pk)
    if request.method == "POST":
        services.conversation_delete(conversation=conversation)
        back = "chat:list" if request.POST.get("next") == "list" else "chat:new"
        return redirect(f"{reverse(back)}?deleted={conversation.pk}")
    return render(request, "conversations/delete_confirm.html", {"conversation": conversation})


@login_required
@require_POST
def conversation_restore(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    conversation = get_object_or_404(selectors.deleted_conversations_for(request.user), pk=pk)
    services.conversation_restore(conversation=conversation)
    return to_chat(conversation)
