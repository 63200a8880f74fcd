"""The chat pages for people using a keyboard, a screen reader or low vision: axe-core finds no
serious violation on the chat, ended, support, new-chat and search pages (light and dark), focus
moves to the notice when a chat ends and it is announced, the focus ring is clearly visible, and
every message's buttons say which message they act on."""

import re

import pytest
from playwright.sync_api import expect

from conversations import services
from conversations.models import Branch, Message
from tests.support.browser import add_turn, composer, ended_notice, new_conversation, send, serious_violations
from tests.support.live import ABUSE

pytestmark = pytest.mark.django_db(transaction=True)

CODE_ANSWER = "Use slicing:\n\n```python\nbackwards = numbers[::-1]\n```\n\n- a **new** list\n- `reversed()` for a loop"


def chat_with_versions(owner):
    """Two versions of the first message (the navigator's arrows, one of them disabled), code, a
    failed reply and a reply that was stopped."""
    conversation = services.conversation_create(user=owner, title="Reversing a list")
    first = add_turn(conversation, "How do I reverse a list?", CODE_ANSWER)
    second = services.message_edit(user=owner, message=first.parent, content="How do I reverse a list in Python?")[2]
    Message.objects.filter(pk=second.pk).update(status="complete", kind="answer", content=CODE_ANSWER)
    add_turn(conversation, "And a string?", "", status="failed", kind=None, error="The model service is overloaded.")
    add_turn(conversation, "Tell me more", "Strings slice the same", status="stopped", kind=None)
    return conversation


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_chat_page_has_no_serious_accessibility_violations(open_browser_tab, owner, scheme):
    conversation = chat_with_versions(owner)
    tab = open_browser_tab(owner, color_scheme=scheme)
    page = tab.page
    tab.goto(f"/c/{conversation.pk}/")
    expect(page.locator("pre code .hljs-built_in, pre code .hljs-keyword, pre code .hljs-number").first).to_be_visible()
    expect(page.get_by_role("button", name="Previous version of message 1")).to_be_enabled()
    expect(page.get_by_role("button", name="Next version of message 1")).to_be_disabled()
    assert serious_violations(page) == []
    # The menu open, and the inline rename.
    page.locator("summary", has_text="Conversation options").click()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Rename").click()
    expect(page.get_by_role("textbox", name="Title")).to_be_focused()
    assert serious_violations(page) == []


def test_the_ended_support_new_chat_and_search_pages_have_no_serious_violations(tab, owner):
    page = tab.page
    ended = new_conversation(owner)
    add_turn(ended, ABUSE[0], "Let's keep it civil.", kind="redirect")
    branch = Branch.objects.get(pk=ended.active_branch_id)
    services.branch_end(branch=branch, initiated_by="model", reason="abuse")
    tab.goto(f"/c/{ended.pk}/")
    expect(ended_notice(page)).to_be_visible()
    assert serious_violations(page) == []

    support = new_conversation(owner)
    from django.conf import settings

    add_turn(support, "I don't want to be here any more", "I'm really sorry you're feeling this way.\n\n" + settings.SUPPORT_RESOURCES, kind="support")
    tab.goto(f"/c/{support.pk}/")
    expect(page.get_by_role("complementary", name="You don't have to go through this alone")).to_be_visible()
    assert serious_violations(page) == []

    tab.goto("/c/new/")
    expect(composer(page)).to_be_visible()
    assert serious_violations(page) == []

    tab.goto("/c/?q=civil")
    expect(page.locator(".search-results mark").first).to_be_visible()
    assert serious_violations(page) == []


def test_when_the_assistant_ends_the_chat_focus_moves_to_the_notice_and_it_is_announced(tab):
    page = tab.page
    tab.goto("/")
    for text in ABUSE[:4]:
        send(page, text)
    notice = ended_notice(page)
    expect(notice).to_be_visible()
    expect(notice).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text("The assistant ended this conversation")
    assert serious_violations(page) == []


def test_the_focus_ring_is_clearly_visible(tab, owner):
    conversation = new_conversation(owner)
    add_turn(conversation, "Hi", "Hello!")
    page = tab.page
    tab.goto(f"/c/{conversation.pk}/")
    composer(page).focus()
    ring = page.locator(".composer").evaluate("e => { const s = getComputedStyle(e); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert ring[0] == "solid" and ring[1] >= 2
    page.keyboard.press("Shift+Tab")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label') || document.activeElement.textContent")
    assert focused
    width = page.evaluate("parseFloat(getComputedStyle(document.activeElement).outlineWidth)")
    assert width >= 2, f"{focused!r} shows a {width}px focus ring"


def test_every_message_button_says_which_message_it_acts_on(tab, owner):
    conversation = new_conversation(owner)
    add_turn(conversation, "First", "One")
    add_turn(conversation, "Second", "Two")
    page = tab.page
    tab.goto(f"/c/{conversation.pk}/")
    for name in ["Edit message 1", "Copy message 2", "Retry message 2", "Good reply (message 2)", "Edit message 3", "Retry message 4"]:
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(1)
    names = page.locator(".transcript button:visible").evaluate_all("bs => bs.map(b => b.getAttribute('aria-label') || b.textContent.trim())")
    assert all(re.search(r"message \d+", name) for name in names), names
