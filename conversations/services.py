"""Every state change of the chat domain. Keyword-only, atomic; illegal moves raise DomainError."""

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from chatsite import errors
from chatsite.errors import DomainError
from conversations.models import Branch, Conversation, Message
from conversations.providers.base import ProviderResult, ToolCall
from conversations.providers.prompts import END_TOOL_NAME
from conversations.providers.registry import get_provider
from conversations.selectors import branch_containing, branch_path, message_path
from moderation import policy
from moderation import services as moderation
from moderation.models import EndEvent, Initiator

TITLE_LENGTH = 60

logger = logging.getLogger(__name__)


def _clean_content(content: str) -> str:
    if not isinstance(content, str) or not content.strip():
        raise errors.invalid("The message is empty. Write something to send.")
    if len(content) > settings.MAX_MESSAGE_CHARS:
        raise errors.invalid(
            f"The message is {len(content):,} characters long; the limit is {settings.MAX_MESSAGE_CHARS:,}."
        )
    return content


# Marks a pending reply whose task could not be handed to the queue after its message was saved;
# replies_requeue_unclaimed hands it over again once Redis is back.
QUEUE_DOWN_ERROR = "Waiting for the task queue; the reply will start as soon as it is back."


def service_unavailable() -> DomainError:
    return DomainError(
        "service_unavailable",
        "The assistant is unavailable for a moment, so nothing was sent. Try again in a few seconds.",
        503,
    )


@lru_cache(maxsize=4)
def _queue_client(url: str) -> redis.Redis:
    # Short timeouts: the check runs while the branch row is locked.
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def _queue_check() -> None:
    """Refuse before anything is written when Redis (the task queue and the token streams) is down.

    Without it the message would be saved with a reply nobody generates, or the request would
    fail after the commit. The check is cheap (one PING) and raising rolls the transaction back.
    """
    try:
        _queue_client(settings.REDIS_URL).ping()
    except redis.RedisError:
        logger.warning("Redis is unreachable; refusing a message with 503 service_unavailable")
        raise service_unavailable() from None


def _hand_to_queue(message_id: str) -> None:
    """Enqueue a reply after commit. Redis can still go away between the check and here: then
    the message stays saved and the reply pending, marked, and the periodic requeue retries."""
    from conversations.tasks import generate_reply

    try:
        generate_reply.delay(message_id)
    except Exception:  # noqa: BLE001 - kombu and redis raise several types for one outage
        logger.warning("Could not enqueue reply %s; it will be requeued once Redis is back", message_id, exc_info=True)
        Message.objects.filter(pk=message_id, status=Message.Status.PENDING, attempt=0).update(error=QUEUE_DOWN_ERROR)


def _enqueue_reply(message: Message) -> None:
    _queue_check()
    message_id = str(message.id)
    transaction.on_commit(lambda: _hand_to_queue(message_id))


def replies_requeue_unclaimed(*, older_than_seconds: int) -> list[str]:
    """Hand pending replies that no worker ever claimed back to the queue: those whose enqueue
    failed (Redis was down at that moment), and any left unclaimed longer than the cutoff. A
    second delivery of a reply is harmless (the claim lets one attempt through), so erring on the
    side of requeueing never produces two replies. `updated_at` is left alone, so a reply that
    still nobody takes is failed by the stuck-reply sweeper as before."""
    from conversations.tasks import generate_reply

    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    unclaimed = Message.objects.filter(role=Message.Role.ASSISTANT, status=Message.Status.PENDING, attempt=0).filter(
        Q(error=QUEUE_DOWN_ERROR) | Q(created_at__lt=cutoff)
    )
    requeued = []
    for message_id in unclaimed.values_list("id", flat=True):
        generate_reply.delay(str(message_id))
        Message.objects.filter(pk=message_id, error=QUEUE_DOWN_ERROR).update(error="")
        requeued.append(str(message_id))
    return requeued


class ConversationLimitReached(DomainError):
    def __init__(self, limit: int) -> None:
        super().__init__(
            "conversation_limit",
            f"You have started {limit} conversations in the last hour, the most allowed. "
            "Continue one of them, or start a new one a little later.",
            429,
        )


