"""What every log line carries: the time (UTC), level, logger and message, and the ids that tie a
line to what it was about: the request (X-Request-ID, made by django-guid and carried into the
Celery tasks the request enqueued) and the reply being generated.

settings.LOGGING wires these in; LOG_FORMAT=json swaps the text formatter for python-json-logger's.
"""

import contextvars
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django_guid.context import guid
from pythonjsonlogger.core import RESERVED_ATTRS

_reply_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("reply_id", default=None)


@contextmanager
def reply_context(reply_id: str) -> Iterator[None]:
    """Every line logged inside the block (and in threads it starts with this context) names
    the reply."""
    token = _reply_id.set(str(reply_id))
    try:
        yield
    finally:
        _reply_id.reset(token)


class ContextFilter(logging.Filter):
    """Puts `request_id` and `reply_id` on every record a handler emits (None when unknown)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = guid.get()
        record.reply_id = _reply_id.get()
        return True


class TextFormatter(logging.Formatter):
    """`2026-05-01T12:00:00.123Z INFO conversations.pipeline message request_id=... reply_id=...`:
    UTC with milliseconds, and the ids only when there are any, so a line about nothing in
    particular stays short."""

    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        ids = [f"{name}={value}" for name in ("request_id", "reply_id") if (value := getattr(record, name, None))]
        if not ids:
            return line
        # Keep the ids on the first line, so a traceback below it stays readable.
        first, newline, rest = line.partition("\n")
        return f"{first} {' '.join(ids)}{newline}{rest}"


def logging_config(*, level: str, json_lines: bool) -> dict:
    """The LOGGING setting. Uvicorn's own loggers go through the same handler (the web processes
    import Django after uvicorn set its logging up, so this wins), and django-guid's per-request
    chatter stays out."""
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["levelname", "name", "message", "request_id", "reply_id"],
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
            # Uvicorn's copy of its message with terminal colours in it.
            "reserved_attrs": [*RESERVED_ATTRS, "color_message"],
        }
        if json_lines
        else {"()": "chatsite.logs.TextFormatter"}
    )
    # No level for uvicorn's loggers: its --log-level stays in charge of them.
    own_handler = {"handlers": ["console"], "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "chatsite.logs.ContextFilter"}},
        "formatters": {"default": formatter},
        "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["context"], "formatter": "default"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "uvicorn": own_handler,
            "uvicorn.access": own_handler,
            "django_guid": {"level": "WARNING"},
        },
    }
