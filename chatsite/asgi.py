import os

from chatsite.asgi_handler import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chatsite.settings")

from chatsite.body_limits import BodyLimits  # noqa: E402 - needs the settings module named above

# Bodies are limited (size, and time to arrive) before Django reads them: chatsite/body_limits.py.
application = BodyLimits(get_asgi_application())
