from celery import shared_task


@shared_task
def noop() -> None:
    """A task that does nothing: its round trip is the floor of any Celery work."""
