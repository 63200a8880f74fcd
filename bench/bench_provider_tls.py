"""A reply's time to first token against the fake model APIs over TLS: a new SDK client per reply
(the code before issue 18: a new TLS context, connection and handshake every time) against the
client kept per process and base URL, taking turns, one of each per round.

    .venv/bin/python bench/bench_provider_tls.py --rounds 100

The fake APIs (tests/fakes/llm_server.py) answer at once, with a self-signed certificate made for
this run (openssl) and trusted through SSL_CERT_FILE, so what differs between the two ways is what
the client does before the first token arrives. Each reply runs through the pipeline in this
process (claim, assessment, transcript, provider call; SQLite and a throwaway Redis), timed from
just before the user's message is saved to the first token written to the reply's stream; the
Celery queue is left out, since it is the same for both. A real API adds its network round trips
to every new connection (TCP and TLS handshakes: two or three of them), which this loopback run
cannot show.
"""

import argparse
import os
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.env import setup_django  # noqa: E402
from bench.measure import print_table, summarize, write_json  # noqa: E402


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-tls-"))
    cert, key = self_signed_certificate(workdir)
    # The SDKs' HTTP client (httpx2) trusts the certificates in SSL_CERT_FILE.
    os.environ["SSL_CERT_FILE"] = str(cert)
    setup_django("provider_tls")

    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from django.contrib.auth import get_user_model

    from conversations import pipeline, services
    from conversations.providers import anthropic as anthropic_provider
    from conversations.providers import openai_compat
    from conversations.streams import ReplyStream
    from tests.support.conversations.providers.fake_llm_server import FakeLLMServer, anthropic_stream, openai_stream

    server = FakeLLMServer()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    server.start()
    os.environ["ANTHROPIC_BASE_URL"] = f"https://127.0.0.1:{server.port}"
    os.environ["ANTHROPIC_API_KEY"] = "sk-ant-bench"
    os.environ["OPENAI_BASE_URL"] = f"https://127.0.0.1:{server.port}/v1"
    os.environ["OPENAI_API_KEY"] = "sk-bench"

    # The first token each reply writes to its stream, timed.
    first_token: dict[str, float] = {}
    original_token = ReplyStream.token

    def timed_token(self, text):
        first_token.setdefault(self.key.removeprefix("chat:reply:"), time.perf_counter())
        return original_token(self, text)

    ReplyStream.token = timed_token
    user = get_user_model().objects.create_user("bench-tls", password="x")
    streams = {"anthropic": anthropic_stream, "openai": openai_stream}
    clients = {"anthropic": anthropic_provider._client, "openai": openai_compat._client}

    def reply(provider: str, new_client: bool) -> float:
        if new_client:
            # What every reply did before: a client of its own.
            clients[provider].cache_clear()
        server.queue(streams[provider](["Hello", " there,", " this", " is", " a", " short", " reply."]))
        conversation = services.conversation_create(user=user, provider=provider)
        started = time.perf_counter()
        _, message = services.message_send(user=user, branch_id=conversation.active_branch_id, content="Hello!")
        assert pipeline.generate(str(message.pk), retries_left=0) == "complete"
        return first_token[str(message.pk)] - started

    ways = {"new client per reply (before)": True, "client kept per process (after)": False}
    samples = {(provider, way): [] for provider in streams for way in ways}
    for provider in streams:
        reply(provider, True)  # warm-up: imports, the first migration-cold queries
        for _ in range(args.rounds):
            for way, new_client in ways.items():
                samples[(provider, way)].append(reply(provider, new_client))
    server.stop()

    rows, results = [], {}
    for (provider, way), values in samples.items():
        summary = summarize(values)
        results[f"{provider}: {way}"] = summary
        rows.append([provider, way, summary["n"], summary["p50_ms"], summary["p99_ms"], summary["mean_ms"]])
    print_table(
        f"Time to first token over TLS, fake API on 127.0.0.1, {args.rounds} rounds taking turns (ms)",
        ["provider", "client", "n", "p50", "p99", "mean"],
        rows,
    )
    for provider in streams:
        before = statistics.median(samples[(provider, "new client per reply (before)")])
        after = statistics.median(samples[(provider, "client kept per process (after)")])
        print(f"{provider}: median {before * 1000:.1f} ms -> {after * 1000:.1f} ms ({(before - after) * 1000:.1f} ms saved)")
    path = write_json("provider-tls", {"rounds": args.rounds, "results": results})
    print(f"\nwritten to {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
