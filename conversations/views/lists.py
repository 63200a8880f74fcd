"""The conversation list with its search, and the export of everything."""

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_GET

from conversations import selectors
from conversations.forms import SearchForm
from conversations.markdown import cut_at_word, plain_text
from conversations.views.context import new_chat_context, sidebar

EXCERPT_CHARS = 160


def excerpt(text: str, query: str, size: int = EXCERPT_CHARS) -> str:
    """The part of a message's plain text around the first match, about `size` characters."""
    text = plain_text(text)
    found = re.search(re.escape(query), text, flags=re.IGNORECASE)
    if found is None:
        return cut_at_word(text, size)
    start = max(0, found.start() - size // 3)
    if start:
        start = text.find(" ", start) + 1 or start
    piece = cut_at_word(text[start:], size)
    return f"…{piece}" if start else piece


@login_required
@require_GET
def conversation_list(request: HttpRequest) -> HttpResponse:
    """Every conversation, or those matching a search (title or any message), with the match marked."""
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    context = new_chat_context(request, query=query, search=form)
    if query:
        found = selectors.conversations_search(request.user, query)
        context["results"] = [{"conversation": c, "excerpt": excerpt(text, query) if text else ""} for c, text in found]
    else:
        context["conversations"] = sidebar(request.user)
    return render(request, "conversations/list.html", context)


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


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's). The address is
    looked up per request: in production it is the hashed name collectstatic wrote."""
    return HttpResponsePermanentRedirect(static("chat/favicon.svg"))
