"""The moderation budget on one core: per-message latency, the end-time review, worker memory.

    .venv/bin/python bench/bench_moderation.py [--rounds 3] [--messages 600]

Targets (issue 15): per-message assessment p95 <= 20 ms; end-time review of a 20-turn branch
<= 150 ms (model call excluded); a worker's resident memory with the model loaded <= 600 MB.

- **Per message**: dev-split texts assessed one at a time, as the reply pipeline does, each with
  the shipped model's score cache cleared first (a cached score would hide the encoder), timed
  per call. Measured in the same run and in turns with it (round by round, each candidate once
  per round): `str.lower` (the floor: nothing), the sentence encoder alone (the model's share
  is the difference), and the shipped model without its flag model (`MODERATION_FINE_TUNED_FLAGS`
  off: the flag model's share is the difference).
- **End-time review**: `moderation.risk_review.end_review` over 20-turn branches of dev texts, cold
  (cache cleared, no record from this model: every turn goes through the encoder, the worst case:
  turns assessed before the model was retrained), from the records (cache cleared, every turn's
  stored assessment made by this model when it was sent, alone or beside an external backend: a
  worker that never saw the texts, the usual case) and warm (the process scored the turns itself).
- **The model's question** (a real provider's end-time check, one per end): its size for the
  same 20-turn branches, in characters and in the pipeline's token estimate (plus the system
  prompt; the answer is at most 16 tokens), and the time the real Anthropic client takes for it
  against the fake Messages API on loopback, which answers at once: the app's own share of the
  call. A real model adds its time to read the question and write one word.
- **Long messages**: one message of dev texts joined to 2,000, 4,000, 8,000, 16,000 and 32,000
  characters (the longest the app takes), assessed cold, beside the encoder alone over every
  window of the whole text (what reading all of it would cost at least; the shipped scorer reads
  a message longer than 8,001 characters in its first and last 4,000: `encoder.readable`), and
  beside the scorer with the message's middle read too (`builtin.assess_middles`), what
  `assessment.assess_message` does for a user's first RISK_MIDDLE_READS_PER_MINUTE long messages a
  minute.
- **A long message at the end-time review**: a 20-turn branch from the records (as above), one
  of whose turns is a message of dev texts joined to 16,000 or 32,000 characters, or two of them
  32,000 each (the most `RISK_REVIEW_MAX_CHARS` lets one end read); the review reads each long
  message's middle, which was not read when it was sent (`builtin.assess_middles`). Beside it, in
  turns, the same branch with each long message cut to 8,001 characters (read whole when sent:
  nothing left to read, the floor).
- **Hostile text**: the readings' own work (`readings.reading`: the plain words, with `disguises`,
  and the other person's side, `others`; the phrases of other languages, `languages`; and
  `sentences.pieces`), encoder excluded, on 8,001 characters built to make regular expressions
  backtrack (one letter repeated, letters and digits, letters and stars, look-alike letters,
  spaced letters, pronouns, people as subjects), worst of the rounds, beside `str.lower` on the same texts (the floor).
- **Memory**: a fresh Celery worker process (`celery worker --concurrency 1`, the way production
  runs them) is started; its child's resident set is read from /proc once it has loaded the
  model and the encoder (the `worker_process_init` warm-up), beside a child started with the
  warm-up switched off (a worker without the model), and one with the flag model off (one
  encoder).
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chatsite.settings")

import django  # noqa: E402

django.setup()

from bench.measure import print_table, write_json  # noqa: E402
from moderation import assessment, risk_review, site_policy  # noqa: E402
from moderation.classifiers import builtin, encoder  # noqa: E402
from moderation.training import examples  # noqa: E402

TARGET_P95_MS = 20.0
TARGET_REVIEW_MS = 150.0
TARGET_RSS_MB = 600.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def cold_builtin(text: str):
    builtin.clear_cache()
    return builtin.assess(text)


def per_message(texts: list[str], rounds: int) -> dict[str, list[float]]:
    """Milliseconds per call, every candidate once per round on the same texts, in turns."""
    encode = encoder.get_encoder().embed
    shipped = builtin.get_model()
    candidates = {
        "str.lower (floor)": str.lower,
        "encoder alone": lambda text: encode([text]),
        "builtin, flag model off": lambda text: builtin.assess(text, shipped),  # uncached, one model
        "builtin": cold_builtin,
    }
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, function in candidates.items():
            for text in texts:
                started = time.perf_counter()
                function(text)
                times[name].append((time.perf_counter() - started) * 1000)
    return times


def review_times(texts: list[str], rounds: int, turns: int = 20) -> dict[str, list[float]]:
    rng = random.Random(7)
    result: dict[str, list[float]] = {"cold": [], "warm": [], "records": []}
    for _ in range(rounds):
        for _ in range(5):
            branch = rng.sample(texts, turns)
            stored = [assessment.assess_text(text).to_dict() for text in branch]  # as when each was sent
            policy_turns = [site_policy.policy_turn(assessment=a, reply_kind="redirect") for a in stored]
            for mode in ("cold", "warm", "records"):  # cold fills the cache that warm reads
                if mode != "warm":
                    builtin.clear_cache()
                records = stored if mode == "records" else None
                started = time.perf_counter()
                risk_review.end_review(turns=policy_turns, user_texts=branch, assessments=records)
                result[mode].append((time.perf_counter() - started) * 1000)
    return result


LONG_MESSAGE_CHARS = (2000, 4000, 8000, 16000, 32000)


def long_messages(texts: list[str], rounds: int) -> dict[str, dict[str, float]]:
    """Median milliseconds per long message, by length: the shipped scorer, and the encoder alone
    over every window of the whole text, in turns."""
    joined = " ".join(texts)
    encode = encoder.get_encoder()
    result: dict[str, dict[str, float]] = {}
    for chars in LONG_MESSAGE_CHARS:
        text = joined[:chars]
        times: dict[str, list[float]] = {"builtin": [], "with the middle": [], "encoder, whole text": []}
        for _ in range(rounds):
            started = time.perf_counter()
            cold_builtin(text)
            times["builtin"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            cold_builtin(text)
            builtin.assess_middles([text])
            times["with the middle"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            pieces = [text[at : at + encoder.HEAD_CHARS] for at in range(0, len(text), encoder.HEAD_CHARS)]
            encode.embed(pieces)
            times["encoder, whole text"].append((time.perf_counter() - started) * 1000)
        result[str(chars)] = {name: round(statistics.median(values), 1) for name, values in times.items()}
    return result


def long_reviews(texts: list[str], pool: list[str], rounds: int, turns: int = 20) -> dict[str, dict[str, float]]:
    """Median milliseconds of the end-time review from the records, cold, of a branch of `texts`
    holding long messages joined from `pool`, and of the same branch with them cut to MAX_CHARS
    (the floor), in turns."""
    rng = random.Random(11)
    shuffled = pool[:]
    result: dict[str, dict[str, float]] = {}
    for name, lengths in (("one of 16,000", (16000,)), ("one of 32,000", (32000,)), ("two of 32,000", (32000, 32000))):
        times: dict[str, list[float]] = {"cut to 8,001 (floor)": [], "read whole": []}
        for _ in range(rounds):
            rng.shuffle(shuffled)  # a fresh long text each round: the cache holds none of its pieces
            joined = " ".join(shuffled)
            longs = [joined[sum(lengths[:i]) : sum(lengths[: i + 1])] for i in range(len(lengths))]
            assert [len(text) for text in longs] == list(lengths)
            branch = rng.sample(texts, turns - len(longs)) + longs
            for mode, user_texts in (("cut to 8,001 (floor)", [t[: encoder.MAX_CHARS] for t in branch]), ("read whole", branch)):
                stored = [assessment.assess_text(text).to_dict() for text in user_texts]
                policy_turns = [site_policy.policy_turn(assessment=a, reply_kind="redirect") for a in stored]
                builtin.clear_cache()
                started = time.perf_counter()
                review = risk_review.end_review(turns=policy_turns, user_texts=user_texts, assessments=stored)
                times[mode].append((time.perf_counter() - started) * 1000)
                assert not review.failed
        result[name] = {mode: round(statistics.median(values), 1) for mode, values in times.items()}
    return result


HOSTILE_TEXTS = {
    "one letter": "a" * 8001,
    "letter, digit": "a1" * 4000,
    "letter, star": "a*" * 4000,
    "look-alike letters": "a\u0430" * 4000,
    "spaced letters": "k i " * 2000,
    "held-down letters": "aaaa! " * 1333,
    "split words": "ab-" * 2667,
    "pronouns": ("she he they me " * 534)[:8001],
    "people as subjects": ("my best friend my " * 445)[:8001],
    "foreign phrases": ("ich mich mir werde wil mezelf " * 267)[:8001],
}


def hostile_texts(rounds: int) -> dict[str, dict[str, float]]:
    """Worst milliseconds per hostile text: the floor, and the readings' own work."""
    from moderation.classifiers import languages, readings, sentences

    result: dict[str, dict[str, float]] = {}
    for name, text in HOSTILE_TEXTS.items():
        times: dict[str, list[float]] = {"str.lower (floor)": [], "readings + pieces": []}
        for _ in range(rounds):
            for label, work in (("str.lower (floor)", str.lower), ("readings + pieces", lambda t: (readings.reading(t), languages.risk_said(t), sentences.pieces(t)))):
                started = time.perf_counter()
                work(text)
                times[label].append((time.perf_counter() - started) * 1000)
        result[name] = {label: round(max(values), 2) for label, values in times.items()}
    return result


