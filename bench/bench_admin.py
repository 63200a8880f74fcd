"""The staff pages with 100 and 10,000 end events (and as many refused ends): SQL queries per
request (must not grow with the data) and median time, for the changelists, a filtered and a
searched changelist, the dashboard and the staff API queue.

    .venv/bin/python bench/bench_admin.py
"""

import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.env import count_queries, setup_django  # noqa: E402

REDIS = setup_django("admin")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.measure import print_table, write_json  # noqa: E402

RUNS = 15
PAGES = [
    ("end events changelist", "/admin/moderation/endevent/", {}),
    ("end events, pending + negative feedback", "/admin/moderation/endevent/", {"review_status__exact": "pending", "feedback": "down"}),
    ("end events, search 'insult'", "/admin/moderation/endevent/", {"q": "insult"}),
    ("refused ends changelist", "/admin/moderation/endattempt/", {}),
    ("dashboard (30 days)", "/admin/moderation/dashboard/", {}),
    ("staff API queue (pending)", "/api/v1/moderation/end-events/", {"review_status": "pending"}),
]


def time_get(client: Client, url: str, params: dict) -> tuple[float, int]:
    status, queries = count_queries(client, url, params)
    assert status == 200, (url, status)
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url, params)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), queries


def main() -> None:
    from django.contrib.auth.models import Group, User

    from tests.support.review.staff import bulk_end_attempts, bulk_end_events

    call_command("migrate", verbosity=0)
    owner = User.objects.create_user("bench-owner", password="x-bench-password-1")
    moderator = User.objects.create_user("bench-moderator", password="x-bench-password-1", is_staff=True)
    moderator.groups.add(Group.objects.get(name="moderators"))
    client = Client()
    client.force_login(moderator)

    rows, results, created = [], {}, 0
    for size in (100, 10_000):
        bulk_end_events(size - created, user=owner)
        bulk_end_attempts(size - created, user=owner)
        created = size
        for name, url, params in PAGES:
            median, queries = time_get(client, url, params)
            results.setdefault(name, {})[str(size)] = {"queries": queries, "median_ms": round(median * 1000, 2)}
            rows.append([size, name, queries, median * 1000])
    for name, by_size in results.items():
        assert by_size["100"]["queries"] == by_size["10000"]["queries"], f"{name}: queries grow with the data"
    print_table("Staff pages by number of end events (and refused ends)", ["ends", "page", "queries", "median ms"], rows)
    results["_machine"] = {"python": platform.python_version(), "database": connection.vendor, "runs": RUNS}
    print(f"wrote {write_json('admin', results)}")
    REDIS.stop()


if __name__ == "__main__":
    main()
