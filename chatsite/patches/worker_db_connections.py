"""Celery worker processes keep their database connection between tasks.

Celery's Django fixup closes the connection around every task; a reply is a handful of statements,
fewer than a new PostgreSQL connection costs. This raises the connection's CONN_MAX_AGE for worker
processes only, by editing Django's per-alias connection settings (`connections.settings`, not a
public API), and closes connections that are old or broken around each task, the way Django does
around requests. With a pool (PostgreSQL, DB_POOL_MAX_SIZE) it only hands the connection back.

Off (PATCH_WORKER_DB_CONNECTIONS=false, or WORKER_DB_CONN_MAX_AGE=0): Celery's own handling, a new
connection for every task.
"""

from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.db import close_old_connections, connections


def keep_database_connections() -> None:
    """In a worker process (not the web, not tasks run eagerly in tests): keep the database
    connection between tasks, closed and reopened when it is older than WORKER_DB_CONN_MAX_AGE or
    fails its health check."""
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
    close_old_connections()
