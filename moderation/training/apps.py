from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """Training, evaluating and simulating the builtin moderation model: management commands only.

    Installed everywhere so that `manage.py evaluate_moderation` runs on a server, but its training
    command needs requirements-train.txt (scikit-learn), which the runtime does not install."""

    name = "moderation.training"
    label = "moderation_training"
    verbose_name = "moderation model training"
