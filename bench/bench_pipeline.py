"""Pipeline overhead and time to first token against the running stack, with the floor measured in
the same run: a bare view writing two rows plus a bare Celery no-op round trip.

    .venv/bin/python bench/bench_pipeline.py [--messages 40] [--clients 1,8,32] [--web-processes 1]

Each level runs twice: sending then reading the reply's stream (two requests), and sending with
`"stream": true` (the reply in the send's own response). At one client the chat page's two ways to
send take turns with them too (bench/pages.py).
"""

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import cpu_seconds, print_table, summarize, write_json  # noqa: E402
from bench.pages import PageSession  # noqa: E402
from bench.stack import Stack  # noqa: E402


def new_branch(client) -> str:
    return client.post("/api/v1/conversations/", json={}).json()["active_branch"]


def send_and_wait(client, branch: str) -> tuple[float, float]:
    """Send one message, then read its reply's stream (two requests); return (seconds to the first
    token, seconds to `done`)."""
    started = time.perf_counter()
    response = client.post(f"/api/v1/branches/{branch}/messages/", json={"content": "hello"})
    response.raise_for_status()
    reply = response.json()["assistant_message"]["id"]
    with client.stream("GET", f"/api/v1/messages/{reply}/stream/") as stream:
        return read_to_done(stream, started)


def send_streamed(client, branch: str) -> tuple[float, float]:
    """Send one message with `"stream": true`: the reply comes back in the same response."""
    started = time.perf_counter()
    with client.stream("POST", f"/api/v1/branches/{branch}/messages/", json={"content": "hello", "stream": True}) as stream:
        stream.raise_for_status()
        return read_to_done(stream, started)


def read_to_done(stream, started: float) -> tuple[float, float]:
    first = None
    event = None
    for line in stream.iter_lines():
        if line.startswith("event: "):
            event = line[7:]
            if event == "token" and first is None:
                first = time.perf_counter() - started
        elif line.startswith("data: ") and event == "done":
            assert json.loads(line[6:])["status"] == "complete"
            break
    return first or 0.0, time.perf_counter() - started


# How a client reads the reply: a send then a GET of its stream, or the send's own streamed answer.
MODES = {"send + GET stream": send_and_wait, "streamed send": send_streamed}
# The chat page's sends, measured at one client only: what chat.js does now, and the form POST,
# redirect, page and stream it did before.
PAGE_MODES = {
    "page: POST, redirect, page, GET stream": PageSession.send_redirect_and_stream,
    "page: streamed send": PageSession.send_streamed,
}


