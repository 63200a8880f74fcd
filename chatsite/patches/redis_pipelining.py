"""Redis commands sent on one held connection, their answers read later and together.

A reply's stream gets one XADD per token. redis-py offers a command per round trip, or a pipeline
that waits for all its answers at once; neither suits a stream whose readers must see each token
as it comes without the writer waiting on each answer. So this holds a pooled connection and uses
redis-py's connection protocol directly (send_packed_command, read_response, the pool's
get_connection/release), which redis-py does not document as public: each command goes out at
once and Redis runs it on arrival, and the answers are read every UNREAD_LIMIT commands and at
the end (docs/benchmarks.md: a round trip per token was most of the worker's Redis time).

Off (PATCH_REDIS_PIPELINING=false): RoundTrips, one round trip per event through redis-py's
public pipeline API.

A caller may watch some commands of a send (a yes/no question such as "did the user stop this
reply?"): `flagged` turns true once one of them answered true. The held connection reads the
answers that have already arrived after each send, without waiting for the others.
"""

from collections import deque

import redis

# How many answers are left unread at most before they are read.
UNREAD_LIMIT = 64


class HeldConnection:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self._connection = None
        # One entry per answer not read yet: whether its command is watched.
        self._unread: deque[bool] = deque()
        self.flagged = False

    def send(self, commands: list[list], watch: set[int] = frozenset()) -> None:
        """Send now; an error Redis answered surfaces at the next read."""
        if self._connection is None:
            self._connection = self.client.connection_pool.get_connection()
        self._connection.send_packed_command(self._connection.pack_commands(commands))
        self._unread.extend(index in watch for index in range(len(commands)))
        if len(self._unread) >= UNREAD_LIMIT:
            self.flush()
        else:
            self._read_arrived()

    def _read_one(self) -> None:
        answer = self._connection.read_response()  # raises the error Redis answered, if any
        if self._unread.popleft() and answer:
            self.flagged = True

    def _read_arrived(self) -> None:
        while self._unread and self._connection.can_read(timeout=0):
            self._read_one()

    def flush(self) -> None:
        while self._unread:
            self._read_one()

    def drop(self) -> None:
        """Give up the connection after an error: unread answers may be left on it, so it must not
        go back to the pool as it is."""
        if self._connection is not None:
            self._connection.disconnect()
            self.client.connection_pool.release(self._connection)
            self._connection = None
            self._unread.clear()

    def close(self) -> None:
        """Read what is left unread and give the connection back to the pool."""
        if self._connection is None:
            return
        try:
            self.flush()
        except redis.RedisError:
            self.drop()
            raise
        self.client.connection_pool.release(self._connection)
        self._connection = None


class RoundTrips:
    """The stock way: each send is one pipeline, executed before it returns."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self.flagged = False

    def send(self, commands: list[list], watch: set[int] = frozenset()) -> None:
        pipe = self.client.pipeline(transaction=False)
        for command in commands:
            pipe.execute_command(*command)
        answers = pipe.execute()
        if any(answers[index] for index in watch):
            self.flagged = True

    def flush(self) -> None:
        pass

    def drop(self) -> None:
        pass

    def close(self) -> None:
        pass
