"""Filtering and paging the conversation list: by ended state, by title, and page size."""

import pytest

from conversations import services
from moderation.models import EndReason, Initiator
from tests.support.conversations.replies import finish_reply

URL = "/api/v1/conversations/"


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [c["title"] for c in response.json()["results"]]


@pytest.fixture
def chats(owner, other_user):
    """Three of the owner's conversations, one of them ended, and one of another user's."""
    open_one = services.conversation_create(user=owner, title="Holiday plans")
    ended = services.conversation_create(user=owner, title="A rough chat")
    services.branch_end(branch=ended.active_branch, initiated_by=Initiator.MODEL, reason=EndReason.ABUSE)
    services.conversation_create(user=owner, title="Plant care")
    services.conversation_create(user=other_user, title="Holiday at sea")
    return open_one, ended


def test_ended_true_lists_only_conversations_whose_active_branch_has_ended(api, chats):
    assert titles(api.get(URL, {"ended": "true"})) == ["A rough chat"]


def test_ended_false_lists_only_open_conversations(api, chats):
    assert titles(api.get(URL, {"ended": "false"})) == ["Plant care", "Holiday plans"]


def test_a_conversation_continued_in_a_new_branch_after_an_end_counts_as_open(api, owner):
    conversation = services.conversation_create(user=owner, title="Second chance")
    user_message, reply = services.message_send(user=owner, branch_id=conversation.active_branch_id, content="hi")
    finish_reply(reply.id)
    services.branch_end(branch=conversation.active_branch, initiated_by=Initiator.USER, reason=EndReason.USER_REQUEST)
    assert titles(api.get(URL, {"ended": "true"})) == ["Second chance"]
    services.message_edit(user=owner, message=user_message, content="hello again")
    assert titles(api.get(URL, {"ended": "true"})) == []
    assert titles(api.get(URL, {"ended": "false"})) == ["Second chance"]


def test_q_searches_titles_case_insensitively_among_the_users_own(api, chats):
    assert titles(api.get(URL, {"q": "holiday"})) == ["Holiday plans"]
    assert titles(api.get(URL, {"q": "HOLIDAY", "ended": "true"})) == []


def test_an_ended_value_that_is_not_a_boolean_is_400_invalid(api, chats):
    response = api.get(URL, {"ended": "maybe"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "ended" in response.json()["errors"]


def test_page_size_picks_the_page_length_and_is_capped_at_100(api, owner):
    for index in range(3):
        services.conversation_create(user=owner, title=f"chat {index}")
    first = api.get(URL, {"page_size": 2}).json()
    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert "page_size=2" in first["next"]
    assert len(api.get(URL, {"page_size": 1000}).json()["results"]) == 3


def test_a_page_past_the_end_is_404_not_found(api, chats):
    response = api.get(URL, {"page": 9})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_filters_keep_the_query_count_fixed(api, owner, django_assert_max_num_queries):
    for index in range(5):
        services.conversation_create(user=owner, title=f"chat {index}")
    with django_assert_max_num_queries(4):
        assert len(titles(api.get(URL, {"ended": "false", "q": "chat"}))) == 5


@pytest.mark.parametrize("page_size", ["0", "-1", "two", "null"])
def test_a_page_size_that_is_not_a_positive_integer_is_400_invalid(api, page_size):
    response = api.get(URL, {"page_size": page_size})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "page_size" in response.json()["errors"]


def test_an_empty_search_lists_everything(api, chats):
    assert len(titles(api.get(URL, {"q": ""}))) == 3
