"""bench/bench_pipeline.py on two commits, in turns: A, B, A, B... for a change's effect on the
pipeline, where runs minutes apart on a shared machine differ by more than most changes.

    .venv/bin/python bench/compare_commits.py --a 9112396 --b HEAD [--rounds 3] [--clients 1,8] [--messages 20]

Each commit is checked out once into a temporary git worktree; bench_pipeline.py runs there with
this interpreter (the same installed packages) and its own stack, and its
bench/results/pipeline.json is read after each run. Prints every round and the medians over
rounds, with B / A; writes bench/results/compare-commits.json here.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import print_table, write_json  # noqa: E402

MODES = ("send + GET stream", "streamed send")


def measures(result: dict) -> dict[str, float]:
    """The figures compared, from one bench_pipeline.py result."""
    out = {"floor p50 ms (POST + Celery round trip, taking turns)": result["floor"]["p50_ms"]}
    for mode in MODES:
        serial = result["one_client_taking_turns_with_the_floor"][mode]
        out[f"1 client: {mode} p50 ms"] = serial["latency"]["p50_ms"]
        out[f"1 client: {mode} first token p50 ms"] = serial["first_token"]["p50_ms"]
        out[f"1 client: {mode} p50 / floor"] = serial["latency"]["p50_ms"] / result["floor"]["p50_ms"]
        levels = result["modes"][mode]
        top = max(levels, key=int)
        out[f"{top} clients: {mode} replies/s"] = levels[top]["throughput_per_s"]
        out[f"{top} clients: {mode} p50 ms"] = levels[top]["latency"]["p50_ms"]
        out[f"{top} clients: {mode} web CPU ms/reply"] = levels[top]["cpu_ms_per_reply"]["web"]
        out[f"{top} clients: {mode} worker CPU ms/reply"] = levels[top]["cpu_ms_per_reply"]["worker"]
    return out


def checkout(ref: str) -> tuple[Path, str]:
    commit = subprocess.run(["git", "rev-parse", ref], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    path = Path(tempfile.mkdtemp(prefix=f"bench-{commit[:7]}-"))
    subprocess.run(["git", "worktree", "add", "--detach", str(path), commit], cwd=ROOT, check=True, capture_output=True)
    return path, commit


def run(tree: Path, args: argparse.Namespace) -> dict:
    subprocess.run(
        [sys.executable, "bench/bench_pipeline.py", "--clients", args.clients, "--messages", str(args.messages)],
        cwd=tree, check=True, stdout=subprocess.DEVNULL,
    )
    return json.loads((tree / "bench" / "results" / "pipeline.json").read_text())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--a", required=True, help="the commit before")
    parser.add_argument("--b", default="HEAD", help="the commit after")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", default="1,8")
    parser.add_argument("--messages", type=int, default=20)
    args = parser.parse_args()

    trees = {"A": checkout(args.a), "B": checkout(args.b)}
    rounds: dict[str, list[dict]] = {"A": [], "B": []}
    try:
        for number in range(1, args.rounds + 1):
            for name, (tree, commit) in trees.items():
                rounds[name].append(measures(run(tree, args)))
                print(f"round {number} {name} ({commit[:7]}) done", flush=True)
    finally:
        for tree, _ in trees.values():
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False, capture_output=True)
            shutil.rmtree(tree, ignore_errors=True)

    names = list(rounds["A"][0])
    medians = {side: {name: statistics.median(r[name] for r in rounds[side]) for name in names} for side in rounds}
    print_table(
        f"A {trees['A'][1][:7]} against B {trees['B'][1][:7]}, {args.rounds} rounds in turns (medians)",
        ["measure", "A", "B", "B / A", *(f"round {i} A | B" for i in range(1, args.rounds + 1))],
        [
            [name, medians["A"][name], medians["B"][name], medians["B"][name] / medians["A"][name],
             *(f"{rounds['A'][i][name]:.2f} | {rounds['B'][i][name]:.2f}" for i in range(args.rounds))]
            for name in names
        ],
    )
    path = write_json("compare-commits", {
        "a": trees["A"][1], "b": trees["B"][1], "clients": args.clients, "messages_per_client": args.messages,
        "rounds": rounds, "medians": medians,
    })
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