def model_question(texts: list[str], rounds: int, turns: int = 20) -> dict:
    """The size of the end-time question over 20-turn branches, and the Anthropic client's own
    time for it against the fake API (see the module docstring)."""
    from conversations.pipeline import estimate_tokens
    from conversations.providers.anthropic import AnthropicProvider
    from tests.support.conversations.providers.fake_llm_server import FakeLLMServer, anthropic_message

    rng = random.Random(11)
    questions = [risk_review.risk_question(rng.sample(texts, turns)) for _ in range(5 * rounds)]
    system_tokens = estimate_tokens(risk_review.RISK_QUESTION_SYSTEM)
    tokens = [estimate_tokens(question) + system_tokens for question in questions]
    server = FakeLLMServer()
    # The fake answers in two writes (headers, body); with Nagle's algorithm on, the second waits
    # for the client's delayed ACK (about 40 ms), which would be the fake's cost, not the app's.
    server.httpd.RequestHandlerClass.disable_nagle_algorithm = True
    server.start()
    logging.getLogger("httpx2").setLevel(logging.WARNING)
    os.environ["ANTHROPIC_BASE_URL"] = server.anthropic_url
    os.environ.setdefault("ANTHROPIC_API_KEY", "bench")
    provider = AnthropicProvider()
    times = []
    try:
        for i, question in enumerate([questions[0], *questions]):
            server.queue(anthropic_message("no"))
            started = time.perf_counter()
            assert provider.ask(risk_review.RISK_QUESTION_SYSTEM, question, model="claude-test-1", timeout=10) == "no"
            if i:  # the first call opens the connection; a worker's client keeps it
                times.append((time.perf_counter() - started) * 1000)
    finally:
        server.stop()
    return {
        "input_chars_median": int(statistics.median(len(q) for q in questions)),
        "input_tokens_median": int(statistics.median(tokens)),
        "input_tokens_max": max(tokens),
        "output_tokens_max": 16,
        "client_ms_median": round(statistics.median(times), 1),
        "client_ms_max": round(max(times), 1),
        "calls": len(times),
    }


