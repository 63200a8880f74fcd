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
from chatsite.patches.redis_pipelining import HeldConnection, RoundTrips

logger = logging.getLogger(__name__)


def stream_key(message_id) -> str:
    return f"chat:reply:{message_id}"


def stop_key(message_id) -> str:
    """Set (by services.reply_cancel) when the user stops a reply its worker is writing."""
    return f"chat:reply:{message_id}:stop"


def stop_request(message_id) -> None:
    """Ask the worker writing a reply to stop it. The key outlives any reply's generation."""
    redis_clients.client().set(stop_key(message_id), 1, ex=settings.REPLY_STREAM_TTL_SECONDS)


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class ReplyStream:
    """The writer side, used by the worker generating one reply.

    Its commands are pipelined on one connection held for the reply
    (chatsite/patches/redis_pipelining.py): each is sent at once, and Redis runs it on arrival, so
    readers see every token as it comes; the answers are read together at the last event instead
    of a round trip per token. Call close() when the reply is done with, whichever way it ends.

    Every token also asks whether the user stopped the reply (EXISTS on its stop key) in the same
    batch; with the held connection the answers already arrived are read after each token without
    waiting for the rest, so `stop_requested` turns true a token or two after the user pressed
    Stop, at no round trip's cost. On a busy machine Redis's answers come later; at worst the
    connection waits for them once UNREAD_LIMIT are unread, half as many tokens after Stop."""

    def __init__(self, message_id) -> None:
        self.key = stream_key(message_id)
        self.stop_key = stop_key(message_id)
        client = redis_clients.client()
        self._pipe = HeldConnection(client) if settings.PATCH_REDIS_PIPELINING else RoundTrips(client)
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
            commands = self._commands(event, data, final, extra)
            watch = set()
            if event == "token":
                watch.add(len(commands))
                commands.append(["EXISTS", self.stop_key])
            self._pipe.send(commands, watch)
            self._expiry_set = True
            if final:
                self._pipe.flush()
        except redis.RedisError as error:
            self._broken = True
            self._pipe.drop()
            logger.warning("Reply stream %s lost (%s); the reply is still saved to the database.", self.key, error)
        if final:
            self.close()

    def _commands(self, event: str, data: dict, final: bool, extra: dict | None) -> list[list]:
        fields = {"event": event, "data": json.dumps(data), **(extra or {})}
        command = ["XADD", self.key, "MAXLEN", "~", settings.REPLY_STREAM_MAXLEN, "*"]
        for name, value in fields.items():
            command += [name, value]
        commands = [command]
        if final or not self._expiry_set:
            # The expiry is set with the first event and renewed with the last, so a stream whose
            # worker dies part way still expires.
            commands.append(["EXPIRE", self.key, settings.REPLY_STREAM_TTL_SECONDS])
        return commands

    @property
    def stop_requested(self) -> bool:
        return self._pipe.flagged

    def close(self) -> None:
        """Read what is left unread and give the connection back to the pool."""
        try:
            self._pipe.close()
        except redis.RedisError as error:
            logger.warning("Reply stream %s lost (%s); the reply is still saved to the database.", self.key, error)

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
