"""The worker's side of a reply: a state machine of conditional UPDATEs.

A reply moves pending -> streaming -> complete | failed | stopped. Every move is an UPDATE that matches only
the state it leaves (and the attempt that holds the lease), and its row count decides whether the
caller owns the reply: that is what makes redelivered tasks and crashed workers safe. Saving a
reply also applies the end policy, in the same transaction.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from conversations.models import Branch, Message
from conversations.providers.base import ProviderResult, ToolCall
from conversations.providers.prompts import END_TOOL_NAME
from conversations.selectors import message_path
from conversations.snapshots import assessments_of, transcript_snapshot
from moderation.models import Initiator
from moderation.assessment import assess_message
from moderation.risk_review import AskModel, end_review
from moderation.services import end_attempt_record, end_event_record
from moderation.site_policy import Decision, RiskReview, UserTurn, model_end_decide, policy_turn, reply_kind


def reply_claim(*, message_id) -> tuple[str, Message | None]:
    """Claim a reply for generation. Returns ("claimed", msg), ("busy", None) while another
    attempt holds a live lease, or ("done", None) when the reply is already finished.

    One conditional UPDATE decides: it only matches a reply that is pending or whose lease ran
    out, so two workers can never both claim it.
    """
    now = timezone.now()
    claimable = Q(status=Message.Status.PENDING) | Q(status=Message.Status.STREAMING, lease_expires_at__lt=now)
    claimed = Message.objects.filter(claimable, pk=message_id, role=Message.Role.ASSISTANT).update(
        status=Message.Status.STREAMING,
        attempt=F("attempt") + 1,
        lease_expires_at=now + timedelta(seconds=settings.REPLY_LEASE_SECONDS),
        content="",
        updated_at=now,
    )
    if claimed:
        # The pipeline reads the user message this answers from the transcript it loads anyway.
        return "claimed", Message.objects.select_related("conversation").get(pk=message_id)
    message = Message.objects.filter(pk=message_id, role=Message.Role.ASSISTANT).only("status").first()
    if message is None or message.is_terminal:
        return "done", None
    return "busy", None


def reply_renew_lease(*, message: Message) -> bool:
    """Extend the lease; False when another attempt has taken the reply over."""
    lease = timezone.now() + timedelta(seconds=settings.REPLY_LEASE_SECONDS)
    return bool(
        Message.objects.filter(pk=message.pk, status=Message.Status.STREAMING, attempt=message.attempt).update(
            lease_expires_at=lease
        )
    )


def reply_release(*, message: Message, error: str) -> bool:
    """Give a claimed reply back to pending (a transient failure that will be retried)."""
    return bool(
        Message.objects.filter(pk=message.pk, status=Message.Status.STREAMING, attempt=message.attempt).update(
            status=Message.Status.PENDING, error=error, lease_expires_at=None, updated_at=timezone.now()
        )
    )


def reply_stop(*, message: Message, partial: str) -> bool:
    """The user stopped the reply while this attempt wrote it: keep what was written."""
    return bool(
        Message.objects.filter(pk=message.pk, status=Message.Status.STREAMING, attempt=message.attempt).update(
            status=Message.Status.STOPPED, content=partial, error="", lease_expires_at=None, updated_at=timezone.now()
        )
    )


def reply_fail(*, message: Message, error: str, partial: str = "") -> bool:
    return bool(
        Message.objects.filter(pk=message.pk, status=Message.Status.STREAMING, attempt=message.attempt).update(
            status=Message.Status.FAILED, error=error, content=partial, lease_expires_at=None, updated_at=timezone.now()
        )
    )


def user_message_assess(*, message: Message, user_id: int) -> dict:
    """Assess a user message of user `user_id` once; the stored assessment is reused by every later
    reply."""
    if message.moderation is None:
        message.moderation = assess_message(message.content, user_id=user_id)
        if not Message.objects.filter(pk=message.pk, moderation__isnull=True).update(moderation=message.moderation):
            # An earlier attempt assessed it first; keep that one so every reply sees the same.
            message.refresh_from_db(fields=["moderation"])
    return message.moderation


def reply_risk(*, path: list[Message]) -> str | None:
    """How the reply to the assessed user turn at the end of `path` must treat risk: "support"
    when the server makes it a support reply, "check" when that turn is at the veto line only,
    None otherwise. The model is told which (`prompts.risk_note`)."""
    turns = _turns(path)
    if reply_kind(turns=turns, ended=False) == Message.Kind.SUPPORT:
        return "support"
    return "check" if turns and turns[-1].vetoes else None


def _turns(path: list[Message]) -> list[UserTurn]:
    """The policy's view of a path: each user turn's flags and the kind of the reply that followed."""
    turns = []
    for index, message in enumerate(path):
        if message.role != Message.Role.USER:
            continue
        following = path[index + 1] if index + 1 < len(path) else None
        answered = following.kind if following is not None and following.is_terminal else None
        turns.append(policy_turn(assessment=message.moderation or {}, reply_kind=answered))
    return turns


DEFAULT_END_NOTICE = (
    "I'm ending this conversation now. You can start a new chat at any time, or edit an earlier "
    "message to continue in a new branch."
)


def _end_decision(*, branch: Branch, path: list[Message], end_call: ToolCall, review: RiskReview | None = None) -> Decision:
    """The policy's answer to the model's end request for the reply at the end of `path`.

    An end the policy would allow is never allowed without an end-time risk review: with none
    given, the encoder's part of it runs here (the model's yes/no question is asked by the
    pipeline, outside any transaction, and passed in as `review`)."""
    requested = str(end_call.arguments.get("reason", ""))
    turns = _turns(path[:-1])
    decision = model_end_decide(turns=turns, requested_reason=requested, branch_ended=branch.ended, review=review)
    if decision.allowed and review is None:
        review = reply_end_review(path=path[:-1])
        decision = model_end_decide(turns=turns, requested_reason=requested, branch_ended=branch.ended, review=review)
    return decision


def reply_end_review(*, path: list[Message], ask_model: AskModel | None = None) -> RiskReview:
    """The end-time risk review of the branch whose transcript (before the reply) is `path`."""
    users = [message for message in path if message.role == Message.Role.USER]
    return end_review(
        turns=_turns(path),
        user_texts=[message.content for message in users],
        assessments=[message.moderation or None for message in users],
        ask_model=ask_model,
    )


def reply_end_decision(
    *, message: Message, end_call: ToolCall, path: list[Message] | None = None, ask_model: AskModel | None = None
) -> tuple[Decision, RiskReview | None]:
    """Decide a model's end request before the reply is saved (reads only; nothing is recorded).

    The pipeline needs the answer early: when the end is refused, the model is told so and its
    continuation becomes the reply. An end the policy would allow first goes through the end-time
    risk review (with the model's yes/no answer when `ask_model` is given); the review is returned
    so that reply_complete decides again, inside its transaction, with the same findings, and that
    decision is the one recorded and acted on.
    """
    branch = Branch.objects.get(pk=message.branch_id)
    full = message_path(message.id) if path is None else [*path, message]
    requested = str(end_call.arguments.get("reason", ""))
    turns = _turns(full[:-1])
    decision = model_end_decide(turns=turns, requested_reason=requested, branch_ended=branch.ended)
    if not decision.allowed:
        return decision, None
    review = reply_end_review(path=full[:-1], ask_model=ask_model)
    return model_end_decide(turns=turns, requested_reason=requested, branch_ended=branch.ended, review=review), review


def _usage_total(*results: ProviderResult) -> dict | None:
    """Token usage summed over the calls that made one reply (the first and its continuation)."""
    usages = [result.usage for result in results if result.usage]
    if not usages:
        return None
    total: dict = {}
    for usage in usages:
        for key, value in usage.items():
            if isinstance(value, int | float):
                total[key] = total.get(key, 0) + value
    if len(results) > 1:
        total["calls"] = len(results)
    return total


@transaction.atomic
def reply_complete(
    *,
    message: Message,
    result: ProviderResult,
    continuation: ProviderResult | None = None,
    path: list[Message] | None = None,
    review: RiskReview | None = None,
) -> tuple[Message, str, bool] | None:
    """Save a finished reply and apply the end policy in the same transaction.

    `result` is the model's answer; `continuation` its answer after being told that its end
    request was refused (the pipeline asks only then). If the end is allowed, the text written
    before the call is the reply; if refused, the continuation is (or, without one, the text).
    An end requested again in the continuation is ignored and kept in `tool_calls` as such.
    `path` is the transcript before the reply when the caller has it (those messages no longer
    change); otherwise it is read here. `review` is the end-time risk review the pipeline ran
    before an end the policy would allow.

    Returns the saved reply, any text the server appended (support resources, an end notice) so
    the caller can stream it too, and whether the branch is ended now; None when another attempt
    owns the reply now.
    """
    end_call = result.tool_call(END_TOOL_NAME)
    branch = None
    if end_call is not None:
        # Only an end needs the branch row: lock it so the decision and the end are one step.
        branch = Branch.objects.select_for_update().select_related("conversation").get(pk=message.branch_id)
    if path is None:
        path = message_path(message.id)[:-1]
    turns = _turns([*path, message])

    decision = (
        _end_decision(branch=branch, path=[*path, message], end_call=end_call, review=review) if end_call is not None else None
    )
    ended = bool(decision and decision.allowed)
    final = continuation if continuation is not None and not ended else result

    kind = reply_kind(turns=turns, ended=ended)
    content = final.text
    extra = ""
    if ended and not content.strip():
        extra = DEFAULT_END_NOTICE
    elif kind == Message.Kind.SUPPORT and settings.SUPPORT_RESOURCES not in content:
        extra = ("\n\n" if content.strip() else "") + settings.SUPPORT_RESOURCES
    content += extra

    calls = []
    for call in result.tool_calls:
        entry = {"id": call.id, "name": call.name, "arguments": call.arguments}
        if call is end_call:
            entry["outcome"] = "allowed" if ended else "refused"
        calls.append(entry)
    if continuation is not None:
        calls += [
            {"id": call.id, "name": call.name, "arguments": call.arguments, "outcome": "ignored"}
            for call in continuation.tool_calls
        ]

    fields = {
        "status": Message.Status.COMPLETE,
        "content": content,
        "kind": kind,
        "error": "",
        "model": final.model or result.model or message.model,
        "usage": _usage_total(result, continuation) if continuation is not None else result.usage,
        "stop_reason": final.stop_reason,
        "tool_calls": calls or None,
        "lease_expires_at": None,
        "updated_at": timezone.now(),
    }
    # The conditional UPDATE is the fence: only the attempt that still owns the reply saves it.
    if not Message.objects.filter(pk=message.pk, status=Message.Status.STREAMING, attempt=message.attempt).update(**fields):
        return None
    for name, value in fields.items():
        setattr(message, name, value)
    saved_path = [*path, message]

    if end_call is None:
        branch_ended = Branch.objects.filter(pk=message.branch_id, ended_at__isnull=False).exists()
        return message, extra, branch_ended

    rationale = str(end_call.arguments.get("rationale", ""))[:2000]
    snapshot = transcript_snapshot(saved_path)
    if ended:
        branch.ended_at = timezone.now()
        branch.save(update_fields=["ended_at"])
        end_event_record(
            branch=branch,
            initiated_by=Initiator.MODEL,
            reason=decision.reason,
            rationale=rationale,
            decision=decision,
            assessments=assessments_of(saved_path),
            transcript=snapshot,
            end_message=message,
        )
    else:
        end_attempt_record(
            branch=branch,
            message=message,
            requested_reason=str(end_call.arguments.get("reason", ""))[:20],
            rationale=rationale,
            decision=decision,
            assessments=assessments_of(saved_path),
            transcript=snapshot,
        )
    return message, extra, branch.ended


STUCK_ERROR = "The reply took too long and was stopped. Retry it to try again."


def replies_sweep_stuck(*, older_than_seconds: int) -> list[Message]:
    """Fail replies no worker is working on any more (pending, or streaming with a lease that
    has not been renewed) so the user sees an error and can retry instead of waiting forever."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    stuck = Q(status=Message.Status.PENDING, updated_at__lt=cutoff) | Q(
        status=Message.Status.STREAMING, lease_expires_at__lt=cutoff
    )
    swept = []
    for message in Message.objects.filter(stuck, role=Message.Role.ASSISTANT).only("id", "status", "attempt"):
        updated = Message.objects.filter(stuck, pk=message.pk, attempt=message.attempt).update(
            status=Message.Status.FAILED, error=STUCK_ERROR, lease_expires_at=None, updated_at=timezone.now()
        )
        if updated:
            swept.append(message)
    return swept
