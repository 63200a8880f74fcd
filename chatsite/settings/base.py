"""Django's own settings and the web's: apps, middleware, databases, static files, security
headers, the Content-Security-Policy and logging."""

import ipaddress
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django_guid.integrations import CeleryIntegration

from chatsite.env import env_bool, env_choice, env_int, env_list, env_str
from chatsite.logs import logging_config

BASE_DIR = Path(__file__).resolve().parents[2]

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
