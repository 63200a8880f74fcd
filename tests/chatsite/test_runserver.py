"""`manage.py runserver` serves the ASGI app (uvicorn, reloading on changes), so a reply streams
token by token instead of arriving whole when it ends, as it did under Django's WSGI runserver."""

import socket
import subprocess
import sys

import httpx
import pytest

from tests.support import live
from tests.support.accounts import token_for

pytestmark = pytest.mark.django_db(transaction=True)


def port_accepts(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def runserver(live_stack, tmp_path):
    """runserver on the test database, with the live stack's worker answering its replies."""
    port = live.free_port()
    log = tmp_path / "runserver.log"
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
        cwd=live.ROOT, env=live.stack_env(), stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        live.wait_until(lambda: port_accepts(port) or process.poll() is not None, timeout=60, message="runserver")
        assert process.poll() is None, log.read_text()
        yield f"http://127.0.0.1:{port}", log
    finally:
        live.Process(process.args, {}, log, process).stop()


def test_runserver_says_what_it_serves_and_what_else_replies_need(runserver):
    _, log = runserver
    text = live.wait_until(lambda: "make dev" in log.read_text() and log.read_text(), timeout=30, message="the banner")
    assert "uvicorn" in text
    assert "replies stream" in text
    assert "Celery worker" in text


def test_a_reply_streams_through_runserver_before_it_is_finished(runserver, owner):
    base_url, _ = runserver
    headers = {"Authorization": f"Token {token_for(owner)}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
        created = client.post("/api/v1/conversations/", json={"provider": "slow"})
        assert created.status_code == 201, created.text
        sent = client.post(f"/api/v1/branches/{created.json()['active_branch']}/messages/", json={"content": "Take your time."})
        assert sent.status_code == 202, sent.text
        reply_id = sent.json()["assistant_message"]["id"]
        with client.stream("GET", f"/api/v1/messages/{reply_id}/stream/") as stream:
            assert next(line for line in stream.iter_lines() if line.startswith("event: token"))
            # The slow model needs seconds more to finish: the first token came while the reply
            # was still being written, not with its end as a WSGI server would send it.
            message = client.get(f"/api/v1/messages/{reply_id}/").json()
            assert message["status"] == "streaming", message
