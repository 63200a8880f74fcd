"""Per-reply Redis Streams: the worker appends events, the SSE relay reads them from the start.

Every event is a stream entry {"event": name, "data": json}. A late joiner reads the stream from
the beginning, so it misses nothing; the entry id doubles as the SSE event id for resuming.
"""

import json
from functools import lru_cache

import redis
import redis.asyncio
from django.conf import settings


def stream_key(message_id) -> str:
    return f"chat:reply:{message_id}"


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)


def sync_client() -> redis.Redis:
    return _client(settings.REDIS_URL)


def async_client() -> redis.asyncio.Redis:
    # A new client per relay: an asyncio client belongs to the event loop that created it. Reads
    # block for up to a heartbeat interval, so the socket timeout must be longer than that.
    return redis.asyncio.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=5, socket_timeout=settings.SSE_HEARTBEAT_SECONDS + 10
    )


class ReplyStream:
    """The writer side, used by the worker generating one reply."""

    def __init__(self, message_id) -> None:
        self.key = stream_key(message_id)
        self.client = sync_client()

    def _add(self, event: str, data: dict) -> None:
        pipe = self.client.pipeline(transaction=False)
        pipe.xadd(self.key, {"event": event, "data": json.dumps(data)}, maxlen=settings.REPLY_STREAM_MAXLEN, approximate=True)
        pipe.expire(self.key, settings.REPLY_STREAM_TTL_SECONDS)
        pipe.execute()

    def token(self, text: str) -> None:
        self._add("token", {"text": text})

    def reset(self, attempt: int) -> None:
        """Tell readers to discard text from an earlier attempt that did not finish."""
        self._add("reset", {"attempt": attempt})

    def done(self, *, status: str, kind: str | None, ended: bool, error: str = "") -> None:
        data = {"status": status, "kind": kind, "ended": ended}
        if error:
            data["error"] = error
        self._add("done", data)


def format_sse(event: str, data: str, event_id: str | None = None) -> str:
    head = f"id: {event_id}\n" if event_id else ""
    return f"{head}event: {event}\ndata: {data}\n\n"
