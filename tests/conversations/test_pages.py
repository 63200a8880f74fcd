"""The chat pages without a browser: what the server renders and how it answers each form."""

import re
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix

from conversations import replies, services
from conversations.models import Branch, Conversation, Message
from moderation.models import EndEvent, EndFeedback
from tests.support.conversations.replies import finish_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, owner) -> Client:
    client.force_login(owner)
    return client


@pytest.fixture
def conversation(owner) -> Conversation:
    return services.conversation_create(user=owner, title="Goldfish names")


def turn(user, conversation: Conversation, text: str, reply: str = "Here is an answer from the offline assistant.", **complete):
    """Send a message through the service and finish its reply in process."""
    conversation.refresh_from_db()
    user_message, pending = services.message_send(user=user, branch_id=conversation.active_branch_id, content=text)
    finish_reply(pending.id, reply)
    pending.refresh_from_db()
    return user_message, pending


def detail(conversation: Conversation) -> str:
    return reverse("chat:detail", args=[conversation.pk])


# Accounts and the front door.


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "Log in" in client.get(response["Location"]).content.decode()


def test_the_front_door_opens_the_latest_conversation(page, owner):
    services.conversation_create(user=owner, title="Older")
    latest = services.conversation_create(user=owner, title="Newer")
    response = page.get("/")
    assert response["Location"] == detail(latest)


def test_a_first_visit_opens_a_new_chat_that_is_saved_only_with_its_first_message(page, owner):
    response = page.get("/")
    assert response["Location"] == reverse("chat:new")
    html = page.get(reverse("chat:new")).content.decode()
    assert "What can I help with?" in html and 'id="id_content"' in html
    assert not Conversation.objects.exists(), "opening a new chat saves nothing"

    response = page.post(reverse("chat:new"), {"content": "**Hello** there, can you name a goldfish?", "model": "local:local-offline-1"})
    conversation = Conversation.objects.get(owner=owner)
    assert response["Location"] == detail(conversation)
    assert conversation.title == "Hello there, can you name a goldfish?"
    assert list(Message.objects.values_list("role", flat=True).order_by("created_at")) == ["user", "assistant"]
    assert page.get("/")["Location"] == detail(conversation)


