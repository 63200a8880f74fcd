"""The pages look like a product on a desktop, on a phone and in dark mode.

Each test checks what it can measure (no sideways scrolling on a phone, a dark page in dark mode)
and saves a screenshot to its temp dir; `UPDATE_SCREENSHOTS=1` refreshes the ones committed under
docs/screenshots and shown in the README.
"""

import re

import pytest
from playwright.sync_api import expect

from conversations import services
from conversations.models import Branch, Conversation, Message
from conversations.streams import ReplyStream
from tests.browser.conftest import save_screenshot
from tests.support.browser import add_turn
from tests.support.live import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

QUESTION = "How do I reverse a list in Python without changing the original?"
ANSWER = """Use slicing, which returns a **new** list and leaves the original alone:

```python
numbers = [1, 2, 3, 4]
backwards = numbers[::-1]
print(backwards)  # [4, 3, 2, 1]
```

If you only need to loop backwards, `reversed(numbers)` avoids the copy:

- `numbers[::-1]`: a new list, handy when you keep the result
- `reversed(numbers)`: a lazy iterator, cheapest for a single pass
"""


def converse(user, conversation: Conversation, texts: list[str]) -> None:
    """Send messages through the services; the live worker answers each before the next."""
    for text in texts:
        branch = Branch.objects.get(pk=Conversation.objects.get(pk=conversation.pk).active_branch_id)
        _, reply = services.message_send(user=user, branch_id=branch.pk, content=text)
        wait_until(lambda: Message.objects.get(pk=reply.pk).is_terminal, message="the reply")


@pytest.fixture
def sample_chat(owner) -> Conversation:
    services.conversation_create(user=owner, title="Weekend trip ideas")
    ended = services.conversation_create(user=owner, title="Rude exchange")
    Branch.objects.filter(pk=ended.active_branch_id).update(ended_at="2026-01-01T00:00:00Z")
    conversation = services.conversation_create(user=owner, title="Reversing a list in Python")
    add_turn(conversation, QUESTION, ANSWER)
    add_turn(conversation, "Thanks! Does that work for strings too?", "Yes: `'hello'[::-1]` gives `'olleh'`.")
    return conversation


def test_the_chat_page_on_a_desktop(tab, sample_chat, tmp_path):
    tab.goto(f"/c/{sample_chat.pk}/")
    expect(tab.page.locator("pre code")).to_contain_text("backwards = numbers[::-1]")
    save_screenshot(tab.page, "chat-desktop", tmp_path)


def test_a_reply_streaming_in_shows_the_typing_cursor(tab, owner, tmp_path):
    conversation = services.conversation_create(user=owner, title="A short story")
    add_turn(conversation, "Write me a two-line poem about the sea.", "The sea is wide and deep.")
    reply = add_turn(conversation, "Now one about a goldfish, please.", "", status="streaming", kind=None)
    tab.goto(f"/c/{conversation.pk}/")
    streaming = tab.page.locator("[data-stream-url]")
    expect(streaming.locator(".typing")).to_be_visible()
    stream = ReplyStream(reply.id)
    for token in ["A goldfish ", "circles ", "its glass ", "bowl,\n", "dreaming "]:
        stream.token(token)
    expect(streaming.locator(".stream-text")).to_contain_text("dreaming")
    save_screenshot(tab.page, "chat-streaming", tmp_path)
    Message.objects.filter(pk=reply.pk).update(status="complete", kind="answer", content="A goldfish circles its glass bowl.")
    stream.done(status="complete", kind="answer", ended=False)
    expect(streaming).to_have_count(0)


def test_the_ended_state_and_the_branch_navigator(tab, owner, tmp_path):
    conversation = services.conversation_create(user=owner, title="A heated exchange")
    converse(owner, conversation, [
        "you are a worthless piece of shit",
        "shut up you stupid fucking bot",
        "you're a useless idiot and i hate you",
        "fuck you, you pathetic moron",
    ])
    page = tab.page
    tab.goto(f"/c/{conversation.pk}/")
    expect(page.get_by_role("region", name="The assistant ended this conversation")).to_be_visible()
    save_screenshot(page, "chat-ended", tmp_path)

    first = Message.objects.filter(conversation=conversation, role="user").order_by("created_at").first()
    _, _, reply = services.message_edit(user=owner, message=first, content="Sorry about that. Can you help me plan a trip to Lisbon?")
    wait_until(lambda: Message.objects.get(pk=reply.pk).is_terminal, message="the reply")
    tab.goto(f"/c/{conversation.pk}/")
    navigator = page.locator("li.message.user").first.get_by_role("form", name=re.compile("Versions of message"))
    expect(navigator).to_contain_text("2 / 2")
    save_screenshot(page, "chat-branches", tmp_path)


def test_on_a_phone_the_page_fits_the_screen_and_the_list_has_its_own_page(open_browser_tab, owner, sample_chat, tmp_path):
    tab = open_browser_tab(owner, viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = tab.page
    tab.goto(f"/c/{sample_chat.pk}/")
    expect(page.get_by_role("textbox", name="Message")).to_be_visible()
    expect(page.get_by_role("complementary", name="Conversations")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    save_screenshot(page, "chat-phone", tmp_path)

    page.get_by_role("link", name="Chats").click()
    expect(page.get_by_role("heading", name="Your conversations")).to_be_visible()
    expect(page.get_by_role("link", name="Rename Weekend trip ideas")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_dark_mode_follows_the_system_setting(open_browser_tab, owner, sample_chat, tmp_path):
    tab = open_browser_tab(owner, color_scheme="dark")
    page = tab.page
    tab.goto(f"/c/{sample_chat.pk}/")
    expect(page.locator("pre code")).to_be_visible()
    red, green, blue = page.evaluate(
        "getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number)"
    )
    assert red + green + blue < 120, "the page background is dark"
    save_screenshot(page, "chat-dark", tmp_path)
