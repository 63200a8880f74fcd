"""Nobody reaches another user's objects through the pages, and staff-only views refuse everyone
else. (The API's endpoints are covered object by object in tests/conversations/api/test_isolation.py; the admin
roles in tests/review/test_admin_roles.py.)"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from conversations.models import Branch, Conversation, Message
from moderation.models import EndEvent, EndFeedback
from tests.support.accounts import token_for

pytestmark = pytest.mark.django_db

# (method, URL name, args from the owned objects, form data)
PAGES = [
    ("get", "chat:detail", ["conversation"], None),
    ("post", "chat:send", ["conversation"], lambda o: {"content": "Hi", "branch": o["branch"].id}),
    ("post", "chat:switch", ["conversation"], lambda o: {"message": o["user_message"].id}),
    ("get", "chat:end", ["conversation"], None),
    ("post", "chat:end", ["conversation"], lambda o: {"branch": o["branch"].id}),
    ("get", "chat:rename", ["conversation"], None),
    ("post", "chat:rename", ["conversation"], lambda o: {"title": "Mine now"}),
    ("get", "chat:delete", ["conversation"], None),
    ("post", "chat:delete", ["conversation"], None),
    ("post", "chat:restore", ["deleted"], None),
    ("post", "chat:edit", ["conversation", "user_message"], lambda o: {"content": "Rewritten"}),
    ("post", "chat:retry", ["conversation", "reply"], None),
    ("post", "chat:stop", ["conversation", "reply"], None),
    ("post", "chat:feedback", ["ended", "end_event"], lambda o: {"rating": "up"}),
]
PAGE_IDS = [f"{method.upper()} {name}" for method, name, _, _ in PAGES]


def snapshot() -> tuple:
    return (
        sorted(Conversation.objects.values_list("id", "title", "active_branch", "deleted_at")),
        sorted(Branch.objects.values_list("id", "tip", "ended_at")),
        sorted(Message.objects.values_list("id", "status", "content")),
        EndEvent.objects.count(),
        sorted(EndFeedback.objects.values_list("id", "rating", "comment")),
    )


def request(client, owned, method, name, args, data):
    url = reverse(name, args=[owned[arg].pk for arg in args])
    return getattr(client, method)(url, data(owned) if data else {})


@pytest.mark.parametrize(("method", "name", "args", "data"), PAGES, ids=PAGE_IDS)
def test_every_chat_page_is_a_404_for_another_users_objects_and_changes_nothing(client, other_user, owned, method, name, args, data):
    client.force_login(other_user)
    before = snapshot()
    response = request(client, owned, method, name, args, data)
    assert response.status_code == 404
    assert "my secret" not in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(("method", "name", "args", "data"), PAGES, ids=PAGE_IDS)
def test_every_chat_page_sends_an_anonymous_visitor_to_log_in(client, owned, method, name, args, data):
    before = snapshot()
    response = request(client, owned, method, name, args, data)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert snapshot() == before


@pytest.mark.parametrize(("method", "name", "args", "data"), PAGES, ids=PAGE_IDS)
def test_the_owner_reaches_every_chat_page(client, owner, owned, method, name, args, data):
    client.force_login(owner)
    # The fixture's end already has the owner's feedback, so a second one is refused (409), not hidden.
    assert request(client, owned, method, name, args, data).status_code in (200, 302, 409)


def test_a_deleted_conversation_is_a_404_on_every_page_and_endpoint_for_its_owner(client, owner, owned):
    from conversations import services

    services.conversation_delete(conversation=owned["conversation"])
    services.conversation_delete(conversation=owned["ended"])
    client.force_login(owner)
    for method, name, args, data in PAGES:
        if name == "chat:restore":
            continue  # undoing the delete is the one thing left to do with it
        assert request(client, owned, method, name, args, data).status_code == 404, name
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(owner)}")
    for path in (
        f"conversations/{owned['conversation'].id}/",
        f"branches/{owned['branch'].id}/",
        f"messages/{owned['reply'].id}/",
        f"messages/{owned['reply'].id}/stream/",
    ):
        assert api.get(f"/api/v1/{path}").status_code == 404, path
    assert api.post(f"/api/v1/messages/{owned['user_message'].id}/edit/", {"content": "x"}, format="json").status_code == 404
    assert api.post(f"/api/v1/messages/{owned['reply'].id}/retry/").status_code == 404
    assert api.post(f"/api/v1/branches/{owned['branch'].id}/messages/", {"content": "x"}, format="json").status_code == 404
    assert api.post(f"/api/v1/end-events/{owned['end_event'].id}/feedback/", {"rating": "up"}, format="json").status_code == 404
    assert api.get("/api/v1/conversations/").json()["count"] == 0


def test_the_export_holds_only_the_users_own_conversations(client, other_user, owned):
    client.force_login(other_user)
    page = client.get(reverse("chat:export"))
    assert page.json()["conversations"] == []
    api = APIClient()
    api.force_authenticate(other_user)
    assert api.get("/api/v1/export/").json()["conversations"] == []


STAFF_PAGES = [
    ("admin:moderation_endevent_change", "end_event"),
    ("admin:moderation_endfeedback_change", "feedback"),
    ("admin:moderation_endevent_changelist", None),
    ("admin:moderation_endattempt_changelist", None),
    ("admin:conversations_conversation_change", "conversation"),
    ("moderation-dashboard", None),
]


@pytest.mark.parametrize(("name", "arg"), STAFF_PAGES)
def test_staff_pages_refuse_a_signed_in_user_who_is_not_staff(client, owner, owned, name, arg):
    client.force_login(owner)
    response = client.get(reverse(name, args=[owned[arg].pk] if arg else []))
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert "/admin/login/" in response["Location"]
    assert "my secret" not in response.content.decode()


@pytest.mark.parametrize(
    "path", ["end-events/", "end-events/{end_event}/", "end-attempts/", "end-events/{end_event}/reopen/"]
)
def test_the_staff_api_is_a_404_for_the_user_whose_conversation_it_is(owner, owned, path):
    api = APIClient()
    api.force_authenticate(owner)
    url = "/api/v1/moderation/" + path.format(end_event=owned["end_event"].id)
    response = api.post(url) if url.endswith("reopen/") else api.get(url)
    assert response.status_code == 404
