from django.conf import settings
from django.db import models


class UsernameSkeleton(models.Model):
    """What a username looks like to a reader (accounts/usernames.py), unique across users."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    skeleton = models.CharField(max_length=600, unique=True)

    def __str__(self) -> str:
        return self.skeleton
