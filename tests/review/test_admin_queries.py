"""The staff pages make a fixed number of queries whether there are 100 ends or 10,000."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.support.review.staff import bulk_end_attempts, bulk_end_events

PAGES = [
    (reverse_name, params)
    for reverse_name, params in [
        ("admin:moderation_endevent_changelist", {}),
        ("admin:moderation_endevent_changelist", {"feedback": "down", "reason__exact": "abuse"}),
        ("admin:moderation_endevent_changelist", {"q": "owner"}),
        ("admin:moderation_endattempt_changelist", {}),
        ("admin:moderation_endattempt_changelist", {"refusal__exact": "risk_veto"}),
        ("admin:moderation_endfeedback_changelist", {}),
        ("moderation-dashboard", {}),
    ]
]


def queries_per_page(client) -> dict[str, int]:
    counts = {}
    for name, params in PAGES:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(name), params)
        assert response.status_code == 200
        counts[f"{name} {params}"] = len(captured)
    return counts


def test_changelists_and_the_dashboard_make_as_many_queries_for_10000_ends_as_for_100(client, moderator, owner):
    client.force_login(moderator)
    bulk_end_events(100, user=owner)
    bulk_end_attempts(100, user=owner)
    small = queries_per_page(client)

    bulk_end_events(9_900, user=owner)
    bulk_end_attempts(9_900, user=owner)
    large = queries_per_page(client)

    assert large == small
    assert max(large.values()) <= 16


def test_an_action_on_a_whole_page_of_ends_is_a_fixed_number_of_queries(client, django_assert_max_num_queries, moderator, owner):
    events = bulk_end_events(500, user=owner)
    client.force_login(moderator)
    with django_assert_max_num_queries(12):
        client.post(
            reverse("admin:moderation_endevent_changelist"),
            {"action": "mark_upheld", "_selected_action": [str(e.pk) for e in events]},
        )


def test_the_end_event_page_is_a_fixed_number_of_queries(client, django_assert_max_num_queries, moderator, owner):
    events = bulk_end_events(3, user=owner)
    client.force_login(moderator)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("admin:moderation_endevent_change", args=[events[0].pk])).status_code == 200
