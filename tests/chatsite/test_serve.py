"""`python -m chatsite.serve`: uvicorn on uvloop, which turns Nagle's algorithm off on every
connection it accepts, also with `--workers` (where asyncio's loop left responses waiting about 40
ms for the client's delayed ACK, docs/benchmarks.md); and the server's limits."""

import os
import signal
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest

from chatsite import redis_clients
from tests.support import live
from tests.support.live import PYTHON, Process, free_port, wait_for_port


def serve(tmp_path, *args: str, **env: str) -> tuple[Process, int]:
    port = free_port()
    command = [PYTHON, "-m", "chatsite.serve", "tests.support.chatsite.loop_app:application", "--port", str(port), *args]
    process = Process(command, {**os.environ, **env}, tmp_path / "serve.log").start()
    wait_for_port(port, process)
    return process, port


def test_a_multi_process_server_runs_on_uvloop(tmp_path):
    process, port = serve(tmp_path, "--workers", "2")
    try:
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=10).text.strip() == "uvloop"
    finally:
        process.stop()


def test_another_loop_can_still_be_chosen(tmp_path):
    process, port = serve(tmp_path, UVICORN_LOOP="asyncio")
    try:
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=10).text.strip() == "asyncio"
    finally:
        process.stop()


# The server's limits, on a real `python -m chatsite.serve` with the environment variables set.


def raw_connection(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    return sock


def closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes this connection within `seconds` (reading whatever it sends)."""
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
        return True
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


@pytest.fixture
def web(tmp_path, transactional_db):
    """Start `python -m chatsite.serve` with the given environment; stopped after the test."""
    started = []

    def start(**env: str):
        port = live.free_port()
        started.append(live.start_web(tmp_path, port, **env))
        return port, started[-1]

    yield start
    for process in started:
        process.stop()


def test_a_connection_that_never_completes_its_headers_is_closed_after_the_header_timeout(web):
    port, _ = web(HEADER_TIMEOUT_SECONDS="1")
    silent = raw_connection(port)
    trickling = raw_connection(port)
    trickling.sendall(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    started = time.monotonic()
    for _ in range(4):
        # A byte now and then used to cancel uvicorn's only timer for good.
        time.sleep(0.4)
        try:
            trickling.sendall(b"X")
        except OSError:
            break
    assert closed_within(trickling, 3) and time.monotonic() - started < 4
    assert closed_within(silent, 3)
    # A complete request on a fresh connection is answered as usual.
    assert httpx.get(f"http://127.0.0.1:{port}/livez", timeout=10).status_code == 200


def test_with_the_header_deadline_patch_off_uvicorn_serves_as_it_does_by_itself(web):
    """PATCH_HTTP_HEADER_DEADLINE=false: uvicorn's own protocol, which leaves a silent connection
    open (the fault the patch fixes), and serves requests as usual."""
    port, _ = web(HEADER_TIMEOUT_SECONDS="1", PATCH_HTTP_HEADER_DEADLINE="false")
    silent = raw_connection(port)
    assert not closed_within(silent, 2.5)
    assert httpx.get(f"http://127.0.0.1:{port}/livez", timeout=10).status_code == 200


def test_an_idle_keep_alive_connection_is_closed_after_the_keep_alive_timeout(web):
    port, _ = web(KEEP_ALIVE_TIMEOUT_SECONDS="1", HEADER_TIMEOUT_SECONDS="30")
    sock = raw_connection(port)
    sock.sendall(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert b"200 OK" in sock.recv(4096)
    started = time.monotonic()
    assert closed_within(sock, 5)
    assert 0.5 < time.monotonic() - started < 3


def test_forwarding_headers_are_ignored_unless_the_proxy_is_trusted(web):
    """The client address the rate limits count: the connection's, whatever X-Forwarded-For says,
    unless the connection comes from TRUSTED_PROXIES. (Rate limits against a rotating header on
    the whole stack: tests/security/test_abuse.py.)"""
    from django.core.cache import cache

    def counted() -> list[str]:
        idents = ("127.0.0.1", "203.0.113.7")
        return [ident for ident in idents if redis_clients.client().exists(cache.make_key(f"throttle_auth_{ident}"))]

    for env, expected in (({}, ["127.0.0.1"]), ({"TRUSTED_PROXIES": "127.0.0.1/32"}, ["203.0.113.7"])):
        port, process = web(THROTTLE_AUTH="1000/min", **env)
        cache.delete_many(["throttle_auth_127.0.0.1", "throttle_auth_203.0.113.7"])
        response = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/auth/token/",
            json={"username": "nobody", "password": "wrong"},
            headers={"X-Forwarded-For": "203.0.113.7"},
            timeout=10,
        )
        assert response.status_code == 400
        assert counted() == expected, env
        process.stop()


@contextmanager
def database_write_lock():
    """Hold the database's write lock from outside the app, so that a request writing to it waits
    (SQLite's busy timeout, PostgreSQL's lock_timeout) in its request thread."""
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    else:
        import psycopg

        holder = psycopg.connect(live.test_database_url())
        # EXCLUSIVE lets reads through (the streams below) and holds every write.
        holder.execute("LOCK TABLE conversations_message IN EXCLUSIVE MODE")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


def test_sigterm_stops_the_web_process_within_the_graceful_timeout_with_requests_stuck_and_streams_open(web, owner):
    from conversations import services
    from tests.support.accounts import token_for

    port, process = web(GRACEFUL_SHUTDOWN_SECONDS="2", DB_LOCK_TIMEOUT_SECONDS="60")
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Token {token_for(owner)}"}
    # Open streams on replies no worker will answer (this web process has none).
    conversation = services.conversation_create(user=owner)
    _, reply = services.message_send(user=owner, branch_id=conversation.active_branch_id, content="hold on")
    branches = [services.conversation_create(user=owner).active_branch_id for _ in range(4)]
    clients = []
    with database_write_lock():
        for _ in range(20):
            client = httpx.Client(base_url=base, headers=headers, timeout=30)
            clients.append(client)
            client.send(client.build_request("GET", f"/api/v1/messages/{reply.pk}/stream/"), stream=True)
        # Sends wait for the database's write lock in their request threads.
        pool = ThreadPoolExecutor(max_workers=len(branches))
        stuck = [
            pool.submit(httpx.post, f"{base}/api/v1/branches/{branch}/messages/", json={"content": "x"}, headers=headers, timeout=60)
            for branch in branches
        ]
        time.sleep(1)
        assert not any(future.done() for future in stuck), "the sends are waiting on the lock"
        started = time.monotonic()
        process.proc.send_signal(signal.SIGTERM)
        process.proc.wait(timeout=15)
        elapsed = time.monotonic() - started
    pool.shutdown(wait=True, cancel_futures=True)
    for client in clients:
        client.close()
    assert elapsed < 2 + 1.5, f"SIGTERM took {elapsed:.1f}s"
