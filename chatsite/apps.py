from django.apps import AppConfig


class ChatsiteConfig(AppConfig):
    """The project itself, as an app only so that its system checks are registered at start-up."""

    name = "chatsite"

    def ready(self) -> None:
        from chatsite import patches  # noqa: F401 - registers the patches' version check
