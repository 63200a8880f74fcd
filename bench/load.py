"""Load: simulated users for a fixed time against the running stack (ASGI server, Celery worker,
Redis, the local provider), mixing ordinary, abusive and at-risk conversations, edits and streams.

    .venv/bin/python bench/load.py [--users 50] [--seconds 60]

Reports requests, 5xx (must be 0), messages sent vs replies that reached a terminal state (must be
equal), ends vs expected ends, and send-to-done latency.
"""

import argparse
import collections
import json
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import print_table, summarize, write_json  # noqa: E402
from bench.stack import Stack  # noqa: E402

ORDINARY = ["What's a good name for a goldfish?", "How do I boil an egg?", "Tell me about lighthouses."]
ABUSE = ["you are a worthless piece of shit", "shut up you stupid fucking bot",
         "you're a useless idiot and i hate you", "fuck you, you pathetic moron"]
RISK = "i am going to kill myself tonight"


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: collections.Counter = collections.Counter()
        self.sent = self.terminal = self.ends = self.expected_ends = self.unexpected = 0
        self.latencies: list[float] = []

    def add(self, **counts) -> None:
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


class User:
    def __init__(self, stack: Stack, tally: Tally, deadline: float) -> None:
        self.client = stack.client()
        self.tally = tally
        self.deadline = deadline

    def request(self, method: str, url: str, **kwargs):
        response = self.client.request(method, url, **kwargs)
        with self.tally.lock:
            self.tally.statuses[response.status_code] += 1
        return response

    def send(self, branch: str, text: str) -> dict | None:
        started = time.perf_counter()
        response = self.request("POST", f"/api/v1/branches/{branch}/messages/", json={"content": text})
        if response.status_code != 202:
            return None
        self.tally.add(sent=1)
        return self.wait(response.json()["assistant_message"]["id"], started)

    def wait(self, reply_id: str, started: float) -> dict | None:
        done, event = None, None
        with self.client.stream("GET", f"/api/v1/messages/{reply_id}/stream/") as stream:
            with self.tally.lock:
                self.tally.statuses[stream.status_code] += 1
            for line in stream.iter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "done":
                    done = json.loads(line[6:])
                    break
        if done is not None:
            self.tally.add(terminal=1)
            with self.tally.lock:
                self.tally.latencies.append(time.perf_counter() - started)
        return done

    def new_branch(self) -> str:
        return self.request("POST", "/api/v1/conversations/", json={}).json()["active_branch"]

    def ordinary(self) -> None:
        branch = self.new_branch()
        for text in ORDINARY:
            self.send(branch, text)

    def abusive(self) -> None:
        branch = self.new_branch()
        self.tally.add(expected_ends=1)
        results = [self.send(branch, text) for text in ABUSE]
        if results[-1] and results[-1]["ended"]:
            self.tally.add(ends=1)
        refused = self.request("POST", f"/api/v1/branches/{branch}/messages/", json={"content": "hello?"})
        if refused.status_code != 409:
            self.tally.add(unexpected=1)
        first = self.request("GET", f"/api/v1/branches/{branch}/").json()["messages"][0]["id"]
        edited = self.request("POST", f"/api/v1/messages/{first}/edit/", json={"content": "Sorry, let's start over."})
        if edited.status_code == 201:
            self.tally.add(sent=1)
            self.wait(edited.json()["assistant_message"]["id"], time.perf_counter())

    def at_risk(self) -> None:
        branch = self.new_branch()
        results = [self.send(branch, text) for text in (*ABUSE[:3], RISK, ABUSE[3])]
        if any(r and r["ended"] for r in results):
            self.tally.add(unexpected=1)

    def run(self, offset: int) -> None:
        scenarios = [self.ordinary, self.abusive, self.at_risk]
        turn = offset
        with self.client:
            while time.monotonic() < self.deadline:
                scenarios[turn % 3]()
                turn += 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    # All simulated users share one account, so the per-user hourly conversation limit is lifted.
    stack = Stack(
        worker_concurrency=2,
        extra_env={"LLM_PROVIDER": "local", "LOCAL_TOKEN_DELAY_MS": "5", "MAX_CONVERSATIONS_PER_HOUR": "0"},
    ).start()
    tally = Tally()
    try:
        deadline = time.monotonic() + args.seconds
        threads = [threading.Thread(target=User(stack, tally, deadline).run, args=(n,)) for n in range(args.users)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - started
    finally:
        stack.stop()
    requests = sum(tally.statuses.values())
    errors = sum(count for status, count in tally.statuses.items() if status >= 500)
    latency = summarize(tally.latencies)
    print_table(
        f"Load: {args.users} users for {args.seconds:.0f} s (took {wall:.0f} s)",
        ["requests", "5xx", "sent", "terminal", "ends", "expected ends", "unexpected", "p50 ms", "p99 ms"],
        [[requests, errors, tally.sent, tally.terminal, tally.ends, tally.expected_ends, tally.unexpected,
          latency.get("p50_ms", 0.0), latency.get("p99_ms", 0.0)]],
    )
    print("status codes:", dict(sorted(tally.statuses.items())))
    path = write_json("load", {
        "users": args.users, "seconds": args.seconds, "wall_s": wall, "requests": requests, "errors_5xx": errors,
        "statuses": dict(tally.statuses), "messages_sent": tally.sent, "replies_terminal": tally.terminal,
        "ends": tally.ends, "expected_ends": tally.expected_ends, "unexpected": tally.unexpected, "send_to_done": latency,
    })
    print(f"wrote {path}")
    if errors or tally.sent != tally.terminal or tally.unexpected:
        sys.exit(1)


if __name__ == "__main__":
    main()
