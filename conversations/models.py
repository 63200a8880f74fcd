"""The chat domain: conversations hold a tree of messages; a branch is one line of that tree."""

import uuid

from django.conf import settings
from django.db import models


class Conversation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations")
    title = models.CharField(max_length=200, blank=True)
    # The branch the user sees now; edits and retries move it to the branch they create.
    active_branch = models.ForeignKey(
        "Branch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider = models.CharField(max_length=50)
    model = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the user deletes the conversation: from then on it is hidden everywhere the user
    # looks, and `purge_deleted` removes it for good once nothing about it awaits staff review
    # and the retention period has passed (docs/privacy.md).
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["owner", "-updated_at"]),
            models.Index(fields=["owner", "created_at"]),
            models.Index(fields=["deleted_at"], condition=models.Q(deleted_at__isnull=False), name="conversation_deleted"),
        ]

    def __str__(self) -> str:
        return self.title or f"Conversation {self.id}"

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


class Branch(models.Model):
    """One line of the message tree, from the root to `tip`. Ending a branch freezes that line only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="branches")
    tip = models.ForeignKey("Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    forked_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="forks"
    )
    # The message the new line continues from (the parent of the edited or retried message);
    # null when the fork replaces the first message.
    forked_at = models.ForeignKey("Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "branches"

    def __str__(self) -> str:
        return f"Branch {self.id}"

    @property
    def ended(self) -> bool:
        return self.ended_at is not None


class Message(models.Model):
    class Role(models.TextChoices):
        USER = "user"
        ASSISTANT = "assistant"

    class Status(models.TextChoices):
        PENDING = "pending"
        STREAMING = "streaming"
        COMPLETE = "complete"
        FAILED = "failed"
        # The user stopped the reply (Stop on the page, POST messages/{id}/cancel/): whatever
        # was written by then is kept. Final, like complete and failed, so it can be retried.
        STOPPED = "stopped"

    class Kind(models.TextChoices):
        ANSWER = "answer"
        REDIRECT = "redirect"
        SUPPORT = "support"
        END = "end"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    # The branch the message was written on; later branches share it through the tree.
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    role = models.CharField(max_length=10, choices=Role.choices)
    content = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.COMPLETE)
    kind = models.CharField(max_length=10, choices=Kind.choices, null=True, blank=True)
    error = models.TextField(blank=True)
    # The assessment of a user message: {"labels": {label: score}, "flagged": [...], "backend": ...}.
    moderation = models.JSONField(null=True, blank=True)
    # What the provider reported: model, usage, stop reason, tool calls.
    provider = models.CharField(max_length=50, blank=True)
    model = models.CharField(max_length=200, blank=True)
    usage = models.JSONField(null=True, blank=True)
    stop_reason = models.CharField(max_length=50, blank=True)
    tool_calls = models.JSONField(null=True, blank=True)
    # A generation attempt holds a lease; a redelivered task takes over only once it expires, and
    # only the attempt that still owns the row may complete it.
    attempt = models.PositiveIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["conversation", "created_at"]), models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.role} message {self.id}"

    @property
    def is_terminal(self) -> bool:
        return self.status in (self.Status.COMPLETE, self.Status.FAILED, self.Status.STOPPED)
