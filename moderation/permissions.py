"""Who may moderate: the one rule the admin's pages and the staff API both apply.

Moderators (the `moderators` group) hold only the view and change permissions of the moderation
models; superusers hold every permission. Django's admin checks the same permissions on its own
pages; this is for the pages and endpoints it does not serve.
"""


def can_moderate(user, *, action: str = "view", model_name: str = "endevent") -> bool:
    """Whether `user` may `action` ("view" or "change") the moderation records of `model_name`."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(f"moderation.{action}_{model_name}")
    )
