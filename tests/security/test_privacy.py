"""Deleting hides at once; what staff review is kept until reviewed, then purged after the
retention period by the management command and the periodic task; users export their data."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conversations import retention, services
from conversations.maintenance import purge_deleted_conversations
from conversations.models import Branch, Conversation, Message
from moderation import services as moderation_services
from review import services as review_services
from moderation.models import EndAttempt, EndEvent, EndFeedback
from tests.support.conversations.replies import finish_reply

pytestmark = pytest.mark.django_db


def chat(owner, text="my secret", title="Private"):
    conversation = services.conversation_create(user=owner, title=title)
    _, reply = services.message_send(user=owner, branch_id=conversation.active_branch_id, content=text)
    finish_reply(reply.id, "A private answer.")
    conversation.refresh_from_db()
    return conversation


def deleted_long_ago(conversation, days: int = 31) -> None:
    services.conversation_delete(conversation=conversation)
    Conversation.objects.filter(pk=conversation.pk).update(deleted_at=timezone.now() - timedelta(days=days))


def test_deleting_hides_the_conversation_at_once_from_list_pages_and_api(client, api, owner):
    conversation = chat(owner)
    assert api.delete(f"/api/v1/conversations/{conversation.id}/").status_code == 204
    client.force_login(owner)
    assert "Private" not in client.get(reverse("chat:list")).content.decode()
    assert client.get(reverse("chat:detail", args=[conversation.pk])).status_code == 404
    assert api.get("/api/v1/conversations/").json()["count"] == 0
    assert api.get(f"/api/v1/conversations/{conversation.id}/").status_code == 404
    assert api.get("/api/v1/export/").json()["conversations"] == []
    # The front door starts a fresh chat instead of opening the deleted one.
    assert client.get("/")["Location"] != reverse("chat:detail", args=[conversation.pk])


def test_a_deleted_conversation_is_purged_after_the_retention_period_by_the_command(owner, settings, capsys):
    settings.DELETED_RETENTION_DAYS = 30
    old, recent = chat(owner, title="Old"), chat(owner, title="Recent")
    deleted_long_ago(old)
    services.conversation_delete(conversation=recent)

    call_command("purge_deleted")

    assert "Purged 1 deleted conversation(s)" in capsys.readouterr().out
    assert not Conversation.objects.filter(pk=old.pk).exists()
    assert not Message.objects.filter(conversation_id=old.pk).exists()
    assert not Branch.objects.filter(conversation_id=old.pk).exists()
    assert Conversation.objects.filter(pk=recent.pk).exists(), "still inside its retention period"


def test_content_under_review_is_kept_until_reviewed_then_purged_after_the_retention_period(owner, staff_user, settings):
    settings.DELETED_RETENTION_DAYS = 30
    conversation = chat(owner)
    event = services.branch_end(branch=conversation.active_branch, initiated_by="model", reason="abuse")
    EndFeedback.objects.create(end_event=event, user=owner, rating="down", comment="my words")
    attempt = EndAttempt.objects.create(
        branch=conversation.active_branch, conversation=conversation, user=owner, conversation_title="Private",
        refusal="risk_veto", transcript=[{"role": "user", "content": "my secret"}],
    )
    deleted_long_ago(conversation)

    # Pending review: nothing is purged, the reviewer still has the whole snapshot.
    assert purge_deleted_conversations() == {"conversations": 0, "ends_scrubbed": 0, "attempts_scrubbed": 0, "kept_for_review": 1}
    assert Conversation.objects.filter(pk=conversation.pk).exists()
    assert EndEvent.objects.get().transcript

    # Reviewed just now: kept for the retention period after the review.
    moderation_services.review_set(record=event, reviewer=staff_user, status="upheld")
    moderation_services.review_set(record=attempt, reviewer=staff_user, status="upheld")
    assert purge_deleted_conversations()["kept_for_review"] == 1

    # Reviewed long ago: purged, and the user's words go from the records too.
    EndEvent.objects.update(reviewed_at=timezone.now() - timedelta(days=31))
    EndAttempt.objects.update(reviewed_at=timezone.now() - timedelta(days=31))
    report = purge_deleted_conversations()
    assert report == {"conversations": 1, "ends_scrubbed": 1, "attempts_scrubbed": 1, "kept_for_review": 0}
    assert not Conversation.objects.filter(pk=conversation.pk).exists()
    end = EndEvent.objects.get()
    assert end.transcript == [] and end.assessments == [] and end.conversation_title == "" and end.rationale == ""
    assert end.reason == "abuse" and end.review_status == "upheld", "the counted facts stay for the dashboard"
    assert EndFeedback.objects.get().comment == ""
    assert EndAttempt.objects.get().transcript == []


def test_open_conversations_and_other_users_are_never_purged(owner, other_user, settings):
    settings.DELETED_RETENTION_DAYS = 0
    mine, theirs = chat(owner), chat(other_user)
    assert retention.conversations_purge_deleted().conversations == 0
    assert Conversation.objects.filter(pk__in=[mine.pk, theirs.pk]).count() == 2


def test_a_moderator_sees_that_the_user_deleted_the_conversation_and_cannot_reopen_it(client, owner, staff_user):
    conversation = chat(owner)
    event = services.branch_end(branch=conversation.active_branch, initiated_by="model", reason="abuse")
    services.conversation_delete(conversation=conversation)
    client.force_login(staff_user)
    page = client.get(reverse("admin:moderation_endevent_change", args=[event.pk])).content.decode()
    assert "The user has deleted this conversation" in page
    assert "my secret" in page, "the snapshot stays for the review"
    with pytest.raises(Exception) as refused:
        review_services.end_event_reopen(end_event=EndEvent.objects.select_related("branch__conversation").get(), staff_user=staff_user)
    assert refused.value.code == "branch_deleted"


def test_the_purge_runs_periodically_from_celery_beat(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["purge-deleted-conversations"]
    assert schedule["task"] == purge_deleted_conversations.name


def test_a_user_exports_all_their_conversations_as_json_from_the_page_and_the_api(client, api, owner):
    first = chat(owner, "first question", title="First")
    ended = chat(owner, "second question", title="Second")
    event = services.branch_end(branch=ended.active_branch, initiated_by="user", reason="user_request")
    EndFeedback.objects.create(end_event=event, user=owner, rating="up", comment="fine")
    services.conversation_delete(conversation=chat(owner, "gone", title="Deleted"))

    client.force_login(owner)
    page = client.get(reverse("chat:export"))
    assert page.status_code == 200 and "attachment" in page["Content-Disposition"]
    assert 'href="/c/export/"' in client.get(reverse("chat:list")).content.decode()
    from_api = api.get("/api/v1/export/").json()
    for data in (page.json(), from_api):
        assert data["user"] == "owner"
        assert [c["title"] for c in data["conversations"]] == ["First", "Second"]
        assert [m["content"] for m in data["conversations"][0]["messages"]] == ["first question", "A private answer."]
        end = data["conversations"][1]["branches"][0]["ends"][0]
        assert end["reason"] == "user_request" and end["feedback"] == {"rating": "up", "comment": "fine"}
        assert data["conversations"][0]["id"] == str(first.id)


def test_the_export_takes_a_fixed_number_of_queries(api, owner, django_assert_max_num_queries):
    for n in range(5):
        chat(owner, f"question {n}", title=f"Chat {n}")
    with django_assert_max_num_queries(8):
        assert len(api.get("/api/v1/export/").json()["conversations"]) == 5
