"""A moderator reviews an end in the admin, in a real browser against the real server."""

import mimetypes

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone
from playwright.sync_api import expect

from conversations import services as chat, snapshots
from conversations.models import Conversation, Message
from conversations.selectors import branch_path
from moderation import policy
from moderation import services as moderation_services
from moderation.site_policy import policy_config
from moderation.models import EndEvent
from tests.browser.conftest import save_screenshot
from tests.support.browser import serious_violations
from tests.support.review.staff import assessed, bulk_end_attempts, bulk_end_events

pytestmark = pytest.mark.django_db(transaction=True)


def serve_static_locally(page) -> None:
    """The admin's CSS and JS, answered from the app's own static files (the ASGI server does not
    serve them; production puts a static server in front)."""

    def handle(route):
        path = route.request.url.split("/static/", 1)[1].split("?", 1)[0]
        found = finders.find(path)
        if found is None:
            route.fulfill(status=404, body="")
        else:
            route.fulfill(path=found, content_type=mimetypes.guess_type(found)[0] or "application/octet-stream")

    page.route("**/static/**", handle)


def ended_conversation(owner) -> EndEvent:
    """Four abusive turns, three redirections and an end the policy allowed, recorded the way the
    reply pipeline records it. The messages are written directly: the live stack's worker would
    otherwise answer them with the local provider."""
    conversation = chat.conversation_create(user=owner, title="Insults about the weather")
    branch = conversation.active_branch
    answers = [
        ("You are a useless idiot", "redirect", "I'd like to help. Let's keep it respectful: what do you need?"),
        ("Shut up, stupid bot", "redirect", "I'm here to help with the weather if you want."),
        ("You're worthless, answer me", "redirect", "I can help if we keep this civil. What would you like to know?"),
        ("You pathetic moron, I hate you", "end", "I'm ending this conversation now. You can start a new chat at any time."),
    ]
    parent = None
    for text, kind, answer in answers:
        question = Message.objects.create(
            conversation=conversation, branch=branch, parent=parent, role="user", content=text, moderation=assessed(["abuse"], abuse=0.96)
        )
        parent = Message.objects.create(
            conversation=conversation, branch=branch, parent=question, role="assistant", content=answer, kind=kind
        )
    branch.tip = parent
    branch.ended_at = timezone.now()
    branch.save(update_fields=["tip", "ended_at"])
    path = branch_path(branch)
    turns = [policy.UserTurn(flagged=frozenset(["abuse"]), reply_kind=kind) for _, kind, _ in answers[:-1]]
    decision = policy.decide_model_end([*turns, policy.UserTurn(flagged=frozenset(["abuse"]))], "abuse", policy_config())
    assert decision.allowed
    return moderation_services.end_event_record(
        branch=branch,
        initiated_by="model",
        reason=decision.reason,
        rationale="The user kept insulting me after three redirections.",
        decision=decision,
        assessments=snapshots.assessments_of(path),
        transcript=snapshots.transcript_snapshot(path),
        end_message=parent,
    )


def some_conversations(owner, count: int) -> None:
    """Conversations with the bulk ends' models, so the rates per 1,000 have a denominator."""
    Conversation.objects.bulk_create(
        [Conversation(owner=owner, title=f"Chat {i}", provider=p, model=m) for i, (p, m) in enumerate([("local", "local-1"), ("anthropic", "claude-x")] * (count // 2))]
    )


def test_a_moderator_reviews_an_end_in_the_admin(open_browser_tab, moderator, owner, tmp_path, settings):
    # 900 chats for one user in one hour would trip the hourly limit on the next one.
    settings.MAX_CONVERSATIONS_PER_HOUR = 0
    bulk_end_events(40, user=owner, days=14)
    bulk_end_attempts(12, user=owner)
    some_conversations(owner, 900)
    event = ended_conversation(owner)
    # 1280 px: a common laptop; nothing may scroll sideways there.
    tab = open_browser_tab(moderator, viewport={"width": 1280, "height": 800})
    page = tab.page
    serve_static_locally(page)

    # From the admin index to the queue: the moderator sees moderation only.
    tab.goto("/admin/")
    expect(page.get_by_role("link", name="Moderation dashboard")).to_be_visible()
    expect(page.get_by_role("link", name="Conversations")).to_have_count(0)
    page.get_by_role("link", name="End events").first.click()
    expect(page.get_by_role("link", name="Insults about the weather")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, "the queue fits 1280 px"
    assert serious_violations(page) == []
    save_screenshot(page, "admin-end-events", tmp_path, full_page=False)

    # The end's page: the transcript as a conversation, the decision, the review form.
    page.get_by_role("link", name="Insults about the weather").click()
    expect(page.get_by_text("You pathetic moron, I hate you")).to_be_visible()
    expect(page.locator("li.turn.assistant .kind.end")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, "the record fits 1280 px"
    # The review form and the transcript it judges side by side, both in the first screenful.
    form = page.locator(".review-side").bounding_box()
    transcript = page.locator("ol.transcript").first.bounding_box()
    assert transcript["x"] >= form["x"] + form["width"] and transcript["y"] < 800
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_in_viewport()
    assert serious_violations(page) == []
    save_screenshot(page, "admin-end-event", tmp_path, full_page=False)
    # Upheld first: an upheld end stays ended; the page says why and offers no reopen.
    page.get_by_label("Upheld").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    tab.goto(f"/admin/moderation/endevent/{event.pk}/change/")
    expect(page.get_by_text("This end was upheld on review. Mark it overturned first")).to_be_visible()
    expect(page.get_by_role("link", name="Reopen the branch…")).to_have_count(0)
    tab.goto(f"/admin/moderation/endevent/{event.pk}/reopen/")
    expect(page.locator(".errornote")).to_contain_text("Mark it overturned first")
    expect(page.get_by_role("button", name="Yes, reopen the branch")).to_have_count(0)

    # On a second look, overturned.
    tab.goto(f"/admin/moderation/endevent/{event.pk}/change/")
    page.get_by_label("Overturned").check()
    page.get_by_label("Review note").fill("The user was venting about the weather, not at us.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    event.refresh_from_db()
    assert event.review_status == "overturned"
    assert event.reviewer == moderator and event.reviewed_at is not None
    assert event.review_note == "The user was venting about the weather, not at us."

    # Reopen the branch from the same page, after confirming; the record says who did it.
    tab.goto(f"/admin/moderation/endevent/{event.pk}/change/")
    page.get_by_role("link", name="Reopen the branch…").click()
    expect(page.get_by_role("heading", name="Reopen this branch?")).to_be_visible()
    event.refresh_from_db()
    assert event.branch.ended_at is not None, "nothing happens before the confirmation"
    page.get_by_role("button", name="Yes, reopen the branch").click()
    expect(page.locator(".messagelist")).to_contain_text("The branch is open again")
    event.refresh_from_db()
    assert event.reopened_by == moderator and event.branch.ended_at is None

    # The dashboard, linked from the index.
    tab.goto("/admin/")
    page.get_by_role("link", name="Moderation dashboard").click()
    expect(page.locator("svg.chart")).to_have_count(5)
    save_screenshot(page, "admin-dashboard", tmp_path, full_page=True)
    assert not tab.page_errors