def test_an_empty_first_message_creates_nothing_and_keeps_the_chosen_model(page, owner, settings):
    settings.LLM_CHOICES = ["local", "rejecting"]
    response = page.post(reverse("chat:new"), {"content": "   ", "model": "rejecting:failing-1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The message is empty. Write something to send." in html
    assert '<option value="rejecting:failing-1" selected>' in html
    assert not Conversation.objects.exists()


def test_the_new_chat_page_offers_the_models_of_the_api(page, owner, settings, api):
    settings.LLM_CHOICES = ["local", "rejecting"]
    offered = [f"{c['provider']}:{c['model']}" for c in api.get("/api/v1/models/").json()["results"]]
    html = page.get(reverse("chat:new")).content.decode()
    assert all(f'<option value="{value}"' in html for value in offered)
    page.post(reverse("chat:new"), {"content": "Hi", "model": offered[-1]})
    conversation = Conversation.objects.get()
    assert f"{conversation.provider}:{conversation.model}" == offered[-1]


def test_signing_up_checks_the_password_and_logs_the_new_user_in(client):
    weak = client.post("/accounts/signup/", {"username": "newcomer", "password1": "123", "password2": "123"})
    assert weak.status_code == 400
    assert "too short" in weak.content.decode()
    response = client.post(
        "/accounts/signup/",
        {"username": "newcomer", "password1": "a long and unusual passphrase", "password2": "a long and unusual passphrase"},
    )
    assert response.status_code == 302
    assert client.get("/")["Location"] == reverse("chat:new")


def test_signing_up_is_closed_when_signup_is_off(client, settings):
    settings.ALLOW_SIGNUP = False
    assert client.get("/accounts/signup/").status_code == 404
    assert "Create an account" not in client.get("/accounts/login/").content.decode()


def test_logging_out_takes_a_post_and_ends_the_session(page):
    response = page.post("/accounts/logout/")
    assert response.status_code == 302
    assert page.get("/").status_code == 302
    assert page.get("/")["Location"].startswith("/accounts/login/")


# The chat page.


def test_the_chat_page_shows_the_active_branch_and_a_labelled_composer(page, owner, conversation):
    turn(owner, conversation, "Name ideas for a goldfish?", "Try **Bubbles** or `Finn`.")
    html = page.get(detail(conversation)).content.decode()
    assert "Name ideas for a goldfish?" in html
    assert "<strong>Bubbles</strong>" in html and "<code>Finn</code>" in html
    assert '<label for="id_content" class="visually-hidden">Message</label>' in html
    assert ">Send</button>" in html and ">New chat</a>" in html and ">End conversation</button>" in html
    assert 'aria-label="Edit message 1">Edit</button>' in html and 'aria-label="Retry message 2">Retry</button>' in html
    assert "csrfmiddlewaretoken" in html


def test_sending_without_javascript_redirects_back_and_shows_the_pending_reply(page, conversation):
    response = page.post(
        reverse("chat:send", args=[conversation.pk]), {"content": "Hello there", "branch": conversation.active_branch_id}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(detail(conversation))
    html = page.get(detail(conversation)).content.decode()
    reply = Message.objects.get(role="assistant")
    assert f'data-stream-url="/api/v1/messages/{reply.id}/stream/"' in html
    assert "The assistant is typing" in html
    assert response["Location"] == detail(conversation), "no fragment: a reload of the address must reload the page"
    refresh = f'<meta http-equiv="refresh" content="3;url={detail(conversation)}">'
    assert refresh in html, "without JavaScript the page reloads until the reply is here"
    assert re.search(r'<button class="button primary send" type="submit" disabled', html), "Send waits for the reply"


def test_an_empty_message_is_refused_with_the_services_words(page, conversation):
    response = page.post(reverse("chat:send", args=[conversation.pk]), {"content": "   ", "branch": conversation.active_branch_id})
    assert response.status_code == 400
    assert "The message is empty. Write something to send." in response.content.decode()


def test_sending_while_a_reply_is_pending_shows_the_human_message_and_keeps_the_draft(page, owner, conversation):
    services.message_send(user=owner, branch_id=conversation.active_branch_id, content="First")
    response = page.post(reverse("chat:send", args=[conversation.pk]), {"content": "Second", "branch": conversation.active_branch_id})
    html = response.content.decode()
    assert response.status_code == 409
    assert "The assistant is still replying. Wait for the reply to finish, then send again." in html
    assert "Second</textarea>" in html
    assert "Traceback" not in html


def test_sending_to_an_ended_branch_shows_the_human_message_and_no_composer(page, owner, conversation):
    turn(owner, conversation, "Hello")
    services.branch_end(branch=conversation.active_branch, initiated_by="user", reason="user_request", initiator_user=owner)
    response = page.post(reverse("chat:send", args=[conversation.pk]), {"content": "Still there?", "branch": conversation.active_branch_id})
    html = response.content.decode()
    assert response.status_code == 409
    assert "This conversation has ended and takes no more messages." in html
    assert 'id="id_content"' not in html
    assert "You ended this conversation" in html


def test_markdown_from_users_and_the_model_is_sanitised(page, owner, conversation):
    payload = '<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) <a href="javascript:alert(4)">x</a>'
    turn(owner, conversation, payload, reply=payload + "\n\n[ok](https://example.com) [bad](JaVaScRiPt:alert(5))")
    html = page.get(detail(conversation)).content.decode()
    transcript = html[html.index('<ol class="transcript"'):html.index("</ol>")]
    assert "<script" not in transcript and "<img" not in transcript
    assert not re.search(r"<a\s[^>]*href\s*=\s*[\"']?\s*javascript", transcript, re.IGNORECASE)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in transcript
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">ok</a>' in transcript


def test_reply_kinds_are_labelled_and_support_resources_stand_out(page, owner, conversation, settings):
    _, redirect = turn(owner, conversation, "A")
    Message.objects.filter(pk=redirect.pk).update(kind="redirect")
    _, support = turn(owner, conversation, "B", reply=f"I'm here for you.\n\n{settings.SUPPORT_RESOURCES}")
    Message.objects.filter(pk=support.pk).update(kind="support")
    html = page.get(detail(conversation)).content.decode()
    assert "Steering the conversation elsewhere" in html
    assert "have to go through this alone" in html
    assert html.count("findahelpline.com</a>") == 1, "the resources are shown once, in their own box, with a link"


def test_a_failed_reply_shows_its_error_and_a_retry_button(page, owner, conversation):
    _, reply = services.message_send(user=owner, branch_id=conversation.active_branch_id, content="Hi")
    state, claimed = replies.reply_claim(message_id=reply.id)
    replies.reply_fail(message=claimed, error="The model service is overloaded (HTTP 529).")
    html = page.get(detail(conversation)).content.decode()
    assert "The reply failed." in html and "The model service is overloaded (HTTP 529)." in html
    assert reverse("chat:retry", args=[conversation.pk, reply.id]) in html
    response = page.post(reverse("chat:retry", args=[conversation.pk, reply.id]))
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.active_branch.tip.status == "pending"


# Ends, feedback and reopening.


def model_end(owner, conversation) -> EndEvent:
    turn(owner, conversation, "you are a worthless piece of shit")
    branch = Branch.objects.get(pk=conversation.active_branch_id)
    services.branch_end(branch=branch, initiated_by="model", reason="abuse")
    return EndEvent.objects.get(branch=branch)


def test_the_ended_state_says_why_offers_a_new_chat_and_takes_feedback_once(page, owner, conversation):
    event = model_end(owner, conversation)
    html = page.get(detail(conversation)).content.decode()
    assert "The assistant ended this conversation" in html
    assert "abusive messages" in html
    assert 'id="id_content"' not in html
    assert "Thumbs up" in html and "Thumbs down" in html

    url = reverse("chat:feedback", args=[conversation.pk, event.id])
    assert page.post(url, {"rating": "down", "comment": "I was joking"}).status_code == 302
    html = page.get(detail(conversation)).content.decode()
    assert "Thanks for your feedback" in html and "Thumbs down" not in html
    again = page.post(url, {"rating": "up"})
    assert again.status_code == 409
    assert "Feedback on this end has already been given." in again.content.decode()
    assert EndFeedback.objects.get().rating == "down"


def test_a_branch_reopened_by_staff_says_so_and_takes_messages(page, owner, staff_user, conversation):
    model_end(owner, conversation)
    services.branch_reopen(branch=conversation.active_branch, staff_user=staff_user)
    html = page.get(detail(conversation)).content.decode()
    assert "A moderator reopened this conversation" in html
    assert 'id="id_content"' in html
    response = page.post(reverse("chat:send", args=[conversation.pk]), {"content": "Thanks", "branch": conversation.active_branch_id})
    assert response.status_code == 302


def test_ending_ones_own_conversation_asks_first(page, conversation, owner):
    turn(owner, conversation, "Hello")
    url = reverse("chat:end", args=[conversation.pk])
    confirm = page.get(url)
    assert "End this conversation?" in confirm.content.decode()
    assert not Branch.objects.get(pk=conversation.active_branch_id).ended
    assert page.post(url, {"branch": conversation.active_branch_id}).status_code == 302
    assert EndEvent.objects.get().initiated_by == "user"
    assert "You ended this conversation" in page.get(detail(conversation)).content.decode()


# Branches.


def test_editing_creates_a_branch_and_the_navigator_switches_to_the_line_that_continues(page, owner, conversation):
    first, _ = turn(owner, conversation, "Original question")
    turn(owner, conversation, "Follow-up on the original")
    original_branch = Branch.objects.get(pk=conversation.active_branch_id)

    response = page.post(reverse("chat:edit", args=[conversation.pk, first.id]), {"content": "Edited question"})
    assert response.status_code == 302
    edited = Message.objects.get(content="Edited question")
    finish_reply(Message.objects.get(parent=edited).id)
    html = page.get(detail(conversation)).content.decode()
    assert "Edited question" in html and "Follow-up on the original" not in html
    assert "2 / 2" in html

    response = page.post(reverse("chat:switch", args=[conversation.pk]), {"message": first.id})
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.active_branch_id == original_branch.id
    html = page.get(detail(conversation)).content.decode()
    assert "Follow-up on the original" in html and "1 / 2" in html


def test_switching_picks_the_latest_branch_that_contains_the_chosen_message(page, owner, conversation):
    first, reply = turn(owner, conversation, "Question")
    services.message_retry(user=owner, message=reply)  # branch 2: a second reply
    conversation.refresh_from_db()
    finish_reply(conversation.active_branch.tip_id)
    services.conversation_update(conversation=conversation, active_branch=Branch.objects.order_by("created_at").first())
    services.message_retry(user=owner, message=reply)  # branch 3, also through the first message
    latest = Branch.objects.order_by("-created_at").first()
    services.conversation_update(conversation=conversation, active_branch=Branch.objects.order_by("created_at")[1])

    page.post(reverse("chat:switch", args=[conversation.pk]), {"message": first.id})
    conversation.refresh_from_db()
    assert conversation.active_branch_id == latest.id


def test_editing_with_empty_text_keeps_the_editor_open_with_the_reason(page, owner, conversation):
    first, _ = turn(owner, conversation, "Question")
    response = page.post(reverse("chat:edit", args=[conversation.pk, first.id]), {"content": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Edit your message" in html and "This field is required." in html


# The conversation list, rename and delete.


def test_the_list_shows_newest_first_with_a_marker_for_ended_ones(page, owner):
    older = services.conversation_create(user=owner, title="Older chat")
    services.branch_end(branch=older.active_branch, initiated_by="user", reason="user_request")
    services.conversation_create(user=owner, title="Newer chat")
    html = page.get(reverse("chat:list")).content.decode()
    assert html.index("Newer chat") < html.index("Older chat")
    assert html.count('class="marker-ended"') == 1


def test_renaming_inline_and_deleting_with_undo(page, conversation):
    inline = page.get(detail(conversation) + "?rename=1").content.decode()
    assert re.search(r'<input id="rename-title" name="title" value="Goldfish names" maxlength="200" autofocus', inline)
    assert page.post(reverse("chat:rename", args=[conversation.pk]), {"title": "Fish", "inline": "1"}).status_code == 302
    conversation.refresh_from_db()
    assert conversation.title == "Fish"
    too_long = page.post(reverse("chat:rename", args=[conversation.pk]), {"title": "x" * 201, "inline": "1"})
    assert too_long.status_code == 400 and 'id="rename-error" role="alert"' in too_long.content.decode()

    response = page.post(reverse("chat:delete", args=[conversation.pk]))
    assert response["Location"] == f"{reverse('chat:new')}?deleted={conversation.pk}"
    assert Conversation.objects.get(pk=conversation.pk).deleted_at is not None
    assert page.get(detail(conversation)).status_code == 404
    offer = page.get(response["Location"]).content.decode()
    assert "Deleted “Fish”." in offer and reverse("chat:restore", args=[conversation.pk]) in offer
    assert "Fish</span>" not in offer, "gone from the sidebar"

    assert page.post(reverse("chat:restore", args=[conversation.pk]))["Location"] == detail(conversation)
    assert Conversation.objects.get(pk=conversation.pk).deleted_at is None
    assert page.get(detail(conversation)).status_code == 200


def test_the_list_page_renames_on_its_own_page_with_the_field_focused_and_deletes_in_place(page, conversation):
    rename = page.get(reverse("chat:rename", args=[conversation.pk])).content.decode()
    assert re.search(r'<input type="text" name="title" value="Goldfish names" autofocus', rename)
    response = page.post(reverse("chat:delete", args=[conversation.pk]), {"next": "list"})
    assert response["Location"] == f"{reverse('chat:list')}?deleted={conversation.pk}"
    assert "Deleted “Goldfish names”." in page.get(response["Location"]).content.decode()


def test_searching_finds_titles_and_message_text_and_marks_the_match(page, owner, conversation):
    turn(owner, conversation, "What do goldfish eat?", "Flakes, pellets and the odd **pea**; goldfish also like brine shrimp.")
    other = services.conversation_create(user=owner, title="Trip to Lisbon")
    turn(owner, other, "Where can I eat pastéis de nata?", "Try Belém.")
    html = page.get(reverse("chat:list"), {"q": "BRINE"}).content.decode()
    assert "1 conversation found" in html
    assert "Goldfish names" in html and "Trip to Lisbon" not in html
    assert "<mark>brine</mark> shrimp" in html
    html = page.get(reverse("chat:list"), {"q": "lisbon"}).content.decode()
    assert "Trip to <mark>Lisbon</mark>" in html
    html = page.get(reverse("chat:list"), {"q": "<script>"}).content.decode()
    assert "Nothing matches “&lt;script&gt;”" in html


def test_the_sidebar_groups_conversations_by_date(page, owner, conversation):
    from datetime import timedelta

    from django.utils import timezone

    old = services.conversation_create(user=owner, title="Last month's chat")
    Conversation.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=20))
    html = page.get(detail(conversation)).content.decode()
    assert html.index(">Today</h2>") < html.index('"conversation-title">Goldfish names') < html.index(">Previous 30 days</h2>")
    assert html.index(">Previous 30 days</h2>") < html.index('"conversation-title">Last month')


def test_a_title_is_plain_text_cut_at_a_word_and_follows_an_edited_first_message(owner):
    conversation, first, reply = services.conversation_start(
        user=owner, content="# You **worthless** bot, tell me how to `reverse` a list in Python without copying it"
    )
    conversation.refresh_from_db()
    assert conversation.title == "You worthless bot, tell me how to reverse a list in Python…"
    finish_reply(reply.id)
    services.message_edit(user=owner, message=first, content="How do I reverse a list in Python?")
    conversation.refresh_from_db()
    assert conversation.title == "How do I reverse a list in Python?"
    services.conversation_update(conversation=conversation, title="Mine")
    finish_reply(conversation.active_branch.tip_id)
    services.message_edit(user=owner, message=first, content="Something else")
    conversation.refresh_from_db()
    assert conversation.title == "Mine", "a title the user chose stays"


def test_the_404_page_is_in_the_apps_layout_with_a_way_back(page, settings):
    settings.DEBUG = False
    response = page.get(f"/c/{uuid.uuid4()}/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "This page is not here" in html and 'href="/"' in html and 'class="topbar"' in html


def test_the_500_page_is_in_the_apps_layout_and_needs_no_request(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html and "Back to your conversations" in html


def test_the_favicon_is_served(page):
    response = page.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("chat/favicon.svg")


def test_the_chat_pages_links_follow_the_address_the_site_is_mounted_under(page, owner, conversation):
    _, reply = turn(owner, conversation, "Name a goldfish")
    retry = reverse("chat:retry", args=[conversation.pk, reply.pk])
    rename = reverse("chat:detail", args=[conversation.pk])
    path = detail(conversation)
    # What the server does for each request under a SCRIPT_NAME (the test client does not).
    set_script_prefix("/chat/")
    try:
        mounted = page.get(path).content.decode()
    finally:
        set_script_prefix("/")
    assert f'action="/chat{retry}"' in mounted, "a message's retry form"
    assert f'href="/chat{rename}"' in mounted, "the sidebar's links"

    # The same page at the root afterwards: the links remembered for one address are not reused.
    at_root = page.get(path).content.decode()
    assert f'action="{retry}"' in at_root
    assert f'href="{rename}"' in at_root
    assert "/chat/c/" not in at_root


def test_new_chat_saves_nothing_until_the_first_message(page, owner, conversation):
    assert page.get(reverse("chat:new")).status_code == 200
    assert Conversation.objects.filter(owner=owner).count() == 1


# Access and forms.


def test_another_users_conversation_is_a_404_on_every_page(client, other_user, owner, conversation):
    user_message, reply = turn(owner, conversation, "Private")
    event = model_end(owner, services.conversation_create(user=owner))
    client.force_login(other_user)
    pk = conversation.pk
    for method, name, args, data in [
        ("get", "chat:detail", [pk], {}),
        ("post", "chat:send", [pk], {"content": "hi", "branch": conversation.active_branch_id}),
        ("post", "chat:switch", [pk], {"message": user_message.id}),
        ("get", "chat:end", [pk], {}),
        ("post", "chat:end", [pk], {"branch": conversation.active_branch_id}),
        ("get", "chat:rename", [pk], {}),
        ("post", "chat:rename", [pk], {"title": "mine"}),
        ("get", "chat:delete", [pk], {}),
        ("post", "chat:delete", [pk], {}),
        ("post", "chat:edit", [pk, user_message.id], {"content": "mine"}),
        ("post", "chat:retry", [pk, reply.id], {}),
        ("post", "chat:feedback", [event.conversation_id, event.id], {"rating": "up"}),
    ]:
        response = getattr(client, method)(reverse(name, args=args), data)
        assert response.status_code == 404, (name, response.status_code)
    conversation.refresh_from_db()
    assert conversation.title == "Goldfish names"
    assert not EndFeedback.objects.exists()


def test_a_message_of_another_conversation_is_a_404(page, owner, conversation):
    elsewhere = services.conversation_create(user=owner)
    message, _ = turn(owner, elsewhere, "Elsewhere")
    response = page.post(reverse("chat:edit", args=[conversation.pk, message.id]), {"content": "x"})
    assert response.status_code == 404
    assert page.get(f"/c/{uuid.uuid4()}/").status_code == 404


def test_every_form_needs_a_csrf_token(owner, conversation):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(reverse("chat:send", args=[conversation.pk]), {"content": "hi", "branch": conversation.active_branch_id})
    assert response.status_code == 403
    assert client.post(reverse("chat:new"), {"content": "hi"}).status_code == 403
    assert not Message.objects.exists()


# A fixed number of queries, whatever the size of the conversation.


def build_large_conversation(owner, *, messages: int = 1000, branches: int = 50) -> Conversation:
    """A main line plus forks, each fork a new version of a user message with its own follow-ups."""
    conversation = services.conversation_create(user=owner, title="Big")
    main = conversation.active_branch
    per_fork = 10
    main_length = messages - (branches - 1) * per_fork
    rows, line = [], []
    parent = None
    for index in range(main_length):
        message = Message(
            id=uuid.uuid4(), conversation=conversation, branch=main, parent=parent,
            role="user" if index % 2 == 0 else "assistant", content=f"**Main** message {index}",
            kind=None if index % 2 == 0 else "answer",
        )
        rows.append(message)
        line.append(message)
        parent = message
    Branch.objects.filter(pk=main.pk).update(tip=line[-1].id)
    for fork in range(branches - 1):
        at = line[2 * (fork + 1)]  # a user message on the main line
        branch = Branch.objects.create(conversation=conversation, forked_from=main, forked_at_id=at.parent_id)
        parent_id = at.parent_id
        for index in range(per_fork):
            message = Message(
                id=uuid.uuid4(), conversation=conversation, branch=branch, parent_id=parent_id,
                role="user" if index % 2 == 0 else "assistant", content=f"Fork {fork} message {index}",
                kind=None if index % 2 == 0 else "answer",
            )
            rows.append(message)
            parent_id = message.id
        branch.tip_id = parent_id
        branch.save(update_fields=["tip"])
    Message.objects.bulk_create(rows, batch_size=500)
    assert Message.objects.filter(conversation=conversation).count() == messages
    assert Branch.objects.filter(conversation=conversation).count() == branches
    return conversation


def queries_to_render(page, conversation) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = page.get(detail(conversation))
    assert response.status_code == 200
    return len(queries)


def test_the_chat_page_of_a_1000_message_50_branch_conversation_takes_a_fixed_number_of_queries(page, owner, conversation):
    turn(owner, conversation, "Just one question")
    small = queries_to_render(page, conversation)
    big = build_large_conversation(owner)
    html = page.get(detail(big)).content.decode()
    assert "<strong>Main</strong> message 509" in html
    assert html.count(" / 2</span>") == 49, "each forked message shows its navigator"
    # Session, user, conversation, branches, the tree, the path, the user's ratings of its replies,
    # sidebar: the same eight for any size.
    assert queries_to_render(page, big) == small == 8

    # The ended state adds its end event (with its feedback, in the same query) and no more.
    services.branch_end(branch=Branch.objects.get(pk=big.active_branch_id), initiated_by="model", reason="abuse")
    assert queries_to_render(page, big) == 9


def test_a_pending_reply_has_a_stop_button_that_stops_it(page, owner, conversation):
    _, reply = services.message_send(user=owner, branch_id=conversation.active_branch_id, content="A long story, please")
    html = page.get(detail(conversation)).content.decode()
    stop = reverse("chat:stop", args=[conversation.pk, reply.pk])
    assert f'action="{stop}"' in html and "Stop<span" in html
    assert page.post(stop)["Location"] == detail(conversation)
    reply.refresh_from_db()
    assert reply.status == "stopped"
    html = page.get(detail(conversation)).content.decode()
    assert "badge-stopped" in html and f'action="{stop}"' not in html
    assert 'aria-label="Retry message 2">Retry</button>' in html
    assert page.post(stop).status_code == 302, "stopping again changes nothing"
    finish_reply(services.message_retry(user=owner, message=reply)[1].id)
    conversation.refresh_from_db()
    finished = page.post(reverse("chat:stop", args=[conversation.pk, conversation.active_branch.tip_id]))
    assert finished.status_code == 409 and "nothing to stop" in finished.content.decode()


def test_a_reply_takes_a_thumbs_up_or_down_that_can_be_changed(page, owner, conversation, other_user):
    _, reply = turn(owner, conversation, "Name a goldfish")
    rate = reverse("chat:rate", args=[conversation.pk, reply.pk])
    html = page.get(detail(conversation)).content.decode()
    assert f'action="{rate}"' in html and 'aria-label="Good reply (message 2)"' in html
    assert page.post(rate, {"rating": "up"})["Location"] == f"{detail(conversation)}#m-{reply.pk}"
    html = page.get(detail(conversation)).content.decode()
    assert re.search(r'value="up" aria-pressed="true"', html) and re.search(r'value="down" aria-pressed="false"', html)
    page.post(rate, {"rating": "down"})
    feedback = EndFeedback.objects.get()
    assert (feedback.message_id, feedback.user, feedback.rating, feedback.end_event) == (reply.id, owner, "down", None)
    assert page.post(rate, {"rating": "sideways"}).status_code == 400
    user_message = Message.objects.get(role="user")
    refused = page.post(reverse("chat:rate", args=[conversation.pk, user_message.pk]), {"rating": "up"})
    assert refused.status_code == 400 and "Only a finished reply can be rated." in refused.content.decode()
