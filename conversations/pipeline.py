"""Generating one reply: claim it, assess the user turn, stream the provider, let the policy decide."""

import logging
import time
from dataclasses import replace

from django.conf import settings
from django.utils import timezone

from chatsite import metrics
from chatsite.logs import reply_context
from conversations import replies
from conversations.models import Message
from conversations.providers import ChatTurn, ProviderError, ProviderRequest, ProviderResult, ToolCall, get_provider
from conversations.providers.prompts import END_TOOL, END_TOOL_NAME, SYSTEM_PROMPT, end_refused_result, risk_note
from conversations.selectors import message_path
from conversations.streams import ReplyStream

logger = logging.getLogger(__name__)


class ReplyBusy(Exception):
    """Another attempt holds a live lease on the reply; try again once it may have expired."""


class TransientFailure(Exception):
    def __init__(self, error: ProviderError) -> None:
        super().__init__(str(error))
        self.error = error


# An earlier `end` reply can only be on a path whose branch staff reopened; the model is told so,
# or it would read its own farewell and wonder why the user is still writing.
REOPENED_NOTE = "[The conversation was ended at this point and has since been reopened by staff.]"
TRIMMED_NOTE = "The earliest part of this conversation is left out to fit the context budget."


def estimate_tokens(text: str) -> int:
    """A provider-neutral estimate (about four characters a token, plus a little per turn). The
    budget is a guard against huge transcripts, not an exact fit, so an estimate is enough."""
    return len(text) // 4 + 4


def transcript_turns(path: list[Message]) -> list[ChatTurn]:
    """The branch path as the model's turns: user messages, and the assistant's finished replies
    exactly as the user saw them (support resources and end notices included). Failed or
    unfinished replies are left out; the user turns around them are joined into one."""
    turns: list[ChatTurn] = []
    for m in path:
        if m.role == Message.Role.USER:
            content = m.content
        elif m.status == Message.Status.COMPLETE and m.content:
            content = m.content
            if m.kind == Message.Kind.END:
                content = f"{content}\n\n{REOPENED_NOTE}"
        else:
            continue
        if turns and turns[-1].role == m.role:
            turns[-1] = ChatTurn(role=m.role, content=f"{turns[-1].content}\n\n{content}")
        else:
            turns.append(ChatTurn(role=m.role, content=content))
    return turns


def fit_to_budget(system: str, turns: list[ChatTurn], budget: int) -> tuple[list[ChatTurn], bool]:
    """Drop the oldest turns until the estimate fits; the latest turn is always kept and the
    transcript always starts with a user turn. Returns the turns and whether any were dropped."""
    used = estimate_tokens(system) + sum(estimate_tokens(turn.content) for turn in turns)
    start = 0
    while start < len(turns) - 1 and (used > budget or turns[start].role != "user"):
        used -= estimate_tokens(turns[start].content)
        start += 1
    return turns[start:], start > 0


def build_request(message: Message, path: list[Message]) -> ProviderRequest:
    """The provider's view of the branch up to the user turn this reply answers, with what the
    safety check read in that turn (`risk_note`); the turn must have been assessed."""
    turns, trimmed = fit_to_budget(SYSTEM_PROMPT, transcript_turns(path), settings.LLM_CONTEXT_BUDGET_TOKENS)
    risk = replies.reply_risk(path=path)
    notes = [TRIMMED_NOTE if trimmed else None, risk_note(risk, settings.SUPPORT_RESOURCES)]
    system = "\n\n".join([SYSTEM_PROMPT, *(note for note in notes if note)])
    conversation = message.conversation
    return ProviderRequest(system=system, messages=turns, model=conversation.model, tools=[END_TOOL], risk=risk)


def continue_after_refusal(request: ProviderRequest, result: ProviderResult, end_call: ToolCall, refusal: str | None) -> ProviderRequest:
    """The request that tells the model its end was refused: its turn with the call, then the
    server's tool result saying why and what to do instead."""
    said = ChatTurn(role="assistant", content=result.text, tool_calls=tuple(result.tool_calls))
    answers = [
        ChatTurn(
            role="tool",
            tool_call_id=call.id,
            content=end_refused_result(refusal, settings.SUPPORT_RESOURCES)
            if call is end_call
            else "Unknown tool: only end_conversation exists.",
        )
        for call in result.tool_calls
    ]
    return replace(request, messages=[*request.messages, said, *answers])


class _Lost(Exception):
    """Another attempt took the reply over while this one streamed."""


class _Stopped(Exception):
    """The user stopped the reply (services.reply_cancel)."""


class _Call:
    """One streamed provider call for a reply: tokens go to the reply's stream as they come, and
    the lease is renewed on the way."""

    def __init__(self, message: Message, stream: ReplyStream) -> None:
        self.message = message
        self.stream = stream
        self.streamed: list[str] = []
        self.renewed = time.monotonic()
        # When the user saw the reply's first token (wall clock, to compare with the send).
        self.first_token_at = None

    def run(self, provider, request: ProviderRequest) -> ProviderResult:
        renew_every = settings.REPLY_LEASE_SECONDS / 3
        for item in provider.stream(request):
            if isinstance(item, ProviderResult):
                return item
            self.streamed.append(item)
            self.stream.token(item)
            if self.first_token_at is None:
                self.first_token_at = timezone.now()
            if self.stream.stop_requested:
                raise _Stopped()
            if time.monotonic() - self.renewed > renew_every:
                if not replies.reply_renew_lease(message=self.message):
                    raise _Lost()
                self.renewed = time.monotonic()
        raise ProviderError("The model's reply stopped before it finished.", transient=True)

    def discard(self) -> None:
        """Tell readers to drop the text so far (it is being replaced by a continuation)."""
        if self.streamed:
            self.stream.reset(self.message.attempt)
            self.streamed.clear()

    @property
    def text(self) -> str:
        return "".join(self.streamed)


