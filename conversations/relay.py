"""The server-sent-events relay: reads a reply's Redis Stream from the start and forwards it.

The relay is an async generator served by the ASGI server, so one web process holds many open
streams. It reads Redis, not process memory, so any web process can serve any reply.
"""

import json
import logging
import re
import uuid
from collections.abc import AsyncIterator

import redis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import JsonResponse, StreamingHttpResponse
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.utils.encoders import JSONEncoder

from chatsite.connections import release_connections
from chatsite.redis_clients import async_client
from conversations.models import Message
from conversations.stream_hub import hub
from conversations.stream_slots import StreamSlot
from conversations.streams import format_sse, stream_key, text_digest


logger = logging.getLogger(__name__)

# The ids of Redis Stream entries, which the relay sends as SSE event ids.
STREAM_ID = re.compile(r"\d{1,20}-\d{1,20}")


def _error(code: str, detail: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail}, status=status)


def _unauthorized(code: str, detail: str) -> JsonResponse:
    response = _error(code, detail, 401)
    response["WWW-Authenticate"] = "Token"  # As the API's other endpoints answer.
    return response


def _user(request):
    """The request's user as the API's own authentication classes (a token, or the session) find
    it, as any DRF view would; None when anonymous. A wrong token raises AuthenticationFailed."""
    drf_request = Request(request, authenticators=[auth() for auth in api_settings.DEFAULT_AUTHENTICATION_CLASSES])
    return drf_request.user if drf_request.user.is_authenticated else None


def _owned_reply(user, message_id: uuid.UUID | None) -> Message | None:
    if message_id is None:
        return None
    return (
        Message.objects.select_related("branch")
        .filter(pk=message_id, conversation__owner=user, conversation__deleted_at__isnull=True, role=Message.Role.ASSISTANT)
        .first()
    )


def _done_payload(message: Message) -> dict:
    return {"status": message.status, "kind": message.kind, "ended": message.branch.ended_at is not None}


async def _from_database(message: Message) -> AsyncIterator[str]:
    """Replay a finished reply whose stream has expired (or was never written)."""
    if message.content:
        yield format_sse("token", json.dumps({"text": message.content}))
    payload = _done_payload(message)
    if message.error:
        payload["error"] = message.error
    yield format_sse("done", json.dumps(payload))


@sync_to_async
def _read(query):
    """Run one database read for a stream, then give the connection back: a stream holds none
    between its reads."""
    try:
        return query()
    finally:
        release_connections()


async def _load(message_id) -> Message | None:
    return await _read(lambda: Message.objects.select_related("branch").filter(pk=message_id).first())


async def _saved_content(message_id) -> str | None:
    return await _read(lambda: Message.objects.filter(pk=message_id).values_list("content", flat=True).first())


async def _resync(message_id, relayed: str, resumed: bool) -> AsyncIterator[str]:
    """Before `done`: if the stream lost entries (Redis restarted mid-reply, so the worker went on
    writing into a new, empty stream), the text relayed is not the saved reply. Then tell the
    reader to drop it and send the saved text, so every reader ends with what the database has."""
    saved = await _saved_content(message_id)
    if saved is None:
        return
    intact = saved.endswith(relayed) if resumed else saved == relayed
    if not intact:
        yield format_sse("reset", json.dumps({"reason": "resync"}))
        if saved:
            yield format_sse("token", json.dumps({"text": saved}))


def _intact(fields: dict, relayed: list[str], resumed: bool) -> bool:
    """Whether a reader that read the stream from its start got exactly the saved reply, by the
    digest the worker put beside `done`; when that cannot be told, the database decides."""
    digest = fields.get(b"digest")
    return not resumed and digest is not None and digest.decode() == text_digest("".join(relayed))


TOO_MANY_STREAMS = (
    "This reply stopped streaming here because you opened more than {limit} reply streams at once. "
    "Reload the page to see it."
)


async def _relay(message: Message, last_id: str, owner_id) -> AsyncIterator[str]:
    """Relay the reply from `last_id` on, holding one of its owner's stream slots meanwhile."""
    slot = StreamSlot(owner_id)
    try:
        try:
            closed = await slot.open()
        except (redis.ConnectionError, redis.TimeoutError):
            yield _unavailable()
            return
        if closed:
            logger.info("User %s opened more than %d reply streams; closed %d", owner_id, settings.MAX_STREAMS_PER_USER, closed)
        async for chunk in _relay_entries(message, last_id, slot):
            yield chunk
    finally:
        try:
            await slot.close()
        except redis.RedisError:
            pass  # It lapses after its lease.


def _unavailable() -> str:
    detail = "The live stream is unavailable. Reconnect, or reload the message: the reply is saved."
    return format_sse("error", json.dumps({"code": "service_unavailable", "detail": detail}))


