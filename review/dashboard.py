"""The moderation dashboard's numbers, in a fixed number of grouped queries whatever the volume,
and the SVG geometry of its charts (drawn on the server; the page loads nothing else)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from conversations.models import Conversation
from moderation.models import EndAttempt, EndEvent, EndFeedback, EndReason, Initiator, Refusal, ReviewStatus

MAX_RANGE_DAYS = 731


@dataclass
class Rates:
    """Ends, refusals and reviews of one model or one policy version."""

    key: str
    conversations: int | None = None
    ends: int = 0
    model_ends: int = 0
    refusals: int = 0
    upheld: int = 0
    overturned: int = 0

    @property
    def ends_per_1000(self) -> float | None:
        return 1000 * self.ends / self.conversations if self.conversations else None

    @property
    def refusal_share(self) -> float | None:
        """Of the ends the model asked for, the share the policy refused."""
        asked = self.model_ends + self.refusals
        return self.refusals / asked if asked else None

    @property
    def overturn_rate(self) -> float | None:
        reviewed = self.upheld + self.overturned
        return self.overturned / reviewed if reviewed else None


@dataclass
class Dashboard:
    start: date
    end: date
    conversations: int = 0
    ends: int = 0
    ends_per_day: list[tuple[date, int]] = field(default_factory=list)
    by_reason: list[tuple[str, int]] = field(default_factory=list)
    by_initiator: list[tuple[str, int]] = field(default_factory=list)
    redirects: list[tuple[int, int]] = field(default_factory=list)
    review: dict[str, int] = field(default_factory=dict)
    refusals: list[tuple[str, int]] = field(default_factory=list)
    refusals_total: int = 0
    refusal_review: dict[str, int] = field(default_factory=dict)
    feedback: dict[str, int] = field(default_factory=dict)
    by_model: list[Rates] = field(default_factory=list)
    by_policy: list[Rates] = field(default_factory=list)

    @property
    def ends_per_1000(self) -> float | None:
        return 1000 * self.ends / self.conversations if self.conversations else None

    @property
    def overturn_rate(self) -> float | None:
        reviewed = self.review.get(ReviewStatus.UPHELD, 0) + self.review.get(ReviewStatus.OVERTURNED, 0)
        return self.review.get(ReviewStatus.OVERTURNED, 0) / reviewed if reviewed else None

    @property
    def pending(self) -> int:
        return self.review.get(ReviewStatus.PENDING, 0)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The range as aware datetimes, both days included."""
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def _model_key(provider: str, model: str) -> str:
    return f"{provider or '?'} / {model or '?'}"


