"""Limits: message size, request body size and new conversations per hour, each refused with a
clear code, never a 500. An end never counts against a user."""

import json

import pytest
from django.urls import reverse

from conversations import services
from conversations.models import Conversation, Message

pytestmark = pytest.mark.django_db


def test_a_body_over_the_request_limit_is_413_request_too_large_json_and_nothing_is_saved(api, owner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    branch = services.conversation_create(user=owner).active_branch
    response = api.post(f"/api/v1/branches/{branch.id}/messages/", {"content": "x" * 5000}, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert not Message.objects.exists()


def test_a_body_over_the_limit_without_a_length_header_is_413_too(owner, settings):
    """A chunked body announces no length; Django stops reading at the limit (RequestDataTooBig),
    and the API view's error still reaches the client as 413 `request_too_large`."""
    from django.test import RequestFactory

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    branch = services.conversation_create(user=owner).active_branch
    request = RequestFactory().post(
        f"/api/v1/branches/{branch.id}/messages/", json.dumps({"content": "x" * 5000}), content_type="application/json"
    )
    del request.META["CONTENT_LENGTH"]
    request.user = owner
    from conversations.api.views import BranchMessages
    from chatsite.middleware import ServiceErrorsMiddleware
    from rest_framework.test import force_authenticate

    force_authenticate(request, user=owner)
    response = ServiceErrorsMiddleware(lambda r: BranchMessages.as_view()(r, pk=str(branch.id)))(request)
    assert response.status_code in (400, 413)
    assert not Message.objects.exists()


def test_a_page_form_over_the_request_limit_gets_a_413_page_not_a_500(client, owner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    conversation = services.conversation_create(user=owner)
    client.force_login(owner)
    response = client.post(
        reverse("chat:send", args=[conversation.pk]), {"content": "x" * 5000, "branch": conversation.active_branch_id}
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert not Message.objects.exists()


def test_a_message_over_the_character_limit_is_refused_on_the_page_with_the_limit(client, owner, settings):
    settings.MAX_MESSAGE_CHARS = 100
    conversation = services.conversation_create(user=owner)
    client.force_login(owner)
    response = client.post(reverse("chat:send", args=[conversation.pk]), {"content": "x" * 101, "branch": conversation.active_branch_id})
    assert response.status_code == 400
    assert "the limit is 100" in response.content.decode()
    assert not Message.objects.exists()


def test_the_hourly_conversation_limit_is_429_conversation_limit_in_the_api(api, owner, settings):
    settings.MAX_CONVERSATIONS_PER_HOUR = 3
    for _ in range(3):
        assert api.post("/api/v1/conversations/", {}, format="json").status_code == 201
    refused = api.post("/api/v1/conversations/", {}, format="json")
    assert refused.status_code == 429
    assert refused.json()["code"] == "conversation_limit"
    assert "3 conversations in the last hour" in refused.json()["detail"]
    assert Conversation.objects.filter(owner=owner).count() == 3


def test_the_hourly_conversation_limit_is_explained_on_the_page(client, owner, settings):
    settings.MAX_CONVERSATIONS_PER_HOUR = 1
    client.force_login(owner)
    assert client.post(reverse("chat:new"), {"content": "First"}).status_code == 302
    refused = client.post(reverse("chat:new"), {"content": "Second, over the limit"})
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "the most allowed" in html
    assert "Second, over the limit</textarea>" in html, "the draft is kept"
    assert Conversation.objects.filter(owner=owner).count() == 1


def test_deleting_conversations_does_not_give_the_hour_back(owner, settings):
    settings.MAX_CONVERSATIONS_PER_HOUR = 2
    for _ in range(2):
        services.conversation_delete(conversation=services.conversation_create(user=owner))
    with pytest.raises(services.ConversationLimitReached):
        services.conversation_create(user=owner)


def test_an_end_never_counts_against_the_user_who_starts_a_new_chat_at_once(owner, other_user, settings):
    settings.MAX_CONVERSATIONS_PER_HOUR = 2
    ended = services.conversation_create(user=owner)
    services.branch_end(branch=ended.active_branch, initiated_by="model", reason="abuse")
    # Right after the end: a new chat, no delay, and the end took nothing from the hourly quota.
    fresh = services.conversation_create(user=owner)
    assert fresh.active_branch is not None and not fresh.active_branch.ended
    # Others are unaffected by anyone's ends or limit.
    assert services.conversation_create(user=other_user)


def test_conversations_older_than_an_hour_no_longer_count(owner, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.MAX_CONVERSATIONS_PER_HOUR = 1
    old = services.conversation_create(user=owner)
    Conversation.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=61))
    assert services.conversation_create(user=owner)


@pytest.mark.parametrize("path", ["/api/v1/auth/token/", "/api/v1/conversations/"])
def test_json_nested_thousands_deep_is_400_invalid_not_a_500(client, owner, path):
    client.force_login(owner)
    nested = "[" * 5000 + "]" * 5000
    response = client.post(path, nested, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "nested too deeply" in response.json()["detail"]
