"""Accounts in tests."""

from rest_framework.authtoken.models import Token


def token_for(user) -> str:
    """The user's API token, made on first use."""
    return Token.objects.get_or_create(user=user)[0].key
