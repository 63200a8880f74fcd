"""The staff API: the review queues of ends and refused ends, their review and reopening."""

import pytest
from rest_framework.test import APIClient

from moderation.models import EndAttempt, EndEvent
from tests.support.review.staff import bulk_end_attempts, bulk_end_events

EVENTS = "/api/v1/moderation/end-events/"
ATTEMPTS = "/api/v1/moderation/end-attempts/"


@pytest.fixture
def mod_api(moderator) -> APIClient:
    client = APIClient()
    client.force_authenticate(moderator)
    return client


def test_the_queue_lists_pending_ends_paginated(mod_api, owner):
    bulk_end_events(80, user=owner)
    response = mod_api.get(EVENTS, {"review_status": "pending"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == EndEvent.objects.filter(review_status="pending").exclude(initiated_by="user").count() > 20
    assert len(body["results"]) == 20 and body["next"]
    assert {row["review"]["status"] for row in body["results"]} == {"pending"}
    created = [row["created_at"] for row in body["results"]]
    assert created == sorted(created, reverse=True)


def test_an_end_in_the_queue_carries_what_a_reviewer_needs(mod_api, owner, end_event):
    from moderation import services

    services.feedback_create(end_event=end_event, user=owner, rating="down", comment="unfair")
    row = mod_api.get(EVENTS, {"initiated_by": "user"}).json()["results"][0]
    assert row["id"] == str(end_event.id)
    assert row["user"] == "owner" and row["conversation_title"] == "A rough chat"
    assert row["initiated_by"] == "user" and row["reason"] == "user_request"
    assert row["branch"] == str(end_event.branch_id)
    assert row["review"] == {"status": "pending", "reviewer": None, "note": "", "reviewed_at": None}
    assert row["feedback"]["rating"] == "down"
    assert "transcript" not in row


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"reason": "abuse"}, lambda e: e.reason == "abuse"),
        ({"initiated_by": "user"}, lambda e: e.initiated_by == "user"),
        ({"review_status": "overturned"}, lambda e: e.review_status == "overturned"),
        ({"feedback": "down"}, lambda e: hasattr(e, "feedback") and e.feedback.rating == "down"),
        ({"feedback": "none"}, lambda e: not hasattr(e, "feedback")),
        ({"provider": "anthropic", "policy_version": "2026-01"}, lambda e: e.provider == "anthropic" and e.policy_version == "2026-01"),
        ({"q": '"Bulk chat 7"'}, lambda e: e.conversation_title == "Bulk chat 7"),
    ],
)
def test_the_queue_filters_like_the_changelist(mod_api, owner, params, expected):
    bulk_end_events(12, user=owner)
    # Unless the filter names an initiator, the queue leaves out the ends users chose themselves.
    for_review = (lambda e: True) if "initiated_by" in params else (lambda e: e.initiated_by != "user")
    wanted = {str(e.pk) for e in EndEvent.objects.select_related("feedback") if expected(e) and for_review(e)}
    body = mod_api.get(EVENTS, {**params, "page_size": 100}).json()
    assert {row["id"] for row in body["results"]} == wanted and wanted


def test_the_queue_leaves_out_the_ends_users_chose_unless_asked(mod_api, owner):
    events = bulk_end_events(9, user=owner)
    by_user = {str(e.pk) for e in events if e.initiated_by == "user"}
    assert by_user

    def ids(params):
        return {row["id"] for row in mod_api.get(EVENTS, {**params, "page_size": 100}).json()["results"]}

    assert ids({}) == {str(e.pk) for e in events} - by_user
    assert ids({"initiated_by": "user"}) == by_user
    assert ids({"initiated_by": "any"}) == {str(e.pk) for e in events}


def test_the_queue_filters_by_date(mod_api, owner):
    events = bulk_end_events(10, user=owner, days=10)
    day = events[4].created_at.date()
    body = mod_api.get(EVENTS, {"date_from": str(day), "date_to": str(day)}).json()
    assert [row["id"] for row in body["results"]] == [str(events[4].pk)]


