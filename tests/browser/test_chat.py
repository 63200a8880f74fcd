"""The chat pages in a real browser, against the real stack: what a person sees and does."""

import re

import pytest
from playwright.sync_api import expect

from conversations import services
from conversations.models import Branch, Conversation, Message
from conversations.streams import ReplyStream
from moderation.models import EndFeedback
from tests.support.browser import (
    assistant_messages,
    composer,
    ended_notice,
    new_conversation,
    open_menu,
    send,
    wait_for_reply,
)
from tests.support import live
from tests.support.live import ABUSE

pytestmark = pytest.mark.django_db(transaction=True)

def test_a_sent_message_streams_its_reply_in_live(tab):
    page = tab.page
    tab.goto("/")
    expect(composer(page)).to_be_visible()
    # The offline assistant at a reading pace, so the reply takes many frames to arrive.
    page.get_by_role("combobox", name="Model").select_option("steady:steady-1")
    # Record what the reply looks like while it grows, and whether the typing indicator showed.
    page.evaluate(
        """() => {
        window.snapshots = []; window.typingSeen = false;
        new MutationObserver(() => {
            const streaming = document.querySelector('[data-stream-url]');
            if (!streaming) return;
            if (streaming.querySelector('.typing')) window.typingSeen = true;
            const text = streaming.querySelector('.stream-text').textContent;
            if (text && window.snapshots[window.snapshots.length - 1] !== text) window.snapshots.push(text);
        }).observe(document.body, {subtree: true, childList: true, characterData: true});
    }"""
    )
    send(page, "What is a good name for a goldfish?")

    reply = Message.objects.get(role="assistant")
    snapshots = page.evaluate("window.snapshots")
    assert len(snapshots) >= 3, f"the reply should grow token by token, saw {snapshots}"
    assert all(reply.content.startswith(snapshot.strip()) for snapshot in snapshots)
    assert page.evaluate("window.typingSeen")
    expect(assistant_messages(page).last).to_contain_text("offline assistant")
    expect(page.locator("#announcer")).to_contain_text("The assistant replied")
    expect(composer(page)).to_have_value("")
    expect(composer(page)).to_be_focused()
    # The title came from the first message, in the page header and the sidebar.
    expect(page.get_by_role("heading", level=1)).to_have_text("What is a good name for a goldfish?")
    expect(page.get_by_role("complementary", name="Conversations")).to_contain_text("What is a good name for a goldfish?")


def requests_made(page) -> list[tuple[str, str]]:
    """The (method, URL) of every request the page makes from now on."""
    made = []
    page.on("request", lambda request: made.append((request.method, request.url)))
    return made


def test_a_send_brings_its_reply_in_its_own_response_without_a_second_request(tab):
    page = tab.page
    tab.goto("/")
    expect(composer(page)).to_be_visible()
    made = requests_made(page)

    send(page, "What is a good name for a goldfish?")

    # The first message of a new chat: one POST starts the conversation and brings its reply.
    assert [url for method, url in made if method == "POST"] == [tab.base_url + "/c/new/"]
    assert not [url for _, url in made if "/stream/" in url], "the reply came in the send's own response"
    reply = Message.objects.get(role="assistant")
    expect(page.locator("#announcer")).to_have_text(f"The assistant replied: {reply.content}")
    expect(composer(page)).to_be_focused()
    assert tab.page_errors == []


def test_a_send_whose_response_breaks_off_reads_the_rest_of_the_reply_from_its_stream(tab):
    page = tab.page
    tab.goto("/")
    expect(composer(page)).to_be_visible()

    def cut_after_the_page(route):
        # The server's real answer, cut off after its first event (the page): as if the
        # connection dropped before the reply's events came.
        response = route.fetch()
        body = response.body()
        route.fulfill(response=response, body=body[: body.index(b"\n\n") + 2])

    page.route("**/c/new/", cut_after_the_page)
    made = requests_made(page)

    send(page, "What is a good name for a goldfish?")

    assert [url for _, url in made if "/stream/" in url], "the reply was read from its stream"
    reply = Message.objects.get(role="assistant")
    # Read from its start, and shown once: what was announced is exactly the saved reply.
    expect(page.locator("#announcer")).to_have_text(f"The assistant replied: {reply.content}")
    expect(assistant_messages(page).last).to_contain_text("offline assistant")
    assert tab.page_errors == []


