"""Usernames that only look like another one are taken.

Django already stores usernames in Unicode normal form NFKC (so a full-width `ａｄｍｉｎ` is `admin`)
and this site refuses a name that differs from another only in letter case. That still let
`admın` (a dotless i), `ådmin`, or `аdmin` with a Cyrillic а, sign up beside `admin`: to a reader
they are the same name. Each username's skeleton folds away what a reader cannot tell apart: letter
case, accents and other combining marks, and the look-alike characters of Unicode's confusables
table (UTS #39, through the disarm library). A new username whose skeleton is already some other
user's is taken. The skeleton is only ever compared, never shown: folding accents makes `José`
and `Jose` one name, which is the point.
"""

import unicodedata

import disarm
from django.db import IntegrityError, transaction

from accounts.models import UsernameSkeleton


def username_skeleton(username: str) -> str:
    folded = unicodedata.normalize("NFKC", username).casefold()
    return disarm.skeleton_key(disarm.strip_accents(folded))


def skeleton_taken(username: str) -> bool:
    return UsernameSkeleton.objects.filter(skeleton=username_skeleton(username)).exists()


def skeleton_claim(user) -> bool:
    """Record the user's skeleton; False when another user already has it (the unique index
    decides, so two sign-ups of look-alike names at once cannot both claim it)."""
    try:
        with transaction.atomic():
            UsernameSkeleton.objects.create(user=user, skeleton=username_skeleton(user.get_username()))
    except IntegrityError:
        return False
    return True
