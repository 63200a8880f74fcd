"""What people expect from a chat page (issue 19), each in a real browser against the real stack:
stop, errors in view, formatting while streaming, following the text on a phone, search, copy and
highlighting, drafts, no empty chats, managing a chat, the no-JS reply, the model picker, the
404 page and the small things (favicon, Enter on phones, Escape, a growing composer, a reopened
notice that goes away)."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from conversations import services
from conversations.models import Branch, Conversation, Message
from conversations.streams import ReplyStream
from tests.support import live
from tests.support.browser import (
    add_turn,
    assistant_messages,
    composer,
    new_conversation,
    open_menu,
    pending_turn,
    send,
    wait_for_reply,
)
from tests.support.live import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

CODE_ANSWER = """Slicing returns a **new** list:

```python
def backwards(numbers):
    return numbers[::-1]  # a copy
```
"""


def long_chat(owner, turns: int = 10) -> Conversation:
    conversation = new_conversation(owner)
    for index in range(turns):
        add_turn(conversation, f"Question number {index} about something long enough to take room", "An answer.\n\n" * 4)
    return conversation


# 1. Errors in view, and Send waits for the reply.


def test_an_error_appears_beside_the_composer_in_view_even_in_a_long_chat(tab, owner):
    conversation = long_chat(owner)
    page = tab.page
    tab.goto(f"/c/{conversation.pk}/")
    page.route("**/send/", lambda route: route.abort())
    composer(page).fill("Are you still there?")
    page.get_by_role("button", name="Send").click()
    alert = page.locator(".composer-error")
    expect(alert).to_contain_text("Could not reach the server")
    expect(alert).to_be_in_viewport()
    expect(page.locator("#announcer")).to_contain_text("Could not reach the server")
    expect(composer(page)).to_have_value("Are you still there?")
    expect(page.get_by_role("button", name="Send")).to_be_enabled()


# 2. Stop.


def test_stop_ends_the_reply_mid_stream_keeps_its_text_marked_stopped_and_it_can_be_retried(tab, owner):
    conversation = new_conversation(owner, provider="slow")
    page = tab.page
    tab.goto(f"/c/{conversation.pk}/")
    composer(page).fill("Tell me a very long story")
    page.get_by_role("button", name="Send").click()
    streaming = page.locator("[data-stream-url] .stream-text")
    expect(streaming).to_contain_text("word3")
    expect(page.get_by_role("button", name="Send")).to_be_disabled()

    page.get_by_role("button", name="Stop the reply").click()
    wait_for_reply(page, 1)
    reply = assistant_messages(page).last
    expect(reply.get_by_text("Stopped", exact=True)).to_be_visible()
    expect(reply.locator(".message-body")).to_contain_text("word3")
    saved = Message.objects.get(role="assistant")
    assert saved.status == "stopped" and saved.content.startswith("word0 word1 word2 word3")
    assert "word15" not in saved.content, "the slow double writes 16 words; Stop came long before the last"
    expect(reply.locator(".message-body")).to_have_text(saved.content.strip())
    expect(page.get_by_role("button", name="Send")).to_be_enabled()
    expect(page.locator("#announcer")).to_contain_text("Stopped")

    reply.get_by_role("button", name="Retry message 2").click()
    expect(page.locator("[data-stream-url] .stream-text")).to_contain_text("word1")
    page.get_by_role("button", name="Stop the reply").click()
    wait_for_reply(page, 1)
    expect(assistant_messages(page).last.get_by_role("form", name=re.compile("Versions of message"))).to_contain_text("2 / 2")


# 3. Formatting while streaming, with the server's sanitiser rules.


def test_a_streaming_reply_is_formatted_as_it_arrives_and_looks_the_same_once_saved(tab, owner):
    conversation = new_conversation(owner)
    reply = pending_turn(conversation, "Format something for me")
    page = tab.page
    tab.goto(f"/c/{conversation.pk}/")
    stream = ReplyStream(reply.id)
    text = (
        "Here is **bold** and `code`.\n\n- one\n- two\n\n"
        '<img src=x onerror="window.pwned=1"> [click](javascript:window.pwned=2) <script>window.pwned=3</script>\n\n'
        "| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    for piece in re.findall(r"\S+\s*|\s+", text):
        stream.token(piece)
    live_text = page.locator("[data-stream-url] .stream-text")
    expect(live_text.locator("strong")).to_have_text("bold")
    expect(live_text.locator("li")).to_have_count(2)
    expect(live_text.locator("td")).to_have_count(2)
    expect(live_text.locator("img, script")).to_have_count(0)
    expect(page.locator('a[href^="javascript" i]')).to_have_count(0)
    expect(live_text).to_contain_text("<script>window.pwned=3</script>")
    # Drawn block by block: the finished blocks, then the one being written.
    streamed_html = live_text.evaluate("e => e.querySelector('.stream-stable').innerHTML + e.querySelector('.stream-tail').innerHTML")

    Message.objects.filter(pk=reply.pk).update(status="complete", kind="answer", content=text)
    stream.done(status="complete", kind="answer", ended=False, content=text)
    wait_for_reply(page, 1)
    saved_html = assistant_messages(page).last.locator(".message-body").inner_html()
    assert re.sub(r"\s+", " ", streamed_html).strip() == re.sub(r"\s+", " ", saved_html).strip()
    assert page.evaluate("window.pwned") is None


# 4. Streaming follows the text on a phone.


def test_on_a_phone_the_newest_line_of_a_streaming_reply_stays_above_the_composer(open_browser_tab, owner):
    conversation = long_chat(owner, turns=4)
    reply = pending_turn(conversation, "Write a lot")
    tab = open_browser_tab(owner, viewport={"width": 390, "height": 700}, is_mobile=True, has_touch=True)
    page = tab.page
    tab.goto(f"/c/{conversation.pk}/")
    stream = ReplyStream(reply.id)
    for index in range(60):
        stream.token(f"Line {index} of a long reply.\n\n")
    last = page.locator("[data-stream-url] .stream-text p").last
    expect(last).to_have_text("Line 59 of a long reply.")
    footer = page.locator(".chat-footer")
    wait_until(
        lambda: last.bounding_box()["y"] + last.bounding_box()["height"] <= footer.bounding_box()["y"] + 1,
        timeout=5,
        message="the newest line above the composer",
    )
    stream.done(status="failed", kind=None, ended=False, error="stopped by the test")


# 5. Search and the sidebar by date.


def test_search_from_the_sidebar_finds_a_message_and_marks_it(tab, owner):
    found = services.conversation_create(user=owner, title="Aquarium plans")
    add_turn(found, "What do goldfish eat?", "Flakes, pellets and brine shrimp.")
    other = services.conversation_create(user=owner, title="Trip to Lisbon")
    add_turn(other, "Where to eat?", "Try Belém.")
    page = tab.page
    tab.goto(f"/c/{other.pk}/")
    sidebar = page.get_by_role("complementary", name="Conversations")
    expect(sidebar.get_by_role("heading", name="Today")).to_be_visible()
    sidebar.get_by_role("searchbox", name="Search conversations").fill("brine")
    sidebar.get_by_role("searchbox", name="Search conversations").press("Enter")
    expect(page.get_by_role("heading", name="Search results")).to_be_visible()
    expect(page.locator(".search-results li")).to_have_count(1)
    expect(page.locator(".search-results mark")).to_have_text("brine")
    page.get_by_role("link", name="Aquarium plans").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aquarium plans")


# 6. Copy buttons and highlighting.


def test_copy_buttons_copy_a_reply_and_a_code_block_and_code_is_highlighted(open_browser_tab, owner):
    conversation = new_conversation(owner)
    add_turn(conversation, "How do I reverse a list?", CODE_ANSWER)
    tab = open_browser_tab(owner, permissions=["clipboard-read", "clipboard-write"])
    page = tab.page
    tab.goto(f"/c/{conversation.pk}/")
    expect(page.locator("pre code .hljs-keyword").first).to_have_text("def")
    page.get_by_role("button", name="Copy code block 1 of message 2").click()
    assert page.evaluate("navigator.clipboard.readText()") == "def backwards(numbers):\n    return numbers[::-1]  # a copy\n"
    page.get_by_role("button", name="Copy message 2").click()
    expect(page.get_by_role("button", name="Copy message 2")).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Slicing returns a new list:") and "return numbers[::-1]" in copied
    assert not tab.page_errors


# 7. Drafts and the 404 page.


def test_a_draft_survives_a_reload(tab, owner):
    conversation = new_conversation(owner)
    add_turn(conversation, "Hi", "Hello!")
    page = tab.page
    tab.goto(f"/c/{conversation.pk}/")
    composer(page).fill("Half a thought I do not want to lose")
    page.reload()
    expect(composer(page)).to_have_value("Half a thought I do not want to lose")
    send(page, "Half a thought I do not want to lose")
    page.reload()
    expect(composer(page)).to_have_value("")


def test_a_deleted_conversation_shows_the_apps_404_page_with_a_way_back(open_browser_tab, owner, tmp_path):
    # A server with DEBUG off, as in production, where Django shows the app's 404 template.
    port = live.free_port()
    web = live.start_web(tmp_path, port, DEBUG="false")
    try:
        conversation = new_conversation(owner)
        add_turn(conversation, "Hi", "Hello!")
        services.conversation_delete(conversation=conversation)
        tab = open_browser_tab(owner, base_url=f"http://127.0.0.1:{port}")
        page = tab.page
        response = tab.goto(f"/c/{conversation.pk}/")
        assert response.status == 404
        expect(page.get_by_role("heading", name="This page is not here")).to_be_visible()
        expect(page.get_by_role("link", name="New chat").first).to_be_visible()
        page.get_by_role("link", name="Back to your conversations").click()
        expect(composer(page)).to_be_visible()
        response = tab.goto(f"/c/{uuid.uuid4()}/")
        assert response.status == 404
    finally:
        web.stop()


# 8. No empty chats; 12. the model picker.


def test_new_chat_saves_nothing_until_the_first_message_and_uses_the_model_picked(tab, owner):
    existing = new_conversation(owner)
    add_turn(existing, "Hi", "Hello!")
    page = tab.page
    tab.goto(f"/c/{existing.pk}/")
    for _ in range(3):
        page.get_by_role("link", name="New chat").first.click()
        expect(page.get_by_role("heading", name="What can I help with?")).to_be_visible()
    expect(composer(page)).to_be_focused()
    assert Conversation.objects.filter(owner=owner).count() == 1, "no empty conversations"

    picker = page.get_by_role("combobox", name="Model")
    expect(picker).to_have_value(re.compile("^local:"))
    picker.select_option("always_end:always-end-1")
    send(page, "Hello, new model")
    conversation = Conversation.objects.exclude(pk=existing.pk).get(owner=owner)
    assert (conversation.provider, conversation.model) == ("always_end", "always-end-1")
    expect(page).to_have_url(re.compile(f"/c/{conversation.pk}/"))


def test_a_slow_new_chat_page_keeps_the_model_picked_while_it_loaded(tab, owner):
    """Seen in CI after three quick clicks on "New chat": the last page landed after the model was
    picked and put the default back, so the chat started with a model nobody chose."""
    existing = new_conversation(owner)
    add_turn(existing, "Hi", "Hello!")
    page = tab.page
    tab.goto(f"/c/{existing.pk}/")
    page.get_by_role("link", name="New chat").first.click()
    expect(page.get_by_role("heading", name="What can I help with?")).to_be_visible()

    held = []
    page.route("**/c/new/", lambda route: held.append(route))
    with page.expect_request("**/c/new/"):
        page.get_by_role("link", name="New chat").first.click()
    page.get_by_role("combobox", name="Model").select_option("always_end:always-end-1")
    page.evaluate("document.getElementById('app').dataset.before = 'yes'")
    wait_until(lambda: held or page.wait_for_timeout(50), timeout=5)
    held[0].continue_()
    page.unroute("**/c/new/")  # the message is sent to this address too
    expect(page.locator("#app[data-before]")).to_have_count(0)  # the slow page has been drawn

    expect(page.get_by_role("combobox", name="Model")).to_have_value("always_end:always-end-1")
    send(page, "Hello, new model")
    conversation = Conversation.objects.exclude(pk=existing.pk).get(owner=owner)
    assert (conversation.provider, conversation.model) == ("always_end", "always-end-1")


def test_a_reload_of_the_chat_left_behind_does_not_replace_the_new_chat(tab, owner):
    """A page reloads itself when a reply finishes or on Back; if the user clicked "New chat" while
    that reload was on its way, the chat they left must not come back under the new address."""
    existing = new_conversation(owner)
    add_turn(existing, "Hi", "Hello!")
    page = tab.page
    tab.goto(f"/c/{existing.pk}/")
    expect(assistant_messages(page)).to_have_count(1)

    held = []
    page.route(f"**/c/{existing.pk}/", lambda route: held.append(route))
    with page.expect_request(f"**/c/{existing.pk}/"):
        page.evaluate("history.pushState(null, '', location.href); history.back()")  # a reload
    page.get_by_role("link", name="New chat").first.click()
    expect(page.get_by_role("heading", name="What can I help with?")).to_be_visible()
    wait_until(lambda: held or page.wait_for_timeout(50), timeout=5)
    with page.expect_response(f"**/c/{existing.pk}/"):
        held[0].continue_()
    page.unroute(f"**/c/{existing.pk}/")
    page.wait_for_timeout(300)  # the late answer has been read by now

    expect(page).to_have_url(re.compile("/c/new/$"))
    expect(page.get_by_role("heading", name="What can I help with?")).to_be_visible()
    expect(assistant_messages(page)).to_have_count(0)


def test_a_reply_that_comes_after_new_chat_was_clicked_does_not_move_the_user_back(tab, owner):
    """The message is sent and answered, but the user who clicked "New chat" meanwhile stays on the
    new chat, and finds the reply in the chat they left."""
    existing = new_conversation(owner)
    add_turn(existing, "Hi", "Hello!")
    page = tab.page
    tab.goto(f"/c/{existing.pk}/")

    held = []
    page.route("**/send/", lambda route: held.append(route))
    with page.expect_request("**/send/"):
        composer(page).fill("One more question before I go")
        page.get_by_role("button", name="Send").click()
    page.get_by_role("link", name="New chat").first.click()
    expect(page.get_by_role("heading", name="What can I help with?")).to_be_visible()
    wait_until(lambda: held or page.wait_for_timeout(50), timeout=5)
    with page.expect_response("**/send/"):
        held[0].continue_()
    page.unroute("**/send/")
    wait_until(lambda: Message.objects.filter(conversation=existing, content="One more question before I go").exists(), timeout=10)
    page.wait_for_timeout(300)  # the page event has been read by now

    expect(page).to_have_url(re.compile("/c/new/$"))
    expect(page.get_by_role("heading", name="What can I help with?")).to_be_visible()
    tab.goto(f"/c/{existing.pk}/")
    expect(page.get_by_role("list", name="Messages").get_by_text("One more question before I go", exact=True)).to_be_visible()
    expect(assistant_messages(page)).to_have_count(2)



def held_until_new_chat(page, pattern: str, act, meanwhile=lambda: None):
    """Do `act` (which sends a form to `pattern`), hold that request, run `meanwhile`, click
    "New chat", and let the request through only once the new chat is drawn; its response."""
    held = []
    page.route(pattern, lambda route: held.append(route))
    with page.expect_request(pattern):
        act()
    meanwhile()
    page.get_by_role("link", name="New chat").first.click()
    expect(page.get_by_role("heading", name="What can I help with?")).to_be_visible()
    wait_until(lambda: held or page.wait_for_timeout(50), timeout=5)
    with page.expect_response(pattern) as answer:
        held[0].continue_()
    page.unroute(pattern)
    return answer.value


def test_without_streamed_sends_a_late_answer_does_not_move_the_user_back(tab, owner):
    """A browser without TextDecoderStream sends a plain POST and draws the page it is redirected
    to; if the user clicked "New chat" meanwhile, that page must not replace the new chat."""
    existing = new_conversation(owner)
    add_turn(existing, "Hi", "Hello!")
    page = tab.page
    page.add_init_script("delete window.TextDecoderStream")
    tab.goto(f"/c/{existing.pk}/")

    def send_one():
        composer(page).fill("One more question before I go")
        page.get_by_role("button", name="Send").click()

    held_until_new_chat(page, "**/send/", send_one)
    wait_until(lambda: Message.objects.filter(conversation=existing, content="One more question before I go").exists(), timeout=10)
    page.wait_for_timeout(300)  # the redirected page has been read by now

    expect(page).to_have_url(re.compile("/c/new/$"))
    expect(page.get_by_role("heading", name="What can I help with?")).to_be_visible()
    expect(page.locator(".composer-error")).to_be_empty()
    tab.goto(f"/c/{existing.pk}/")
    expect(page.get_by_role("list", name="Messages").get_by_text("One more question before I go", exact=True)).to_be_visible()


def test_a_rename_answered_after_new_chat_keeps_the_new_chat_and_shows_the_title(tab, owner):
    conversation = services.conversation_create(user=owner, title="Old title")
    add_turn(conversation, "Hi", "Hello!")
    page = tab.page
    tab.goto(f"/c/{conversation.pk}/")

    def rename():
        open_menu(page)
        page.get_by_role("button", name="Rename").click()
        page.get_by_role("textbox", name="Title").fill("Weekend plans")
        page.get_by_role("textbox", name="Title").press("Enter")

    held_until_new_chat(page, "**/rename/", rename)

    expect(page.get_by_role("complementary", name="Conversations")).to_contain_text("Weekend plans")
    expect(page).to_have_url(re.compile("/c/new/$"))
    expect(page.get_by_role("heading", name="What can I help with?")).to_be_visible()
    conversation.refresh_from_db()
    assert conversation.title == "Weekend plans"


def test_a_send_refused_after_the_user_moved_says_so_where_they_are(tab, owner):
    """The chat ended while the message was on its way: the user, now on a new chat, is told, and
    the text they typed waits in the chat they left."""
    existing = new_conversation(owner)
    add_turn(existing, "Hi", "Hello!")
    page = tab.page
    page.add_init_script("delete window.TextDecoderStream")
    tab.goto(f"/c/{existing.pk}/")

    def send():
        composer(page).fill("Are you there?")
        page.get_by_role("button", name="Send").click()

    def end_the_chat():
        services.branch_end(branch=existing.active_branch, initiated_by="user", reason="user_request", initiator_user=owner)

    answer = held_until_new_chat(page, "**/send/", send, meanwhile=end_the_chat)

    assert answer.status == 409
    expect(page.locator(".composer-error")).to_contain_text("was not accepted")
    expect(page).to_have_url(re.compile("/c/new/$"))
    assert not Message.objects.filter(conversation=existing, content="Are you there?").exists()
    assert page.evaluate(f"sessionStorage.getItem('draft:{existing.pk}')") == "Are you there?"


# 9. Managing a chat: inline rename, Escape, delete with undo, End in a menu.


def test_rename_inline_escape_cancels_and_delete_can_be_undone(tab, owner):
    conversation = services.conversation_create(user=owner, title="Old title")
    add_turn(conversation, "Hi", "Hello!")
    page = tab.page
    tab.goto(f"/c/{conversation.pk}/")

    open_menu(page)
    expect(page.get_by_text("Closes this chat for good")).to_be_visible()
    page.get_by_role("button", name="Rename").click()
    title = page.get_by_role("textbox", name="Title")
    expect(title).to_be_focused()
    title.fill("Something else")
    title.press("Escape")
    expect(page.get_by_role("heading", level=1)).to_have_text("Old title")

    open_menu(page)
    page.get_by_role("button", name="Rename").click()
    page.get_by_role("textbox", name="Title").fill("Weekend plans")
    page.get_by_role("textbox", name="Title").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Weekend plans")
    expect(page.get_by_role("complementary", name="Conversations")).to_contain_text("Weekend plans")

    open_menu(page)
    page.get_by_role("button", name="Delete").click()
    undo = page.get_by_role("status").filter(has_text="Deleted “Weekend plans”")
    expect(undo).to_be_visible()
    assert Conversation.objects.get(pk=conversation.pk).deleted_at is not None
    undo.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Weekend plans")
    assert Conversation.objects.get(pk=conversation.pk).deleted_at is None


# 11. Without JavaScript, a pending reply arrives by itself.


def test_without_javascript_the_pending_reply_arrives_without_a_manual_reload(open_browser_tab, owner):
    tab = open_browser_tab(owner, java_script_enabled=False)
    page = tab.page
    tab.goto("/")
    composer(page).fill("Hello without scripts")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("li.message.user")).to_contain_text("Hello without scripts")
    # No reload from the test: the page's own refresh brings the reply.
    expect(assistant_messages(page).last).to_contain_text("offline assistant", timeout=20_000)
    expect(page.get_by_role("button", name="Send")).to_be_enabled()


# 14. The small ones.


def test_pages_ask_for_nothing_that_is_not_there_and_show_a_favicon(tab, owner):
    conversation = new_conversation(owner)
    add_turn(conversation, "Hi", "Hello!")
    missing = []
    tab.page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    tab.goto(f"/c/{conversation.pk}/")
    expect(tab.page.locator('link[rel="icon"]')).to_have_attribute("href", re.compile("favicon.svg"))
    tab.page.wait_for_load_state("networkidle")
    assert missing == []
    icon = tab.page.request.get(tab.base_url + "/favicon.ico")
    assert icon.ok and "svg" in icon.headers["content-type"]


def test_enter_starts_a_new_line_on_a_phone_and_sends_on_a_desktop(open_browser_tab, owner):
    conversation = new_conversation(owner)
    add_turn(conversation, "Hi", "Hello!")
    phone = open_browser_tab(owner, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.goto(f"/c/{conversation.pk}/")
    box = composer(phone.page)
    box.click()
    box.type("first line")
    box.press("Enter")
    box.type("second line")
    expect(box).to_have_value("first line\nsecond line")
    assert Message.objects.filter(conversation=conversation).count() == 2, "nothing was sent"


def test_escape_cancels_an_edit(tab, owner):
    conversation = new_conversation(owner)
    add_turn(conversation, "Original words", "Hello!")
    page = tab.page
    tab.goto(f"/c/{conversation.pk}/")
    page.get_by_role("button", name="Edit message 1").click()
    editor = page.get_by_role("textbox", name="Edit your message")
    expect(editor).to_be_focused()
    editor.fill("Changed my mind")
    editor.press("Escape")
    expect(editor).to_have_count(0)
    expect(page.locator("li.message.user")).to_have_text(re.compile("Original words"))
    assert Message.objects.filter(conversation=conversation).count() == 2


def test_the_composer_grows_with_its_text_without_the_css_feature_only_chromium_has(open_browser_tab, owner):
    conversation = new_conversation(owner)
    # The test adds a style of its own, which the site's Content-Security-Policy would refuse.
    tab = open_browser_tab(owner, bypass_csp=True)
    page = tab.page
    tab.goto(f"/c/{conversation.pk}/")
    # As in a browser without `field-sizing: content`: the growing must come from the script.
    page.add_style_tag(content="[data-composer] textarea { field-sizing: fixed !important; }")
    assert page.locator("[data-composer] textarea").evaluate("e => getComputedStyle(e).fieldSizing") in ("fixed", None)
    box = composer(page)
    before = box.bounding_box()["height"]
    box.fill("one\ntwo\nthree\nfour\nfive")
    grown = box.bounding_box()["height"]
    assert grown > before * 2
    box.fill("")
    assert box.bounding_box()["height"] < grown


def test_the_reopened_notice_goes_away_once_the_user_writes_again(tab, owner, staff_user):
    conversation = new_conversation(owner)
    add_turn(conversation, "Hi", "Hello!")
    branch = Branch.objects.get(pk=conversation.active_branch_id)
    services.branch_end(branch=branch, initiated_by="model", reason="abuse")
    services.branch_reopen(branch=branch, staff_user=staff_user)
    page = tab.page
    tab.goto(f"/c/{conversation.pk}/")
    expect(page.get_by_text("A moderator reopened this conversation.")).to_be_visible()
    send(page, "Thanks, I'll be polite.")
    expect(page.get_by_text("A moderator reopened this conversation.")).to_have_count(0)
    page.reload()
    expect(page.get_by_text("A moderator reopened this conversation.")).to_have_count(0)