def worker_rss(warm: bool, flags: bool = True) -> float:
    """Resident MB of a Celery worker's pool process, with or without the model warm-up, and with
    or without the flag model."""
    from scripts.redis_server import start_redis

    redis_server = start_redis()
    env = {
        **os.environ,
        "REDIS_URL": redis_server.url,
        "MODERATION_WARM_UP": "true" if warm else "false",
        "MODERATION_FINE_TUNED_FLAGS": "true" if flags else "false",
    }
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "worker.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "chatsite", "worker", "--concurrency", "1", "-l", "info", "--without-mingle", "--without-gossip"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + 120
            while "ready." not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.5)
            time.sleep(2)  # the child's warm-up runs at its start, before it takes a task
            children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
            rss_kb = max(int(Path(f"/proc/{child}/status").read_text().split("VmRSS:")[1].split()[0]) for child in children)
        finally:
            process.terminate()
            process.wait(30)
            redis_server.stop()
    return rss_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--messages", type=int, default=600)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as promised
    texts = [e.text for e in examples.load_examples("all") if not e.written]
    random.Random(3).shuffle(texts)
    pool, texts = texts, texts[: args.messages]
    started = time.perf_counter()
    builtin.warm_up()
    load_seconds = time.perf_counter() - started

    times = per_message(texts, args.rounds)
    rows, per_message_results = [], {}
    for name, values in times.items():
        summary = {
            "p50_ms": round(percentile(values, 50), 3),
            "p95_ms": round(percentile(values, 95), 3),
            "p99_ms": round(percentile(values, 99), 3),
            "mean_ms": round(statistics.fmean(values), 3),
        }
        per_message_results[name] = summary
        rows.append([name, f"{summary['p50_ms']:.2f}", f"{summary['p95_ms']:.2f}", f"{summary['p99_ms']:.2f}", f"{summary['mean_ms']:.2f}"])
    print_table(
        f"Assessment of one message, {len(texts)} dev texts x {args.rounds} rounds, candidates in turns, one core (ms)",
        ["backend", "p50", "p95", "p99", "mean"],
        rows,
    )

    reviews = review_times(texts, args.rounds)
    review_results = {
        mode: {"median_ms": round(statistics.median(v), 1), "max_ms": round(max(v), 1), "runs": len(v)} for mode, v in reviews.items()
    }
    print_table(
        "End-time review of a 20-turn branch, encoder only (ms)",
        ["turns scored", "median", "max", "runs"],
        [[mode, f"{r['median_ms']:.1f}", f"{r['max_ms']:.1f}", r["runs"]] for mode, r in review_results.items()],
    )

    long = long_messages(texts, args.rounds)
    print_table(
        "One long message, cold, median of the rounds (ms)",
        ["characters", "builtin", "builtin and the middle (as sent, within the budget)", "encoder alone over the whole text"],
        [
            [f"{int(chars):,}", f"{r['builtin']:.0f}", f"{r['with the middle']:.0f}", f"{r['encoder, whole text']:.0f}"]
            for chars, r in long.items()
        ],
    )

    long_review = long_reviews(texts, pool, args.rounds)
    print_table(
        "End-time review from the records, cold, of a 20-turn branch holding long messages, median of the rounds (ms)",
        ["long messages", "cut to 8,001 (floor)", "read whole"],
        [[name, f"{r['cut to 8,001 (floor)']:.0f}", f"{r['read whole']:.0f}"] for name, r in long_review.items()],
    )

    hostile = hostile_texts(args.rounds)
    print_table(
        "Hostile text of 8,001 characters, the readings' own work, encoder excluded, worst of the rounds (ms)",
        ["text", "str.lower (floor)", "readings + pieces"],
        [[name, f"{r['str.lower (floor)']:.2f}", f"{r['readings + pieces']:.2f}"] for name, r in hostile.items()],
    )

    question = model_question(texts, args.rounds)
    print(
        f"\nThe model's yes/no question per end, 20 turns: about {question['input_tokens_median']} tokens in "
        f"(max {question['input_tokens_max']}), at most {question['output_tokens_max']} out; the Anthropic client's own time "
        f"against the fake API {question['client_ms_median']:.1f} ms median, {question['client_ms_max']:.1f} ms max"
    )

    memory = {
        "with_model_mb": round(worker_rss(True), 1),
        "flag_model_off_mb": round(worker_rss(True, flags=False), 1),
        "without_model_mb": round(worker_rss(False), 1),
    }
    print(
        f"\nCelery pool process, resident: {memory['with_model_mb']:.0f} MB with the models loaded, "
        f"{memory['flag_model_off_mb']:.0f} MB with the flag model off, {memory['without_model_mb']:.0f} MB without either"
    )
    p95 = per_message_results["builtin"]["p95_ms"]
    review, from_records = review_results["cold"]["max_ms"], review_results["records"]["max_ms"]
    print(
        f"\nbuiltin p95 {p95:.1f} ms (target <= {TARGET_P95_MS:g}); 20-turn review, worst run: {review:.0f} ms cold, "
        f"{from_records:.0f} ms from this model's records (target <= {TARGET_REVIEW_MS:g}); worker {memory['with_model_mb']:.0f} MB (target <= {TARGET_RSS_MB:g}); "
        f"load {load_seconds:.2f} s; load average {os.getloadavg()[0]:.1f}"
    )
    path = write_json(
        "moderation",
        {
            "texts": len(texts),
            "rounds": args.rounds,
            "per_message": per_message_results,
            "end_time_review_20_turns": review_results,
            "model_question_20_turns": question,
            "long_message_ms": long,
            "long_message_review_ms": long_review,
            "hostile_text_ms": hostile,
            "worker_memory": memory,
            "model_load_seconds": round(load_seconds, 2),
            "load_average": round(os.getloadavg()[0], 2),
            "targets": {"p95_ms": TARGET_P95_MS, "review_ms": TARGET_REVIEW_MS, "rss_mb": TARGET_RSS_MB},
            "meets_targets": p95 <= TARGET_P95_MS and review <= TARGET_REVIEW_MS and memory["with_model_mb"] <= TARGET_RSS_MB,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
