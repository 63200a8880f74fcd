"""The Celery app (settings in the CELERY_ namespace) and the patches its processes apply."""

import os
from logging.config import dictConfig

from celery import Celery
from celery.signals import setup_logging, worker_init, worker_process_init
from django.conf import settings

from chatsite import patches
from chatsite.patches import kombu_transport, worker_db_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chatsite.settings")

app = Celery("chatsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**kwargs) -> None:
    """Workers and beat log through settings.LOGGING (chatsite/logs.py), like the web processes,
    instead of Celery's own format: one format to read and to parse, with the request and reply
    ids on every line. Connecting here also tells Celery to leave the root logger alone."""
    dictConfig(settings.LOGGING)


@app.on_after_configure.connect
def install_broker_transport(sender, **kwargs) -> None:
    """Once Celery has read Django's settings, before its first broker connection (in the web
    process as in the worker): the transport that survives losing Redis, unless turned off."""
    if settings.PATCH_KOMBU_TRANSPORT:
        kombu_transport.install()


@worker_init.connect
def refuse_untested_libraries(**kwargs) -> None:
    """A worker does not run Django's system checks: refuse to start here on a library version a
    patch was not tested with (chatsite/patches/__init__.py)."""
    patches.verify()


@worker_process_init.connect
def keep_database_connections(**kwargs) -> None:
    """In a worker process (not the web, not tasks run eagerly in tests)."""
    if settings.PATCH_WORKER_DB_CONNECTIONS and settings.WORKER_DB_CONN_MAX_AGE:
        worker_db_connections.keep_database_connections()
