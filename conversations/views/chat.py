"""The chat page and what is done in it: start a chat, send, edit, retry, stop, switch versions."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chatsite.errors import DomainError
from conversations import selectors, services
from conversations.forms import MessageForm, NewChatForm, SendForm, SwitchForm
from conversations.models import Branch, Conversation, Message
from conversations.views.context import (
    branch_continuing,
    invalid,
    owned_conversation,
    refused,
    render_chat,
    render_new_chat,
    replying,
    to_chat,
)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The user's latest conversation, or a new chat when they have none yet."""
    conversation = selectors.conversations_for(request.user).order_by("-updated_at", "-created_at").first()
    if conversation is None:
        return redirect("chat:new")
    return to_chat(conversation)


@login_required
@require_http_methods(["GET", "POST"])
def conversation_new(request: HttpRequest) -> HttpResponse:
    """A new chat. Nothing is saved until its first message is sent (then the conversation, the
    message and its pending reply are saved together), so clicking "New chat" leaves no empty
    conversations behind."""
    if request.method == "GET":
        return render_new_chat(request)
    form = NewChatForm(request.POST)
    try:
        if not form.is_valid():
            raise invalid(form)
        choice = form.cleaned_data["model"]
        conversation, _, reply = services.conversation_start(
            user=request.user, content=form.cleaned_data["content"], provider=choice.provider, model=choice.model
        )
    except DomainError as error:
        # The draft and the chosen model stay in the form, with the reason beside it.
        return render_new_chat(request, status=error.status, error=error.detail, composer=NewChatForm(request.POST))
    return replying(request, conversation, reply)


@login_required
@require_GET
def conversation_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return render_chat(request, owned_conversation(request, pk))


@login_required
@require_POST
def message_send(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    conversation = owned_conversation(request, pk)
    form = SendForm(request.POST)
    draft = request.POST.get("content", "")
    try:
        if not form.is_valid():
            raise invalid(form)
        branch = get_object_or_404(Branch, conversation=conversation, pk=form.cleaned_data["branch"])
        _, reply = services.message_send(user=request.user, branch_id=branch.pk, content=form.cleaned_data["content"])
    except DomainError as error:
        composer = SendForm(initial={"branch": request.POST.get("branch"), "content": draft})
        # An ended branch shows no composer; the draft is shown with the notice instead, ready to
        # go to a new chat, so what the user typed in a stale tab is never thrown away.
        return refused(request, conversation, error, composer=composer, unsent=draft if error.code == "branch_ended" else "")
    return replying(request, conversation, reply)


def owned_message(conversation: Conversation, message_pk: uuid.UUID) -> Message:
    return get_object_or_404(Message.objects.select_related("parent"), conversation=conversation, pk=message_pk)


@login_required
@require_POST
def message_edit(request: HttpRequest, pk: uuid.UUID, message_pk: uuid.UUID) -> HttpResponse:
    conversation = owned_conversation(request, pk)
    message = owned_message(conversation, message_pk)
    form = MessageForm(request.POST)
    try:
        if not form.is_valid():
            raise invalid(form)
        _, _, reply = services.message_edit(user=request.user, message=message, content=form.cleaned_data["content"])
    except DomainError as error:
        return refused(request, conversation, error, editing=message.id, edit_draft=request.POST.get("content", ""))
    return replying(request, conversation, reply)


@login_required
@require_POST
def message_retry(request: HttpRequest, pk: uuid.UUID, message_pk: uuid.UUID) -> HttpResponse:
    conversation = owned_conversation(request, pk)
    message = owned_message(conversation, message_pk)
    try:
        _, reply = services.message_retry(user=request.user, message=message)
    except DomainError as error:
        return refused(request, conversation, error)
    return replying(request, conversation, reply)


@login_required
@require_POST
def message_stop(request: HttpRequest, pk: uuid.UUID, message_pk: uuid.UUID) -> HttpResponse:
    """Stop: the reply keeps what it has written so far, marked stopped, and can be retried."""
    conversation = owned_conversation(request, pk)
    message = owned_message(conversation, message_pk)
    try:
        services.reply_cancel(message=message)
    except DomainError as error:
        return refused(request, conversation, error)
    return to_chat(conversation)


@login_required
@require_POST
def branch_switch(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Show the line that continues from the chosen version of a message, and remember it."""
    conversation = owned_conversation(request, pk)
    form = SwitchForm(request.POST)
    if not form.is_valid():
        return refused(request, conversation, invalid(form))
    branches = list(Branch.objects.filter(conversation=conversation))
    messages = list(Message.objects.filter(conversation=conversation).only("id", "parent_id"))
    branch = branch_continuing(branches, messages, form.cleaned_data["message"])
    if branch is None:
        raise Http404("No branch continues from that message.")
    services.conversation_update(conversation=conversation, active_branch=branch)
    return to_chat(conversation, f"m-{form.cleaned_data['message']}")
