"""A bare ASGI application that answers with the name of the event loop serving it, in two writes
(headers, then the body in two pieces), as the chat's responses are written."""

import asyncio


async def application(scope, receive, send):
    if scope["type"] != "http":
        return
    loop = type(asyncio.get_running_loop())  # uvloop.Loop, or asyncio.unix_events._UnixSelectorEventLoop
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": loop.__module__.split(".")[0].encode(), "more_body": True})
    await send({"type": "http.response.body", "body": b"\n"})