async def _relay_entries(message: Message, last_id: str, slot: StreamSlot) -> AsyncIterator[str]:
    client = async_client()
    subscription = None
    key = stream_key(message.id)
    # The text relayed since the last reset, checked against the saved reply at `done`.
    relayed: list[str] = []
    resumed = last_id != "0-0"
    try:
        entries = None
        if message.is_terminal:
            # A finished reply's stream gets no new entries, so the first read must not block: it
            # returns what the stream holds, or nothing once the stream has expired.
            found = await client.xread({key: last_id}, count=500)
            if not found:
                if resumed:
                    yield format_sse("reset", json.dumps({"reason": "resync"}))
                async for chunk in _from_database(message):
                    yield chunk
                return
            entries = found[0][1]
        while True:
            if slot.due() and not await slot.renew():
                logger.info("Closed a reply stream of user %s: a newer one took its slot", slot.key.rsplit(":", 1)[1])
                detail = TOO_MANY_STREAMS.format(limit=settings.MAX_STREAMS_PER_USER)
                yield format_sse("error", json.dumps({"code": "too_many_streams", "detail": detail}))
                return
            if entries is None:
                if subscription is None:
                    # From here on it waits with every other stream of this process on one
                    # connection, and the entries come as they are written (stream_hub.py).
                    subscription = await hub().subscribe(key, last_id)
                entries = await subscription.next(settings.SSE_HEARTBEAT_SECONDS)
            if not entries:
                current = await _load(message.id)
                if current is None:
                    yield format_sse("error", json.dumps({"code": "not_found", "detail": "The reply was deleted."}))
                    return
                if current.is_terminal:
                    # Finished, yet no `done` arrived within a heartbeat: the stream expired or its
                    # writer lost Redis part way. The database has the reply; start the reader over.
                    if relayed or resumed:
                        yield format_sse("reset", json.dumps({"reason": "resync"}))
                    async for chunk in _from_database(current):
                        yield chunk
                    return
                # A comment line keeps proxies from closing an idle connection.
                yield ": keep-alive\n\n"
                entries = None
                continue
            # Everything one read returned goes out as one chunk, since each chunk is a trip
            # through Django's response loop, the ASGI server's framing and a socket write: a late
            # joiner or a reconnect reading a long reply gets it in a few writes, not one per
            # token. Nothing waits to be batched: a live reply's tokens still go out as they come.
            batch: list[str] = []
            for entry_id, fields in entries:
                last_id = entry_id.decode()
                event = fields[b"event"].decode()
                data = fields[b"data"].decode()
                if event == "token":
                    relayed.append(json.loads(data).get("text", ""))
                elif event == "reset":
                    relayed.clear()
                elif event == "done" and not _intact(fields, relayed, resumed):
                    batch.extend([chunk async for chunk in _resync(message.id, "".join(relayed), resumed)])
                batch.append(format_sse(event, data, last_id))
                if event == "done":
                    yield "".join(batch)
                    return
            yield "".join(batch)
            entries = None
    except (redis.ConnectionError, redis.TimeoutError) as error:
        if "No connection available" in str(error):
            logger.warning("Reply stream of %s: every pooled Redis connection busy (STREAM_REDIS_POOL_SIZE)", key)
        yield _unavailable()
    finally:
        if subscription is not None:
            subscription.close()


def reply_stream(request, pk: str):
    """A synchronous view that returns an asynchronous stream: the lookups run in the request's
    thread with the middlewares (chatsite/patches/asgi_handler.py), with no hop back to the event loop and
    out again, and the stream is then relayed from the event loop, holding no thread."""
    if request.method != "GET":
        response = _error("method_not_allowed", f'Method "{request.method}" not allowed.', 405)
        response["Allow"] = "GET"  # Required on a 405 (RFC 9110).
        return response
    try:
        message_id = uuid.UUID(pk)
    except ValueError:
        message_id = None
    try:
        user = _user(request)
    except AuthenticationFailed as failure:
        return _unauthorized("authentication_failed", str(failure.detail))
    if user is None:
        return _unauthorized("not_authenticated", "Authentication credentials were not provided.")
    message = _owned_reply(user, message_id)
    if message is None:
        return _error("not_found", "Not found.", 404)
    last_id = request.headers.get("Last-Event-ID") or "0-0"
    if not STREAM_ID.fullmatch(last_id):
        return _error("invalid", "Last-Event-ID must be an event id from this stream, like 1712345678901-0.", 400)
    return _event_stream(_relay(message, last_id, user.pk))


def created_stream(body: dict, reply: Message, status: int, event: str = "created") -> StreamingHttpResponse:
    """The answer to a send, edit or retry asked with `"stream": true`: the JSON body it would
    have had, as a first `created` event, then the reply relayed as messages/{id}/stream/ relays
    it. The reply starts in the same request, without a second round trip through the server.
    (The chat pages' streamed send uses it too, with the rendered page as a first `page` event.)"""

    owner_id = reply.conversation.owner_id

    async def events() -> AsyncIterator[str]:
        yield format_sse(event, json.dumps(body, cls=JSONEncoder))
        async for chunk in _relay(reply, "0-0", owner_id):
            yield chunk

    return _event_stream(events(), status)


def _event_stream(events: AsyncIterator[str], status: int = 200) -> StreamingHttpResponse:
    response = StreamingHttpResponse(events, content_type="text/event-stream", status=status)
    response["Cache-Control"] = "no-cache"
    # nginx would otherwise buffer the stream and deliver the reply all at once.
    response["X-Accel-Buffering"] = "no"
    return response
