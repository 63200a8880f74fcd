"""Reads of the review queues shared by the admin and the staff API, so both order, filter and
load them alike."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from moderation.models import EndAttempt, EndEvent, Initiator, Refusal, ReviewStatus

# The big JSON columns are needed on a record's page, never on a queue or in an export.
HEAVY_FIELDS = ("transcript", "assessments", "decision", "risk_review")

PENDING_FIRST = Case(
    When(review_status=ReviewStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
).asc()
RISK_VETO_FIRST = Case(When(refusal=Refusal.RISK_VETO, then=Value(0)), default=Value(1), output_field=IntegerField()).asc()

# The queues: unreviewed first; among refused ends, the refusals that protected a user at risk
# first; then the newest.
END_EVENT_ORDER = [PENDING_FIRST, "-created_at"]
END_ATTEMPT_ORDER = [PENDING_FIRST, RISK_VETO_FIRST, "-created_at"]

# Who ended it, as a queue filter. Ends the user chose themselves have nothing to review, so a
# queue leaves them out unless asked for them ("user") or for everything ("any").
INITIATOR_CHOICES = [
    (Initiator.MODEL.value, "The assistant"),
    (Initiator.STAFF.value, "Staff"),
    (Initiator.USER.value, "The user (not for review)"),
    ("any", "Anyone"),
]

FEEDBACK_CHOICES = [("down", "Negative (thumbs down)"), ("up", "Positive (thumbs up)"), ("none", "No feedback")]


def end_event_queue() -> QuerySet[EndEvent]:
    return EndEvent.objects.select_related("user", "reviewer", "reopened_by", "feedback").order_by(*END_EVENT_ORDER)


def end_attempt_queue() -> QuerySet[EndAttempt]:
    return EndAttempt.objects.select_related("user", "reviewer", "risk_cleared_by").order_by(*END_ATTEMPT_ORDER)


def with_feedback(queryset: QuerySet[EndEvent], feedback: str | None) -> QuerySet[EndEvent]:
    """Ends whose user rated them `up` or `down`, or gave no feedback (`none`); all for None."""
    if feedback in ("up", "down"):
        return queryset.filter(feedback__rating=feedback)
    if feedback == "none":
        return queryset.filter(feedback__isnull=True)
    return queryset


def by_initiator(queryset: QuerySet[EndEvent], initiated_by: str | None) -> QuerySet[EndEvent]:
    """Ends by that initiator, or by anyone for `any`; for None, the ends there is something to
    review in (the assistant's and staff's)."""
    if initiated_by is None:
        return queryset.exclude(initiated_by=Initiator.USER)
    if initiated_by == "any":
        return queryset
    return queryset.filter(initiated_by=initiated_by)
