"""CSV exports of end events and refused ends for staff, kept apart from the admin classes."""

import csv

from django.http import HttpResponse
from django.utils import timezone


def _when(value) -> str:
    return value.isoformat() if value else ""


def _username(user) -> str:
    return user.username if user else ""


# What both kinds of row have, in the order the CSVs give them: who and where, then (after each
# kind's own columns) the model and policy behind it, then the review.
_HEAD = [
    ("id", lambda r: r.id),
    ("created_at", lambda r: _when(r.created_at)),
    ("user", lambda r: _username(r.user)),
    ("conversation_title", lambda r: r.conversation_title),
]
_CONTEXT = [
    ("redirect_attempts", lambda r: r.redirect_attempts),
    ("provider", lambda r: r.provider),
    ("model", lambda r: r.model),
    ("policy_version", lambda r: r.policy_version),
]
_REVIEW = [
    ("review_status", lambda r: r.review_status),
    ("reviewer", lambda r: _username(r.reviewer)),
    ("reviewed_at", lambda r: _when(r.reviewed_at)),
    ("review_note", lambda r: r.review_note),
]

END_EVENT_COLUMNS = [
    *_HEAD,
    ("initiated_by", lambda e: e.initiated_by),
    ("reason", lambda e: e.reason),
    *_CONTEXT,
    *_REVIEW,
    ("feedback", lambda e: _feedback_rating(e)),
    ("reopened_at", lambda e: _when(e.reopened_at)),
]

END_ATTEMPT_COLUMNS = [
    *_HEAD,
    ("requested_reason", lambda a: a.requested_reason),
    ("refusal", lambda a: a.refusal),
    *_CONTEXT,
    *_REVIEW,
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
