"""The environment every benchmark runs in, in one place.

`BENCH_ENV` is what the measured stack gets: the bench settings (floor endpoints, no-op task), the
zero-latency provider, DEBUG off as deployed, and the rate limits lifted (the benchmarks measure
the pipeline, not the limits). `setup_django` starts a throwaway Redis (the throttles and caches
need one even in process), applies that environment and sets Django up for in-process scripts.
"""

import atexit
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.redis_server import RedisServer, start_redis  # noqa: E402

UNLIMITED = "1000000/min"

BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "LLM_EXTRA_PROVIDERS": "fixed=bench.providers:FixedReplyProvider",
    "LLM_PROVIDER": "fixed",
    "LOCAL_TOKEN_DELAY_MS": "0",
    "THROTTLE_USER": UNLIMITED,
    "THROTTLE_ANON": UNLIMITED,
    "THROTTLE_MESSAGES": UNLIMITED,
    "THROTTLE_CONVERSATIONS": UNLIMITED,
    "THROTTLE_AUTH": UNLIMITED,
    "MAX_CONVERSATIONS_PER_HOUR": "1000000",
    "LOG_LEVEL": "WARNING",
    # As deployed: DEBUG off (it would record every SQL statement).
    "DEBUG": "0",
}


def setup_django(database_name: str) -> RedisServer:
    """Start Redis, point Django at it and at a fresh SQLite file, and set Django up."""
    redis_server = start_redis()
    # Stopped at exit even when the benchmark fails half way.
    atexit.register(redis_server.stop)
    os.environ.update(BENCH_ENV)
    os.environ["REDIS_URL"] = redis_server.url
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='bench-')}/{database_name}.sqlite3")
    import django

    django.setup()
    return redis_server


def count_queries(client, url: str, params: dict | None = None) -> tuple[int, int]:
    """(status, SQL statements) of one GET through Django's test client. An execute wrapper counts
    every statement, whatever DEBUG is and even if the request reopens the connection."""
    from django.db import connection

    executed: list[str] = []

    def counter(execute, sql, sql_params, many, context):
        executed.append(sql)
        return execute(sql, sql_params, many, context)

    with connection.execute_wrapper(counter):
        response = client.get(url, params or {})
    return response.status_code, len(executed)