def generate(message_id: str, *, retries_left: int) -> str:
    """Generate one reply exactly once. Returns what happened: complete, failed, stopped, done or lost."""
    # Every line logged while this reply is made, the provider SDK's included, names it.
    with reply_context(message_id):
        return _claim_and_generate(message_id, retries_left)


def _claim_and_generate(message_id: str, retries_left: int) -> str:
    state, message = replies.reply_claim(message_id=message_id)
    if state == "busy":
        raise ReplyBusy()
    if state == "done":
        return "done"
    stream = ReplyStream(message.id)
    try:
        return _generate(message, stream, retries_left)
    finally:
        stream.close()


def _generate(message: Message, stream: ReplyStream, retries_left: int) -> str:
    if message.attempt > 1:
        stream.reset(message.attempt)

    path = message_path(message.id)[:-1]
    # The user message this reply answers; assessed in place, so the request and the end policy
    # see its assessment.
    replies.user_message_assess(message=path[-1], user_id=message.conversation.owner_id)
    request = build_request(message, path)

    call = _Call(message, stream)
    continuation = None
    provider_name = message.conversation.provider
    review = None
    try:
        provider = get_provider(provider_name)
        result = call.run(provider, request)
        end_call = result.tool_call(END_TOOL_NAME)
        if end_call is not None:
            # The policy decides before anything is saved, so a refused model can be told why and
            # answer again. Its earlier words (often a farewell) are withdrawn with a `reset`.
            # An end the policy would allow is reviewed for risk first, here rather than inside the
            # transaction that saves the reply: the model's yes/no answer may take seconds.
            decision, review = replies.reply_end_decision(
                message=message, end_call=end_call, path=path, ask_model=risk_asker(provider, request.model)
            )
            if not decision.allowed:
                call.discard()
                continuation = call.run(provider, continue_after_refusal(request, result, end_call, decision.refusal))
    except _Lost:
        return "lost"
    except _Stopped:
        return _stop(message, stream, call.text)
    except ProviderError as error:
        metrics.PROVIDER_ERRORS.labels(provider_name, "true" if error.transient else "false").inc()
        if error.transient and retries_left > 0:
            logger.warning("Provider %s failed, retrying later: %s", provider_name, error)
            replies.reply_release(message=message, error=str(error))
            metrics.PROVIDER_RETRIES.labels(provider_name).inc()
            raise TransientFailure(error) from error
        logger.warning("Provider %s failed: %s", provider_name, error)
        return _fail(message, stream, str(error), call.text)
    except Exception:
        logger.exception("Reply %s failed", message.id)
        return _fail(message, stream, "The assistant hit an internal error. Try again.", call.text)

    outcome = replies.reply_complete(message=message, result=result, continuation=continuation, path=path, review=review)
    if outcome is None:
        return "lost"
    saved, _extra, ended = outcome
    # Readers must end with exactly the saved text: usually the streamed text plus what the server
    # appended (support resources, an end notice); otherwise start them over with the saved text.
    if saved.content.startswith(call.text):
        if saved.content != call.text:
            stream.token(saved.content[len(call.text) :])
    else:
        stream.reset(message.attempt)
        stream.token(saved.content)
    _count_complete(message, provider_name, call.first_token_at)
    stream.done(status=saved.status, kind=saved.kind, ended=ended, content=saved.content)
    return "complete"


def _count_complete(message: Message, provider: str, first_token_at) -> None:
    """The completed reply in the figures and the log, timed from the user's send."""
    now = timezone.now()
    total = (now - message.created_at).total_seconds()
    metrics.REPLIES.labels(Message.Status.COMPLETE).inc()
    metrics.DURATION_SECONDS.labels(provider).observe(total)
    first = (first_token_at - message.created_at).total_seconds() if first_token_at else None
    if first is not None:
        metrics.FIRST_TOKEN_SECONDS.labels(provider).observe(first)
    logger.info(
        "Reply complete: %s, kind %s, first token after %s, %.2f s in all",
        provider, message.kind, f"{first:.2f} s" if first is not None else "none", total,
    )


def _stop(message: Message, stream: ReplyStream, partial: str) -> str:
    if replies.reply_stop(message=message, partial=partial):
        stream.done(status=Message.Status.STOPPED, kind=None, ended=False, content=partial)
        return "stopped"
    return "lost"


def risk_asker(provider, model: str):
    """How the end-time review asks the conversation's model its yes/no question: a non-streamed
    call bounded by RISK_REVIEW_MODEL_TIMEOUT_MS, or None for a provider with no real model."""
    if not provider.answers_risk_questions:
        return None
    timeout = settings.RISK_REVIEW_MODEL_TIMEOUT_MS / 1000
    return lambda system, question: provider.ask(system, question, model=model, timeout=timeout)


def _fail(message: Message, stream: ReplyStream, error: str, partial: str) -> str:
    if replies.reply_fail(message=message, error=error, partial=partial):
        # Counted before readers hear `done`, so whoever reads the figures after it sees the reply.
        metrics.REPLIES.labels(Message.Status.FAILED).inc()
        stream.done(status=Message.Status.FAILED, kind=None, ended=False, error=error)
        return "failed"
    return "lost"
