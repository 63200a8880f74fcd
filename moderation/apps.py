from celery.signals import worker_process_init
from django.apps import AppConfig
from django.conf import settings

from moderation.classifiers import builtin


class ModerationConfig(AppConfig):
    name = "moderation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from moderation import checks  # noqa: F401 - registers the encoder's start-up check (Django's idiom)

        builtin.configure(fine_tuned_flags=settings.MODERATION_FINE_TUNED_FLAGS)

        # Every user message is assessed in a worker process, so each one loads the sentence
        # encoders and the models as it starts (about a second each), not when its first message comes.
        worker_process_init.connect(_warm_up_classifier, weak=False)


def _warm_up_classifier(**kwargs) -> None:
    if settings.MODERATION_WARM_UP:
        builtin.warm_up()
