"""Hostile traffic against the live stack: one client must never take the service down, and the
limits hold. Each attack runs against a real uvicorn (`python -m chatsite.serve`) with the
production defaults for its limits, the suite's Celery worker, Redis and database, and each loop
is bounded both in count and in time. The limits themselves: docs/security.md."""

import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.core.cache import cache

from chatsite import redis_clients
from tests.support import live
from tests.support.accounts import token_for

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"
# The production defaults these tests meet (chatsite/settings/); the rest of the suite runs
# with roomy limits (tests/plugin_services.py).
LIMITS = {
    "THROTTLE_AUTH": "10/min",
    "THROTTLE_SIGNUP": "10/hour",
    "THROTTLE_LOGIN_FAILURES": "10/hour",
    "THROTTLE_MESSAGES": "30/min",
    "THROTTLE_CONVERSATIONS": "20/min",
}


@pytest.fixture(scope="module")
def hostile(live_stack, django_db_blocker, tmp_path_factory):
    """A web process of its own with the default limits, beside the session's worker."""
    port = live.free_port()
    with django_db_blocker.unblock():
        web = live.start_web(tmp_path_factory.mktemp("abuse"), port, **LIMITS)
    yield f"http://127.0.0.1:{port}"
    web.stop()


@pytest.fixture(autouse=True)
def fresh_counters():
    """Every rate-limit counter starts empty: all of these clients are 127.0.0.1."""
    client = redis_clients.client()
    for key in client.scan_iter(match=cache.make_key("throttle_*"), count=1000):
        client.delete(key)
    yield


def within(seconds: float):
    """A deadline for a bounded loop: call it each round; it fails the test once time is up."""
    deadline = time.monotonic() + seconds

    def check() -> None:
        assert time.monotonic() < deadline, f"the attack loop ran past its {seconds}s budget"

    return check


def test_a_flood_of_health_probes_leaves_sends_answering_within_a_second(hostile, owner):
    probes = ["/healthz", "/readyz", "/livez"] * 100
    budget = within(60)

    def probe(path: str) -> int:
        budget()
        try:
            return httpx.get(f"{hostile}{path}", timeout=15).status_code
        except httpx.HTTPError:
            return 0

    with ThreadPoolExecutor(max_workers=100) as flood:
        statuses = list(flood.map(probe, probes))
    assert statuses.count(200) == len(probes), {status: statuses.count(status) for status in set(statuses)}

    with httpx.Client(base_url=hostile, headers={"Authorization": f"Token {token_for(owner)}"}, timeout=30) as client:
        branch = live.new_branch(client)
        started = time.monotonic()
        sent = client.post(f"/api/v1/branches/{branch}/messages/", json={"content": "Hello after the flood"})
        elapsed = time.monotonic() - started
        assert sent.status_code == 202, sent.text
        assert elapsed < 1, f"the send took {elapsed:.2f}s after the flood"
        reply = live.read_stream(client, sent.json()["assistant_message"]["id"])
    assert reply.done["status"] == "complete"


def test_rotating_x_forwarded_for_meets_429_and_the_right_password_waits_too(hostile, owner):
    budget = within(30)
    statuses = []
    with httpx.Client(base_url=hostile, timeout=15) as client:
        for attempt in range(40):
            budget()
            response = client.post(
                "/api/v1/auth/token/",
                json={"username": "owner", "password": f"guess-{attempt}"},
                headers={"X-Forwarded-For": f"198.51.100.{attempt}"},
            )
            statuses.append(response.status_code)
            if response.status_code == 429:
                break
        right = client.post(
            "/api/v1/auth/token/", json={"username": "owner", "password": PASSWORD}, headers={"X-Forwarded-For": "198.51.100.250"}
        )
    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429], "the eleventh guess is refused, whatever address it claims"
    assert right.status_code == 429 and right.json()["code"] == "throttled"
    assert 0 < int(right.headers["Retry-After"]) <= 60


def test_an_oversized_declared_body_is_refused_before_it_is_sent(hostile):
    host, port = hostile.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        # Declares 100 MB, sends the headers and nothing of the body.
        sock.sendall(
            b"POST /api/v1/auth/register/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n"
        )
        started = time.monotonic()
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
        elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert elapsed < 2
    assert re.search(rb"(?i)connection: close", answer)


