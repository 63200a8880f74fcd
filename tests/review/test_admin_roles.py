"""Who reaches what: moderators review ends and refusals only, superusers see the conversations,
everyone else never reaches an admin page."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse


MODERATION_PAGES = [
    "admin:moderation_endevent_changelist",
    "admin:moderation_endattempt_changelist",
    "admin:moderation_endfeedback_changelist",
    "moderation-dashboard",
]
CHAT_PAGES = ["admin:conversations_conversation_changelist", "admin:conversations_message_changelist"]


def test_the_data_migration_creates_the_moderators_group_with_review_permissions_only(db):
    group = Group.objects.get(name="moderators")
    assert sorted(group.permissions.values_list("codename", flat=True)) == [
        "change_endattempt",
        "change_endevent",
        "view_endattempt",
        "view_endevent",
        "view_endfeedback",
    ]


@pytest.mark.parametrize("name", MODERATION_PAGES)
def test_a_moderator_reaches_every_moderation_page(client, moderator, name):
    client.force_login(moderator)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", [*CHAT_PAGES, "admin:auth_user_changelist", "admin:auth_group_changelist"])
def test_a_moderator_never_browses_conversations_messages_or_users(client, moderator, name):
    client.force_login(moderator)
    assert client.get(reverse(name)).status_code == 403


def test_a_moderator_cannot_open_the_conversation_behind_an_end_in_the_conversation_admin(client, moderator, end_event):
    client.force_login(moderator)
    url = reverse("admin:conversations_conversation_change", args=[end_event.conversation_id])
    assert client.get(url).status_code == 403


def test_the_admin_index_shows_a_moderator_only_moderation_and_the_dashboard_link(client, moderator):
    client.force_login(moderator)
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("moderation-dashboard") in page
    assert reverse("admin:moderation_endevent_changelist") in page
    assert reverse("admin:conversations_conversation_changelist") not in page
    assert reverse("admin:auth_user_changelist") not in page


def test_the_end_event_page_links_a_moderator_to_nothing_outside_moderation(client, moderator, end_event):
    client.force_login(moderator)
    page = client.get(reverse("admin:moderation_endevent_change", args=[end_event.pk])).content.decode()
    assert "/admin/conversations/" not in page and "/admin/auth/" not in page


def test_a_moderator_cannot_delete_an_end(client, moderator, end_event):
    client.force_login(moderator)
    assert client.get(reverse("admin:moderation_endevent_delete", args=[end_event.pk])).status_code == 403
    page = client.get(reverse("admin:moderation_endevent_changelist")).content.decode()
    assert "delete_selected" not in page


@pytest.mark.parametrize("name", CHAT_PAGES)
def test_superusers_see_the_full_conversation_admin(client, staff_user, end_event, name):
    client.force_login(staff_user)
    assert client.get(reverse(name)).status_code == 200


def test_staff_given_conversation_permissions_still_cannot_browse_chats_unless_superuser(client, plain_staff, end_event):
    plain_staff.user_permissions.set(Permission.objects.filter(content_type__app_label="conversations"))
    client.force_login(plain_staff)
    assert client.get(reverse("admin:conversations_conversation_changelist")).status_code == 403
    url = reverse("admin:conversations_conversation_change", args=[end_event.conversation_id])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("name", MODERATION_PAGES)
def test_staff_outside_the_moderators_group_cannot_review(client, plain_staff, name):
    client.force_login(plain_staff)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["admin:index", *MODERATION_PAGES, *CHAT_PAGES])
def test_a_regular_user_never_reaches_an_admin_page(client, owner, name):
    client.force_login(owner)
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("name", ["admin:index", *MODERATION_PAGES])
def test_an_anonymous_visitor_is_sent_to_the_admin_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_regular_user_cannot_review_or_reopen_by_posting(client, owner, end_event):
    client.force_login(owner)
    client.post(
        reverse("admin:moderation_endevent_changelist") + "?initiated_by=any",
        {"action": "reopen", "_selected_action": [str(end_event.pk)], "confirm": "yes"},
    )
    client.post(reverse("admin:moderation_endevent_reopen", args=[end_event.pk]))
    end_event.refresh_from_db()
    assert end_event.reopened_at is None and end_event.branch.ended_at is not None
