"""What a model is shown of a branch: roles, earlier replies as the user saw them, a budget."""

from conversations import pipeline, services
from conversations.models import Message
from conversations.pipeline import REOPENED_NOTE, TRIMMED_NOTE, build_request, fit_to_budget, transcript_turns
from conversations.providers import ChatTurn
from conversations.providers.prompts import SYSTEM_PROMPT
from conversations.selectors import message_path


def turn(role, content, status=Message.Status.COMPLETE, kind=None):
    return Message(role=role, content=content, status=status, kind=kind)


def test_user_and_assistant_turns_keep_their_roles_and_support_replies_keep_their_resources(settings):
    support = f"I'm sorry. {settings.SUPPORT_RESOURCES}"
    path = [turn("user", "I feel awful"), turn("assistant", support, kind="support"), turn("user", "thanks")]
    assert transcript_turns(path) == [
        ChatTurn("user", "I feel awful"),
        ChatTurn("assistant", support),
        ChatTurn("user", "thanks"),
    ]


def test_a_failed_reply_is_left_out_and_the_user_turns_around_it_are_joined():
    path = [turn("user", "first"), turn("assistant", "Partial ans", status=Message.Status.FAILED), turn("user", "second")]
    assert transcript_turns(path) == [ChatTurn("user", "first\n\nsecond")]


def test_an_earlier_end_notice_on_a_reopened_branch_is_shown_with_a_note():
    path = [turn("user", "please end this"), turn("assistant", "Ending now.", kind="end"), turn("user", "I'm back")]
    turns = transcript_turns(path)
    assert turns[1] == ChatTurn("assistant", f"Ending now.\n\n{REOPENED_NOTE}")


def test_the_oldest_turns_are_dropped_first_and_the_latest_is_always_kept():
    turns = [ChatTurn("user" if i % 2 == 0 else "assistant", f"turn {i} " + "x" * 400) for i in range(9)]
    kept, trimmed = fit_to_budget("system", turns, budget=350)
    assert trimmed
    assert kept[-1] == turns[-1]
    assert kept[0].role == "user", "a transcript starts with a user turn"
    assert kept == turns[-len(kept) :]
    assert len(kept) < len(turns)

    alone, _ = fit_to_budget("system", turns[-1:], budget=1)
    assert alone == turns[-1:], "the latest user turn is sent even when it alone is over the budget"

    everything, trimmed = fit_to_budget("system", turns, budget=100000)
    assert (everything, trimmed) == (turns, False)


def test_a_trimmed_transcript_says_so_in_the_system_prompt(owner, settings):
    settings.LLM_CONTEXT_BUDGET_TOKENS = 300
    conversation = services.conversation_create(user=owner, provider="local")
    branch = conversation.active_branch
    for i in range(4):
        _, reply = services.message_send(user=owner, branch_id=branch.pk, content=f"message {i} " + "y" * 500)
        pipeline.generate(str(reply.pk), retries_left=0)
    reply = Message.objects.get(pk=reply.pk)
    request = build_request(reply, message_path(reply.id)[:-1])
    assert request.system == f"{SYSTEM_PROMPT}\n\n{TRIMMED_NOTE}"
    assert request.messages[-1].content.startswith("message 3")
    assert request.messages[0].role == "user"
    assert not any(m.content.startswith("message 0") for m in request.messages)
