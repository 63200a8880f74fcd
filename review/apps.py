from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """Staff review of ends and refused ends: the admin, the staff API, the dashboard and reopening.
    It needs both the chat and the safety domains, so it sits above both (docs/architecture.md)."""

    name = "review"
    verbose_name = "Staff review"
