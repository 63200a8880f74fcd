"""Settings for the chat site. Every value comes from the environment (see .env.example)."""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django_guid.integrations import CeleryIntegration

from chatsite.env import env_bool, env_choice, env_float, env_int, env_list, env_str
from chatsite.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_choice("DJANGO_ENV", "development", ("development", "production"))
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production")
    # A fixed development key keeps sessions valid across restarts of `make run`; it is never
    # accepted in production (above).
    SECRET_KEY = "dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # First, so its `runserver` (uvicorn: ASGI, so replies stream) wins over Django's WSGI one; its
    # app config registers the patches' version check (chatsite/patches/).
    "chatsite",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "csp",
    "rest_framework.authtoken",
    # The OpenAPI schema (/api/v1/schema/) and its docs UI, whose JS and CSS the sidecar serves
    # from this app instead of a CDN.
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # A request id per request (X-Request-ID from the proxy, or a new one), on every log line and
    # carried into the Celery tasks the request enqueues (chatsite/logs.py).
    "django_guid",
    "accounts",
    "conversations",
    "moderation",
    "moderation.training",
    "review",
]

MIDDLEWARE = [
    # First, so every later middleware's and view's log lines carry the request id.
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Turns a too-large body, a locked or conflicting database and a Redis outage into clean
    # 413/503 answers instead of a 500.
    "chatsite.middleware.ServiceErrorsMiddleware",
    # Serves the app's own static files (CSS, JS) from every web process; nothing comes from a CDN.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "chatsite.urls"
WSGI_APPLICATION = "chatsite.wsgi.application"
ASGI_APPLICATION = "chatsite.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Databases: SQLite by default, PostgreSQL (or anything dj-database-url knows) through DATABASE_URL.
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
# Seconds a web request thread keeps its connection. SQLite keeps it by default: opening one (a
# file, its pragmas, its functions) and closing it was a sixth to a quarter of a bare request, and
# there is no server whose connections could run out. PostgreSQL uses the pool below instead.
DATABASES["default"]["CONN_MAX_AGE"] = env_int(
    "DB_CONN_MAX_AGE", 600 if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else 0, minimum=0
)
# Without a pool (below), Celery worker processes keep their database connection between tasks
# for this many seconds (chatsite/patches/worker_db_connections.py): a reply is a handful of statements, fewer than a new
# connection costs on PostgreSQL. The web processes follow DB_CONN_MAX_AGE, per request thread
# (those threads are reused, chatsite/patches/asgi_handler.py).
WORKER_DB_CONN_MAX_AGE = env_int("WORKER_DB_CONN_MAX_AGE", 600, minimum=0)
# PostgreSQL: each process (web or worker) keeps a pool of connections (psycopg_pool) that
# requests and tasks borrow and hand back, health-checked when borrowed. A new connection is a
# new server process: opening one per request cost about 8 ms here, more than the request itself.
# DB_POOL_MAX_SIZE=0, or a DB_CONN_MAX_AGE above 0, turns the pool off. A request that finds
# every connection busy waits up to DB_POOL_TIMEOUT seconds for one.
DB_POOL_MAX_SIZE = env_int("DB_POOL_MAX_SIZE", 10, minimum=0)
DB_POOL_TIMEOUT = env_int("DB_POOL_TIMEOUT", 10, minimum=1)
DB_POOLED = (
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    and DB_POOL_MAX_SIZE > 0
    and not DATABASES["default"]["CONN_MAX_AGE"]
)
if DB_POOLED:
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "pool": {"min_size": 1, "max_size": DB_POOL_MAX_SIZE, "timeout": DB_POOL_TIMEOUT},
    }
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL: a statement waiting this long for a row or table lock gives up (SQLSTATE 55P03,
# answered 503 `service_unavailable`), as SQLite's busy timeout below does, instead of holding a
# request thread (and, on shutdown, the process) for as long as the lock is held.
DB_LOCK_TIMEOUT_SECONDS = env_int("DB_LOCK_TIMEOUT_SECONDS", 10, minimum=1)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "options": f"-c lock_timeout={DB_LOCK_TIMEOUT_SECONDS * 1000}",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock when a transaction starts, so concurrent writers queue
        # on the busy timeout instead of failing with "database is locked" when they upgrade.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The test database is a file so that a Celery worker and an ASGI server started by the tests
    # in other processes see the same data.
    DATABASES["default"]["TEST"] = {"NAME": env_str("SQLITE_TEST_DB", str(BASE_DIR / "test_db.sqlite3"))}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `manage.py collectstatic` (the release step) gathers them; the web processes serve them.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves hashed, compressed files gathered by `manage.py collectstatic`; development and
# the tests serve the source files straight from the finders, so no collect step is needed there.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Security headers and cookies; production turns on everything `check --deploy` asks for.
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
# Load balancers probe the health checks over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^(livez|readyz|healthz)$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", PRODUCTION) else None
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_REQUEST_BYTES", 262144, minimum=1024)
# Seconds from a request's headers to the end of its body; a body still arriving then is refused
# with 408 (chatsite/body_limits.py), so a client cannot hold a request open by sending slowly.
REQUEST_BODY_TIMEOUT_SECONDS = env_int("REQUEST_BODY_TIMEOUT_SECONDS", 15, minimum=1)

# Which forwarding headers to believe when telling clients apart (chatsite/clients.py). By default
# none: the client is the connection's address. TRUSTED_PROXIES lists the proxies (addresses or
# networks) whose X-Forwarded-For uvicorn applies (`python -m chatsite.serve` passes it as
# --forwarded-allow-ips); NUM_PROXIES counts proxies whose addresses are not known in advance.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
NUM_PROXIES = env_int("NUM_PROXIES", 0, minimum=0)
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES must list IP addresses or networks, got {_proxy!r}") from None
if TRUSTED_PROXIES and NUM_PROXIES:
    raise ImproperlyConfigured("Set TRUSTED_PROXIES or NUM_PROXIES, not both (docs/security.md)")
# The ASGI server's own limits, applied by `python -m chatsite.serve` (chatsite/serve.py, which
# reads them before Django starts; listed here so that a bad value fails `manage.py check` too):
# seconds for a request's headers to arrive (chatsite/patches/http_deadlines.py), for an idle connection
# between requests, and for open requests after SIGTERM before the process ends regardless.
HEADER_TIMEOUT_SECONDS = env_int("HEADER_TIMEOUT_SECONDS", 10, minimum=1)
KEEP_ALIVE_TIMEOUT_SECONDS = env_int("KEEP_ALIVE_TIMEOUT_SECONDS", 5, minimum=1)
GRACEFUL_SHUTDOWN_SECONDS = env_int("GRACEFUL_SHUTDOWN_SECONDS", 10, minimum=1)

# A strict Content-Security-Policy: scripts, styles, fonts and connections from this site only,
# and no inline script, inline style or event-handler attribute anywhere (every template, the
# admin's and the API docs' included, loads them from files). Rendered markdown is sanitised
# too; this is the second line of defence should anything get through. Images may also be data:
# URLs (the admin's and the API docs' icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

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

# The reply pipeline.
LLM_PROVIDER = env_str("LLM_PROVIDER", "local")
LLM_MODEL = env_str("LLM_MODEL", "")
# Extra providers as "name=package.module:ClassName" pairs, comma separated; used by deployments
# with their own provider and by the tests' doubles.
LLM_EXTRA_PROVIDERS = env_list("LLM_EXTRA_PROVIDERS")
LOCAL_TOKEN_DELAY_MS = env_int("LOCAL_TOKEN_DELAY_MS", 30, minimum=0)
MAX_MESSAGE_CHARS = env_int("MAX_MESSAGE_CHARS", 32000, minimum=1)
# New conversations a user may start in any hour (deleted ones count; ends never do). 0: no limit.
MAX_CONVERSATIONS_PER_HOUR = env_int("MAX_CONVERSATIONS_PER_HOUR", 100, minimum=0)
# A pending reply no worker has claimed after this long is handed to the queue again (also right
# after Redis comes back, for replies whose enqueue failed).
REPLY_REQUEUE_SECONDS = env_int("REPLY_REQUEUE_SECONDS", 120, minimum=5)
# A deleted conversation is purged this many days after it was deleted, and never while an end or
# a refused end of it awaits staff review (then this many days after the review). docs/privacy.md.
DELETED_RETENTION_DAYS = env_int("DELETED_RETENTION_DAYS", 30, minimum=0)
REPLY_LEASE_SECONDS = env_int("REPLY_LEASE_SECONDS", 60, minimum=1)
REPLY_STREAM_TTL_SECONDS = env_int("REPLY_STREAM_TTL_SECONDS", 3600, minimum=60)
REPLY_STREAM_MAXLEN = env_int("REPLY_STREAM_MAXLEN", 20000, minimum=100)
# A reply pending (or streaming without a lease renewal) this long is failed by the sweeper.
REPLY_STUCK_SECONDS = env_int("REPLY_STUCK_SECONDS", 600, minimum=30)
PROVIDER_MAX_RETRIES = env_int("PROVIDER_MAX_RETRIES", 3, minimum=0)
# Real providers (issue 4). The SDKs read their own standard variables (ANTHROPIC_API_KEY,
# ANTHROPIC_BASE_URL, OPENAI_API_KEY, OPENAI_BASE_URL); these only pick the model and the limits.
ANTHROPIC_MODEL = env_str("ANTHROPIC_MODEL", "claude-sonnet-5")
OPENAI_MODEL = env_str("OPENAI_MODEL", "gpt-4.1-mini")
# What users may pick (GET /api/v1/models/), as provider:model pairs, comma separated. Empty means
# the default provider, the local one, and each real provider whose key or base URL is set.
LLM_CHOICES = env_list("LLM_CHOICES")
LLM_CONNECT_TIMEOUT_SECONDS = env_int("LLM_CONNECT_TIMEOUT_SECONDS", 10, minimum=1)
# Longest silence between two chunks of a streamed reply before the call counts as hung.
LLM_READ_TIMEOUT_SECONDS = env_int("LLM_READ_TIMEOUT_SECONDS", 60, minimum=1)
LLM_MAX_OUTPUT_TOKENS = env_int("LLM_MAX_OUTPUT_TOKENS", 1024, minimum=16)
# Transcript budget in (estimated) tokens: the oldest turns are dropped first; the system prompt
# and the latest user turn are always sent.
LLM_CONTEXT_BUDGET_TOKENS = env_int("LLM_CONTEXT_BUDGET_TOKENS", 24000, minimum=256)
# Backoff between provider retries: exponential from the base, capped, with full jitter; a longer
# Retry-After from the provider always wins.
PROVIDER_RETRY_BASE_SECONDS = env_int("PROVIDER_RETRY_BASE_SECONDS", 2, minimum=0)
PROVIDER_RETRY_MAX_SECONDS = env_int("PROVIDER_RETRY_MAX_SECONDS", 60, minimum=1)
# Health checks (chatsite/health.py): how long a worker ping's answer is reused, how long a ping
# waits, and a secret that shows monitors the details of /readyz (`Authorization: Bearer ...`).
HEALTH_WORKER_CACHE_SECONDS = env_int("HEALTH_WORKER_CACHE_SECONDS", 10, minimum=1)
HEALTH_WORKER_TIMEOUT_SECONDS = env_int("HEALTH_WORKER_TIMEOUT_SECONDS", 1, minimum=1)
HEALTH_TOKEN = env_str("HEALTH_TOKEN")
# Reply streams (conversations/stream_hub.py, conversations/stream_slots.py). A web process reads
# Redis for its streams through a pool of at most STREAM_REDIS_POOL_SIZE connections (plus one
# that waits for new entries on behalf of every stream), and a read waits at most
# STREAM_REDIS_POOL_TIMEOUT_SECONDS for a free one. A user has at most MAX_STREAMS_PER_USER open
# streams across all web processes; opening one more closes their least recently active one.
STREAM_REDIS_POOL_SIZE = env_int("STREAM_REDIS_POOL_SIZE", 20, minimum=1)
STREAM_REDIS_POOL_TIMEOUT_SECONDS = env_int("STREAM_REDIS_POOL_TIMEOUT_SECONDS", 5, minimum=1)
MAX_STREAMS_PER_USER = env_int("MAX_STREAMS_PER_USER", 8, minimum=1)
SSE_HEARTBEAT_SECONDS = env_int("SSE_HEARTBEAT_SECONDS", 15, minimum=1)

# Moderation and the end policy.
MODERATION_BACKEND = env_choice("MODERATION_BACKEND", "builtin", ("builtin", "openai", "llamaguard"))
# External moderation backends. When one fails or times out, the message is assessed by builtin
# and the fallback is recorded on it; a chat never waits on a moderation outage.
MODERATION_OPENAI_BASE_URL = env_str("MODERATION_OPENAI_BASE_URL", "https://api.openai.com/v1")
MODERATION_OPENAI_API_KEY = env_str("MODERATION_OPENAI_API_KEY")
MODERATION_OPENAI_MODEL = env_str("MODERATION_OPENAI_MODEL", "omni-moderation-latest")
MODERATION_LLAMAGUARD_BASE_URL = env_str("MODERATION_LLAMAGUARD_BASE_URL")
MODERATION_LLAMAGUARD_API_KEY = env_str("MODERATION_LLAMAGUARD_API_KEY")
MODERATION_LLAMAGUARD_MODEL = env_str("MODERATION_LLAMAGUARD_MODEL", "meta-llama/Llama-Guard-3-8B")
MODERATION_TIMEOUT_MS = env_int("MODERATION_TIMEOUT_MS", 3000, minimum=100)
END_AFTER_REDIRECTS = env_int("END_AFTER_REDIRECTS", 3, minimum=1)
RISK_WINDOW_TURNS = env_int("RISK_WINDOW_TURNS", 6, minimum=1)
# Risk is read on two lines (docs/moderation.md). The veto line, on an assessment's `risk` score,
# is tuned for recall: a turn at or above it keeps the model from ending the branch. The support
# line, on the self_harm and harm_to_others scores, is tuned for precision: a turn at or above it
# gets a reply with SUPPORT_RESOURCES. Every backend scores so that 0.5 is its operating point.
RISK_VETO_THRESHOLD = env_float("RISK_VETO_THRESHOLD", 0.5, minimum=0.0, maximum=1.0)
RISK_SUPPORT_THRESHOLD = env_float("RISK_SUPPORT_THRESHOLD", 0.5, minimum=0.0, maximum=1.0)
# Risk seen once on a branch vetoes the model's ends for the rest of it, unless staff clear it.
# Off, only the last RISK_WINDOW_TURNS user turns count.
RISK_MEMORY = env_bool("RISK_MEMORY", True)
# Before a model-initiated end, a real provider's model is asked one yes/no question about risk
# in the transcript (the offline provider is not). No answer within this time refuses the end.
RISK_REVIEW_MODEL_TIMEOUT_MS = env_int("RISK_REVIEW_MODEL_TIMEOUT_MS", 10000, minimum=100)
# Each worker process loads the builtin model and its sentence encoder as it starts, so that no
# user waits for it; off, the first message a process assesses pays for it (about a second).
MODERATION_WARM_UP = env_bool("MODERATION_WARM_UP", True)
SUPPORT_RESOURCES = env_str(
    "SUPPORT_RESOURCES",
    "If you are in immediate danger, call your local emergency number (112 in the EU, 911 in the "
    "US and Canada, 999 in the UK). You can find a free, confidential crisis line in your country "
    "at https://findahelpline.com; in the US you can call or text 988, in the UK and Ireland call "
    "Samaritans on 116 123.",
)

# GET /metrics (Prometheus) answers staff, and a scraper sending `Authorization: Bearer
# METRICS_TOKEN`; anyone else gets a 404. Empty: staff only. METRICS_TOKEN_FILE works too.
METRICS_TOKEN = env_str("METRICS_TOKEN")
# prometheus-client turns on its multiprocess mode when PROMETHEUS_MULTIPROC_DIR is present at all,
# even empty, and then writes its files into the working directory. By this project's rule an
# empty value is unset (chatsite/env.py), so an empty one goes before anything imports the library.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip():
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
CELERY_TASK_DEFAULT_QUEUE = "celery"

# Accounts.
ALLOW_SIGNUP = env_bool("ALLOW_SIGNUP", True)

REST_FRAMEWORK = {
    # Token first: DRF takes the WWW-Authenticate header from the first class, which turns an
    # anonymous request into a 401 (not a 403) that tells the client how to authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": env_int("API_PAGE_SIZE", 20, minimum=1),
    "EXCEPTION_HANDLER": "conversations.api.errors.exception_handler",
    # DRF's three, with JSON nested too deeply a 400 instead of a 500 (chatsite/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "chatsite.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Anonymous clients are told apart by the connection's address (after uvicorn applied the
    # forwarding headers of TRUSTED_PROXIES), or by X-Forwarded-For NUM_PROXIES from the right;
    # DRF's default (None) would believe whatever X-Forwarded-For a client sends.
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_CLASSES": [
        "conversations.api.throttles.AnonThrottle",
        "conversations.api.throttles.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("THROTTLE_ANON", "60/min"),
        "user": env_str("THROTTLE_USER", "600/min"),
        # Scoped limits (conversations/api/throttles.py), per user (per address for auth).
        # Sending, editing and retrying each start a model reply, so they share one budget.
        "messages": env_str("THROTTLE_MESSAGES", "30/min"),
        "conversations": env_str("THROTTLE_CONVERSATIONS", "20/min"),
        "auth": env_str("THROTTLE_AUTH", "10/min"),
        # Sign-in and sign-up on every door (accounts/limits.py): accounts created per client
        # address, and failed sign-ins per username before it is locked (not for browsers that
        # have signed in to it before). "N/period", period one of s, m, h, d.
        "signup": env_str("THROTTLE_SIGNUP", "10/hour"),
        "login_failures": env_str("THROTTLE_LOGIN_FAILURES", "10/hour"),
    },
    "DEFAULT_SCHEMA_CLASS": "conversations.api.schema.AutoSchema",
}

