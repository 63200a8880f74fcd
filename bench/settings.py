"""Settings for the benchmarks: the app's own, plus the floor endpoints and the no-op task."""

from chatsite.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
CELERY_IMPORTS = [*CELERY_IMPORTS, "bench.tasks"]  # noqa: F405
