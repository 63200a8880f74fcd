"""The hot paths in process, timed and profiled with cProfile: the send view (API POST), the
worker's generation of one reply, the chat page, and the floor view for scale. Prints the medians
and, unless --no-profile, the top functions by cumulative time.

    .venv/bin/python bench/profile_reply.py [--runs 40] [--no-profile] [--markdown-cache-off-too]

With --no-profile the medians are the figures to compare between two commits (run each a few
times, alternating; even so, these shared machines drift by a third between runs minutes apart).
--markdown-cache-off-too also loads the chat page with the markdown cache switched off, taking
turns with the other measures in the same process. For the running ASGI server, py-spy works too:
`py-spy record -p <uvicorn pid> -f raw -o out.txt` while bench/bench_pipeline.py runs.
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

# The chat page measured: a conversation of this many turns, with this many more in the sidebar.
PAGE_TURNS, SIDEBAR = 10, 30


def uncached(call):
    """Run call with the chat pages' markdown rendered afresh every time."""
    from conversations import markdown as chat

    cached = chat.render_markdown
    chat.render_markdown = cached.__wrapped__
    try:
        return call()
    finally:
        chat.render_markdown = cached


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--no-profile", action="store_true", help="time only")
    parser.add_argument("--markdown-cache-off-too", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    user = User.objects.create_user("profile", password="x-profile-password-1")
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    browser = Client()
    browser.force_login(user)

    def new_conversation() -> dict:
        return client.post("/api/v1/conversations/", {}, content_type="application/json").json()

    def timed(call) -> tuple[float, object]:
        started = time.perf_counter()
        result = call()
        return time.perf_counter() - started, result

    def send(branch: str) -> tuple[float, str]:
        path = f"/api/v1/branches/{branch}/messages/"
        elapsed, response = timed(lambda: client.post(path, {"content": "hello"}, content_type="application/json"))
        assert response.status_code == 202, response.content
        return elapsed, response.json()["assistant_message"]["id"]

    def generate(reply_id: str) -> float:
        return timed(lambda: pipeline.generate(reply_id, retries_left=1))[0]

    for _ in range(SIDEBAR):
        new_conversation()
    shown = new_conversation()
    for _ in range(PAGE_TURNS):
        generate(send(shown["active_branch"])[1])
    floor_branch = new_conversation()["active_branch"]

    paths = {
        "send view": lambda: send(new_conversation()["active_branch"]),
        "generate": None,  # the reply of the send just before
        f"chat page ({2 * PAGE_TURNS} messages)": lambda: timed(lambda: browser.get(f"/c/{shown['id']}/")),
        "floor view (two rows)": lambda: timed(lambda: client.post(f"/bench/floor/?branch={floor_branch}")),
    }
    if args.markdown_cache_off_too:
        paths[f"chat page ({2 * PAGE_TURNS} messages), markdown cache off"] = lambda: uncached(
            lambda: timed(lambda: browser.get(f"/c/{shown['id']}/"))
        )
    samples: dict[str, list[float]] = {name: [] for name in paths}
    profiles = {name: cProfile.Profile() for name in paths}
    for run in range(args.runs + 5):
        reply_id = None
        for name, call in paths.items():
            profile = profiles[name] if run >= 5 and not args.no_profile else None
            if profile:
                profile.enable()
            if call is None:
                elapsed = generate(reply_id)
            else:
                elapsed, result = call()
                reply_id = result if isinstance(result, str) else reply_id
            if profile:
                profile.disable()
            if run >= 5:  # the first few warm the caches
                samples[name].append(elapsed)
    for name, values in samples.items():
        print(f"{name} median: {statistics.median(values) * 1000:.2f} ms")
    if not args.no_profile:
        for name, profile in profiles.items():
            print(f"\n--- {name}: top 15 by cumulative time")
            pstats.Stats(profile).sort_stats("cumulative").print_stats(15)
    REDIS.stop()


if __name__ == "__main__":
    main()
