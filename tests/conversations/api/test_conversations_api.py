"""Conversations through the API: create, list, rename, switch branch, delete, and bad input."""

import pytest
from rest_framework.pagination import PageNumberPagination

from conversations import services
from conversations.models import Branch, Conversation

URL = "/api/v1/conversations/"
CONVERSATION_KEYS = {"id", "title", "created_at", "updated_at", "active_branch", "branches"}
EXTRA_KEYS_ALLOWED = {"provider", "model"}


def create(client, body=None) -> dict:
    response = client.post(URL, body if body is not None else {}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def detail(conversation_id) -> str:
    return f"{URL}{conversation_id}/"


def fields(conversation_id) -> dict:
    """What the database holds for a conversation, to show a refused request changed nothing."""
    conversation = Conversation.objects.get(pk=conversation_id)
    return {"title": conversation.title, "active_branch": conversation.active_branch_id, "updated_at": conversation.updated_at}


# Create


def test_creating_a_conversation_returns_201_with_the_contract_keys(api):
    body = create(api, {"title": "Weekend plans"})
    assert CONVERSATION_KEYS <= set(body) <= CONVERSATION_KEYS | EXTRA_KEYS_ALLOWED
    assert body["title"] == "Weekend plans"
    assert body["created_at"] and body["updated_at"]
    assert Conversation.objects.get(pk=body["id"]).owner.username == "owner"


def test_a_new_conversation_has_one_open_branch_with_no_messages(api):
    body = create(api)
    assert body["title"] == ""
    assert [branch["id"] for branch in body["branches"]] == [body["active_branch"]]
    summary = body["branches"][0]
    assert summary["ended"] is False
    assert summary["tip"] is None

    branch = api.get(f"/api/v1/branches/{body['active_branch']}/")
    assert branch.status_code == 200
    branch = branch.json()
    assert branch["conversation"] == body["id"]
    assert branch["messages"] == []
    assert branch["tip"] is None
    assert branch["forked_from"] is None
    assert branch["ended"] is False
    assert branch["ended_at"] is None
    assert branch["end_event"] is None


def test_unknown_fields_are_ignored_when_creating(api, other_user):
    body = create(api, {"title": "Mine", "owner": other_user.pk, "id": "00000000-0000-0000-0000-000000000000", "colour": "red"})
    assert body["id"] != "00000000-0000-0000-0000-000000000000"
    assert "colour" not in body
    assert Conversation.objects.get(pk=body["id"]).owner.username == "owner"


@pytest.mark.parametrize("title", [5, True, ["a"], {"text": "a"}, None])
def test_a_title_of_the_wrong_type_is_400_invalid_and_nothing_is_created(api, title):
    response = api.post(URL, {"title": title}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "title" in response.json()["errors"]
    assert Conversation.objects.count() == 0


def test_a_title_over_its_limit_is_400_even_when_padded_with_whitespace(api):
    """The schema's maxLength counts what was sent; trimming must not let a longer title in."""
    padded = " " * 10 + "t" * 195  # 205 sent, 195 once trimmed, limit 200
    response = api.post(URL, {"title": padded}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert "200" in response.json()["errors"]["title"][0]
    assert not Conversation.objects.exists()
    assert api.post(URL, {"title": "  " + "t" * 198}, format="json").status_code == 201


def test_malformed_json_is_400_invalid_and_nothing_is_created(api):
    response = api.post(URL, data='{"title": "unterminated', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["detail"]
    assert Conversation.objects.count() == 0


# List


def test_the_list_is_paginated_newest_first_and_holds_only_the_users_own(api, other_api):
    first, second, third = (create(api, {"title": title})["id"] for title in ("one", "two", "three"))
    create(other_api, {"title": "not yours"})
    response = api.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert body["next"] is None and body["previous"] is None
    assert [c["id"] for c in body["results"]] == [third, second, first]
    assert CONVERSATION_KEYS <= set(body["results"][0])


def test_a_long_list_is_split_into_pages(api, owner):
    page_size = PageNumberPagination.page_size
    for index in range(page_size + 1):
        services.conversation_create(user=owner, title=f"chat {index}")
    first = api.get(URL).json()
    assert first["count"] == page_size + 1
    assert len(first["results"]) == page_size
    assert first["previous"] is None and first["next"]
    second = api.get(first["next"]).json()
    assert [c["title"] for c in second["results"]] == ["chat 0"]
    assert second["next"] is None and second["previous"]


def test_an_empty_list_has_no_results(api):
    assert api.get(URL).json() == {"count": 0, "next": None, "previous": None, "results": []}


# Read, rename, switch branch, delete


def test_a_conversation_can_be_read_back(api):
    created = create(api, {"title": "Read me"})
    response = api.get(detail(created["id"]))
    assert response.status_code == 200
    assert response.json() == created


def test_patching_the_title_renames_the_conversation(api):
    conversation = create(api, {"title": "Old"})
    response = api.patch(detail(conversation["id"]), {"title": "New"}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == "New"
    assert response.json()["active_branch"] == conversation["active_branch"]
    assert api.get(detail(conversation["id"])).json()["title"] == "New"


def test_patching_active_branch_switches_to_another_branch_of_the_same_conversation(api):
    conversation = create(api, {"title": "Two lines"})
    other = Branch.objects.create(conversation_id=conversation["id"])
    response = api.patch(detail(conversation["id"]), {"active_branch": str(other.id)}, format="json")
    assert response.status_code == 200
    assert response.json()["active_branch"] == str(other.id)
    assert response.json()["title"] == "Two lines"
    assert {b["id"] for b in response.json()["branches"]} == {conversation["active_branch"], str(other.id)}
    assert api.get(detail(conversation["id"])).json()["active_branch"] == str(other.id)


def test_patching_active_branch_to_a_branch_of_another_conversation_is_404_and_changes_nothing(api):
    conversation = create(api, {"title": "Here"})
    elsewhere = create(api, {"title": "There"})
    before = fields(conversation["id"])
    response = api.patch(detail(conversation["id"]), {"active_branch": elsewhere["active_branch"]}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert fields(conversation["id"]) == before


def test_unknown_fields_are_ignored_when_patching(api):
    conversation = create(api, {"title": "Before"})
    response = api.patch(
        detail(conversation["id"]), {"title": "After", "created_at": "2000-01-01T00:00:00Z", "mood": "fine"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["title"] == "After"
    assert response.json()["created_at"] == conversation["created_at"]
    assert "mood" not in response.json()


@pytest.mark.parametrize(
    "body",
    [{"title": 5}, {"title": None}, {"active_branch": 5}, {"active_branch": "not-a-uuid"}, {"title": "ok", "active_branch": []}],
    ids=["numeric-title", "null-title", "numeric-branch", "malformed-branch", "list-branch"],
)
def test_a_patch_with_a_wrongly_typed_field_is_400_invalid_and_changes_nothing(api, body):
    conversation = create(api, {"title": "Unchanged"})
    before = fields(conversation["id"])
    response = api.patch(detail(conversation["id"]), body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["errors"]) <= set(body)
    assert fields(conversation["id"]) == before


def test_a_patch_with_malformed_json_is_400_invalid_and_changes_nothing(api):
    conversation = create(api, {"title": "Unchanged"})
    before = fields(conversation["id"])
    response = api.patch(detail(conversation["id"]), data="{title: New}", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert fields(conversation["id"]) == before


def test_deleting_a_conversation_is_204_and_then_it_and_its_branch_are_404(api):
    conversation = create(api, {"title": "Short-lived"})
    keep = create(api, {"title": "Kept"})
    response = api.delete(detail(conversation["id"]))
    assert response.status_code == 204
    assert not response.content
    gone = api.get(detail(conversation["id"]))
    assert gone.status_code == 404
    assert gone.json()["code"] == "not_found"
    assert api.get(f"/api/v1/branches/{conversation['active_branch']}/").status_code == 404
    assert [c["id"] for c in api.get(URL).json()["results"]] == [keep["id"]]


def test_deleting_twice_is_404_the_second_time(api):
    conversation = create(api)
    assert api.delete(detail(conversation["id"])).status_code == 204
    again = api.delete(detail(conversation["id"]))
    assert again.status_code == 404
    assert again.json()["code"] == "not_found"
