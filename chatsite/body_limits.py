"""Request bodies are limited before anything reads them: an ASGI middleware around Django.

Django's ASGI handler reads the whole body before the first middleware runs, spooling it to a
temporary file past 2.5 MB: a check of Content-Length in a Django middleware came after a 100 MB
body had been received (60 MB of one were on disk before the refusal), and a client that declared
20 MB and sent 1 MB held a request open for as long as it liked. Here, before Django sees the
request:

- a Content-Length over MAX_REQUEST_BYTES is refused at once, 413 `request_too_large`, without
  reading a byte of the body (and the connection is closed, since the body is left unread);
- a body without a length (chunked) is read up to MAX_REQUEST_BYTES and refused as soon as it
  passes it;
- a body that has not fully arrived REQUEST_BODY_TIMEOUT_SECONDS after the headers is refused
  with 408 `request_timeout`.

A body within the limits is handed to Django in one piece, which then reads it as before; later
receives (Django listens for the client going away during a streamed reply) go to the server.
"""

import asyncio
import json

from django.conf import settings
from django.template.loader import render_to_string

from chatsite.middleware import TOO_LARGE

TIMED_OUT = "The request body did not arrive in time. Check your connection and try again."
BAD_LENGTH = "The Content-Length header is not a number."


class BodyLimits:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        declared = _content_length(scope)
        if declared == -1:
            await _refuse(scope, send, 400, "invalid", BAD_LENGTH)
            return
        if declared is not None and declared > limit:
            await _refuse(scope, send, 413, "request_too_large", TOO_LARGE.format(chars=settings.MAX_MESSAGE_CHARS))
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + settings.REQUEST_BODY_TIMEOUT_SECONDS
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                await _refuse(scope, send, 408, "request_timeout", TIMED_OUT)
                return
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _refuse(scope, send, 413, "request_too_large", TOO_LARGE.format(chars=settings.MAX_MESSAGE_CHARS))
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _content_length(scope) -> int | None:
    """The declared length; None when there is none, -1 when it is not a number."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else -1
    return None


async def _refuse(scope, send, status: int, code: str, detail: str) -> None:
    if scope["path"].startswith("/api/"):
        content_type, body = b"application/json", json.dumps({"code": code, "detail": detail}).encode()
    else:
        content_type = b"text/html; charset=utf-8"
        body = render_to_string("service_error.html", {"detail": detail, "status": status}).encode()
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        # The rest of the body is never read, so the connection cannot carry another request.
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