@transaction.atomic
def conversation_create(*, user, title: str = "", provider: str | None = None, model: str | None = None) -> Conversation:
    """A new conversation with one open branch. Only how many the user started in the last hour
    counts against the limit (deleted ones included); ends never do, so a user whose chat was
    ended can always start another at once."""
    limit = settings.MAX_CONVERSATIONS_PER_HOUR
    if limit:
        # Lock the user's row so two concurrent creations cannot both pass the count.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        since = timezone.now() - timedelta(hours=1)
        if Conversation.objects.filter(owner=user, created_at__gte=since).count() >= limit:
            raise ConversationLimitReached(limit)
    provider = provider or settings.LLM_PROVIDER
    model = model or settings.LLM_MODEL or get_provider(provider).default_model
    conversation = Conversation.objects.create(owner=user, title=title.strip()[:200], provider=provider, model=model)
    branch = Branch.objects.create(conversation=conversation)
    conversation.active_branch = branch
    conversation.save(update_fields=["active_branch"])
    return conversation


@transaction.atomic
def conversation_update(*, conversation: Conversation, title: str | None = None, active_branch: Branch | None = None) -> Conversation:
    fields = ["updated_at"]
    if title is not None:
        conversation.title = title.strip()[:200]
        fields.append("title")
    if active_branch is not None:
        if active_branch.conversation_id != conversation.id:
            raise DomainError("not_found", "No such branch in this conversation.", 404)
        conversation.active_branch = active_branch
        fields.append("active_branch")
    conversation.save(update_fields=fields)
    return conversation


@transaction.atomic
def conversation_delete(*, conversation: Conversation) -> None:
    """Hide the conversation from its owner at once; `conversations_purge_deleted` removes it."""
    now = timezone.now()
    Conversation.objects.filter(pk=conversation.pk, deleted_at__isnull=True).update(deleted_at=now)
    conversation.deleted_at = now


@dataclass
class PurgeReport:
    conversations: int = 0
    ends_scrubbed: int = 0
    attempts_scrubbed: int = 0
    # Deleted and past the retention period, but an end or a refused end of it awaits review
    # (or was reviewed too recently), so it is kept for now.
    kept_for_review: int = 0


def conversations_purge_deleted(*, now=None, batch_size: int = 200) -> PurgeReport:
    """Remove for good the conversations users deleted more than DELETED_RETENTION_DAYS ago.

    Content under staff review is kept until the review is done: a conversation with a pending
    end or refused end waits, and one reviewed less than the retention period ago waits too.
    What is purged: the conversation, its branches and messages, and the user's words in the
    snapshots of its ends and refused ends (the counted facts stay for the dashboard).
    """
    from moderation import services as moderation_services
    from moderation.models import EndAttempt, ReviewStatus

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.DELETED_RETENTION_DAYS)
    due = Conversation.objects.filter(deleted_at__isnull=False, deleted_at__lte=cutoff)
    held = set()
    for model in (EndEvent, EndAttempt):
        records = model.objects.filter(conversation__in=due)
        held.update(
            records.filter(Q(review_status=ReviewStatus.PENDING) | Q(reviewed_at__gt=cutoff)).values_list(
                "conversation_id", flat=True
            )
        )
    report = PurgeReport(kept_for_review=len(held))
    ids = [pk for pk in due.values_list("id", flat=True) if pk not in held]
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        with transaction.atomic():
            ends, attempts = moderation_services.records_scrub(conversation_ids=batch)
            # Clear the branch <-> message links first so the cascade has no cycle to untangle.
            Conversation.objects.filter(pk__in=batch).update(active_branch=None)
            Branch.objects.filter(conversation_id__in=batch).update(tip=None, forked_at=None, forked_from=None)
            Conversation.objects.filter(pk__in=batch, deleted_at__isnull=False).delete()
        report.conversations += len(batch)
        report.ends_scrubbed += ends
        report.attempts_scrubbed += attempts
    return report


