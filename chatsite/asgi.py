"""The ASGI application: Django with the project's handler (chatsite/patches/asgi_handler.py), or
Django's own when PATCH_ASGI_HANDLER is off. It refuses to start on a library version a patch was
not tested with (chatsite/patches/__init__.py)."""

import os

import django
from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chatsite.settings")
django.setup(set_prefix=False)

from chatsite import patches  # noqa: E402 - needs the settings configured above
from chatsite.body_limits import BodyLimits  # noqa: E402
from chatsite.patches.asgi_handler import ChatASGIHandler  # noqa: E402
from chatsite.request_ids import RequestIds  # noqa: E402

patches.verify()

# Every request has its id before anything logs (chatsite/request_ids.py), and bodies are limited
# (size, and time to arrive) before Django reads them (chatsite/body_limits.py).
application = RequestIds(BodyLimits(ChatASGIHandler() if settings.PATCH_ASGI_HANDLER else get_asgi_application()))
