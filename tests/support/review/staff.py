"""Fixtures for the staff side of moderation: a moderator, ends and refused ends made through the
services, and thousands of records made with bulk_create for the query-count tests."""

import importlib
import itertools
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from conversations import services as chat
from moderation.models import EndAttempt, EndEvent, EndFeedback
from tests.support.conversations.replies import finish_reply

PASSWORD = "correct horse battery staple"
_migration = importlib.import_module("moderation.migrations.0002_moderators_group")


def moderators_group() -> Group:
    """The group the data migration creates. A transactional test flushes the database, which
    removes it for later tests, so it is made again here with the migration's permissions."""
    group, created = Group.objects.get_or_create(name=_migration.GROUP)
    if created:
        group.permissions.set(Permission.objects.filter(content_type__app_label="moderation", codename__in=_migration.PERMISSIONS))
    return group


@pytest.fixture
def moderator(make_user):
    user = make_user("moderator")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(moderators_group())
    return user


@pytest.fixture
def plain_staff(make_user):
    """Staff outside the moderators group and not a superuser."""
    user = make_user("plain-staff")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def assessed(flagged: list[str], **scores: float) -> dict:
    labels = {"abuse": 0.01, "harmful_request": 0.01, "self_harm": 0.01, "harm_to_others": 0.01, "end_request": 0.01}
    labels.update(scores)
    return {"labels": labels, "flagged": flagged, "backend": "builtin"}


@pytest.fixture
def end_event(owner):
    """A branch with one exchange, ended by its user."""
    conversation = chat.conversation_create(user=owner, title="A rough chat")
    _, reply = chat.message_send(user=owner, branch_id=conversation.active_branch_id, content="You are useless, goodbye")
    finish_reply(reply.id, "I'm sorry you feel that way.")
    return chat.branch_end(branch=conversation.active_branch, initiated_by="user", reason="user_request")


def snapshot(i: int) -> list[dict]:
    return [
        {"id": str(uuid.uuid4()), "role": "user", "content": f"insult number {i}", "kind": None, "status": "complete",
         "moderation": assessed(["abuse"], abuse=0.97), "created_at": "2026-01-01T12:00:00+00:00"},
        {"id": str(uuid.uuid4()), "role": "assistant", "content": "Let's keep this respectful.", "kind": "end",
         "status": "complete", "moderation": None, "created_at": "2026-01-01T12:00:01+00:00"},
    ]


def bulk_end_events(count: int, *, user, days: int = 30, with_feedback_every: int = 4, title: str = "Bulk chat") -> list[EndEvent]:
    """`count` ends spread over the last `days` days, cycling through reasons, initiators, review
    states and two models, every `with_feedback_every`-th with a thumbs down or up."""
    reasons = itertools.cycle(["abuse", "harmful_request", "user_request"])
    initiators = itertools.cycle(["model", "model", "user"])
    statuses = itertools.cycle(["pending", "upheld", "overturned", "pending"])
    models = itertools.cycle([("local", "local-1"), ("anthropic", "claude-x")])
    events = []
    for i in range(count):
        provider, model = next(models)
        events.append(
            EndEvent(
                user=user,
                conversation_title=f"{title} {i}",
                initiated_by=next(initiators),
                reason=next(reasons),
                redirect_attempts=i % 5,
                review_status=next(statuses),
                provider=provider,
                model=model,
                policy_version="2026-01" if i % 2 else "2026-02",
                transcript=snapshot(i),
                decision={"allowed": True, "reason": "abuse", "refusal": None, "redirect_attempts": 3, "reasons": ["Three redirections."], "policy_version": "2026-01"},
            )
        )
    EndEvent.objects.bulk_create(events, batch_size=1000)
    now = timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    for i, event in enumerate(events):
        # The minutes spread a day's ends apart but never into the day before: run just after
        # midnight, "today's" ends would otherwise land on yesterday.
        event.created_at = max(now - timedelta(days=i % days, minutes=i % 600), midnight - timedelta(days=i % days))
    EndEvent.objects.bulk_update(events, ["created_at"], batch_size=1000)
    feedback = [
        EndFeedback(end_event=event, user=user, rating="down" if i % (2 * with_feedback_every) else "up", comment="")
        for i, event in enumerate(events)
        if with_feedback_every and i % with_feedback_every == 0
    ]
    EndFeedback.objects.bulk_create(feedback, batch_size=1000)
    return events


def bulk_end_attempts(count: int, *, user, title: str = "Refused chat") -> list[EndAttempt]:
    refusals = itertools.cycle(["too_few_redirections", "risk_veto", "no_user_request"])
    attempts = [
        EndAttempt(
            user=user,
            conversation_title=f"{title} {i}",
            requested_reason="abuse",
            refusal=next(refusals),
            redirect_attempts=i % 3,
            provider="local",
            model="local-1",
            policy_version="2026-02",
            transcript=snapshot(i),
        )
        for i in range(count)
    ]
    EndAttempt.objects.bulk_create(attempts, batch_size=1000)
    return attempts
