"""Database connections handed back early."""

from django.db import connections


def release_connections() -> None:
    """Close this thread's database connections (with a pool: hand them back to it)."""
    for connection in connections.all(initialized_only=True):
        connection.close()
