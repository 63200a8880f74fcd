"""The offline provider told that its end was refused: it carries on instead of asking again."""

from conversations.providers import ChatTurn, ProviderRequest, ProviderResult, ToolCall, get_provider
from conversations.providers.prompts import END_TOOL, SYSTEM_PROMPT, end_refused_result

ABUSE = "you are a worthless piece of shit"


def reply_to(messages):
    items = list(get_provider("local").stream(ProviderRequest(SYSTEM_PROMPT, messages, "", [END_TOOL])))
    assert isinstance(items[-1], ProviderResult)
    return items[-1]


def refused(messages, result, refusal):
    call = result.tool_calls[0]
    return [
        *messages,
        ChatTurn("assistant", result.text, tool_calls=(call,)),
        ChatTurn("tool", end_refused_result(refusal, "Call 988."), tool_call_id=call.id),
    ]


def test_after_a_refused_end_for_abuse_it_redirects_instead_of_ending_again():
    messages = []
    for _ in range(4):
        messages += [ChatTurn("user", ABUSE), ChatTurn("assistant", "Let's keep this civil.")]
    messages = messages[:-1]
    first = reply_to(messages)
    assert first.tool_calls, "after three redirections it asks to end"
    again = reply_to(refused(messages, first, "too_few_redirections"))
    assert again.tool_calls == []
    assert "ending" not in again.text.lower()


def test_after_a_refused_user_request_end_it_answers_instead():
    messages = [ChatTurn("user", "Please end this conversation.")]
    first = reply_to(messages)
    assert first.tool_call("end_conversation") == ToolCall(
        "end_conversation", {"reason": "user_request", "rationale": "The user asked to end the conversation."}, "local-end"
    )
    again = reply_to(refused(messages, first, "no_user_request"))
    assert again.tool_calls == []


def test_the_risk_veto_result_tells_the_model_to_stay_and_includes_the_resources():
    text = end_refused_result("risk_veto", "Call 988.")
    assert "NOT ended" in text
    assert "harming themselves or someone else" in text
    assert text.endswith("Call 988.")
