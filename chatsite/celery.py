import os

from celery import Celery
from celery.signals import setup_logging, task_postrun, task_prerun, worker_process_init

from chatsite import broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chatsite.settings")
broker.install()

app = Celery("chatsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**kwargs) -> None:
    """Workers and beat log through settings.LOGGING (chatsite/logs.py), like the web processes,
    instead of Celery's own format: one format to read and to parse, with the request and reply
    ids on every line. Connecting here also tells Celery to leave the root logger alone."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@worker_process_init.connect
def keep_database_connections(**kwargs) -> None:
    """In a worker process (not the web, not tasks run eagerly in tests): keep the database
    connection between tasks, closed and reopened when it is older than WORKER_DB_CONN_MAX_AGE or
    fails its health check, the way Django treats requests with CONN_MAX_AGE."""
    from django.conf import settings
    from django.db import connections

    if not settings.WORKER_DB_CONN_MAX_AGE:
        return
    if settings.DB_POOLED:
        # The pool keeps the connections (and checks one before lending it); closing after a
        # task hands it back.
        _hand_back_after_tasks()
        return
    for alias in connections:
        connections.settings[alias]["CONN_MAX_AGE"] = settings.WORKER_DB_CONN_MAX_AGE
        connections.settings[alias]["CONN_HEALTH_CHECKS"] = True
    _hand_back_after_tasks()


def _hand_back_after_tasks() -> None:
    task_prerun.connect(_close_old_connections, weak=False)
    task_postrun.connect(_close_old_connections, weak=False)


def _close_old_connections(**kwargs) -> None:
    from django.db import close_old_connections

    close_old_connections()
