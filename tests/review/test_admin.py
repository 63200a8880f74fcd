"""Staff see ends and refusals in the admin, review them, reopen a branch and export the queue."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from conversations import services as chat
from conversations.models import Branch, Message
from moderation import services
from moderation.models import EndAttempt, EndEvent, EndFeedback
from tests.support.conversations.replies import finish_reply
from tests.support.review.staff import assessed, bulk_end_attempts, bulk_end_events
CHANGELIST = "admin:moderation_endevent_changelist"
# The queue leaves out ends users chose themselves unless asked; most tests here look at all ends.
ANY = {"initiated_by": "any"}


def all_ends() -> str:
    return f"{reverse(CHANGELIST)}?initiated_by=any"
ATTEMPTS = "admin:moderation_endattempt_changelist"


def titles_in(response) -> list[str]:
    return [str(record.conversation_title) for record in response.context["cl"].result_list]


@pytest.fixture
def staff_client(client, moderator):
    client.force_login(moderator)
    return client


# The end events changelist.


def test_staff_see_the_end_in_the_changelist(client, staff_user, end_event):
    client.force_login(staff_user)
    response = client.get(reverse(CHANGELIST), ANY)
    assert response.status_code == 200
    assert "A rough chat" in response.content.decode()


def test_the_changelist_shows_every_column_the_reviewer_needs(staff_client, owner, end_event):
    EndFeedback.objects.create(end_event=end_event, user=owner, rating="down", comment="unfair")
    response = staff_client.get(reverse(CHANGELIST), ANY)
    page = response.content.decode()
    for header in ["Created at", "User", "Conversation title", "Ended by, why", "Redirect attempts", "Review status", "Feedback"]:
        assert header in page
    assert "owner" in page and "User: User Request" in page and "▼ down" in page


def test_pending_ends_come_first_then_the_newest(staff_client, owner):
    bulk_end_events(8, user=owner)
    results = staff_client.get(reverse(CHANGELIST), ANY).context["cl"].result_list
    statuses = [event.review_status for event in results]
    assert statuses == sorted(statuses, key=lambda s: s != "pending")
    pending = [event.created_at for event in results if event.review_status == "pending"]
    assert pending == sorted(pending, reverse=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"reason__exact": "abuse"}, lambda e: e.reason == "abuse"),
        ({"initiated_by": "user"}, lambda e: e.initiated_by == "user"),
        ({"initiated_by": "model"}, lambda e: e.initiated_by == "model"),
        ({"review_status__exact": "overturned"}, lambda e: e.review_status == "overturned"),
        ({"feedback": "down"}, lambda e: hasattr(e, "feedback") and e.feedback.rating == "down"),
        ({"feedback": "up"}, lambda e: hasattr(e, "feedback") and e.feedback.rating == "up"),
        ({"feedback": "none"}, lambda e: not hasattr(e, "feedback")),
        ({"provider": "anthropic"}, lambda e: e.provider == "anthropic"),
        ({"policy_version": "2026-01"}, lambda e: e.policy_version == "2026-01"),
    ],
)
def test_each_filter_of_the_end_events_changelist_keeps_only_matching_ends(staff_client, owner, query, expected):
    events = bulk_end_events(24, user=owner)
    wanted = {e.pk for e in EndEvent.objects.select_related("feedback").filter(pk__in=[e.pk for e in events]) if expected(e)}
    response = staff_client.get(reverse(CHANGELIST), {"initiated_by": "any", **query})
    assert response.status_code == 200
    assert {e.pk for e in response.context["cl"].result_list} == wanted
    assert wanted


def test_the_date_filter_and_the_date_hierarchy_narrow_the_ends_by_day(staff_client, owner):
    events = bulk_end_events(10, user=owner, days=5)
    day = events[2].created_at.date()
    response = staff_client.get(
        reverse(CHANGELIST), {"initiated_by": "any", "created_at__year": day.year, "created_at__month": day.month, "created_at__day": day.day}
    )
    assert {e.pk for e in response.context["cl"].result_list} == {e.pk for e in events if e.created_at.date() == day}
    response = staff_client.get(reverse(CHANGELIST), {"initiated_by": "any", "created_at__gte": f"{day} 00:00:00+00:00", "created_at__lt": f"{day + timedelta(days=1)} 00:00:00+00:00"})
    assert {e.pk for e in response.context["cl"].result_list} == {e.pk for e in events if e.created_at.date() == day}


def test_search_finds_an_end_by_username(staff_client, owner, other_user, end_event):
    bulk_end_events(3, user=other_user)
    assert titles_in(staff_client.get(reverse(CHANGELIST), {"initiated_by": "any", "q": "owner"})) == ["A rough chat"]


def test_search_finds_an_end_by_conversation_title(staff_client, owner, end_event):
    bulk_end_events(3, user=owner)
    assert titles_in(staff_client.get(reverse(CHANGELIST), {"initiated_by": "any", "q": "rough"})) == ["A rough chat"]


def test_search_finds_an_end_by_the_text_of_a_message(staff_client, owner, end_event):
    bulk_end_events(3, user=owner)
    assert titles_in(staff_client.get(reverse(CHANGELIST), {"initiated_by": "any", "q": "useless"})) == ["A rough chat"]


def test_search_finds_message_text_with_accents(staff_client, owner):
    conversation = chat.conversation_create(user=owner, title="Accents")
    _, reply = chat.message_send(user=owner, branch_id=conversation.active_branch_id, content="Tu es un idiot fiéffé")
    finish_reply(reply.id)
    chat.branch_end(branch=conversation.active_branch, initiated_by="user", reason="user_request")
    assert titles_in(staff_client.get(reverse(CHANGELIST), {"initiated_by": "any", "q": "fiéffé"})) == ["Accents"]


# The end event page.


def test_the_end_event_page_renders_the_transcript_as_a_conversation(staff_client, owner):
    conversation = chat.conversation_create(user=owner, title="Labelled")
    user_message, reply = chat.message_send(user=owner, branch_id=conversation.active_branch_id, content="You idiot machine")
    Message.objects.filter(pk=user_message.pk).update(moderation=assessed(["abuse"], abuse=0.93))
    finish_reply(reply.id, "Let's keep it civil, please.")
    event = chat.branch_end(branch=conversation.active_branch, initiated_by="user", reason="user_request")
    page = staff_client.get(reverse("admin:moderation_endevent_change", args=[event.pk])).content.decode()
    assert "You idiot machine" in page and "Let&#x27;s keep it civil, please." in page
    assert 'class="turn user"' in page and 'class="turn assistant"' in page
    assert "abuse 0.93 ⚑" in page
    assert "Transcript at the time" in page


def test_the_end_event_page_shows_the_policy_decision_and_its_inputs(staff_client, owner):
    events = bulk_end_events(1, user=owner)
    EndEvent.objects.filter(pk=events[0].pk).update(
        initiated_by="model",
        assessments=[{"message": "m1", **assessed(["abuse"], abuse=0.91)}],
        rationale="Three redirections were ignored.",
    )
    page = staff_client.get(reverse("admin:moderation_endevent_change", args=[events[0].pk])).content.decode()
    assert "Allowed" in page and "Three redirections." in page and "policy 2026-01" in page
    assert "abuse 0.91 ⚑" in page and "Three redirections were ignored." in page


def test_the_end_event_page_shows_the_users_feedback(staff_client, owner, end_event):
    services.feedback_create(end_event=end_event, user=owner, rating="down", comment="I was joking!")
    page = staff_client.get(reverse("admin:moderation_endevent_change", args=[end_event.pk])).content.decode()
    assert "Thumbs down" in page and "I was joking!" in page


def test_the_end_event_page_says_when_the_user_deleted_the_conversation(staff_client, owner, end_event):
    chat.conversation_delete(conversation=end_event.conversation)
    page = staff_client.get(reverse("admin:moderation_endevent_change", args=[end_event.pk])).content.decode()
    assert "The user has deleted this conversation" in page
    assert "You are useless, goodbye" in page


def test_the_review_form_records_the_outcome_the_reviewer_and_the_time(staff_client, moderator, end_event):
    response = staff_client.post(
        reverse("admin:moderation_endevent_change", args=[end_event.pk]),
        {"review_status": "overturned", "review_note": "The user was quoting a film."},
    )
    assert response.status_code == 302
    end_event.refresh_from_db()
    assert end_event.review_status == "overturned"
    assert end_event.review_note == "The user was quoting a film."
    assert end_event.reviewer == moderator and end_event.reviewed_at is not None


def test_the_review_form_refuses_an_outcome_other_than_upheld_or_overturned(staff_client, end_event):
    response = staff_client.post(
        reverse("admin:moderation_endevent_change", args=[end_event.pk]), {"review_status": "pending", "review_note": ""}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["review_status"]


def test_the_review_form_cannot_change_the_record_itself(staff_client, end_event):
    staff_client.post(
        reverse("admin:moderation_endevent_change", args=[end_event.pk]),
        {"review_status": "upheld", "review_note": "", "reason": "abuse", "conversation_title": "rewritten"},
    )
    end_event.refresh_from_db()
    assert (end_event.reason, end_event.conversation_title) == ("user_request", "A rough chat")


def test_nobody_adds_an_end_event_by_hand(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("admin:moderation_endevent_add")).status_code == 403


# Actions.


def test_staff_mark_an_end_upheld_and_the_reviewer_is_recorded(client, staff_user, end_event):
    client.force_login(staff_user)
    client.post(all_ends(), {"action": "mark_upheld", "_selected_action": [str(end_event.pk)]})
    end_event = EndEvent.objects.get(pk=end_event.pk)
    assert end_event.review_status == "upheld"
    assert end_event.reviewer == staff_user and end_event.reviewed_at is not None


def test_marking_a_selection_overturned_reviews_each_one_and_reports_the_count(staff_client, moderator, owner):
    events = bulk_end_events(6, user=owner)
    chosen = [str(e.pk) for e in events[:3]]
    response = staff_client.post(all_ends(), {"action": "mark_overturned", "_selected_action": chosen}, follow=True)
    assert "3 end events marked overturned." in response.content.decode()
    assert set(EndEvent.objects.filter(review_status="overturned", reviewer=moderator).values_list("pk", flat=True)) == {e.pk for e in events[:3]}


def test_staff_reopen_a_branch_with_an_action_and_it_is_recorded(client, staff_user, end_event):
    client.force_login(staff_user)
    response = client.post(
        all_ends(), {"action": "reopen", "_selected_action": [str(end_event.pk)], "confirm": "yes"}, follow=True
    )
    assert "1 branch(es) reopened." in response.content.decode()
    end_event.refresh_from_db()
    assert end_event.branch.ended_at is None and end_event.branch.reopened_at is not None
    assert end_event.reopened_by == staff_user


def test_reopening_an_end_twice_is_skipped_and_said_so(staff_client, end_event):
    confirmed = {"action": "reopen", "_selected_action": [str(end_event.pk)], "confirm": "yes"}
    staff_client.post(all_ends(), confirmed)
    response = staff_client.post(all_ends(), confirmed, follow=True)
    page = response.content.decode()
    assert "0 branch(es) reopened." in page and "1 skipped" in page


def test_the_reopen_button_on_the_end_event_page_reopens_the_branch(staff_client, moderator, end_event):
    change = reverse("admin:moderation_endevent_change", args=[end_event.pk])
    assert "Reopen the branch" in staff_client.get(change).content.decode()
    response = staff_client.post(reverse("admin:moderation_endevent_reopen", args=[end_event.pk]), follow=True)
    assert "The branch is open again" in response.content.decode()
    assert Branch.objects.get(pk=end_event.branch_id).ended_at is None
    end_event.refresh_from_db()
    assert end_event.reopened_by == moderator
    assert "Reopen the branch" not in staff_client.get(change).content.decode()
    assert "Reopened by moderator" in staff_client.get(change).content.decode()


def test_the_reopen_link_asks_first_and_only_a_post_reopens(staff_client, end_event):
    url = reverse("admin:moderation_endevent_reopen", args=[end_event.pk])
    confirm = staff_client.get(url)
    assert confirm.status_code == 200 and "Yes, reopen the branch" in confirm.content.decode()
    assert Branch.objects.get(pk=end_event.branch_id).ended_at is not None
    assert staff_client.put(url).status_code == 405


def test_the_reopen_action_asks_first_with_the_selection_listed(staff_client, end_event):
    response = staff_client.post(all_ends(), {"action": "reopen", "_selected_action": [str(end_event.pk)]})
    page = response.content.decode()
    assert "Reopen these branches?" in page and "A rough chat" in page and 'name="confirm" value="yes"' in page
    assert Branch.objects.get(pk=end_event.branch_id).ended_at is not None


def test_an_upheld_end_is_not_reopened_until_its_review_is_overturned(staff_client, moderator, end_event):
    services.review_set(record=end_event, reviewer=moderator, status="upheld")
    change = reverse("admin:moderation_endevent_change", args=[end_event.pk])
    page = staff_client.get(change).content.decode()
    assert "Reopen the branch…" not in page and "Mark it overturned first" in page
    response = staff_client.post(reverse("admin:moderation_endevent_reopen", args=[end_event.pk]), follow=True)
    assert "Mark it overturned first" in response.content.decode()
    response = staff_client.post(all_ends(), {"action": "reopen", "_selected_action": [str(end_event.pk)], "confirm": "yes"}, follow=True)
    assert "0 branch(es) reopened." in response.content.decode()
    assert Branch.objects.get(pk=end_event.branch_id).ended_at is not None

    services.review_set(record=end_event, reviewer=moderator, status="overturned")
    staff_client.post(reverse("admin:moderation_endevent_reopen", args=[end_event.pk]))
    assert Branch.objects.get(pk=end_event.branch_id).ended_at is None


def test_ends_users_chose_themselves_stay_out_of_the_queue_unless_asked_for(staff_client, owner):
    events = bulk_end_events(9, user=owner)
    default = {e.pk for e in staff_client.get(reverse(CHANGELIST)).context["cl"].result_list}
    assert default == {e.pk for e in events if e.initiated_by != "user"}
    users = staff_client.get(reverse(CHANGELIST), {"initiated_by": "user"}).context["cl"].result_list
    assert {e.initiated_by for e in users} == {"user"} and len(users) == 3
    assert len(staff_client.get(reverse(CHANGELIST), ANY).context["cl"].result_list) == 9


def test_a_reopened_branch_takes_messages_again_and_the_page_shows_what_followed(staff_client, owner, end_event):
    staff_client.post(reverse("admin:moderation_endevent_reopen", args=[end_event.pk]))
    chat.message_send(user=owner, branch_id=end_event.branch.pk, content="Sorry about earlier")
    page = staff_client.get(reverse("admin:moderation_endevent_change", args=[end_event.pk])).content.decode()
    assert "Said on this branch after the snapshot" in page and "Sorry about earlier" in page


def test_export_writes_the_selected_ends_as_csv(staff_client, owner):
    events = bulk_end_events(5, user=owner)
    chosen = [str(e.pk) for e in events[:2]]
    response = staff_client.post(all_ends(), {"action": "export_csv", "_selected_action": chosen})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="end-events-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["id"] for row in rows} == set(chosen)
    assert rows[0]["user"] == "owner" and rows[0]["conversation_title"].startswith("Bulk chat")


def test_export_defuses_spreadsheet_formulas_in_titles(staff_client, owner):
    events = bulk_end_events(1, user=owner)
    EndEvent.objects.filter(pk=events[0].pk).update(conversation_title="=HYPERLINK(\"x\")")
    response = staff_client.post(all_ends(), {"action": "export_csv", "_selected_action": [str(events[0].pk)]})
    assert "'=HYPERLINK" in response.content.decode()


# Refused ends.


def test_refused_ends_are_listed_with_pending_risk_vetoes_first(staff_client, owner):
    bulk_end_attempts(9, user=owner)
    EndAttempt.objects.filter(conversation_title="Refused chat 1").update(review_status="upheld")
    results = staff_client.get(reverse(ATTEMPTS)).context["cl"].result_list
    order = [(a.review_status != "pending", a.refusal != "risk_veto") for a in results]
    assert order == sorted(order)
    assert results[0].refusal == "risk_veto" and results[0].review_status == "pending"


def test_refused_ends_filter_by_refusal_reason_and_review_status(staff_client, owner):
    bulk_end_attempts(9, user=owner)
    results = staff_client.get(reverse(ATTEMPTS), {"refusal__exact": "risk_veto"}).context["cl"].result_list
    assert len(results) == 3 and {a.refusal for a in results} == {"risk_veto"}
    assert not staff_client.get(reverse(ATTEMPTS), {"review_status__exact": "upheld"}).context["cl"].result_list


def test_refused_ends_search_by_title_user_and_message_text(staff_client, owner, other_user):
    bulk_end_attempts(3, user=owner)
    bulk_end_attempts(1, user=other_user, title="Other")
    assert titles_in(staff_client.get(reverse(ATTEMPTS), {"q": "intruder"})) == ["Other 0"]
    assert titles_in(staff_client.get(reverse(ATTEMPTS), {"q": '"Refused chat 2"'})) == ["Refused chat 2"]
    assert len(titles_in(staff_client.get(reverse(ATTEMPTS), {"q": '"insult number 1"'}))) == 1


def test_a_refused_end_page_shows_the_snapshot_and_takes_a_review(staff_client, moderator, owner):
    attempt = bulk_end_attempts(1, user=owner)[0]
    url = reverse("admin:moderation_endattempt_change", args=[attempt.pk])
    page = staff_client.get(url).content.decode()
    assert "insult number 0" in page and "abuse 0.97 ⚑" in page
    staff_client.post(url, {"review_status": "upheld", "review_note": "Right call."})
    attempt.refresh_from_db()
    assert (attempt.review_status, attempt.reviewer, attempt.review_note) == ("upheld", moderator, "Right call.")


def test_refused_ends_are_reviewed_and_exported_with_actions(staff_client, moderator, owner):
    attempts = bulk_end_attempts(3, user=owner)
    chosen = [str(a.pk) for a in attempts]
    response = staff_client.post(reverse(ATTEMPTS), {"action": "mark_upheld", "_selected_action": chosen}, follow=True)
    assert "3 end attempts marked upheld." in response.content.decode()
    assert EndAttempt.objects.filter(review_status="upheld", reviewer=moderator).count() == 3
    response = staff_client.post(reverse(ATTEMPTS), {"action": "export_csv", "_selected_action": chosen})
    assert len(list(csv.DictReader(io.StringIO(response.content.decode())))) == 3


# Feedback.


def test_staff_read_the_users_feedback_with_a_link_to_the_end(staff_client, owner, end_event):
    services.feedback_create(end_event=end_event, user=owner, rating="down", comment="Not fair")
    response = staff_client.get(reverse("admin:moderation_endfeedback_changelist"), {"rating__exact": "down"})
    page = response.content.decode()
    assert "Not fair" in page
    assert reverse("admin:moderation_endevent_change", args=[end_event.pk]) in page


def test_feedback_is_searchable_and_read_only(staff_client, owner, end_event):
    feedback = services.feedback_create(end_event=end_event, user=owner, rating="up", comment="Fair enough")
    assert "Fair enough" in staff_client.get(reverse("admin:moderation_endfeedback_changelist"), {"q": "fair"}).content.decode()
    staff_client.post(reverse("admin:moderation_endfeedback_change", args=[feedback.pk]), {"rating": "down", "comment": "x"})
    feedback.refresh_from_db()
    assert (feedback.rating, feedback.comment) == ("up", "Fair enough")


def test_staff_see_thumbs_on_replies_beside_the_feedback_on_ends(staff_client, owner, end_event):
    EndFeedback.objects.create(end_event=end_event, user=owner, rating="down", comment="unfair")
    conversation = chat.conversation_create(user=owner, title="Goldfish")
    _, reply = chat.message_send(user=owner, branch_id=conversation.active_branch_id, content="Name a goldfish")
    finish_reply(reply.id, "Call it Bubbles.")
    reply.refresh_from_db()
    chat.reply_rate(user=owner, message=reply, rating="up")
    url = reverse("admin:moderation_endfeedback_changelist")
    page = staff_client.get(url).content.decode()
    assert "Reply: Call it Bubbles." in page and "unfair" in page
    replies_only = staff_client.get(url, {"about": "reply"}).context["cl"].result_list
    assert [(f.message_id, f.rating) for f in replies_only] == [(reply.id, "up")]
    feedback = EndFeedback.objects.get(message=reply)
    detail = staff_client.get(reverse("admin:moderation_endfeedback_change", args=[feedback.pk])).content.decode()
    assert "The reply rated" in detail and "Call it Bubbles." in detail
    # The rated reply keeps its line breaks, with the review pages' styles.
    assert 'class="content feedback-reply"' in detail and "moderation/review.css" in detail
