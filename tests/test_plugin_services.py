"""The suite's own services under pytest-xdist: a Redis the caller chose is shared by the workers,
each in a database of its own, in a URL the app's Redis client reads that way."""

import pytest
from redis.connection import parse_url

from tests.plugin_services import worker_redis_url


@pytest.mark.parametrize(
    ("url", "worker", "db", "where"),
    [
        ("redis://127.0.0.1:6379/0", "gw0", 1, {"host": "127.0.0.1", "port": 6379}),
        ("redis://:secret@cache.internal:6380/3", "gw1", 5, {"host": "cache.internal", "password": "secret"}),
        ("redis://127.0.0.1:6379", "gw0", 1, {"port": 6379}),
        ("rediss://cache.internal:6380/2?ssl_cert_reqs=none", "gw2", 5, {"ssl_cert_reqs": "none"}),
        ("unix:///run/redis.sock?db=0", "gw0", 1, {"path": "/run/redis.sock"}),
    ],
)
def test_each_worker_gets_its_own_database_on_the_same_server(url, worker, db, where):
    parsed = parse_url(worker_redis_url(url, worker))
    assert parsed["db"] == db
    assert where.items() <= parsed.items()
