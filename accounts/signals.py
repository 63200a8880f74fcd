"""Users created outside sign-up (createsuperuser, the admin, the demo seed) get their username's
skeleton too, so that a later sign-up cannot take a look-alike of their name. Staff who create a
look-alike on purpose are not refused: that user just holds no skeleton."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.usernames import skeleton_claim


@receiver(post_save, sender=get_user_model(), dispatch_uid="accounts.username_skeleton")
def claim_username_skeleton(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        skeleton_claim(instance)