def _add_turn(*, branch: Branch, parent: Message | None, content: str) -> tuple[Message, Message]:
    """Save a user message and its pending reply under `parent`, move the tip, enqueue the reply."""
    conversation = branch.conversation
    user_message = Message.objects.create(
        conversation=conversation, branch=branch, parent=parent, role=Message.Role.USER, content=content
    )
    reply = Message.objects.create(
        conversation=conversation,
        branch=branch,
        parent=user_message,
        role=Message.Role.ASSISTANT,
        status=Message.Status.PENDING,
        provider=conversation.provider,
        model=conversation.model,
    )
    branch.tip = reply
    branch.save(update_fields=["tip"])
    update = {"updated_at": timezone.now()}
    if not conversation.title:
        update["title"] = " ".join(content.split())[:TITLE_LENGTH]
    Conversation.objects.filter(pk=conversation.pk).update(**update)
    _enqueue_reply(reply)
    return user_message, reply


@transaction.atomic
def message_send(*, user, branch_id, content: str) -> tuple[Message, Message]:
    """A user message and its pending reply at the tip of one of the user's branches. The branch
    is looked up and locked in one query: anything not the user's, deleted or not there is a 404."""
    content = _clean_content(content)
    branch = (
        Branch.objects.select_for_update()
        .select_related("conversation")
        .filter(pk=branch_id, conversation__owner=user, conversation__deleted_at__isnull=True)
        .first()
    )
    if branch is None:
        raise DomainError("not_found", "Not found.", 404)
    if branch.ended:
        raise errors.branch_ended()
    tip = Message.objects.filter(pk=branch.tip_id).first() if branch.tip_id else None
    if tip is not None and tip.role == Message.Role.ASSISTANT and not tip.is_terminal:
        raise errors.reply_pending()
    return _add_turn(branch=branch, parent=tip, content=content)


def _fork(*, conversation: Conversation, message: Message, parent: Message | None) -> Branch:
    source = branch_containing(conversation, message)
    branch = Branch.objects.create(conversation=conversation, forked_from=source, forked_at=parent)
    conversation.active_branch = branch
    conversation.save(update_fields=["active_branch", "updated_at"])
    return branch


@transaction.atomic
def message_edit(*, user, message: Message, content: str) -> tuple[Branch, Message, Message]:
    """A new sibling of a user message, with its own reply, on a new branch that becomes active."""
    content = _clean_content(content)
    if message.role != Message.Role.USER:
        raise errors.invalid("Only your own messages can be edited; retry an assistant reply instead.")
    conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
    parent = message.parent
    branch = _fork(conversation=conversation, message=message, parent=parent)
    user_message, reply = _add_turn(branch=branch, parent=parent, content=content)
    return branch, user_message, reply


@transaction.atomic
def message_retry(*, user, message: Message) -> tuple[Branch, Message]:
    """A new reply to the same user message, on a new branch that becomes active."""
    if message.role != Message.Role.ASSISTANT:
        raise errors.invalid("Only assistant replies can be retried; edit your message instead.")
    if not message.is_terminal:
        raise errors.reply_pending()
    conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
    user_message = message.parent
    branch = _fork(conversation=conversation, message=message, parent=user_message)
    reply = Message.objects.create(
        conversation=conversation,
        branch=branch,
        parent=user_message,
        role=Message.Role.ASSISTANT,
        status=Message.Status.PENDING,
        provider=conversation.provider,
        model=conversation.model,
    )
    branch.tip = reply
    branch.save(update_fields=["tip"])
    _enqueue_reply(reply)
    return branch, reply


def transcript_snapshot(path: list[Message]) -> list[dict]:
    return [
        {
            "id": str(m.id),
            "role": m.role,
            "content": m.content,
            "kind": m.kind,
            "status": m.status,
            "moderation": m.moderation,
            "created_at": m.created_at.isoformat(),
        }
        for m in path
    ]


def assessments_of(path: list[Message]) -> list[dict]:
    return [{"message": str(m.id), **m.moderation} for m in path if m.role == Message.Role.USER and m.moderation]


@transaction.atomic
def branch_end(*, branch: Branch, initiated_by: str, reason: str, rationale: str = "", initiator_user=None) -> EndEvent:
    """End a branch on behalf of its user or staff. (Model ends go through the reply pipeline.)"""
    branch = Branch.objects.select_for_update().select_related("conversation").get(pk=branch.pk)
    if branch.ended:
        raise errors.branch_ended()
    branch.ended_at = timezone.now()
    branch.save(update_fields=["ended_at"])
    path = branch_path(branch)
    return moderation.end_event_record(
        branch=branch,
        initiated_by=initiated_by,
        initiator_user=initiator_user,
        reason=reason,
        rationale=rationale,
        assessments=assessments_of(path),
        transcript=transcript_snapshot(path),
    )