def test_abuse_until_the_end_shows_the_notice_instead_of_the_composer_and_takes_feedback_once(tab):
    page = tab.page
    tab.goto("/")
    for text in ABUSE[:3]:
        send(page, text)
        expect(assistant_messages(page).last.get_by_text("Steering the conversation elsewhere")).to_be_visible()
    send(page, ABUSE[3])

    notice = ended_notice(page)
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("The assistant ended this conversation")
    expect(notice).to_contain_text("after several attempts to steer the conversation away from abusive messages")
    expect(notice.get_by_role("link", name="New chat")).to_be_visible()
    expect(composer(page)).to_have_count(0)
    expect(page.get_by_role("button", name="Send")).to_have_count(0)
    expect(page.get_by_role("button", name="End conversation")).to_have_count(0)
    expect(page.get_by_role("complementary", name="Conversations").get_by_text("Ended")).to_be_visible()

    notice.get_by_role("textbox", name="Comment (optional)").fill("Fair enough, I was out of line.")
    notice.get_by_role("button", name="Thumbs up").click()
    expect(notice.get_by_role("status")).to_contain_text("Thanks for your feedback")
    expect(notice.get_by_role("button", name="Thumbs up")).to_have_count(0)
    feedback = EndFeedback.objects.get()
    assert (feedback.rating, feedback.comment) == ("up", "Fair enough, I was out of line.")

    page.reload()
    expect(ended_notice(page).get_by_role("status")).to_contain_text("Thanks for your feedback")
    assert EndFeedback.objects.count() == 1


def test_editing_a_message_of_an_ended_branch_continues_in_a_new_branch_and_the_navigator_goes_back(tab):
    page = tab.page
    tab.goto("/")
    for text in ABUSE[:4]:
        send(page, text)
    expect(ended_notice(page)).to_be_visible()
    conversation = Conversation.objects.get()
    ended_branch = conversation.active_branch

    first = page.locator("li.message.user").first
    first.get_by_role("button", name="Edit").click()
    editor = page.get_by_role("textbox", name="Edit your message")
    expect(editor).to_be_focused()
    editor.fill("Sorry. Can you help me plan a trip?")
    page.get_by_role("button", name="Save and send").click()
    wait_for_reply(page, 1)

    expect(ended_notice(page)).to_have_count(0)
    send(page, "Somewhere warm, please.")
    expect(assistant_messages(page)).to_have_count(2)
    navigator = page.locator("li.message.user").first.get_by_role("form", name=re.compile("Versions of message"))
    expect(navigator).to_contain_text("2 / 2")

    navigator.get_by_role("button", name="Previous version").click()
    expect(ended_notice(page)).to_be_visible()
    expect(page.locator("li.message.user").first).to_contain_text(ABUSE[0])
    expect(page.locator("li.message.user").first.get_by_role("form", name=re.compile("Versions of message"))).to_contain_text("1 / 2")
    conversation.refresh_from_db()
    assert conversation.active_branch_id == ended_branch.id

    # The choice is remembered: a reload shows the ended branch again, and Next goes forward.
    page.reload()
    expect(ended_notice(page)).to_be_visible()
    page.locator("li.message.user").first.get_by_role("button", name="Next version").click()
    expect(page.locator("li.message.user").first).to_contain_text("Sorry. Can you help me plan a trip?")
    expect(page.locator("li.message.user")).to_have_count(2)
    expect(composer(page)).to_be_visible()


def test_a_new_chat_starts_at_once_from_an_ended_conversation(tab):
    page = tab.page
    tab.goto("/")
    send(page, "Please end this conversation now.")
    notice = ended_notice(page)
    expect(notice).to_contain_text("because you asked it to")

    notice.get_by_role("link", name="New chat").click()
    expect(page.get_by_role("heading", name="What can I help with?")).to_be_visible()
    expect(composer(page)).to_be_focused()
    send(page, "Hello again!")
    expect(assistant_messages(page).last).to_contain_text("offline assistant")
    assert Conversation.objects.count() == 2
    assert Branch.objects.filter(ended_at__isnull=True).count() == 1


