"""Staff can see ends and refusals in the admin, review them and reopen a branch."""

import pytest
from django.urls import reverse

from conversations import services
from moderation.models import EndEvent


@pytest.fixture
def end_event(owner):
    conversation = services.conversation_create(user=owner, title="A rough chat")
    return services.branch_end(branch=conversation.active_branch, initiated_by="user", reason="user_request")


def test_staff_see_the_end_in_the_changelist(client, staff_user, end_event):
    client.force_login(staff_user)
    response = client.get(reverse("admin:moderation_endevent_changelist"))
    assert response.status_code == 200
    assert "A rough chat" in response.content.decode()


def test_a_regular_user_never_reaches_the_admin(client, owner, end_event):
    client.force_login(owner)
    response = client.get(reverse("admin:moderation_endevent_changelist"))
    assert response.status_code == 302


def test_staff_reopen_a_branch_with_an_action_and_it_is_recorded(client, staff_user, end_event):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:moderation_endevent_changelist"),
        {"action": "reopen", "_selected_action": [str(end_event.pk)]},
        follow=True,
    )
    assert "1 branch(es) reopened." in response.content.decode()
    end_event.refresh_from_db()
    assert end_event.branch.ended_at is None
    assert end_event.reopened_by == staff_user


def test_staff_mark_an_end_upheld_and_the_reviewer_is_recorded(client, staff_user, end_event):
    client.force_login(staff_user)
    client.post(
        reverse("admin:moderation_endevent_changelist"),
        {"action": "mark_upheld", "_selected_action": [str(end_event.pk)]},
    )
    end_event = EndEvent.objects.get(pk=end_event.pk)
    assert end_event.review_status == "upheld"
    assert end_event.reviewer == staff_user and end_event.reviewed_at is not None