def build(start: date, end: date) -> Dashboard:
    """Every number on the dashboard for ends made from `start` to `end` (inclusive)."""
    since, until = _bounds(start, end)
    ends = EndEvent.objects.filter(created_at__gte=since, created_at__lt=until).order_by()
    attempts = EndAttempt.objects.filter(created_at__gte=since, created_at__lt=until).order_by()
    board = Dashboard(start=start, end=end)

    # 1. Conversations started in the range, per provider and model (the denominators).
    conversations_by_model = Counter()
    for row in (
        Conversation.objects.filter(created_at__gte=since, created_at__lt=until)
        .order_by()
        .values("provider", "model")
        .annotate(n=Count("id"))
    ):
        conversations_by_model[_model_key(row["provider"], row["model"])] += row["n"]
    board.conversations = sum(conversations_by_model.values())

    # 2. Ends per day.
    per_day = dict(
        ends.annotate(day=TruncDate("created_at")).values("day").annotate(n=Count("id")).values_list("day", "n")
    )
    board.ends_per_day = [(start + timedelta(days=i), per_day.get(start + timedelta(days=i), 0)) for i in range((end - start).days + 1)]

    # 3. One grouped pass over the ends gives the splits by reason, initiator, review, model and
    # policy version.
    reasons, initiators, review = Counter(), Counter(), Counter()
    by_model: dict[str, Rates] = {}
    by_policy: dict[str, Rates] = {}
    for row in ends.values("reason", "initiated_by", "review_status", "provider", "model", "policy_version").annotate(n=Count("id")):
        n = row["n"]
        reasons[row["reason"]] += n
        initiators[row["initiated_by"]] += n
        review[row["review_status"]] += n
        for table, key in (
            (by_model, _model_key(row["provider"], row["model"])),
            (by_policy, row["policy_version"] or "?"),
        ):
            rates = table.setdefault(key, Rates(key=key))
            rates.ends += n
            if row["initiated_by"] == Initiator.MODEL:
                rates.model_ends += n
            if row["review_status"] == ReviewStatus.UPHELD:
                rates.upheld += n
            elif row["review_status"] == ReviewStatus.OVERTURNED:
                rates.overturned += n
    board.ends = sum(reasons.values())
    board.by_reason = [(label, reasons.get(value, 0)) for value, label in EndReason.choices]
    board.by_initiator = [(label, initiators.get(value, 0)) for value, label in Initiator.choices]
    board.review = dict(review)

    # 4. Redirections before the ends the model made (user and staff ends have none to count).
    redirects = dict(
        ends.filter(initiated_by=Initiator.MODEL).values("redirect_attempts").annotate(n=Count("id")).values_list("redirect_attempts", "n")
    )
    if redirects:
        board.redirects = [(k, redirects.get(k, 0)) for k in range(0, max(redirects) + 1)]

    # 5. Refusals by reason, review, model and policy version, in one grouped pass.
    refusals, refusal_review = Counter(), Counter()
    for row in attempts.values("refusal", "review_status", "provider", "model", "policy_version").annotate(n=Count("id")):
        n = row["n"]
        refusals[row["refusal"]] += n
        refusal_review[row["review_status"]] += n
        by_model.setdefault(k := _model_key(row["provider"], row["model"]), Rates(key=k)).refusals += n
        by_policy.setdefault(k := row["policy_version"] or "?", Rates(key=k)).refusals += n
    board.refusals = [(label, refusals.get(value, 0)) for value, label in Refusal.choices]
    board.refusals_total = sum(refusals.values())
    board.refusal_review = dict(refusal_review)

    # 6. Feedback on the ends in the range.
    feedback = dict(
        EndFeedback.objects.filter(end_event__created_at__gte=since, end_event__created_at__lt=until)
        .order_by()
        .values("rating")
        .annotate(n=Count("id"))
        .values_list("rating", "n")
    )
    board.feedback = {rating: feedback.get(rating, 0) for rating in EndFeedback.Rating.values}

    for key, rates in by_model.items():
        rates.conversations = conversations_by_model.get(key, 0)
    board.by_model = sorted(by_model.values(), key=lambda r: -r.ends)
    board.by_policy = sorted(by_policy.values(), key=lambda r: r.key, reverse=True)
    return board


# Charts. Geometry is computed here so the templates only place shapes.

@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    tick: bool = False


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    max_value: int
    baseline: float
    title: str


def bar_chart(points: list[tuple[object, int]], *, title: str, width: int = 720, height: int = 180, label_every: int | None = None) -> Chart:
    """Vertical bars for (label, value) points, labels under every `label_every`-th bar."""
    top, bottom = 16, 28
    plot = height - top - bottom
    peak = max((v for _, v in points), default=0) or 1
    slot = width / max(len(points), 1)
    every = label_every or max(1, len(points) // 10 + (1 if len(points) % 10 else 0))
    bars = []
    for i, (label, value) in enumerate(points):
        h = plot * value / peak
        text = label.strftime("%m-%d") if isinstance(label, date) else str(label)
        bars.append(Bar(x=i * slot + slot * 0.1, y=top + plot - h, width=max(slot * 0.8, 1), height=h, label=text, value=value, tick=i % every == 0))
    return Chart(width=width, height=height, bars=bars, max_value=max((v for _, v in points), default=0), baseline=top + plot, title=title)


@dataclass
class HBar:
    y: float
    width: float
    label: str
    value: int


@dataclass
class HChart:
    width: int
    height: int
    bars: list[HBar]
    label_width: int
    title: str


def hbar_chart(points: list[tuple[str, int]], *, title: str, width: int = 360, label_width: int = 150) -> HChart:
    """Horizontal bars for categories (reasons, initiators, refusals)."""
    row = 24
    peak = max((v for _, v in points), default=0) or 1
    room = width - label_width - 48
    bars = [HBar(y=i * row + 4, width=room * value / peak, label=str(label), value=value) for i, (label, value) in enumerate(points)]
    return HChart(width=width, height=len(points) * row + 8, bars=bars, label_width=label_width, title=title)
