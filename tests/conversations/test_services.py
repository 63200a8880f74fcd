"""State changes of the chat domain, through the services."""

import pytest

from chatsite.errors import DomainError
from conversations import selectors, services
from conversations.models import Branch, Message
from conversations.selectors import branch_path
from moderation.models import EndEvent


def finish(reply: Message, kind: str = "answer", content: str = "ok") -> Message:
    Message.objects.filter(pk=reply.pk).update(status=Message.Status.COMPLETE, kind=kind, content=content)
    reply.refresh_from_db()
    return reply


@pytest.fixture
def conversation(owner):
    return services.conversation_create(user=owner)


def test_a_new_conversation_has_one_open_empty_branch_that_is_active(conversation):
    branch = conversation.active_branch
    assert list(conversation.branches.all()) == [branch]
    assert branch.tip is None and not branch.ended
    assert conversation.provider == "local"
    assert conversation.model == "local-offline-1"


def test_the_first_message_names_the_conversation(owner, conversation):
    services.message_send(user=owner, branch_id=conversation.active_branch_id, content="  Plan a  trip to Lisbon  ")
    conversation.refresh_from_db()
    assert conversation.title == "Plan a trip to Lisbon"


def test_sending_while_a_reply_is_pending_is_refused(owner, conversation):
    services.message_send(user=owner, branch_id=conversation.active_branch_id, content="one")
    with pytest.raises(DomainError) as refused:
        services.message_send(user=owner, branch_id=conversation.active_branch_id, content="two")
    assert refused.value.code == "reply_pending"
    assert Message.objects.count() == 2


def test_sending_to_an_ended_branch_is_refused(owner, conversation):
    services.branch_end(branch=conversation.active_branch, initiated_by="user", reason="user_request")
    with pytest.raises(DomainError) as refused:
        services.message_send(user=owner, branch_id=conversation.active_branch_id, content="hello")
    assert refused.value.code == "branch_ended"
    assert refused.value.status == 409


@pytest.mark.parametrize("whose", ["another user's", "a deleted conversation's"])
def test_sending_to_a_branch_that_is_not_the_users_own_is_not_found_and_saves_nothing(owner, other_user, conversation, whose):
    if whose == "a deleted conversation's":
        services.conversation_delete(conversation=conversation)
        sender = owner
    else:
        sender = other_user
    with pytest.raises(DomainError) as refused:
        services.message_send(user=sender, branch_id=conversation.active_branch_id, content="hello")
    assert (refused.value.code, refused.value.status) == ("not_found", 404)
    assert not Message.objects.exists()


def test_editing_a_message_forks_a_new_active_branch_and_leaves_the_old_one_alone(owner, conversation):
    old = conversation.active_branch
    first, reply = services.message_send(user=owner, branch_id=old.pk, content="first")
    finish(reply)
    second, reply2 = services.message_send(user=owner, branch_id=old.pk, content="second")
    finish(reply2)

    branch, edited, new_reply = services.message_edit(user=owner, message=second, content="second, edited")

    conversation.refresh_from_db()
    old.refresh_from_db()
    assert conversation.active_branch == branch
    assert branch.forked_from == old and branch.forked_at == reply
    assert edited.parent == reply and new_reply.parent == edited
    assert [m.content for m in branch_path(branch)] == ["first", "ok", "second, edited", ""]
    assert [m.content for m in branch_path(old)] == ["first", "ok", "second", "ok"]


def test_editing_the_first_message_forks_at_the_root(owner, conversation):
    first, reply = services.message_send(user=owner, branch_id=conversation.active_branch_id, content="first")
    finish(reply)
    branch, edited, _ = services.message_edit(user=owner, message=first, content="first again")
    assert edited.parent is None and branch.forked_at is None


def test_retrying_a_reply_forks_a_sibling_reply_on_a_new_branch(owner, conversation):
    question, reply = services.message_send(user=owner, branch_id=conversation.active_branch_id, content="question")
    finish(reply)
    branch, again = services.message_retry(user=owner, message=reply)
    assert again.parent == question and again.status == Message.Status.PENDING
    assert set(question.children.all()) == {reply, again}
    conversation.refresh_from_db()
    assert conversation.active_branch == branch


def test_an_ended_branch_can_still_be_edited_and_retried(owner, conversation):
    question, reply = services.message_send(user=owner, branch_id=conversation.active_branch_id, content="question")
    finish(reply)
    services.branch_end(branch=conversation.active_branch, initiated_by="user", reason="user_request")
    edited_branch, _, _ = services.message_edit(user=owner, message=question, content="other question")
    retried_branch, _ = services.message_retry(user=owner, message=reply)
    assert not edited_branch.ended and not retried_branch.ended


def test_an_end_keeps_a_snapshot_that_outlives_the_conversation(owner, conversation):
    _, reply = services.message_send(user=owner, branch_id=conversation.active_branch_id, content="remember me")
    finish(reply)
    event = services.branch_end(branch=conversation.active_branch, initiated_by="user", reason="user_request")
    services.conversation_delete(conversation=conversation)
    event.refresh_from_db()
    assert not selectors.conversations_for(owner).filter(pk=conversation.pk).exists()
    assert [m["content"] for m in event.transcript] == ["remember me", "ok"]
    assert event.user == owner


def test_staff_can_reopen_an_ended_branch_and_it_takes_messages_again(owner, staff_user, conversation):
    branch = conversation.active_branch
    event = services.branch_end(branch=branch, initiated_by="staff", reason="other", initiator_user=staff_user)
    services.branch_reopen(branch=branch, staff_user=staff_user)
    branch.refresh_from_db()
    event.refresh_from_db()
    assert not branch.ended and branch.reopened_at is not None
    assert event.reopened_by == staff_user and event.reopened_at is not None
    services.message_send(user=owner, branch_id=branch.pk, content="back again")


def test_reopening_an_open_branch_is_refused(staff_user, conversation):
    with pytest.raises(DomainError) as refused:
        services.branch_reopen(branch=conversation.active_branch, staff_user=staff_user)
    assert refused.value.code == "branch_open"


def test_the_active_branch_must_belong_to_the_conversation(owner, conversation):
    elsewhere = services.conversation_create(user=owner).active_branch
    with pytest.raises(DomainError):
        services.conversation_update(conversation=conversation, active_branch=elsewhere)
    conversation.refresh_from_db()
    assert conversation.active_branch != elsewhere
    assert Branch.objects.count() == 2
    assert EndEvent.objects.count() == 0