def run_concurrently(clients: int, per_client: int, work) -> tuple[list, float]:
    results: list = []
    lock = threading.Lock()

    def worker():
        local = work(per_client)
        with lock:
            results.extend(local)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=40, help="messages per client")
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--web-processes", type=int, default=1, help="uvicorn --workers")
    args = parser.parse_args()
    levels = [int(n) for n in args.clients.split(",")]

    stack = Stack(worker_concurrency=1, web_processes=args.web_processes).start()
    os.environ.update({k: v for k, v in stack.env.items() if k in ("DJANGO_SETTINGS_MODULE", "REDIS_URL", "DATABASE_URL")})
    import django

    django.setup()
    from bench.tasks import noop

    pages = None
    try:
        pages = PageSession(stack.base_url, "bench", "bench-password-123")
        with stack.client() as client:
            branch = new_branch(client)
            for _ in range(5):  # warm up every path once
                send_and_wait(client, new_branch(client))
                send_streamed(client, new_branch(client))
                for send in PAGE_MODES.values():
                    pages.new_conversation(client)
                    send(pages, read_to_done)
                client.post(f"/bench/floor/?branch={branch}")
                noop.delay().get(timeout=30)

            def floor_post(own) -> float:
                started = time.perf_counter()
                own.post(f"/bench/floor/?branch={branch}").raise_for_status()
                return time.perf_counter() - started

            def noop_round_trip() -> float:
                started = time.perf_counter()
                noop.delay().get(timeout=30)
                return time.perf_counter() - started

            # The floor back to back, as earlier runs measured it...
            alone_http = [floor_post(client) for _ in range(args.messages * 2)]
            alone_celery = [noop_round_trip() for _ in range(args.messages * 2)]
            # ...and taking turns with every mode at one client, so that a machine that speeds up
            # or slows down part way (these are shared) moves floor and pipeline alike.
            floor_http, floor_celery = [], []
            serial: dict[str, list[tuple[float, float]]] = {mode: [] for mode in [*MODES, *PAGE_MODES]}
            branches = {}
            for i in range(args.messages * 2):
                floor_http.append(floor_post(client))
                floor_celery.append(noop_round_trip())
                for mode, send in MODES.items():
                    if i % 10 == 0:
                        branches[mode] = new_branch(client)
                    serial[mode].append(send(client, branches[mode]))
                # Both page modes send into one conversation of up to 20 messages, so both render
                # the same page.
                if i % 5 == 0:
                    pages.new_conversation(client)
                for mode, send in PAGE_MODES.items():
                    serial[mode].append(send(pages, read_to_done))
        count = 32 * args.messages
        started = time.perf_counter()
        for result in [noop.delay() for _ in range(count)]:
            result.get(timeout=120)
        noop_throughput = count / (time.perf_counter() - started)

        def floor_work(n: int) -> list[float]:
            with stack.client() as own:
                return [floor_post(own) for _ in range(n)]

        top_level = max(levels)
        floor_samples, floor_wall = run_concurrently(top_level, args.messages, floor_work)
        floor_http_throughput = len(floor_samples) / floor_wall

        def pipeline_work(send):
            def work(n: int) -> list[tuple[float, float]]:
                with stack.client() as own:
                    out = []
                    for i in range(n):
                        if i % 10 == 0:
                            branch_id = new_branch(own)
                        out.append(send(own, branch_id))
                    return out

            return work

        processes = {"web": stack.processes[1].pid, "worker": stack.processes[0].pid, "redis": stack.redis.process.pid}
        modes_out = {}
        for mode, send in MODES.items():
            levels_out = modes_out[mode] = {}
            for clients in levels:
                cpu_before = {name: cpu_seconds(pid) for name, pid in processes.items()}
                client_before = time.process_time()
                samples, wall = run_concurrently(clients, args.messages, pipeline_work(send))
                cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in processes.items()}
                cpu["bench client"] = time.process_time() - client_before
                levels_out[clients] = {
                    "latency": summarize([total for _, total in samples]),
                    "first_token": summarize([first for first, _ in samples]),
                    "throughput_per_s": len(samples) / wall,
                    # Where the time goes: CPU per reply in each process, and each one's share of a core.
                    "cpu_ms_per_reply": {name: 1000 * used / len(samples) for name, used in cpu.items()},
                    "cpu_utilisation": {name: used / wall for name, used in cpu.items()},
                }
    finally:
        if pages is not None:
            pages.close()
        stack.stop()

    http, celery = summarize(floor_http), summarize(floor_celery)
    floor_p50 = http["p50_ms"] + celery["p50_ms"]
    alone = {"http_two_rows": summarize(alone_http), "celery_roundtrip": summarize(alone_celery)}
    alone_p50 = alone["http_two_rows"]["p50_ms"] + alone["celery_roundtrip"]["p50_ms"]
    top, one = max(levels), min(levels)
    rows = [["floor: bare two-row POST, back to back", "", 1, alone["http_two_rows"]["p50_ms"], alone["http_two_rows"]["p99_ms"], "", ""],
            ["floor: Celery no-op delay().get(), back to back", "", 1, alone["celery_roundtrip"]["p50_ms"], alone["celery_roundtrip"]["p99_ms"], "", ""],
            ["floor: bare two-row POST, taking turns", "", 1, http["p50_ms"], http["p99_ms"], "", ""],
            ["floor: Celery no-op delay().get(), taking turns", "", 1, celery["p50_ms"], celery["p99_ms"], "", ""],
            ["floor: Celery no-op throughput", "", 32, "", "", noop_throughput, ""],
            ["floor: bare two-row POST throughput", "", top, "", "", floor_http_throughput, ""]]
    serial_out = {mode: {"latency": summarize([t for _, t in samples]), "first_token": summarize([f for f, _ in samples])}
                  for mode, samples in serial.items()}
    for mode, level in serial_out.items():
        rows.append(["send -> done, taking turns with the floor", mode, 1, level["latency"]["p50_ms"], level["latency"]["p99_ms"], "",
                     level["latency"]["p50_ms"] / floor_p50])
        rows.append(["send -> first token, taking turns", mode, 1, level["first_token"]["p50_ms"], level["first_token"]["p99_ms"], "",
                     level["first_token"]["p50_ms"] / floor_p50])
    for mode, levels_out in modes_out.items():
        for clients, level in levels_out.items():
            rows.append(["send -> done", mode, clients, level["latency"]["p50_ms"], level["latency"]["p99_ms"], level["throughput_per_s"],
                         level["latency"]["p50_ms"] / floor_p50])
            rows.append(["send -> first token", mode, clients, level["first_token"]["p50_ms"], level["first_token"]["p99_ms"], "",
                         level["first_token"]["p50_ms"] / floor_p50])
    print_table(f"Pipeline overhead (fixed 8-token reply, no provider latency, one worker process, {args.web_processes} web process(es))",
                ["measure", "reply read", "clients", "p50 ms", "p99 ms", "per s", "p50 / floor"], rows)
    print_table(
        "CPU per reply by process (ms), and its share of one core",
        ["reply read", "clients", *modes_out[next(iter(MODES))][one]["cpu_ms_per_reply"]],
        [[mode, clients, *(f"{level['cpu_ms_per_reply'][name]:.1f} ({100 * level['cpu_utilisation'][name]:.0f}%)" for name in level["cpu_ms_per_reply"])]
         for mode, levels_out in modes_out.items() for clients, level in levels_out.items()],
    )
    ratios = {}
    print(f"\nfloor p50 (two-row POST + Celery round trip): {floor_p50:.2f} ms taking turns, {alone_p50:.2f} ms back to back")
    print("p50 at 1 client / back-to-back floor: " + ", ".join(
        f"{mode} {serial_out[mode]['latency']['p50_ms'] / alone_p50:.2f} (first token {serial_out[mode]['first_token']['p50_ms'] / alone_p50:.2f})"
        for mode in MODES))
    for mode in serial_out:
        ratios[mode] = {
            "latency_p50_1_client_over_floor": serial_out[mode]["latency"]["p50_ms"] / floor_p50,
            "first_token_p50_1_client_over_floor": serial_out[mode]["first_token"]["p50_ms"] / floor_p50,
        }
        if mode in modes_out:
            level = modes_out[mode][top]
            ratios[mode][f"throughput_{top}_clients_over_noop"] = level["throughput_per_s"] / noop_throughput
            ratios[mode][f"throughput_{top}_clients_over_two_row_post"] = level["throughput_per_s"] / floor_http_throughput
        print(f"{mode}: " + ", ".join(f"{name} {value:.2f}" for name, value in ratios[mode].items()))
    path = write_json("pipeline" if args.web_processes == 1 else f"pipeline-web{args.web_processes}", {
        "floor": {
            "http_two_rows": http, "celery_roundtrip": celery, "celery_noop_throughput_per_s": noop_throughput,
            "http_two_rows_throughput_per_s": floor_http_throughput, "p50_ms": floor_p50,
            "back_to_back": {**alone, "p50_ms": alone_p50},
        },
        "one_client_taking_turns_with_the_floor": serial_out,
        "modes": modes_out,
        "ratios": ratios,
        "messages_per_client": args.messages,
        "web_processes": args.web_processes,
    })
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
