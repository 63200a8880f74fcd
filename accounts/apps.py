from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-up and the demo accounts; logging in and out are Django's own views."""

    name = "accounts"

    def ready(self) -> None:
        from accounts import signals  # noqa: F401 - connects the receivers
