"""Every state change of the chat domain. Keyword-only, atomic; illegal moves raise DomainError."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chatsite import errors
from chatsite.errors import DomainError
from conversations.models import Branch, Conversation, Message
from conversations.providers.base import ProviderResult, ToolCall
from conversations.providers.prompts import END_TOOL_NAME
from conversations.providers.registry import get_provider
from conversations.selectors import branch_containing, branch_path, path_to
from moderation import policy
from moderation import services as moderation
from moderation.models import EndEvent, Initiator

TITLE_LENGTH = 60


def _clean_content(content: str) -> str:
    if not isinstance(content, str) or not content.strip():
        raise errors.invalid("The message is empty. Write something to send.")
    if len(content) > settings.MAX_MESSAGE_CHARS:
        raise errors.invalid(
            f"The message is {len(content):,} characters long; the limit is {settings.MAX_MESSAGE_CHARS:,}."
        )
    return content


def _enqueue_reply(message: Message) -> None:
    from conversations.tasks import generate_reply

    message_id = str(message.id)
    transaction.on_commit(lambda: generate_reply.delay(message_id))


@transaction.atomic
def conversation_create(*, user, title: str = "", provider: str | None = None, model: str | None = None) -> Conversation:
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
    conversation.delete()


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
def message_send(*, user, branch: Branch, content: str) -> tuple[Message, Message]:
    content = _clean_content(content)
    branch = Branch.objects.select_for_update().select_related("conversation").get(pk=branch.pk)
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
    attempt holds a live lease, or ("done", None) when the reply is already finished."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.REPLY_LEASE_SECONDS)
    with transaction.atomic():
        claimable = Q(status=Message.Status.PENDING) | Q(status=Message.Status.STREAMING, lease_expires_at__lt=now)
        message = Message.objects.filter(pk=message_id, role=Message.Role.ASSISTANT).first()
        if message is None or message.is_terminal:
            return "done", None
        claimed = Message.objects.filter(claimable, pk=message_id, attempt=message.attempt).update(
            status=Message.Status.STREAMING, attempt=message.attempt + 1, lease_expires_at=lease, content="", updated_at=now
        )
    if not claimed:
        return "busy", None
    return "claimed", Message.objects.select_related("conversation", "branch").get(pk=message_id)


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
        Message.objects.filter(pk=message.pk, moderation__isnull=True).update(moderation=message.moderation)
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


def reply_end_decision(*, message: Message, end_call: ToolCall) -> policy.Decision:
    """Decide a model's end request before the reply is saved (a read; nothing is recorded).

    The pipeline needs the answer early: when the end is refused, the model is told so and its
    continuation becomes the reply. reply_complete decides again inside its transaction, and
    that decision is the one recorded and acted on.
    """
    branch = Branch.objects.get(pk=message.branch_id)
    messages = {m.id: m for m in Message.objects.filter(conversation_id=message.conversation_id)}
    return _end_decision(branch=branch, path=path_to(message.id, messages), end_call=end_call)


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
    *, message: Message, result: ProviderResult, continuation: ProviderResult | None = None
) -> tuple[Message, str] | None:
    """Save a finished reply and apply the end policy in the same transaction.

    `result` is the model's answer; `continuation` its answer after being told that its end
    request was refused (the pipeline asks only then). If the end is allowed, the text written
    before the call is the reply; if refused, the continuation is (or, without one, the text).
    An end requested again in the continuation is ignored and kept in `tool_calls` as such.

    Returns the saved reply and any text the server appended (support resources, an end notice)
    so the caller can stream it too; None when another attempt owns the reply now.
    """
    branch = Branch.objects.select_for_update().select_related("conversation").get(pk=message.branch_id)
    owned = Message.objects.select_for_update().filter(
        pk=message.pk, status=Message.Status.STREAMING, attempt=message.attempt
    ).first()
    if owned is None:
        return None
    messages = {m.id: m for m in Message.objects.filter(conversation_id=message.conversation_id)}
    path = path_to(message.id, messages)
    turns = _turns(path[:-1])
    latest = turns[-1] if turns else policy.Turn(flagged=frozenset())
    end_call = result.tool_call(END_TOOL_NAME)

    decision = _end_decision(branch=branch, path=path, end_call=end_call) if end_call is not None else None
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

    owned.status = Message.Status.COMPLETE
    owned.content = content
    owned.kind = kind
    owned.error = ""
    owned.model = final.model or result.model or owned.model
    owned.usage = _usage_total(result, continuation) if continuation is not None else result.usage
    owned.stop_reason = final.stop_reason
    owned.tool_calls = calls or None
    owned.lease_expires_at = None
    owned.save()
    path[-1] = owned

    if end_call is not None:
        rationale = str(end_call.arguments.get("rationale", ""))[:2000]
        snapshot = transcript_snapshot(path)
        if ended:
            branch.ended_at = timezone.now()
            branch.save(update_fields=["ended_at"])
            moderation.end_event_record(
                branch=branch,
                initiated_by=Initiator.MODEL,
                reason=decision.reason,
                rationale=rationale,
                decision=decision,
                assessments=assessments_of(path),
                transcript=snapshot,
                end_message=owned,
            )
        else:
            moderation.end_attempt_record(
                branch=branch,
                message=owned,
                requested_reason=str(end_call.arguments.get("reason", ""))[:20],
                rationale=rationale,
                decision=decision,
                assessments=assessments_of(path),
                transcript=snapshot,
            )
    return owned, extra


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