def test_script_and_javascript_links_from_the_user_or_the_model_are_inert(tab):
    page = tab.page
    tab.goto("/")
    payload = (
        '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"> '
        "[click me](javascript:window.pwned=3) <a href=\"javascript:window.pwned=4\">or me</a>"
    )
    send(page, payload)
    # The offline assistant quotes the message back, so the same payload is in the model's reply.
    expect(assistant_messages(page).last).to_contain_text("<script>window.pwned = 1</script>")
    expect(page.locator("li.message.user").first).to_contain_text(payload.split("[")[0].strip())

    for _ in range(2):  # as streamed, then as rendered by the server after a reload
        transcript = page.locator(".transcript")
        expect(transcript.locator("script")).to_have_count(0)
        expect(transcript.locator("img")).to_have_count(0)
        expect(page.locator('a[href^="javascript" i]')).to_have_count(0)
        expect(page.get_by_role("link", name="click me")).to_have_count(0)
        page.get_by_text("click me").first.click()
        assert page.evaluate("window.pwned") is None
        assert tab.dialogs == []
        page.reload()


def test_a_failed_reply_shows_its_error_and_retry_gets_an_answer(tab, owner):
    conversation = new_conversation(owner, provider="rejecting")
    page = tab.page
    tab.goto(f"/c/{conversation.pk}/")
    send(page, "Hello?")

    failed = assistant_messages(page).last
    expect(failed.get_by_role("alert")).to_contain_text("The reply failed.")
    expect(failed.get_by_role("alert")).not_to_contain_text("Traceback")

    # The model service recovers; the retry is a new version of the reply.
    Conversation.objects.filter(pk=conversation.pk).update(provider="local")
    failed.get_by_role("button", name="Retry").click()
    wait_for_reply(page, 1)
    reply = assistant_messages(page).last
    expect(reply).to_contain_text("offline assistant")
    expect(reply.get_by_role("alert")).to_have_count(0)
    expect(reply.get_by_role("form", name=re.compile("Versions of message"))).to_contain_text("2 / 2")


def test_a_dropped_connection_reconnects_and_resumes_the_reply_without_repeating_it(open_browser_tab, owner, tmp_path):
    # A web server of its own, so the test can cut it off mid-stream and bring it back on the
    # same address. The reply is written to its Redis stream by the test itself, standing in for
    # the worker, so the drop happens exactly between two tokens.
    port = live.free_port()
    base_url = f"http://127.0.0.1:{port}"
    web = live.start_web(tmp_path, port)
    try:
        conversation = new_conversation(owner)
        branch = conversation.active_branch
        question = Message.objects.create(conversation=conversation, branch=branch, role="user", content="Tell me a story.")
        reply = Message.objects.create(
            conversation=conversation, branch=branch, parent=question, role="assistant", status="streaming"
        )
        Branch.objects.filter(pk=branch.pk).update(tip=reply)
        stream = ReplyStream(reply.id)

        tab = open_browser_tab(owner, base_url=base_url)
        page = tab.page
        tab.goto(f"/c/{conversation.pk}/")
        streaming = page.locator("[data-stream-url]")
        expect(streaming.locator(".typing")).to_be_visible()
        stream.token("Once upon a time, ")
        expect(streaming.locator(".stream-text")).to_have_text("Once upon a time, ")

        web.kill()
        expect(streaming.locator(".stream-status")).to_have_text("Connection lost. Reconnecting…")
        stream.token("a goldfish ")
        stream.token("learned to sing.")
        web = live.start_web(tmp_path, port)

        expect(streaming.locator(".stream-text")).to_have_text("Once upon a time, a goldfish learned to sing.")
        expect(streaming.locator(".stream-status")).to_be_hidden()
        Message.objects.filter(pk=reply.pk).update(
            status="complete", kind="answer", content="Once upon a time, a goldfish learned to sing."
        )
        stream.done(status="complete", kind="answer", ended=False)
        wait_for_reply(page, 1)
        expect(assistant_messages(page).last.locator(".message-body")).to_have_text(
            "Once upon a time, a goldfish learned to sing."
        )
        assert tab.page_errors == []
    finally:
        web.stop()


