"""The sign-up page's form. It parses and checks the input; accounts.services creates the user."""

from django.contrib.auth.forms import UserCreationForm


class SignupForm(UserCreationForm):
    """Django's own sign-up form: unique username (case-insensitive) and the password validators."""
