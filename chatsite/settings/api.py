"""The REST API: Django REST framework and the OpenAPI schema (drf-spectacular)."""

from chatsite.env import env_int, env_str
from chatsite.settings.base import NUM_PROXIES

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
