"""The chat pages' streamed send (what chat.js asks for): the page and the new reply's events in
one response, against the real worker, Redis and ASGI server."""

import re

import httpx
import pytest
from django.test import Client
from django.urls import reverse

from conversations import services
from conversations.models import Message
from tests.support.live import Reply, read_events

pytestmark = pytest.mark.django_db(transaction=True)

STREAMED = {"Accept": "text/event-stream, text/html;q=0.9"}


@pytest.fixture
def browser(live_stack, owner):
    """A signed-in session on the live server, with the CSRF cookie and token a page hands out."""
    session = Client()
    session.force_login(owner)
    with httpx.Client(base_url=live_stack.base_url, timeout=30) as client:
        client.cookies.set("sessionid", session.cookies["sessionid"].value)
        yield client


def csrf_token(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def post_streamed(client: httpx.Client, path: str, form: dict, chat: str) -> Reply:
    form = {**form, "csrfmiddlewaretoken": csrf_token(client, chat)}
    with client.stream("POST", path, data=form, headers=STREAMED) as response:
        assert response.status_code == 200, response.read()
        return read_events(response)


def test_a_streamed_send_answers_with_the_page_then_the_whole_reply(browser, owner):
    conversation = services.conversation_create(user=owner)
    chat = reverse("chat:detail", args=[conversation.pk])
    form = {"branch": conversation.active_branch_id, "content": "What is a good name for a goldfish?"}

    reply = post_streamed(browser, reverse("chat:send", args=[conversation.pk]), form, chat)

    assert reply.events[0] == "page"
    assert reply.created["url"] == chat
    saved = Message.objects.get(pk=reply.created["reply"])
    # The page shows the message just sent and the pending reply, ready to take its events.
    assert "What is a good name for a goldfish?" in reply.created["html"]
    assert f'data-stream-url="/api/v1/messages/{saved.pk}/stream/"' in reply.created["html"]
    assert reply.done == {"status": "complete", "kind": "answer", "ended": False}
    assert len(reply.tokens) > 5, "the reply streams token by token"
    assert saved.content == reply.text


def test_a_streamed_edit_and_retry_answer_with_the_new_branch_and_its_reply(browser, owner):
    conversation = services.conversation_create(user=owner)
    chat = reverse("chat:detail", args=[conversation.pk])
    first = post_streamed(
        browser, reverse("chat:send", args=[conversation.pk]), {"branch": conversation.active_branch_id, "content": "Owls?"}, chat
    )
    question = Message.objects.get(pk=first.created["reply"]).parent

    edited = post_streamed(browser, reverse("chat:edit", args=[conversation.pk, question.pk]), {"content": "Otters?"}, chat)
    edit_reply = Message.objects.get(pk=edited.created["reply"])
    assert edit_reply.branch_id != question.branch_id
    assert "Otters?" in edited.created["html"] and "1 / 2" not in edited.created["html"]
    assert edited.done["status"] == "complete" and edit_reply.content == edited.text

    retried = post_streamed(browser, reverse("chat:retry", args=[conversation.pk, edit_reply.pk]), {}, chat)
    retry_reply = Message.objects.get(pk=retried.created["reply"])
    assert retry_reply.parent_id == edit_reply.parent_id
    assert retried.done["status"] == "complete" and retry_reply.content == retried.text


def test_a_refused_streamed_send_is_the_page_with_the_reason_and_saves_nothing(browser, owner):
    conversation = services.conversation_create(user=owner)
    chat = reverse("chat:detail", args=[conversation.pk])
    form = {"branch": conversation.active_branch_id, "content": "   ", "csrfmiddlewaretoken": csrf_token(browser, chat)}

    response = browser.post(reverse("chat:send", args=[conversation.pk]), data=form, headers=STREAMED)

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "The message is empty" in response.text
    assert not Message.objects.filter(conversation=conversation).exists()


def test_a_streamed_send_without_the_csrf_token_is_refused(browser, owner):
    conversation = services.conversation_create(user=owner)
    form = {"branch": conversation.active_branch_id, "content": "hello"}
    response = browser.post(reverse("chat:send", args=[conversation.pk]), data=form, headers=STREAMED)
    assert response.status_code == 403
    assert not Message.objects.filter(conversation=conversation).exists()
