"""Per-reply Redis Streams: the worker appends events, the SSE relay reads them from the start.

Every event is a stream entry {"event": name, "data": json}. A late joiner reads the stream from
the beginning, so it misses nothing; the entry id doubles as the SSE event id for resuming.
"""

import hashlib
import json
import logging

import redis
from django.conf import settings

from chatsite import redis_clients

logger = logging.getLogger(__name__)


def stream_key(message_id) -> str:
    return f"chat:reply:{message_id}"


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# How many answers the writer leaves unread at most before it reads them (see ReplyStream).
UNREAD_LIMIT = 64


class ReplyStream:
    """The writer side, used by the worker generating one reply.

    Its commands are pipelined on one connection held for the reply: each is sent at once, and
    Redis runs it on arrival, so readers see every token as it comes; the answers are read
    together at the last event (or every UNREAD_LIMIT commands) instead of a round trip per token.
    Call close() when the reply is done with, whichever way it ends."""

    def __init__(self, message_id) -> None:
        self.key = stream_key(message_id)
        self.client = redis_clients.client()
        self._connection = None
        self._unread = 0
        self._expiry_set = False
        self._broken = False

    def _add(self, event: str, data: dict, *, final: bool = False, extra: dict | None = None) -> None:
        """Append an event. The database is the record of a reply and the relay repairs readers
        from it, so losing Redis mid-reply costs the live view, never the reply: after the first
        failed write this stream stops writing tokens instead of failing the generation (it still
        tries to write the final `done`)."""
        if self._broken and not final:
            return
        try:
            self._write(event, data, final, extra)
            if final or self._unread >= UNREAD_LIMIT:
                self._read_answers()
        except redis.RedisError as error:
            self._broken = True
            self._drop_connection()
            logger.warning("Reply stream %s lost (%s); the reply is still saved to the database.", self.key, error)
        if final:
            self.close()

    def _write(self, event: str, data: dict, final: bool, extra: dict | None) -> None:
        fields = {"event": event, "data": json.dumps(data), **(extra or {})}
        command = ["XADD", self.key, "MAXLEN", "~", settings.REPLY_STREAM_MAXLEN, "*"]
        for name, value in fields.items():
            command += [name, value]
        commands = [command]
        if final or not self._expiry_set:
            # The expiry is set with the first event and renewed with the last, so a stream whose
            # worker dies part way still expires.
            commands.append(["EXPIRE", self.key, settings.REPLY_STREAM_TTL_SECONDS])
        if self._connection is None:
            self._connection = self.client.connection_pool.get_connection()
        self._connection.send_packed_command(self._connection.pack_commands(commands))
        self._unread += len(commands)
        self._expiry_set = True

    def _read_answers(self) -> None:
        while self._unread:
            self._unread -= 1
            self._connection.read_response()  # raises the error Redis answered, if any

    def _drop_connection(self) -> None:
        if self._connection is not None:
            # Unread answers may be left on it: it must not go back to the pool as it is.
            self._connection.disconnect()
            self.client.connection_pool.release(self._connection)
            self._connection = None
            self._unread = 0

    def close(self) -> None:
        """Read what is left unread and give the connection back to the pool."""
        if self._connection is None:
            return
        try:
            self._read_answers()
        except redis.RedisError as error:
            logger.warning("Reply stream %s lost (%s); the reply is still saved to the database.", self.key, error)
            self._drop_connection()
            return
        self.client.connection_pool.release(self._connection)
        self._connection = None

    def token(self, text: str) -> None:
        self._add("token", {"text": text})

    def reset(self, attempt: int) -> None:
        """Tell readers to discard text from an earlier attempt that did not finish."""
        self._add("reset", {"attempt": attempt})

    def done(self, *, status: str, kind: str | None, ended: bool, error: str = "", content: str | None = None) -> None:
        """The last event. With the saved `content`, the entry carries its digest (beside the
        data readers see), so the relay can tell a reader got the whole reply without asking the
        database."""
        data = {"status": status, "kind": kind, "ended": ended}
        if error:
            data["error"] = error
        extra = {"digest": text_digest(content)} if content is not None else None
        self._add("done", data, final=True, extra=extra)


def format_sse(event: str, data: str, event_id: str | None = None) -> str:
    head = f"id: {event_id}\n" if event_id else ""
    return f"{head}event: {event}\ndata: {data}\n\n"
