import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from chatsite.asgi import application  # noqa: E402, F401 - with the benchmark's settings
