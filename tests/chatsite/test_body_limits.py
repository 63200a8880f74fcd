"""chatsite/body_limits.py, driven as the ASGI server drives it: bodies are limited before the
application reads them. (On a real uvicorn against the whole stack: tests/security/test_abuse.py.)"""

import asyncio
import json

import pytest

from chatsite.body_limits import BodyLimits


class Recorder:
    """An application that records the body it was given."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope, receive, send) -> None:
        message = await receive()
        self.bodies.append(message["body"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def run(messages, *, headers=(), path="/api/v1/conversations/", delay=0.0):
    """Drive BodyLimits with these receive messages (each after `delay` seconds); returns
    (status, body, the application's recorder, how many messages were received)."""
    app = Recorder()
    queue = list(messages)
    received = []
    sent = []

    async def receive():
        await asyncio.sleep(delay)
        if not queue:
            await asyncio.sleep(3600)
        message = queue.pop(0)
        received.append(message)
        return message

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": path, "headers": [(name.lower(), value) for name, value in headers]}
    asyncio.run(BodyLimits(app)(scope, receive, send))
    status = sent[0]["status"]
    body = b"".join(message.get("body", b"") for message in sent[1:])
    return status, body, app, len(received)


def chunk(data: bytes, more: bool = True) -> dict:
    return {"type": "http.request", "body": data, "more_body": more}


@pytest.fixture(autouse=True)
def limits(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.REQUEST_BODY_TIMEOUT_SECONDS = 1


def test_a_declared_length_over_the_limit_is_413_before_any_of_the_body_is_read():
    status, body, app, received = run([chunk(b"x" * 500)], headers=[(b"content-length", b"100000000")])
    assert status == 413
    assert json.loads(body)["code"] == "request_too_large"
    assert received == 0 and app.bodies == []


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit():
    status, body, app, received = run([chunk(b"x" * 600), chunk(b"x" * 600), chunk(b"x" * 600, more=False)])
    assert status == 413
    assert received == 2, "the third chunk is never waited for"
    assert app.bodies == []


def test_a_body_that_does_not_arrive_in_time_is_408_request_timeout():
    status, body, app, _ = run([chunk(b"x" * 10)], headers=[(b"content-length", b"500")])
    assert status == 408
    assert json.loads(body)["code"] == "request_timeout"
    assert app.bodies == []


def test_a_body_sent_slowly_in_pieces_still_meets_one_deadline():
    # Each piece arrives within the timeout, but the whole body does not.
    status, _, app, _ = run([chunk(b"x")] * 20, headers=[(b"content-length", b"900")], delay=0.1)
    assert status == 408
    assert app.bodies == []


def test_a_body_within_the_limits_reaches_the_application_whole():
    status, body, app, _ = run([chunk(b'{"a": '), chunk(b"1}", more=False)], headers=[(b"content-length", b"8")])
    assert (status, body) == (200, b"ok")
    assert app.bodies == [b'{"a": 1}']


def test_a_page_gets_the_refusal_as_a_page_and_a_bad_length_is_400():
    status, body, _, _ = run([], headers=[(b"content-length", b"5000")], path="/c/new/")
    assert status == 413
    assert b"<html" in body and b"too large" in body
    status, body, _, _ = run([], headers=[(b"content-length", b"12abc")])
    assert status == 400 and json.loads(body)["code"] == "invalid"