# The OpenAPI schema, committed at docs/openapi.yaml (tests/conversations/api/test_schema.py keeps it current).
SPECTACULAR_SETTINGS = {
    "TITLE": "Chat API",
    "DESCRIPTION": "The REST API of the chat app whose assistant can end abusive conversations. "
    "Every error has the body {\"code\", \"detail\"} (validation errors add \"errors\" per field). "
    "Walk-through: docs/api.md.",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "SERVE_INCLUDE_SCHEMA": False,
    # The API also accepts forms, but JSON is the contract clients should use.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "PREPROCESSING_HOOKS": ["conversations.api.schema.add_reply_stream"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "review.schema.document_lenient_staff_queries",
        "conversations.api.schema.add_links",
    ],
    "ENUM_NAME_OVERRIDES": {},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Every line: time (UTC), level, logger, message, and the request and reply ids it is about
# (chatsite/logs.py). LOG_FORMAT=json writes one JSON object a line for a log collector.
LOG_FORMAT = env_choice("LOG_FORMAT", "text", ("text", "json"))
LOGGING = logging_config(level=env_str("LOG_LEVEL", "INFO"), json_lines=LOG_FORMAT == "json")
# The request id travels in X-Request-ID: taken from the reverse proxy when it is a UUID (nginx's
# $request_id is), made here otherwise, and sent back on the response.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "INTEGRATIONS": [CeleryIntegration()],
}
