"""How the encoder batches a branch's windows: by count (the old rule) against a budget of padded
word pieces (`encoder.batches`, BATCH_TOKENS), in turns, on one core.

    .venv/bin/python bench/bench_encoder_batching.py [--branches 60] [--rounds 3]

Random 20-turn branches of dev texts, as the end-time review sees them when no turn's record can
be read: each branch's windows are embedded by every rule in turn, round by round, and each rule's
vectors are checked against the shipped rule's. The VM's speed moves between runs a minute apart,
so only the figures of one run are compared with each other.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chatsite.settings")

import django  # noqa: E402

django.setup()

from bench.measure import print_table, write_json  # noqa: E402
from moderation.classifiers import encoder  # noqa: E402
from moderation.training import examples  # noqa: E402

SHIPPED = encoder.batches


def by_count(size: int):
    def rule(windows: list[encoder.Window]) -> list[list[int]]:
        order = sorted(range(len(windows)), key=lambda i: len(windows[i].ids))
        return [order[first : first + size] for first in range(0, len(order), size)]

    return rule


def by_tokens(budget: int):
    return lambda windows: SHIPPED(windows, budget)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--branches", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    model = encoder.get_encoder()
    texts = [e.text for e in examples.load_examples("all") if not e.written]
    random.Random(3).shuffle(texts)
    texts = texts[:600]
    rng = random.Random(7)
    branches = [[w for text in rng.sample(texts, 20) for w in model.windows(text)] for _ in range(args.branches)]
    rules = {"8 windows (before)": by_count(8), "64 pieces": by_tokens(64), "96 pieces (shipped)": by_tokens(96), "128 pieces": by_tokens(128)}
    times: dict[str, list[float]] = {name: [] for name in rules}
    try:
        for _ in range(args.rounds):
            for windows in branches:
                reference = model.embed_windows(windows)
                for name, rule in rules.items():
                    encoder.batches = rule
                    started = time.perf_counter()
                    vectors = model.embed_windows(windows)
                    times[name].append((time.perf_counter() - started) * 1000)
                    encoder.batches = SHIPPED
                    assert np.allclose(vectors, reference, atol=1e-5), name
    finally:
        encoder.batches = SHIPPED
    results = {
        name: {
            "median_ms": round(statistics.median(v), 1),
            "p90_ms": round(float(np.percentile(v, 90)), 1),
            "max_ms": round(max(v), 1),
        }
        for name, v in times.items()
    }
    print_table(
        f"Encoder passes for a 20-turn branch, {args.branches} branches x {args.rounds} rounds, rules in turns, one core (ms)",
        ["batches of", "median", "p90", "max"],
        [[name, r["median_ms"], r["p90_ms"], r["max_ms"]] for name, r in results.items()],
    )
    print(f"wrote {write_json('encoder_batching', {'branches': args.branches, 'rounds': args.rounds, 'rules': results})}")


if __name__ == "__main__":
    main()
