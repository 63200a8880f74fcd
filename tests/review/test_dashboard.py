"""The moderation dashboard: its numbers, its date range, its charts and who may see it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conversations import services as chat
from review import dashboard
from moderation.models import EndAttempt, EndEvent
from tests.support.review.staff import bulk_end_attempts, bulk_end_events

URL = "moderation-dashboard"


@pytest.fixture
def staff_client(client, moderator):
    client.force_login(moderator)
    return client


def test_the_dashboard_lives_at_admin_moderation_dashboard():
    assert reverse(URL) == "/admin/moderation/dashboard/"


def test_the_dashboard_counts_ends_by_reason_and_initiator(db, owner):
    bulk_end_events(12, user=owner, days=5)
    today = timezone.localdate()
    board = dashboard.build(today - timedelta(days=29), today)
    assert board.ends == 12
    assert dict(board.by_reason) == {"Abuse": 4, "Harmful Request": 4, "User Request": 4, "Other": 0}
    assert dict(board.by_initiator) == {"Model": 8, "User": 4, "Staff": 0}


def test_ends_per_day_covers_every_day_of_the_range_with_zeros_for_quiet_days(db, owner):
    bulk_end_events(6, user=owner, days=3)
    today = timezone.localdate()
    board = dashboard.build(today - timedelta(days=6), today)
    assert [day for day, _ in board.ends_per_day] == [today - timedelta(days=6 - i) for i in range(7)]
    assert dict(board.ends_per_day)[today] == 2 and dict(board.ends_per_day)[today - timedelta(days=5)] == 0


def test_the_date_range_leaves_out_ends_outside_it(db, owner):
    events = bulk_end_events(10, user=owner, days=10)
    old = events[9].created_at.date()
    board = dashboard.build(old, old)
    assert board.ends == 1


def test_ends_per_1000_conversations_divides_by_conversations_started_in_the_range(db, owner):
    for _ in range(4):
        chat.conversation_create(user=owner)
    bulk_end_events(2, user=owner)
    today = timezone.localdate()
    board = dashboard.build(today - timedelta(days=29), today)
    assert board.conversations == 4 and board.ends_per_1000 == 500.0


def test_redirects_before_an_end_are_a_distribution_of_model_ends(db, owner):
    bulk_end_events(15, user=owner)
    today = timezone.localdate()
    board = dashboard.build(today - timedelta(days=29), today)
    model_ends = EndEvent.objects.filter(initiated_by="model")
    assert sum(n for _, n in board.redirects) == model_ends.count()
    assert dict(board.redirects)[0] == model_ends.filter(redirect_attempts=0).count()


def test_refusals_overturn_rate_and_feedback_are_counted(db, owner):
    bulk_end_events(8, user=owner, with_feedback_every=2)
    bulk_end_attempts(6, user=owner)
    today = timezone.localdate()
    board = dashboard.build(today - timedelta(days=29), today)
    assert dict(board.refusals)["Risk Veto"] == 2 and board.refusals_total == 6
    # Statuses cycle pending, upheld, overturned, pending: 2 upheld, 2 overturned.
    assert board.overturn_rate == 0.5
    assert board.feedback == {"up": 2, "down": 2}


def test_metrics_split_by_model_and_policy_version_show_each_ones_rates(db, owner):
    bulk_end_events(8, user=owner)
    bulk_end_attempts(4, user=owner)
    today = timezone.localdate()
    board = dashboard.build(today - timedelta(days=29), today)
    models = {r.key: r for r in board.by_model}
    assert models["local / local-1"].ends == 4 and models["local / local-1"].refusals == 4
    assert models["anthropic / claude-x"].refusals == 0
    policies = {r.key: r for r in board.by_policy}
    assert policies["2026-01"].ends == 4 and policies["2026-02"].ends == 4 and policies["2026-02"].refusals == 4
    assert policies["2026-02"].refusal_share == 4 / (policies["2026-02"].model_ends + 4)


def test_the_dashboard_page_draws_its_charts_as_inline_svg_with_no_outside_script(staff_client, owner):
    bulk_end_events(20, user=owner)
    bulk_end_attempts(3, user=owner)
    page = staff_client.get(reverse(URL)).content.decode()
    assert page.count('<svg class="chart"') == 5
    assert "Ends per day" in page and "By provider and model" in page and "By policy version" in page
    assert "cdn" not in page.lower() and "<script src=\"http" not in page
    assert 'id="tile-ends">20<' in page and 'id="tile-refusals">3<' in page


def test_the_dashboard_takes_a_date_range(staff_client, owner):
    events = bulk_end_events(10, user=owner, days=10)
    day = events[3].created_at.date()
    page = staff_client.get(reverse(URL), {"start": str(day), "end": str(day)}).content.decode()
    assert 'id="tile-ends">1<' in page


def test_a_backwards_date_range_is_explained_and_the_default_range_shown(staff_client, owner):
    bulk_end_events(3, user=owner)
    today = timezone.localdate()
    response = staff_client.get(reverse(URL), {"start": str(today), "end": str(today - timedelta(days=3))})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The start of the range is after its end." in page and 'id="tile-ends">3<' in page


def test_the_dashboard_links_to_the_pending_ends(staff_client, owner):
    bulk_end_events(4, user=owner)
    page = staff_client.get(reverse(URL)).content.decode()
    assert reverse("admin:moderation_endevent_changelist") + "?review_status__exact=pending" in page


def test_an_empty_dashboard_still_renders(staff_client):
    response = staff_client.get(reverse(URL))
    assert response.status_code == 200
    assert "No model-initiated ends in this range." in response.content.decode()
    assert EndAttempt.objects.count() == 0
