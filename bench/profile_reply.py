"""Profile the two hot paths in process with cProfile: the send view (API POST) and the worker's
generation of one reply. Prints the medians and the top functions by cumulative time.

    .venv/bin/python bench/profile_reply.py [--runs 40]

(For the running ASGI server, py-spy works too: `py-spy record -p <uvicorn pid> -f raw -o out.txt`
while bench/bench_pipeline.py runs.)
"""

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.env import setup_django  # noqa: E402

REDIS = setup_django("profile")

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from conversations import pipeline  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    user = User.objects.create_user("profile", password="x-profile-password-1")
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")

    def send() -> tuple[float, str]:
        branch = client.post("/api/v1/conversations/", {}, content_type="application/json").json()["active_branch"]
        started = time.perf_counter()
        response = client.post(f"/api/v1/branches/{branch}/messages/", {"content": "hello"}, content_type="application/json")
        assert response.status_code == 202, response.content
        return time.perf_counter() - started, response.json()["assistant_message"]["id"]

    def generate(reply_id: str) -> float:
        started = time.perf_counter()
        pipeline.generate(reply_id, retries_left=1)
        return time.perf_counter() - started

    for _ in range(5):
        generate(send()[1])
    sends, generations, profiles = [], [], {"send": cProfile.Profile(), "generate": cProfile.Profile()}
    for _ in range(args.runs):
        profiles["send"].enable()
        elapsed, reply_id = send()
        profiles["send"].disable()
        sends.append(elapsed)
        profiles["generate"].enable()
        generations.append(generate(reply_id))
        profiles["generate"].disable()
    print(f"send view median: {statistics.median(sends) * 1000:.2f} ms")
    print(f"generate median: {statistics.median(generations) * 1000:.2f} ms")
    for name, profile in profiles.items():
        print(f"\n--- {name}: top 15 by cumulative time")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(15)
    REDIS.stop()


if __name__ == "__main__":
    main()
