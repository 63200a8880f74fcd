"""Create the demo accounts that `make run` advertises, once.

Passwords are random unless DEMO_PASSWORD / ADMIN_PASSWORD are set, and are only
shown when an account is created: Django stores hashes, so they cannot be shown
again later (use `manage.py changepassword <user>` to set a new one).
"""

import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

# (username, label printed to the console, env var that may supply the password, is staff/superuser)
ACCOUNTS = (
    ("demo", "Demo user", "DEMO_PASSWORD", False),
    ("admin", "Staff user", "ADMIN_PASSWORD", True),
)


class Command(BaseCommand):
    help = "Create the 'demo' user and the 'admin' staff superuser if they do not exist."

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        for username, label, env_var, privileged in ACCOUNTS:
            # The transaction makes the existence check and the insert one unit,
            # so a concurrent second run cannot half-create an account.
            with transaction.atomic():
                if User.objects.filter(username=username).exists():
                    self.stdout.write(
                        f"{label} '{username}' already exists (its password is not recoverable; "
                        f"reset it with: python manage.py changepassword {username})"
                    )
                    continue
                password = os.environ.get(env_var) or secrets.token_urlsafe(12)
                if privileged:
                    User.objects.create_superuser(username=username, email="", password=password)
                else:
                    User.objects.create_user(username=username, email="", password=password)
            self.stdout.write(self.style.SUCCESS(f"{label}: {username} / {password}"))
