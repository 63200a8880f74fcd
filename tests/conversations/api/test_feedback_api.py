"""A user's feedback on an end of their conversation."""

import pytest

from conversations import services
from moderation.models import EndEvent, EndFeedback


def ended_by_model(user) -> EndEvent:
    """An end event on a conversation of `user`, as the model would leave it."""
    conversation = services.conversation_create(user=user, title="Heated")
    return services.branch_end(branch=conversation.active_branch, initiated_by="model", reason="abuse", rationale="Repeated abuse.")


def url(end_event) -> str:
    return f"/api/v1/end-events/{end_event.id}/feedback/"


@pytest.fixture
def end_event(owner) -> EndEvent:
    return ended_by_model(owner)


def test_feedback_on_the_owners_end_event_is_201_and_saved(api, owner, end_event):
    response = api.post(url(end_event), {"rating": "down", "comment": "I was only joking."}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["rating"] == "down"
    assert body["comment"] == "I was only joking."
    assert body["end_event"] == str(end_event.id)
    feedback = EndFeedback.objects.get(end_event=end_event)
    assert (feedback.rating, feedback.comment, feedback.user) == ("down", "I was only joking.", owner)


def test_feedback_without_a_comment_is_accepted(api, end_event):
    response = api.post(url(end_event), {"rating": "up"}, format="json")
    assert response.status_code == 201
    assert EndFeedback.objects.get(end_event=end_event).comment == ""


def test_feedback_on_an_end_the_user_chose_is_accepted_too(api, owner):
    conversation = services.conversation_create(user=owner)
    event = api.post(f"/api/v1/branches/{conversation.active_branch_id}/end/").json()["end_event"]
    response = api.post(f"/api/v1/end-events/{event['id']}/feedback/", {"rating": "up"}, format="json")
    assert response.status_code == 201


def test_a_second_feedback_is_409_feedback_exists_and_the_first_is_kept(api, end_event):
    assert api.post(url(end_event), {"rating": "up", "comment": "fair"}, format="json").status_code == 201
    response = api.post(url(end_event), {"rating": "down", "comment": "changed my mind"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "feedback_exists"
    assert response.json()["detail"]
    feedback = EndFeedback.objects.get(end_event=end_event)
    assert (feedback.rating, feedback.comment) == ("up", "fair")


@pytest.mark.parametrize(
    "body",
    [{"rating": "meh"}, {"rating": "UP"}, {"rating": 1}, {"rating": None}, {}, {"rating": "up", "comment": 5}],
    ids=["meh", "uppercase", "number", "null", "missing", "numeric-comment"],
)
def test_a_rating_other_than_up_or_down_or_a_wrongly_typed_comment_is_400_invalid(api, end_event, body):
    response = api.post(url(end_event), body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["errors"]) <= {"rating", "comment"}
    assert not EndFeedback.objects.exists()


def test_feedback_on_another_users_end_event_is_404_and_not_saved(other_api, end_event):
    response = other_api.post(url(end_event), {"rating": "down"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not EndFeedback.objects.exists()

