"""`manage.py runserver` serves the ASGI application with uvicorn, reloading on code changes.

Django's own runserver is a WSGI server: it reads a streaming response to its end before sending
any of it, so a reply's tokens would all arrive at once when it finishes. Replies also need Redis
and a Celery worker, which this command does not start: `make dev` runs all three with reloading.
"""

import re
from pathlib import Path

import uvicorn
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def reload_dirs() -> list[str]:
    """What uvicorn's reloader watches (*.py under these): the project's own apps, rather than the
    whole checkout with its virtualenv of many thousand files."""
    return sorted(config.path for config in apps.get_app_configs() if Path(config.path).parent == settings.BASE_DIR)


class Command(BaseCommand):
    help = "Serve the app with uvicorn (ASGI, so replies stream), reloading when the code changes."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="[address:]port, default 127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_false", dest="reload", help="do not reload on code changes")

    def handle(self, *args, addrport: str, reload: bool, **options):
        match = re.fullmatch(r"(?:(?P<host>[^:]+|\[[^\]]+\]):)?(?P<port>\d+)", addrport)
        if not match:
            raise CommandError(f"{addrport!r} is not a port or address:port")
        host, port = (match["host"] or "127.0.0.1").strip("[]"), int(match["port"])
        self.check(display_num_errors=True)
        self.check_migrations()
        self.stdout.write(
            f"Serving the ASGI app with uvicorn at http://{host}:{port}/ (replies stream"
            f"{', reloading on code changes' if reload else ''}).\n"
            "Replies need Redis and a Celery worker, which runserver does not start: "
            "`make dev` runs all three, reloading on changes.",
        )
        uvicorn.run(
            "chatsite.asgi:application",
            host=host,
            port=port,
            reload=reload,
            reload_dirs=reload_dirs() if reload else None,
            log_config=None,
        )
