"""Two sends racing on one branch: the branch row lock lets exactly one through."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from conversations import services
from conversations.models import Message

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_sends_on_one_branch_give_one_202_and_one_reply_pending(owner):
    branch = services.conversation_create(user=owner).active_branch
    barrier = threading.Barrier(2)
    results: list[tuple[int, str | None]] = []

    def send(text: str) -> None:
        client = APIClient()
        client.force_authenticate(owner)
        try:
            barrier.wait(timeout=10)
            response = client.post(f"/api/v1/branches/{branch.id}/messages/", {"content": text}, format="json")
            results.append((response.status_code, response.json().get("code")))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(f"message {n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == [(202, None), (409, "reply_pending")]
    assert Message.objects.filter(role=Message.Role.USER).count() == 1
    assert Message.objects.filter(role=Message.Role.ASSISTANT).count() == 1
