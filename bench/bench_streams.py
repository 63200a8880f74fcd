"""500 open reply streams from 50 users on one web process: served, what they cost, and whether
someone else's reply still streams promptly beside them.

    .venv/bin/python bench/bench_streams.py [--users 50] [--per-user 10] [--rounds 3]

One web process (uvicorn, no --workers) and one Celery worker on a throwaway Redis and SQLite
(bench/stack.py). Each of the users has one reply that nobody generates (no task is queued), so
its streams stay open; each opens --per-user streams on it (MAX_STREAMS_PER_USER is raised to
that for the run; the default is 8). The heartbeat is 2 s, so within a few seconds every open
stream must have sent a keep-alive: proof that each is being served, not just accepted.

Measured, in turns with a floor taken in the same run (the same web process with no stream
open): the web process's resident memory, the Redis connections it holds, and the time for a
probe user to send a message and read its reply's stream to `done`. Writes
bench/results/streams.json.
"""

import argparse
import json
import socket
import statistics
import sys
import time
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import print_table, write_json  # noqa: E402
from bench.stack import Stack  # noqa: E402

HEARTBEAT = 2
SETUP = """
import json
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from conversations import services
from conversations.tasks import generate_reply
generate_reply.apply_async = lambda *args, **kwargs: None
out = []
for n in range({users}):
    user = User.objects.create_user(f"streamer{{n}}", password="bench-password-123")
    branch = services.conversation_create(user=user).active_branch_id
    reply = services.message_send(user=user, branch_id=branch, content="hold on")[1]
    out.append([Token.objects.create(user=user).key, str(reply.pk)])
print(json.dumps(out))
"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def redis_connections(url: str) -> int:
    """Connections to the stack's Redis other than this script's own."""
    return len(redis.Redis.from_url(url).client_list()) - 1


def open_streams(port: int, streamers: list[list[str]], per_user: int) -> list[socket.socket]:
    sockets = []
    for token, reply in streamers:
        request = (
            f"GET /api/v1/messages/{reply}/stream/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Token {token}\r\n\r\n"
        ).encode()
        for _ in range(per_user):
            sock = socket.create_connection(("127.0.0.1", port), timeout=30)
            sock.sendall(request)
            sockets.append(sock)
    for sock in sockets:
        head = sock.recv(65536)
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"a stream was refused: {head[:200]!r}")
    return sockets


def all_kept_alive(sockets: list[socket.socket]) -> int:
    """How many streams sent a keep-alive (or any event) within three heartbeats."""
    time.sleep(3 * HEARTBEAT)
    alive = 0
    for sock in sockets:
        sock.settimeout(5)
        data = sock.recv(65536)
        alive += b"keep-alive" in data or b"event:" in data
    return alive


def probe(stack: Stack) -> float:
    """Seconds from sending a message to the end of its reply's stream, for a user of its own."""
    with stack.client() as client:
        branch = client.post("/api/v1/conversations/", json={}).json()["active_branch"]
        started = time.perf_counter()
        with client.stream("POST", f"/api/v1/branches/{branch}/messages/", json={"content": "Hello", "stream": True}) as response:
            body = "".join(response.iter_text())
        if "event: done" not in body or "event: error" in body:
            raise RuntimeError(f"the probe's reply did not finish cleanly: {body[-300:]}")
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--per-user", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    env = {"MAX_STREAMS_PER_USER": str(args.per_user), "SSE_HEARTBEAT_SECONDS": str(HEARTBEAT)}
    stack = Stack(extra_env=env).start()
    try:
        streamers = json.loads(stack._run(sys.executable, "manage.py", "shell", "-c", SETUP.format(users=args.users)).strip().splitlines()[-1])
        web = stack.processes[1].pid
        for _ in range(5):
            probe(stack)  # warm every path
        rows, results = [], []
        for round_ in range(1, args.rounds + 1):
            floor = {"rss_mb": rss_mb(web), "redis_connections": redis_connections(stack.redis.url), "probe_s": probe(stack)}
            started = time.perf_counter()
            sockets = open_streams(stack.port, streamers, args.per_user)
            opened_s = time.perf_counter() - started
            try:
                alive = all_kept_alive(sockets)
                loaded = {
                    "rss_mb": rss_mb(web),
                    "redis_connections": redis_connections(stack.redis.url),
                    "probe_s": statistics.median(probe(stack) for _ in range(3)),
                }
            finally:
                for sock in sockets:
                    sock.close()
            time.sleep(2 * HEARTBEAT)  # their relays notice and end
            result = {"round": round_, "streams": len(sockets), "served": alive, "open_s": opened_s, "floor": floor, "loaded": loaded}
            results.append(result)
            rows.append([
                round_, len(sockets), alive, opened_s,
                floor["rss_mb"], loaded["rss_mb"], (loaded["rss_mb"] - floor["rss_mb"]) * 1024 / len(sockets),
                floor["redis_connections"], loaded["redis_connections"],
                floor["probe_s"] * 1000, loaded["probe_s"] * 1000,
            ])
        print_table(
            f"{args.users} users x {args.per_user} streams on one web process (heartbeat {HEARTBEAT} s)",
            ["round", "streams", "kept alive", "open s", "RSS MB floor", "RSS MB open", "KB/stream",
             "Redis conns floor", "Redis conns open", "probe ms floor", "probe ms open"],
            rows,
        )
        path = write_json("streams", {"users": args.users, "per_user": args.per_user, "heartbeat_s": HEARTBEAT, "rounds": results})
        print(f"\nwrote {path}")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
