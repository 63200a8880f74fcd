"""CSV exports of end events and refused ends for staff, kept apart from the admin classes."""

import csv

from django.http import HttpResponse
from django.utils import timezone

END_EVENT_COLUMNS = [
    ("id", lambda e: e.id),
    ("created_at", lambda e: e.created_at.isoformat()),
    ("user", lambda e: e.user.username if e.user else ""),
    ("conversation_title", lambda e: e.conversation_title),
    ("initiated_by", lambda e: e.initiated_by),
    ("reason", lambda e: e.reason),
    ("redirect_attempts", lambda e: e.redirect_attempts),
    ("provider", lambda e: e.provider),
    ("model", lambda e: e.model),
    ("policy_version", lambda e: e.policy_version),
    ("review_status", lambda e: e.review_status),
    ("reviewer", lambda e: e.reviewer.username if e.reviewer else ""),
    ("reviewed_at", lambda e: e.reviewed_at.isoformat() if e.reviewed_at else ""),
    ("review_note", lambda e: e.review_note),
    ("feedback", lambda e: _feedback_rating(e)),
    ("reopened_at", lambda e: e.reopened_at.isoformat() if e.reopened_at else ""),
]

END_ATTEMPT_COLUMNS = [
    ("id", lambda a: a.id),
    ("created_at", lambda a: a.created_at.isoformat()),
    ("user", lambda a: a.user.username if a.user else ""),
    ("conversation_title", lambda a: a.conversation_title),
    ("requested_reason", lambda a: a.requested_reason),
    ("refusal", lambda a: a.refusal),
    ("redirect_attempts", lambda a: a.redirect_attempts),
    ("provider", lambda a: a.provider),
    ("model", lambda a: a.model),
    ("policy_version", lambda a: a.policy_version),
    ("review_status", lambda a: a.review_status),
    ("reviewer", lambda a: a.reviewer.username if a.reviewer else ""),
    ("reviewed_at", lambda a: a.reviewed_at.isoformat() if a.reviewed_at else ""),
    ("review_note", lambda a: a.review_note),
]


def _feedback_rating(end_event) -> str:
    feedback = getattr(end_event, "feedback", None)
    return feedback.rating if feedback is not None else ""


def _safe(value) -> str:
    # A cell starting with =, +, - or @ is a formula to a spreadsheet; users write conversation
    # titles, so prefix those with a quote.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def csv_response(queryset, columns, name: str) -> HttpResponse:
    """The rows of `queryset` (users, reviewers and feedback already joined) as a CSV download."""
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow([header for header, _ in columns])
    for record in queryset.iterator(chunk_size=2000):
        writer.writerow([_safe(value(record)) for _, value in columns])
    return response
