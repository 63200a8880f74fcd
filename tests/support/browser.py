"""What the browser tests do on the chat pages, written once: find the composer, send and wait
for the reply, write turns straight to the database for pages whose look is under test."""

import re

from playwright.sync_api import expect

from conversations import services
from conversations.models import Branch, Conversation, Message


def composer(page):
    return page.get_by_role("textbox", name="Message", exact=True)


def open_menu(page):
    page.locator("summary", has_text="Conversation options").click()


def assistant_messages(page):
    return page.locator("li.message.assistant")


def send(page, text: str) -> None:
    """Type a message, press Send, and wait until its reply has finished streaming."""
    before = assistant_messages(page).count()
    composer(page).fill(text)
    page.get_by_role("button", name="Send").click()
    wait_for_reply(page, before + 1)


def wait_for_reply(page, count: int) -> None:
    expect(assistant_messages(page)).to_have_count(count)
    # A reply at reading pace (the `steady` provider) takes a few seconds; on a loaded 2-core
    # machine more than Playwright's default 5 s (seen in CI), so the finish gets 20.
    expect(page.locator("[data-stream-url]")).to_have_count(0, timeout=20_000)


def ended_notice(page):
    return page.get_by_role("region", name=re.compile("ended this conversation"))


def new_conversation(user, provider: str | None = None) -> Conversation:
    return services.conversation_create(user=user, provider=provider)


def add_turn(conversation: Conversation, question: str, answer: str, **reply_fields) -> Message:
    """A finished turn written straight to the database (for pages whose look is under test)."""
    branch = Branch.objects.get(pk=conversation.active_branch_id)
    parent = Message.objects.filter(pk=branch.tip_id).first()
    user_message = Message.objects.create(conversation=conversation, branch=branch, parent=parent, role="user", content=question)
    reply = Message.objects.create(
        conversation=conversation, branch=branch, parent=user_message, role="assistant", content=answer,
        status=reply_fields.pop("status", "complete"), kind=reply_fields.pop("kind", "answer"), **reply_fields,
    )
    Branch.objects.filter(pk=branch.pk).update(tip=reply)
    return reply


def pending_turn(conversation: Conversation, question: str, status: str = "streaming") -> Message:
    """A user message and its reply still being written, straight to the database; the test
    writes the reply's stream itself (conversations.streams.ReplyStream)."""
    return add_turn(conversation, question, "", status=status, kind=None)


def serious_violations(page) -> list[dict]:
    """axe-core's serious and critical findings on the page as it is now. axe-core comes from the
    axe-playwright-python package and is injected into the page: nothing is fetched."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        {"rule": v["id"], "impact": v["impact"], "help": v["help"], "where": [node["target"] for node in v["nodes"]][:5]}
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
