"""conversations/stream_hub.py against the suite's real Redis: every stream of a process that
waits for new entries waits on one connection, and gets its entries as soon as they are written."""

import asyncio
import time
import uuid

import pytest
import redis
from django.conf import settings

from chatsite import redis_clients
from conversations.stream_hub import StreamHub


def writer() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def keys(count: int) -> list[str]:
    prefix = uuid.uuid4().hex
    return [f"chat:test-hub:{prefix}:{n}" for n in range(count)]


def run(coroutine):
    return asyncio.run(coroutine)


@pytest.fixture(autouse=True)
def short_heartbeat(settings):
    settings.SSE_HEARTBEAT_SECONDS = 5


def test_two_hundred_waiting_streams_hold_one_connection_and_each_gets_its_own_entries():
    streams = keys(200)
    for key in streams:
        writer().xadd(key, {"event": "token", "data": "first"})
    starts = {key: writer().xrange(key)[-1][0].decode() for key in streams}

    async def scenario():
        hub = StreamHub()
        tasks = {key: asyncio.create_task(hub.read(key, starts[key], timeout=10)) for key in streams}
        # Each subscription reads its stream once before it waits; on a loaded machine 200 of
        # those reads can take longer than any fixed pause, so wait for them (up to 5 s).
        deadline = time.monotonic() + 5
        while hub.waiting < len(streams) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # the reader's wake-ups settle
        pool = redis_clients.async_client().connection_pool
        in_use = len(pool._in_use_connections)
        waiting = hub.waiting
        # Entries for half of the streams; each of those waiters gets exactly its own.
        for key in streams[::2]:
            writer().xadd(key, {"event": "token", "data": key})
        started = time.monotonic()
        served = await asyncio.gather(*(tasks[key] for key in streams[::2]))
        elapsed = time.monotonic() - started
        for task in tasks.values():
            task.cancel()
        return in_use, waiting, served, elapsed

    in_use, waiting, served, elapsed = run(scenario())
    assert waiting == 200
    assert in_use == 0, "no pooled connection is held by a waiting stream"
    assert [[fields[b"data"].decode() for _, fields in entries] for entries in served] == [[key] for key in streams[::2]]
    assert elapsed < 2


def test_a_stream_waited_on_while_the_reader_is_blocked_is_served_at_once():
    first, second = keys(2)
    writer().xadd(first, {"event": "token", "data": "x"})
    writer().xadd(second, {"event": "token", "data": "x"})

    async def scenario():
        hub = StreamHub()
        # The reader blocks on the first stream...
        waiting_first = asyncio.create_task(hub.read(first, writer().xrange(first)[-1][0].decode(), timeout=10))
        await asyncio.sleep(0.3)
        # ...when a second stream starts waiting; its entry must not wait for the reader's timeout.
        after = writer().xrange(second)[-1][0].decode()
        waiting_second = asyncio.create_task(hub.read(second, after, timeout=10))
        await asyncio.sleep(0.3)
        started = time.monotonic()
        writer().xadd(second, {"event": "token", "data": "second"})
        entries = await waiting_second
        elapsed = time.monotonic() - started
        waiting_first.cancel()
        return entries, elapsed

    entries, elapsed = run(scenario())
    assert [fields[b"data"] for _, fields in entries] == [b"second"]
    assert elapsed < 1


def test_a_read_with_entries_already_there_returns_them_without_waiting_and_a_quiet_one_times_out():
    (key,) = keys(1)
    writer().xadd(key, {"event": "token", "data": "already"})

    async def scenario():
        hub = StreamHub()
        present = await hub.read(key, "0-0", timeout=10)
        started = time.monotonic()
        quiet = await hub.read(key, present[-1][0].decode(), timeout=0.5)
        return present, quiet, time.monotonic() - started

    present, quiet, elapsed = run(scenario())
    assert [fields[b"data"] for _, fields in present] == [b"already"]
    assert quiet == [] and 0.4 < elapsed < 2
