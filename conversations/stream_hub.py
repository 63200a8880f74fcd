"""Waiting for new entries of many reply streams on one Redis connection per web process.

Each open stream whose reply was still being written used to wait in a blocking XREAD of its own,
holding one of the process's Redis connections for up to a heartbeat: a hundred waiting streams,
anyone's, took the async pool's hundred connections, and the next stream got `error`
`service_unavailable` while Redis was healthy. Now a stream subscribes here for as long as it is
open: what its reply's stream already holds is read at once (a non-blocking XREAD on a pooled
connection, given straight back), and from then on one reader per process runs a single blocking
XREAD over every subscribed stream and delivers to each subscription the entries after its own
position. One round trip serves every stream that got tokens. A subscription to a stream the
reader is not watching wakes the reader (an entry on a wake stream of this process's own, part of
every read), so it starts watching at once.

So a process holds one connection for all its waiting streams, plus the pooled connections in
use at any instant; the pool is bounded (STREAM_REDIS_POOL_SIZE) and a read waits a bounded time
for a free connection (STREAM_REDIS_POOL_TIMEOUT_SECONDS). Measured in docs/benchmarks.md.
"""

import asyncio
import logging
import uuid
import weakref

import redis
from django.conf import settings

from chatsite import redis_clients

logger = logging.getLogger(__name__)

READ_COUNT = 500


def entry_id(raw: bytes | str) -> tuple[int, int]:
    text = raw.decode() if isinstance(raw, bytes) else raw
    milliseconds, _, sequence = text.partition("-")
    return int(milliseconds), int(sequence or 0)


class Subscription:
    """One open stream's place in the hub: the entries of its reply's stream after `position`,
    delivered as the reader finds them, until it is closed."""

    def __init__(self, hub: "StreamHub", key: str, position: str) -> None:
        self.hub = hub
        self.key = key
        self.position = position
        self._entries: list = []
        self._error: BaseException | None = None
        self._ready = asyncio.Event()

    @property
    def order(self) -> tuple[int, int]:
        return entry_id(self.position)

    def deliver(self, entries: list) -> None:
        fresh = [entry for entry in entries if entry_id(entry[0]) > self.order]
        if fresh:
            self._entries.extend(fresh)
            self.position = fresh[-1][0].decode()
            self._ready.set()

    def fail(self, error: BaseException) -> None:
        self._error = error
        self._ready.set()

    async def next(self, timeout: float) -> list:
        """The entries delivered since the last call; waits up to `timeout` for some ([] then)."""
        if not self._entries and self._error is None:
            try:
                await asyncio.wait_for(self._ready.wait(), timeout)
            except TimeoutError:
                return []
        if self._error is not None:
            raise self._error
        entries, self._entries = self._entries, []
        self._ready.clear()
        return entries

    def close(self) -> None:
        self.hub._forget(self)


class StreamHub:
    """The reader of one event loop (one web process)."""

    def __init__(self) -> None:
        self._subscriptions: dict[str, set[Subscription]] = {}
        self._reader: asyncio.Task | None = None
        self._watching: dict[str, str] = {}
        self._wake_key = f"chat:hub:{uuid.uuid4().hex}"
        self._wake_after: str | None = None
        self._woken = False

    @property
    def waiting(self) -> int:
        return sum(len(subscriptions) for subscriptions in self._subscriptions.values())

    async def subscribe(self, key: str, after: str) -> Subscription:
        """Entries of stream `key` after id `after`, from now until the subscription is closed.
        What the stream already holds is read at once; later entries come from the reader."""
        subscription = Subscription(self, key, after)
        found = await redis_clients.async_client().xread({key: after}, count=READ_COUNT)
        if found:
            subscription.deliver(found[0][1])
        self._subscriptions.setdefault(key, set()).add(subscription)
        self._start_reader()
        watched = self._watching.get(key)
        if watched is None or entry_id(watched) > subscription.order:
            await self._wake()
        return subscription

    async def read(self, key: str, after: str, timeout: float) -> list:
        """One read: the entries after `after` as soon as there are any, or [] after `timeout`."""
        subscription = await self.subscribe(key, after)
        try:
            return await subscription.next(timeout)
        finally:
            subscription.close()

    def _forget(self, subscription: Subscription) -> None:
        subscriptions = self._subscriptions.get(subscription.key)
        if subscriptions is not None:
            subscriptions.discard(subscription)
            if not subscriptions:
                del self._subscriptions[subscription.key]

    def _start_reader(self) -> None:
        if self._reader is None or self._reader.done():
            self._reader = asyncio.get_running_loop().create_task(self._read_forever(), name="reply-stream-hub")

    async def _wake(self) -> None:
        """Make the reader start a new read that includes every stream now subscribed to."""
        if self._woken or self._wake_after is None:
            return
        self._woken = True
        await redis_clients.async_client().xadd(self._wake_key, {"w": "1"}, maxlen=1)

    async def _read_forever(self) -> None:
        reader = redis_clients.stream_reader()
        try:
            if self._wake_after is None:
                wake = await reader.xadd(self._wake_key, {"w": "0"}, maxlen=1)
                await reader.expire(self._wake_key, 24 * 3600)
                self._wake_after = wake.decode()
            while self._subscriptions:
                streams = {
                    key: min(subscriptions, key=lambda subscription: subscription.order).position
                    for key, subscriptions in self._subscriptions.items()
                }
                self._watching = streams
                self._woken = False
                found = await reader.xread(
                    {**streams, self._wake_key: self._wake_after}, count=READ_COUNT, block=settings.SSE_HEARTBEAT_SECONDS * 1000
                )
                self._watching = {}
                for raw_key, entries in found or []:
                    key = raw_key.decode()
                    if key == self._wake_key:
                        self._wake_after = entries[-1][0].decode()
                        continue
                    for subscription in list(self._subscriptions.get(key, ())):
                        subscription.deliver(entries)
        except (redis.RedisError, OSError) as error:
            # Every subscriber gets the error: its relay tells the reader the live stream is lost.
            for subscriptions in list(self._subscriptions.values()):
                for subscription in subscriptions:
                    subscription.fail(error)
            logger.warning("Reply stream reader lost Redis (%s); %d stream(s) told", error, self.waiting)
        finally:
            self._watching = {}
            self._wake_after = None
            self._woken = False
            await reader.aclose()


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, StreamHub]" = weakref.WeakKeyDictionary()


def hub() -> StreamHub:
    """The running event loop's hub."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        found = _hubs[loop] = StreamHub()
    return found