@transaction.atomic
def branch_reopen(*, branch: Branch, staff_user) -> Branch:
    branch = Branch.objects.select_for_update().get(pk=branch.pk)
    if not branch.ended:
        raise DomainError("branch_open", "This branch is not ended.", 409)
    for event in EndEvent.objects.filter(branch=branch, reopened_at__isnull=True):
        moderation.end_event_mark_reopened(end_event=event, staff_user=staff_user)
    branch.ended_at = None
    branch.reopened_at = timezone.now()
    branch.save(update_fields=["ended_at", "reopened_at"])
    return branch


# The reply pipeline's state changes. A reply moves pending -> streaming -> complete | failed by
# conditional UPDATEs; the row count decides whether the caller owns the reply.


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


def reply_fail(*, message: Message, error: str, partial: str = "") -> bool:
    return bool(
        Message.objects.filter(pk=message.pk, status=Message.Status.STREAMING, attempt=message.attempt).update(
            status=Message.Status.FAILED, error=error, content=partial, lease_expires_at=None, updated_at=timezone.now()
        )
    )


def user_message_assess(*, message: Message) -> dict:
    """Assess a user message once; the stored assessment is reused by every later reply."""
    if message.moderation is None:
        message.moderation = moderation.assess_text(message.content).to_dict()
        if not Message.objects.filter(pk=message.pk, moderation__isnull=True).update(moderation=message.moderation):
            # An earlier attempt assessed it first; keep that one so every reply sees the same.
            message.refresh_from_db(fields=["moderation"])
    return message.moderation


def _turns(path: list[Message]) -> list[policy.Turn]:
    """The policy's view of a path: each user turn's flags and the kind of the reply that followed."""
    turns = []
    for index, message in enumerate(path):
        if message.role != Message.Role.USER:
            continue
        following = path[index + 1] if index + 1 < len(path) else None
        reply_kind = following.kind if following is not None and following.is_terminal else None
        flagged = frozenset((message.moderation or {}).get("flagged", ()))
        turns.append(policy.Turn(flagged=flagged, reply_kind=reply_kind))
    return turns


DEFAULT_END_NOTICE = (
    "I'm ending this conversation now. You can start a new chat at any time, or edit an earlier "
    "message to continue in a new branch."
)


def _end_decision(*, branch: Branch, path: list[Message], end_call: ToolCall) -> policy.Decision:
    """The policy's answer to the model's end request for the reply at the end of `path`."""
    if branch.ended:
        return policy.Decision(False, None, "already_ended", 0, ["The branch had already ended."])
    requested = str(end_call.arguments.get("reason", ""))
    return policy.decide_model_end(_turns(path[:-1]), requested, moderation.policy_config())


def reply_end_decision(*, message: Message, end_call: ToolCall, path: list[Message] | None = None) -> policy.Decision:
    """Decide a model's end request before the reply is saved (a read; nothing is recorded).

    The pipeline needs the answer early: when the end is refused, the model is told so and its
    continuation becomes the reply. reply_complete decides again inside its transaction, and
    that decision is the one recorded and acted on.
    """
    branch = Branch.objects.get(pk=message.branch_id)
    full = message_path(message.id) if path is None else [*path, message]
    return _end_decision(branch=branch, path=full, end_call=end_call)


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
) -> tuple[Message, str, bool] | None:
    """Save a finished reply and apply the end policy in the same transaction.

    `result` is the model's answer; `continuation` its answer after being told that its end
    request was refused (the pipeline asks only then). If the end is allowed, the text written
    before the call is the reply; if refused, the continuation is (or, without one, the text).
    An end requested again in the continuation is ignored and kept in `tool_calls` as such.
    `path` is the transcript before the reply when the caller has it (those messages no longer
    change); otherwise it is read here.

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
    latest = turns[-1] if turns else policy.Turn(flagged=frozenset())

    decision = _end_decision(branch=branch, path=[*path, message], end_call=end_call) if end_call is not None else None
    ended = bool(decision and decision.allowed)
    final = continuation if continuation is not None and not ended else result

    kind = policy.reply_kind(latest, ended=ended)
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
        moderation.end_event_record(
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
        moderation.end_attempt_record(
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