def test_a_bad_filter_value_is_a_400_in_the_projects_error_shape(mod_api, db):
    response = mod_api.get(EVENTS, {"review_status": "maybe"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "review_status" in response.json()["errors"]


def test_one_end_shows_its_transcript_and_decision(mod_api, end_event):
    body = mod_api.get(f"{EVENTS}{end_event.id}/").json()
    assert [m["content"] for m in body["transcript"]][0] == "You are useless, goodbye"
    assert "decision" in body and "assessments" in body


def test_reviewing_an_end_records_outcome_note_reviewer_and_time(mod_api, moderator, end_event):
    response = mod_api.post(f"{EVENTS}{end_event.id}/review/", {"status": "upheld", "note": "Clear abuse."}, format="json")
    assert response.status_code == 200
    review = response.json()["review"]
    assert (review["status"], review["note"], review["reviewer"]) == ("upheld", "Clear abuse.", "moderator")
    end_event.refresh_from_db()
    assert end_event.reviewer == moderator and end_event.reviewed_at is not None


@pytest.mark.parametrize("payload", [{"status": "pending"}, {"status": "maybe"}, {}, {"status": "upheld", "note": 5}])
def test_a_review_with_a_bad_status_or_note_is_a_400(mod_api, end_event, payload):
    response = mod_api.post(f"{EVENTS}{end_event.id}/review/", payload, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    end_event.refresh_from_db()
    assert end_event.review_status == "pending"


def test_reviewing_an_unknown_end_is_a_404(mod_api, db):
    response = mod_api.post(f"{EVENTS}00000000-0000-0000-0000-000000000000/review/", {"status": "upheld"}, format="json")
    assert response.status_code == 404 and response.json() == {"code": "not_found", "detail": "Not found."}
    assert mod_api.post(f"{EVENTS}not-a-uuid/review/", {"status": "upheld"}, format="json").status_code == 404


def test_staff_reopen_an_end_through_the_api_once(mod_api, moderator, end_event):
    response = mod_api.post(f"{EVENTS}{end_event.id}/reopen/")
    assert response.status_code == 200 and response.json()["reopened_by"] == "moderator"
    end_event.refresh_from_db()
    assert end_event.branch.ended_at is None
    again = mod_api.post(f"{EVENTS}{end_event.id}/reopen/")
    assert again.status_code == 409 and again.json()["code"] == "already_reopened"


def test_the_refusal_queue_puts_pending_risk_vetoes_first_and_filters_by_refusal(mod_api, owner):
    bulk_end_attempts(9, user=owner)
    rows = mod_api.get(ATTEMPTS).json()["results"]
    assert [r["refusal"] for r in rows[:3]] == ["risk_veto"] * 3
    rows = mod_api.get(ATTEMPTS, {"refusal": "no_user_request"}).json()["results"]
    assert len(rows) == 3 and {r["refusal"] for r in rows} == {"no_user_request"}


def test_a_refused_end_is_reviewed_the_same_way(mod_api, moderator, owner):
    attempt = bulk_end_attempts(1, user=owner)[0]
    assert mod_api.get(f"{ATTEMPTS}{attempt.id}/").json()["transcript"][0]["content"] == "insult number 0"
    response = mod_api.post(f"{ATTEMPTS}{attempt.id}/review/", {"status": "overturned", "note": "Should have ended."}, format="json")
    assert response.status_code == 200 and response.json()["review"]["status"] == "overturned"
    assert EndAttempt.objects.get(pk=attempt.pk).reviewer == moderator


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", EVENTS),
        ("get", ATTEMPTS),
        ("get", "{events}{id}/"),
        ("post", "{events}{id}/review/"),
        ("post", "{events}{id}/reopen/"),
    ],
)
@pytest.mark.parametrize("who", ["owner", "plain_staff"])
def test_anyone_who_cannot_moderate_gets_a_404(request, end_event, method, path, who):
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(who))
    url = path.format(events=EVENTS, id=end_event.id)
    response = getattr(client, method)(url, {"status": "upheld"}, format="json") if method == "post" else client.get(url)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}
    end_event.refresh_from_db()
    assert end_event.review_status == "pending" and end_event.reopened_at is None


def test_an_anonymous_request_is_asked_to_authenticate(db):
    response = APIClient().get(EVENTS)
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_superusers_use_the_staff_api_too(staff_user, end_event):
    client = APIClient()
    client.force_authenticate(staff_user)
    assert client.get(EVENTS, {"initiated_by": "any"}).json()["count"] == 1


def test_the_queue_is_a_fixed_number_of_queries(mod_api, owner, django_assert_max_num_queries):
    bulk_end_events(300, user=owner)
    with django_assert_max_num_queries(6):
        assert mod_api.get(EVENTS, {"page_size": 200}).status_code == 200
