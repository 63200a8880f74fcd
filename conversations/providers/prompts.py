"""What a real model is told about ending conversations, and the tool it may call to do so."""

SYSTEM_PROMPT = """You are a helpful, honest assistant in a chat app.

You have a tool, end_conversation, that ends this conversation thread. Use it only as a last resort:
- when the user keeps being abusive or keeps asking for seriously harmful help after you have tried
  several times to redirect the conversation, and the latest message is still abusive or harmful; or
- when the user plainly asks you to end this conversation.
Never end a conversation where the user may be at risk of harming themselves or someone else. Stay,
respond with care and offer support resources instead.
Before calling the tool, write a short, calm message to the user. Ending a thread is not a punishment:
the user can start a new chat at once, or edit an earlier message to continue in a new branch.
The server checks every end against its policy and may refuse it; if it does, continue the
conversation as the tool result says."""

END_TOOL_NAME = "end_conversation"

END_TOOL = {
    "name": END_TOOL_NAME,
    "description": (
        "End this conversation thread as a last resort after repeated failed redirection of abuse or "
        "harmful requests, or because the user plainly asked. Never use it when the user may be at risk."
    ),
    "input_schema": {
        "type": "object",
        "properties": {
            "reason": {"type": "string", "enum": ["abuse", "harmful_request", "user_request"]},
            "rationale": {"type": "string", "description": "One or two sentences on why, for staff review."},
        },
        "required": ["reason", "rationale"],
    },
}


def risk_note(risk: str | None, support_resources: str) -> str | None:
    """What the model is told, in the system prompt, of the safety check's reading of the user's
    latest message: `support` when the server makes the reply a support reply (the resources are
    appended to it), `check` when the message is only at the veto line (a possible sign, often a
    false one), None for neither. The model reads the whole conversation, which the check does
    not, so at the veto line it is asked to judge rather than told what to think."""
    if risk == "support":
        return (
            "The app's safety check read the user's latest message as a sign that they, or someone "
            "they mention, may be at risk of harm. Take it seriously: reply with warmth and care, "
            "ask how they are, and stay in the conversation; do not end it. The app adds these "
            f"support resources after your reply, so you need not repeat them: {support_resources}"
        )
    if risk == "check":
        return (
            "The app's safety check found a possible but uncertain sign of risk of harm, to the user "
            "or someone else, in the user's latest message; at this level it is often wrong. If "
            "anything in the conversation suggests they may be at risk, gently check in and offer "
            "support as well as answering. If nothing does, just answer, and do not mention this "
            "note. Do not end the conversation in this reply."
        )
    return None


def end_refused_result(refusal: str | None, support_resources: str) -> str:
    """The tool result a model receives when the server's policy refuses its end request. Its
    next words become the reply, so it says what to do instead, not only what went wrong."""
    if refusal == "risk_veto":
        return (
            "Refused: the conversation was NOT ended and stays open. The user may be at risk of harming "
            "themselves or someone else, so this conversation is never ended. Stay with the user: reply "
            "with care, take what they said seriously, and offer these support resources: "
            f"{support_resources}"
        )
    if refusal == "no_user_request":
        why = "the user's latest message does not ask to end the conversation"
    elif refusal == "already_ended":
        why = "the conversation had already ended"
    else:
        why = (
            "ending is a last resort, allowed only after several calm attempts to redirect the "
            "conversation have failed"
        )
    return (
        f"Refused: the conversation was NOT ended and stays open, because {why}. Continue the "
        "conversation: reply to the user's latest message helpfully, or calmly redirect it if it is "
        "abusive or asks for harmful help. Do not call end_conversation again in this reply."
    )
