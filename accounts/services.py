"""Creating accounts: the one way a user is made, from the sign-up page and from the API."""

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import UsernameSkeleton
from accounts.usernames import skeleton_taken
from chatsite.errors import DomainError


def username_taken() -> DomainError:
    return DomainError("username_taken", "That username is taken, or looks just like one that is.", 409)


def user_register(*, username: str, password: str) -> AbstractBaseUser:
    """A new user with this username and password.

    Raises ValidationError, by field (`username`, `password`), for a username the user model
    refuses or a password the site's validators refuse, and DomainError `username_taken` when the
    username is taken in any letter case, or looks like one that is (accounts/usernames.py).
    """
    user_model = get_user_model()
    username = username.strip()
    if not username:
        raise ValidationError({"username": ["This field may not be blank."]})
    try:
        user_model._meta.get_field("username").run_validators(username)
    except ValidationError as error:
        raise ValidationError({"username": list(error.messages)}) from None
    try:
        password_validation.validate_password(password, user_model(username=username))
    except ValidationError as error:
        raise ValidationError({"password": list(error.messages)}) from None
    try:
        with transaction.atomic():
            if user_model.objects.filter(username__iexact=username).exists() or skeleton_taken(username):
                raise username_taken()
            user = user_model.objects.create_user(username=username, password=password)
            # Creating the user claimed its skeleton (accounts/signals.py) unless a look-alike name
            # signed up in the meantime: then this one is taken after all.
            if not UsernameSkeleton.objects.filter(user=user).exists():
                raise username_taken()
            return user
    except IntegrityError:
        # Two sign-ups with one name at once: the unique index refuses the second.
        raise username_taken() from None
