"""Redis, the cache, the switches of the library patches, and Celery."""

from chatsite.env import env_bool, env_int, env_str
from chatsite.settings.base import BASE_DIR, WORKER_DB_CONN_MAX_AGE

# Redis carries the Celery broker, the per-reply token streams and the throttle counters (whose
# keys take the cache's prefix; chatsite/redis_clients.py builds the clients).
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")

# Seconds a web process waits for Redis (connecting, and for an answer) on the throttle counters
# and the other short commands, so that a Redis that hangs costs a request a bounded wait.
REDIS_TIMEOUT_SECONDS = env_int("REDIS_TIMEOUT_SECONDS", 2, minimum=1)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "chat",
        "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS, "socket_timeout": REDIS_TIMEOUT_SECONDS},
    }
}

# Patches of library internals (chatsite/patches/), each on by default and each with the stock
# component behind its switch. A patch refuses to start on a library version it was not tested
# with; turning it off is the way out until it is tested.
PATCH_ASGI_HANDLER = env_bool("PATCH_ASGI_HANDLER", True)
PATCH_KOMBU_TRANSPORT = env_bool("PATCH_KOMBU_TRANSPORT", True)
PATCH_REDIS_PIPELINING = env_bool("PATCH_REDIS_PIPELINING", True)
# Read by `python -m chatsite.serve` from the environment (it runs before these settings load).
PATCH_HTTP_HEADER_DEADLINE = env_bool("PATCH_HTTP_HEADER_DEADLINE", True)
PATCH_WORKER_DB_CONNECTIONS = env_bool("PATCH_WORKER_DB_CONNECTIONS", True)

# Celery: settings in the CELERY_ namespace (chatsite/celery.py).
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
# Django runs each ASGI request's synchronous code in a thread of its own, and Celery keeps its
# result backend per thread unless told it is thread-safe: every send built a new backend (and
# Redis connection pool) just to hand back an AsyncResult nobody reads. The Redis backend's
# client and pool are thread-safe; nothing here waits on results from several threads.
CELERY_RESULT_BACKEND_THREAD_SAFE = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A send waits at most this long for a broker connection from the process's pool; then it
# answers 503 `service_unavailable` (its message kept for the requeue task) instead of waiting
# for ever, as it did when health probes held every connection of the pool.
CELERY_BROKER_POOL_ACQUIRE_TIMEOUT = env_int("BROKER_ACQUIRE_TIMEOUT_SECONDS", 1, minimum=1)
# Connecting to the broker and publishing a task give up quickly too: one retry, then the error
# (the requeue task hands the reply to a worker once the broker is back).
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Celery's Django fixup closes the database connection around every task unless this is set;
# with it, chatsite/patches/worker_db_connections.py closes a worker's connection only once it is old or broken.
CELERY_DB_REUSE_MAX = 1_000_000_000 if WORKER_DB_CONN_MAX_AGE else None
# A reply running when Redis goes away keeps generating and saves to the database; its ack is
# lost, and the redelivery finds the reply complete. (Celery 6 flips this default.)
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Periodic tasks that live outside an app's tasks.py (requeue of unclaimed replies, purge).
CELERY_IMPORTS = ["conversations.maintenance"]
# An unacknowledged task (its worker died) is delivered again after this many seconds. Replies
# are idempotent and claimed with a lease, so a redelivery while the first worker still runs is
# harmless; a short timeout means a reply whose worker was killed resumes quickly.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 300, minimum=1),
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10, minimum=1),
}

# Periodic tasks, run by exactly one `celery beat` (Procfile, docs/deploy.md); seconds between runs.
CELERY_BEAT_SCHEDULE = {
    "sweep-stuck-replies": {
        "task": "conversations.tasks.sweep_stuck_replies",
        "schedule": float(env_int("BEAT_SWEEP_SECONDS", 60, minimum=1)),
    },
    "requeue-unclaimed-replies": {
        "task": "conversations.maintenance.requeue_unclaimed_replies",
        "schedule": float(env_int("BEAT_REQUEUE_SECONDS", 30, minimum=1)),
    },
    "purge-deleted-conversations": {
        "task": "conversations.maintenance.purge_deleted_conversations",
        "schedule": float(env_int("BEAT_PURGE_SECONDS", 3600, minimum=1)),
    },
}
# Beat remembers when each task last ran in this file; it must be writable (a state directory).
CELERY_BEAT_SCHEDULE_FILENAME = env_str("BEAT_SCHEDULE_FILE", str(BASE_DIR / ".celerybeat-schedule"))
CELERY_TASK_DEFAULT_QUEUE = "celery"
