"""Stored XSS: hostile user and model text is inert on the chat pages, in the export and in the
admin transcript. (In a real browser, for the chat page: tests/browser/test_chat.py.)"""

import re

import pytest
from django.urls import reverse

from conversations import services
from moderation.models import EndFeedback
from tests.support.conversations.replies import finish_reply

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>window.pwned=1</script>",
    '<img src=x onerror="window.pwned=2">',
    "[click](javascript:window.pwned=3)",
    '<a href="javascript:window.pwned=4">x</a>',
    "[tab](jav&#x09;ascript:alert(5)) [entity](&#106;avascript:alert(6)) [upper](JaVaScRiPt:alert(7))",
    "<scr<script>ipt>alert(8)</scr</script>ipt>",
    '<svg onload=alert(9)><details open ontoggle=alert(10)>',
    "**unclosed [link](http://x.test \"title\" onmouseover=alert(11)) `code <b onclick=alert(12)>",
    '<iframe src="data:text/html,<script>alert(13)</script>"></iframe><style>body{display:none}</style>',
    "```\n</code></pre><script>alert(14)</script>\n",
]
HOSTILE = "\n\n".join(PAYLOADS)

DANGER = [
    re.compile(r"<\s*(script|img|svg|iframe|style|details)\b", re.IGNORECASE),
    re.compile(r"<[^>]+\son\w+\s*=", re.IGNORECASE),
    re.compile(r"<a\s[^>]*href\s*=\s*[\"']?\s*(javascript|data|vbscript):", re.IGNORECASE),
]


def assert_inert(html: str) -> None:
    for pattern in DANGER:
        assert not pattern.search(html), f"{pattern.pattern} matched: {pattern.search(html).group(0)!r}"


def hostile_conversation(owner):
    conversation = services.conversation_create(user=owner, title='<script>alert("title")</script>')
    _, reply = services.message_send(user=owner, branch_id=conversation.active_branch_id, content=HOSTILE)
    finish_reply(reply.id, HOSTILE)
    return conversation


def test_hostile_user_and_model_text_is_inert_on_the_chat_page_and_the_list(client, owner):
    conversation = hostile_conversation(owner)
    client.force_login(owner)
    html = client.get(reverse("chat:detail", args=[conversation.pk])).content.decode()
    transcript = html[html.index('<ol class="transcript"') : html.index("</ol>", html.index('<ol class="transcript"'))]
    assert_inert(transcript)
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in transcript, "the text is shown, as text"
    for page in (html, client.get(reverse("chat:list")).content.decode()):
        assert '<script>alert("title")</script>' not in page


def test_hostile_text_in_an_end_is_inert_in_the_admin_transcript_decision_and_feedback(client, owner, staff_user):
    conversation = hostile_conversation(owner)
    event = services.branch_end(branch=conversation.active_branch, initiated_by="model", reason="abuse", rationale=HOSTILE)
    EndFeedback.objects.create(end_event=event, user=owner, rating="down", comment=HOSTILE)
    client.force_login(staff_user)
    for url in (
        reverse("admin:moderation_endevent_change", args=[event.pk]),
        reverse("admin:moderation_endevent_changelist"),
        reverse("admin:moderation_endfeedback_changelist"),
        reverse("admin:moderation_endfeedback_change", args=[event.feedback.pk]),
    ):
        html = client.get(url).content.decode()
        # The admin's own scripts are fine; nothing of the user's may become markup.
        assert "<script>window.pwned=1</script>" not in html
        assert '<script>alert("title")</script>' not in html
        assert not re.search(r"<(img|svg|iframe|details)\b[^>]*\son\w+=", html, re.IGNORECASE)
        assert not re.search(r"href=[\"']?javascript:", html, re.IGNORECASE)


def test_the_export_is_json_not_html(client, owner):
    hostile_conversation(owner)
    client.force_login(owner)
    response = client.get(reverse("chat:export"))
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.json()["conversations"][0]["messages"][0]["content"] == HOSTILE
