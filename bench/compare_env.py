"""Two stacks that differ only in their environment, measured in turns: stack A, stack B, A, B...
for a setting's effect on the pipeline, where runs minutes apart differ by more than most changes.

    .venv/bin/python bench/compare_env.py --a DB_CONN_MAX_AGE=0 --b DB_CONN_MAX_AGE=600 [--rounds 2]

Each stack (bench/stack.py, with the variant's variables added) is measured the same way: at one
client the floor POST, a streamed send and a send then GET of its stream, taking turns; then the
floor POST's throughput and the streamed send's throughput, p50 and web CPU per reply at
--clients. Prints every round and the medians over rounds, with B / A; writes
bench/results/compare-env.json.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_pipeline import new_branch, run_concurrently, send_and_wait, send_streamed  # noqa: E402
from bench.measure import cpu_seconds, print_table, write_json  # noqa: E402
from bench.stack import Stack  # noqa: E402

MEASURES = [
    "1 client: floor POST ms",
    "1 client: streamed send ms",
    "1 client: send + GET stream ms",
    "N clients: floor POST /s",
    "N clients: streamed send /s",
    "N clients: streamed send p50 ms",
    "N clients: web CPU ms per reply",
]


def variables(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"expected NAME=value, got {pair!r}")
        out[name] = value
    return out


def measure(stack: Stack, messages: int, clients: int) -> dict[str, float]:
    with stack.client() as client:
        floor_branch = new_branch(client)
        for _ in range(10):  # warm every path
            send_streamed(client, new_branch(client))
            send_and_wait(client, new_branch(client))
            client.post(f"/bench/floor/?branch={floor_branch}")
        floor, streamed, two_requests = [], [], []
        for i in range(messages):
            if i % 10 == 0:
                streamed_branch, other_branch = new_branch(client), new_branch(client)
            started = time.perf_counter()
            client.post(f"/bench/floor/?branch={floor_branch}").raise_for_status()
            floor.append(time.perf_counter() - started)
            streamed.append(send_streamed(client, streamed_branch)[1])
            two_requests.append(send_and_wait(client, other_branch)[1])

    def floor_work(n: int) -> list[float]:
        with stack.client() as own:
            for _ in range(n):
                own.post(f"/bench/floor/?branch={floor_branch}").raise_for_status()
        return [0.0] * n

    def streamed_work(n: int) -> list[float]:
        with stack.client() as own:
            out = []
            for i in range(n):
                if i % 10 == 0:
                    branch = new_branch(own)
                out.append(send_streamed(own, branch)[1])
            return out

    per_client = max(1, messages // 2)
    floor_done, floor_wall = run_concurrently(clients, per_client, floor_work)
    web = stack.processes[1].pid
    web_before = cpu_seconds(web)
    sends, sends_wall = run_concurrently(clients, per_client, streamed_work)
    web_cpu = cpu_seconds(web) - web_before
    return dict(zip(MEASURES, [
        statistics.median(floor) * 1000,
        statistics.median(streamed) * 1000,
        statistics.median(two_requests) * 1000,
        len(floor_done) / floor_wall,
        len(sends) / sends_wall,
        statistics.median(sends) * 1000,
        web_cpu * 1000 / len(sends),
    ]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--a", nargs="*", default=[], metavar="NAME=value", help="stack A's variables")
    parser.add_argument("--b", nargs="*", default=[], metavar="NAME=value", help="stack B's variables")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--messages", type=int, default=60, help="sends per measure at one client")
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    variants = {"A": variables(args.a), "B": variables(args.b)}

    results: dict[str, list[dict[str, float]]] = {"A": [], "B": []}
    for _ in range(args.rounds):
        for name, extra in variants.items():
            stack = Stack(worker_concurrency=1, extra_env=extra).start()
            try:
                results[name].append(measure(stack, args.messages, args.clients))
            finally:
                stack.stop()

    medians = {name: {m: statistics.median(run[m] for run in runs) for m in MEASURES} for name, runs in results.items()}
    headers = ["measure", *(f"{name} round {i + 1}" for i in range(args.rounds) for name in variants), "A median", "B median", "B / A"]
    rows = [
        [measure_name.replace("N clients", f"{args.clients} clients"),
         *(results[name][i][measure_name] for i in range(args.rounds) for name in variants),
         medians["A"][measure_name], medians["B"][measure_name], medians["B"][measure_name] / medians["A"][measure_name]]
        for measure_name in MEASURES
    ]
    print_table(f"A: {' '.join(args.a) or '(as is)'}   B: {' '.join(args.b) or '(as is)'}", headers, rows)
    path = write_json("compare-env", {
        "variants": variants, "rounds": args.rounds, "messages": args.messages, "clients": args.clients,
        "runs": results, "medians": medians,
    })
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
