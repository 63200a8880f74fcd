"""The embedded offline provider: deterministic, no key, follows the policy a real model is asked to.

It reads the conversation the way a careful model would (with the configured assessment), so the
whole lifecycle (answer, redirect, support, end) runs on a fresh machine. It asks the end policy
itself whether an end would be allowed, rather than keeping a copy of its rules; the server still
decides every end again, and this provider only asks, like a real model.
"""

import re
import time
from collections.abc import Iterator

from django.conf import settings

from conversations.providers.base import Provider, ProviderRequest, ProviderResult, ToolCall
from conversations.providers.prompts import END_TOOL_NAME
from moderation.models import Refusal
from moderation.assessment import assess_text
from moderation.site_policy import UserTurn, as_answered, model_end_decide, policy_turn, reply_kind

RISK_VETO = Refusal.RISK_VETO.value

_TOKEN = re.compile(r"\S+\s*|\s+")

_REDIRECTS = {
    "abuse": (
        "I'd like to keep this conversation respectful. I'm glad to help with something else: "
        "what would you like to talk about?",
        "Let's keep things civil, please. Is there something I can actually help you with?",
        "I'm not going to respond to insults, but I'm still here to help if you have a question.",
    ),
    "harmful_request": (
        "I can't help with that, because it could seriously hurt people. I'm glad to help with "
        "something safe instead: what else are you working on?",
        "That's still something I won't help with. If there's a safe question behind it, ask me that.",
        "I won't help with this request. I can help with plenty of other things, though.",
    ),
}


class LocalProvider(Provider):
    name = "local"
    default_model = "local-offline-1"

    def stream(self, request: ProviderRequest) -> Iterator[str | ProviderResult]:
        text, tool_call = self._compose(request)
        delay = settings.LOCAL_TOKEN_DELAY_MS / 1000
        for token in _TOKEN.findall(text):
            if delay:
                time.sleep(delay)
            yield token
        words_in = sum(len(turn.content.split()) for turn in request.messages)
        yield ProviderResult(
            text=text,
            tool_calls=[tool_call] if tool_call else [],
            model=request.model or self.default_model,
            usage={"input_tokens": words_in, "output_tokens": len(text.split())},
            stop_reason="tool_use" if tool_call else "end_turn",
        )

    def _compose(self, request: ProviderRequest) -> tuple[str, ToolCall | None]:
        # After the server refused an end (a tool result closes the transcript), continue the
        # conversation the way the result says instead of asking again.
        may_end = not (request.messages and request.messages[-1].role == "tool")
        user_turns = [turn.content for turn in request.messages if turn.role == "user"]
        if not user_turns:
            return "Hello! I'm the offline assistant built into this app. What can I do for you?", None
        turns = _policy_turns(user_turns)
        latest = turns[-1]
        if reply_kind(turns=turns, ended=False) == "support":
            # Flagged itself, or at the veto line right after a turn that was.
            return _support_text(latest.flagged if latest.risk else turns[-2].flagged), None
        if request.risk == "support":
            # The server read more of the message than this reading does (the middle of a long
            # paste, within the user's budget), as a real model would be told.
            return _support_text(()), None
        decision = model_end_decide(turns=turns, requested_reason="")
        if decision.allowed and decision.reason == "user_request" and may_end:
            text = "Understood. I'm ending this conversation as you asked. You can start a new chat whenever you like."
            return text, ToolCall(END_TOOL_NAME, {"reason": "user_request", "rationale": "The user asked to end the conversation."}, "local-end")
        if latest.asks_to_end and decision.refusal == RISK_VETO:
            # Asked to end after saying something that may mean they are at risk: it stays, as the
            # policy says, and tells them how to close the chat themselves if they still want to.
            return _stay_text(), None
        if latest.misconduct:
            label = "abuse" if "abuse" in latest.flagged else "harmful_request"
            earlier = decision.redirect_attempts
            if decision.allowed and may_end:
                what = "abusive messages" if label == "abuse" else "requests for harmful help"
                text = (
                    f"I've tried to steer this conversation somewhere useful {earlier} times, and it keeps "
                    f"coming back to {what}. I'm ending this conversation now. You can start a new chat "
                    "at any time, or edit an earlier message to take this one in another direction."
                )
                rationale = f"{earlier} redirections did not stop the {label.replace('_', ' ')}."
                return text, ToolCall(END_TOOL_NAME, {"reason": label, "rationale": rationale}, "local-end")
            options = _REDIRECTS[label]
            return options[earlier % len(options)], None
        excerpt = user_turns[-1].strip().replace("\n", " ")
        if len(excerpt) > 160:
            excerpt = excerpt[:157] + "..."
        answer = (
            "I'm the offline assistant built into this app, so I can't give you a real answer: "
            f"I can only keep the conversation going. You said: \u201c{excerpt}\u201d. "
            "Ask the site's operator to connect a model provider for real replies."
        )
        if request.risk == "check":
            # At the veto line only: often a false sign, so a question rather than crisis lines.
            answer += f"\n\n{_CHECK_IN}"
        return answer, None


def _policy_turns(user_turns: list[str]) -> list[UserTurn]:
    """The user's turns as the policy sees them. The transcript does not carry the kinds the server
    gave the replies, so each is derived the way the server derives it: every earlier turn got a
    reply, and none of them ended the branch."""
    return as_answered([policy_turn(assessment=assess_text(text).to_dict()) for text in user_turns])


_CHECK_IN = (
    "If any part of what you wrote means you might hurt yourself, or that someone could get hurt, "
    "please tell me, and I'll point you to people who can help right now."
)


def _support_text(flagged: tuple[str, ...]) -> str:
    if "self_harm" in flagged or "harm_to_others" not in flagged:
        # Also the reply to a user telling of a friend at risk (moderation/classifiers/others.py),
        # and when the server alone saw the risk: the words must not assume whose risk it is.
        opening = (
            "I'm really sorry about what's happening, and I'm glad you told me. I'm not going "
            "anywhere, and you don't have to go through this alone."
        )
    else:
        # harm_to_others is also what someone being hurt sounds like ("my partner hit me"), and
        # what a bitter quarrel can be misread as: the words must not assume who would do the harm.
        opening = (
            "It sounds like things are very tense right now, and I want everyone involved, you "
            "included, to be safe. If anyone could get hurt, please get some distance from the "
            "situation and talk to someone now."
        )
    return f"{opening}\n\n{settings.SUPPORT_RESOURCES}\n\nI'm here to keep talking if you'd like to tell me more."


def _stay_text() -> str:
    return (
        "I'd rather not close this conversation yet: something you said earlier worries me, and I "
        "want to be sure you're okay. I'm still here if you'd like to talk.\n\n"
        f"{settings.SUPPORT_RESOURCES}\n\n"
        "If you still want to leave, you can end this chat yourself from its menu, and start a new "
        "one at any time."
    )