def test_a_chunked_body_past_the_limit_is_refused(hostile):
    def body():
        for _ in range(100):
            yield b"x" * 65536  # 6.5 MB in all, with no Content-Length

    response = httpx.post(f"{hostile}/api/v1/auth/register/", content=body(), headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_json_nested_thousands_deep_is_400_invalid_for_anyone(hostile):
    nested = "[" * 50000 + "]" * 50000
    response = httpx.post(f"{hostile}/api/v1/auth/token/", content=nested, headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_a_form_brute_force_meets_its_limit_and_the_right_password_waits_too(hostile, staff_user, path):
    budget = within(60)
    statuses = []
    with httpx.Client(base_url=hostile, timeout=15) as browser:
        browser.get(path)
        token = browser.cookies["csrftoken"]
        form = {"username": "staff", "csrfmiddlewaretoken": token}
        for attempt in range(30):
            budget()
            response = browser.post(path, data={**form, "password": f"guess-{attempt}"}, headers={"Referer": hostile + path})
            statuses.append(response.status_code)
            if response.status_code == 429:
                break
        right = browser.post(path, data={**form, "password": PASSWORD}, headers={"Referer": hostile + path})
    assert statuses[:10] == [200] * 10, statuses
    assert statuses[10:] == [429]
    assert right.status_code == 429 and "Too many attempts" in right.text
    assert int(right.headers["Retry-After"]) > 0


def test_sign_ups_from_one_client_meet_the_hourly_limit(hostile):
    budget = within(60)
    statuses = []
    with httpx.Client(base_url=hostile, timeout=15) as browser:
        for n in range(15):
            budget()
            browser.cookies.clear()
            browser.get("/accounts/signup/")
            data = {"username": f"mass{n}", "password1": PASSWORD, "password2": PASSWORD, "csrfmiddlewaretoken": browser.cookies["csrftoken"]}
            response = browser.post("/accounts/signup/", data=data, headers={"Referer": f"{hostile}/accounts/signup/"})
            statuses.append(response.status_code)
            if response.status_code == 429:
                break
    assert statuses == [302] * 10 + [429]


def test_150_streams_from_one_user_leave_another_users_stream_working(hostile, owner, other_user, monkeypatch):
    from chatsite import redis_clients
    from conversations import services
    from conversations.tasks import generate_reply

    # A reply nobody generates (no task is queued for it), so its streams stay open.
    with monkeypatch.context() as patch:
        patch.setattr(generate_reply, "apply_async", lambda *args, **kwargs: None)
        branch = services.conversation_create(user=owner).active_branch_id
        _, pending = services.message_send(user=owner, branch_id=branch, content="hold on")
    slots = f"chat:streams:user:{owner.pk}"
    redis_clients.client().delete(slots)
    host, port = hostile.removeprefix("http://").split(":")
    request = (
        f"GET /api/v1/messages/{pending.pk}/stream/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Token {token_for(owner)}\r\nAccept: text/event-stream\r\n\r\n"
    ).encode()
    budget = within(90)
    sockets = []
    try:
        for _ in range(150):
            budget()
            sock = socket.create_connection((host, int(port)), timeout=15)
            sockets.append(sock)
            sock.sendall(request)
            assert sock.recv(4096).startswith(b"HTTP/1.1 200"), "each new stream is served"
        # The user holds at most MAX_STREAMS_PER_USER (8) of them; the rest are being closed.
        assert redis_clients.client().zcard(slots) == 8

        # Someone else chats meanwhile: their reply streams from start to end.
        with httpx.Client(base_url=hostile, headers={"Authorization": f"Token {token_for(other_user)}"}, timeout=30) as client:
            their_branch = live.new_branch(client)
            started = time.monotonic()
            sent = client.post(f"/api/v1/branches/{their_branch}/messages/", json={"content": "Hello, anyone there?"})
            assert sent.status_code == 202, sent.text
            reply = live.read_stream(client, sent.json()["assistant_message"]["id"])
            elapsed = time.monotonic() - started
        assert reply.done["status"] == "complete" and reply.errors == []
        assert elapsed < 15
    finally:
        for sock in sockets:
            sock.close()
