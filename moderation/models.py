"""The safety domain's records: ends, refused ends and the users' feedback on ends."""

import uuid

from django.conf import settings
from django.db import models


class Initiator(models.TextChoices):
    MODEL = "model"
    USER = "user"
    STAFF = "staff"


class EndReason(models.TextChoices):
    ABUSE = "abuse"
    HARMFUL_REQUEST = "harmful_request"
    USER_REQUEST = "user_request"
    OTHER = "other"


class ReviewStatus(models.TextChoices):
    PENDING = "pending"
    UPHELD = "upheld"
    OVERTURNED = "overturned"


class Refusal(models.TextChoices):
    RISK_VETO = "risk_veto"
    # The end-time review could not ask the model its yes/no question about risk.
    RISK_CHECK_FAILED = "risk_check_failed"
    TOO_FEW_REDIRECTIONS = "too_few_redirections"
    NO_USER_REQUEST = "no_user_request"
    ALREADY_ENDED = "already_ended"


class Reviewable(models.Model):
    """Fields every end and refused end carries so staff can review it."""

    review_status = models.CharField(max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class EndEvent(Reviewable):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Nullable so the record and its snapshot outlive a conversation the user deletes.
    branch = models.ForeignKey(
        "conversations.Branch", null=True, blank=True, on_delete=models.SET_NULL, related_name="end_events"
    )
    conversation = models.ForeignKey(
        "conversations.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_message = models.ForeignKey(
        "conversations.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    conversation_title = models.CharField(max_length=200, blank=True)
    initiated_by = models.CharField(max_length=10, choices=Initiator.choices)
    initiator_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=EndReason.choices)
    rationale = models.TextField(blank=True)
    redirect_attempts = models.PositiveIntegerField(default=0)
    assessments = models.JSONField(default=list, blank=True)
    decision = models.JSONField(default=dict, blank=True)
    # What the end-time risk review found before the end was allowed (policy.RiskReview).
    risk_review = models.JSONField(default=dict, blank=True)
    policy_version = models.CharField(max_length=40, blank=True)
    provider = models.CharField(max_length=50, blank=True)
    model = models.CharField(max_length=200, blank=True)
    transcript = models.JSONField(default=list, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["review_status", "-created_at"])]

    def __str__(self) -> str:
        return f"End ({self.get_reason_display()}) by {self.initiated_by} at {self.created_at:%Y-%m-%d %H:%M}"


class EndAttempt(Reviewable):
    """An end the model asked for and the policy refused."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    branch = models.ForeignKey(
        "conversations.Branch", null=True, blank=True, on_delete=models.SET_NULL, related_name="end_attempts"
    )
    conversation = models.ForeignKey(
        "conversations.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        "conversations.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    conversation_title = models.CharField(max_length=200, blank=True)
    requested_reason = models.CharField(max_length=20, blank=True)
    rationale = models.TextField(blank=True)
    refusal = models.CharField(max_length=30, choices=Refusal.choices)
    redirect_attempts = models.PositiveIntegerField(default=0)
    assessments = models.JSONField(default=list, blank=True)
    decision = models.JSONField(default=dict, blank=True)
    # What the end-time risk review found, when it is what refused the end (policy.RiskReview).
    risk_review = models.JSONField(default=dict, blank=True)
    policy_version = models.CharField(max_length=40, blank=True)
    provider = models.CharField(max_length=50, blank=True)
    model = models.CharField(max_length=200, blank=True)
    transcript = models.JSONField(default=list, blank=True)
    # Staff judged the risk that vetoed this end a false alarm and cleared it on the branch.
    risk_cleared_at = models.DateTimeField(null=True, blank=True)
    risk_cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Refused end ({self.refusal}) at {self.created_at:%Y-%m-%d %H:%M}"


class EndFeedback(models.Model):
    """A user's thumbs up or down: on an end (once per end, with an optional comment), or on any
    reply (once per reply and user; the user can change it). Staff read both in the admin."""

    class Rating(models.TextChoices):
        UP = "up"
        DOWN = "down"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    end_event = models.OneToOneField(
        EndEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="feedback"
    )
    # The reply rated, for feedback on an ordinary reply; it goes when the conversation is purged.
    message = models.ForeignKey(
        "conversations.Message", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    rating = models.CharField(max_length=4, choices=Rating.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "feedback"
        verbose_name_plural = "feedback"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_event__isnull=False, message__isnull=True)
                | models.Q(end_event__isnull=True, message__isnull=False),
                name="feedback_on_an_end_or_a_reply",
            ),
            models.UniqueConstraint(
                fields=["message", "user"], condition=models.Q(message__isnull=False), name="one_feedback_per_reply_and_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating} on {'end ' + str(self.end_event_id) if self.end_event_id else 'reply ' + str(self.message_id)}"
