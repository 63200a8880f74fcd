"""The settings of the processes the suite starts (the live stack's web process and workers): the
app's own, plus one middleware that only a test database needs.

Between tests pytest-django empties every table, and Django then creates the content types again
under new ids. A web process that lives through many tests would keep the ids it cached, and the
admin's history entry of a later test would point at a content type that no longer exists
(FOREIGN KEY constraint failed). Production never deletes content types, so the app caches them.
"""

from django.utils.deprecation import MiddlewareMixin

from chatsite.settings import *  # noqa: F403
from chatsite.settings import MIDDLEWARE

MIDDLEWARE = [*MIDDLEWARE, "tests.support.live_settings.ForgetContentTypes"]


class ForgetContentTypes(MiddlewareMixin):
    """Sync and async alike (MiddlewareMixin), so the chain runs as it does in production."""

    def process_request(self, request) -> None:
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
