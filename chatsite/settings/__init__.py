"""Settings for the chat site. Every value comes from the environment (see .env.example); each
part lives in its own module:

- base: Django and the web (apps, middleware, databases, static files, security, logging);
- services: Redis, the cache, the library patches' switches, Celery;
- chat: the reply pipeline, providers, streams, health checks, moderation, metrics, accounts;
- api: Django REST framework and the OpenAPI schema.
"""

from chatsite.settings.base import *  # noqa: F403
from chatsite.settings.services import *  # noqa: F403
from chatsite.settings.chat import *  # noqa: F403
from chatsite.settings.api import *  # noqa: F403