def test_while_a_reply_is_pending_send_waits_and_enter_says_why_beside_the_composer(tab, owner):
    conversation = new_conversation(owner)
    branch = conversation.active_branch
    question = Message.objects.create(conversation=conversation, branch=branch, role="user", content="Are you there?")
    pending = Message.objects.create(conversation=conversation, branch=branch, parent=question, role="assistant", status="pending")
    Branch.objects.filter(pk=branch.pk).update(tip=pending)

    page = tab.page
    tab.goto(f"/c/{conversation.pk}/")
    expect(page.get_by_role("button", name="Send")).to_be_disabled()
    composer(page).fill("Hello??")
    composer(page).press("Enter")
    alert = page.locator(".composer-error")
    expect(alert).to_contain_text("The assistant is still replying.")
    expect(page.locator("#announcer")).to_contain_text("The assistant is still replying.")
    expect(composer(page)).to_have_value("Hello??")
    assert Message.objects.filter(conversation=conversation).count() == 2


def test_sending_from_a_stale_tab_after_the_end_keeps_the_draft_for_a_new_chat(tab, owner):
    conversation = new_conversation(owner)
    branch = conversation.active_branch
    question = Message.objects.create(conversation=conversation, branch=branch, role="user", content="Are you there?")
    answer = Message.objects.create(conversation=conversation, branch=branch, parent=question, role="assistant", content="Yes.", kind="answer")
    Branch.objects.filter(pk=branch.pk).update(tip=answer)

    page = tab.page
    tab.goto(f"/c/{conversation.pk}/")
    # Another tab ended the conversation meanwhile: this one says so, shows the ended state, and
    # keeps what was typed, ready to go to a new chat.
    services.branch_end(branch=branch, initiated_by="user", reason="user_request", initiator_user=owner)
    composer(page).fill("A long message I do not want to type again")
    page.get_by_role("button", name="Send").click()
    notice = page.get_by_role("region", name="You ended this conversation")
    expect(notice).to_be_visible()
    expect(notice.get_by_role("alert")).to_contain_text("This conversation has ended and takes no more messages.")
    expect(composer(page)).to_have_count(0)
    kept = notice.get_by_role("textbox", name="Your message was not sent")
    expect(kept).to_have_value("A long message I do not want to type again")

    notice.get_by_role("button", name="Send it in a new chat").click()
    wait_for_reply(page, 1)
    expect(page.locator("li.message.user")).to_have_text(re.compile("A long message I do not want to type again"))
    assert Conversation.objects.filter(owner=owner).count() == 2


def test_the_user_can_end_their_own_conversation_after_confirming(tab):
    page = tab.page
    tab.goto("/")
    send(page, "Hi there")
    open_menu(page)
    expect(page.get_by_text("Closes this chat for good")).to_be_visible()
    page.get_by_role("button", name="End conversation").click()
    expect(page.get_by_role("heading", name="End this conversation?")).to_be_visible()
    page.get_by_role("button", name="End conversation").click()
    notice = page.get_by_role("region", name="You ended this conversation")
    expect(notice).to_be_visible()
    expect(notice.get_by_role("button", name="Thumbs up")).to_have_count(0)
    expect(composer(page)).to_have_count(0)
    assert Branch.objects.get().ended


def test_a_visitor_signs_up_logs_out_and_logs_back_in(open_browser_tab):
    tab = open_browser_tab()
    page = tab.page
    tab.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_role("link", name="Create an account").click()
    # The form autofocuses its username field once the page has rendered; filling before that lets
    # the focus jump back mid-fill and the password land in the username.
    expect(page.get_by_label("Username")).to_be_focused()
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a long and unusual passphrase")
    page.get_by_label("Password confirmation").fill("a long and unusual passphrase")
    page.get_by_role("button", name="Sign up").click()
    expect(composer(page)).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.get_by_label("Username")).to_be_focused()
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a long and unusual passphrase")
    page.get_by_role("button", name="Log in").click()
    expect(composer(page)).to_be_visible()
    assert not Conversation.objects.filter(owner__username="newcomer").exists(), "no empty chat is saved"
