"""Existing users get their username's skeleton (accounts/usernames.py), oldest first, so that a
new sign-up cannot take a look-alike of their names. Of existing look-alikes, the oldest holds it."""

from django.conf import settings
from django.db import migrations


def backfill(apps, schema_editor):
    from accounts.usernames import username_skeleton

    user_model = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    skeletons = apps.get_model("accounts", "UsernameSkeleton")
    claimed = set(skeletons.objects.values_list("skeleton", flat=True))
    rows = []
    for pk, username in user_model.objects.order_by("pk").values_list("pk", "username").iterator():
        skeleton = username_skeleton(username)
        if skeleton not in claimed:
            claimed.add(skeleton)
            rows.append(skeletons(user_id=pk, skeleton=skeleton))
    skeletons.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_username_skeleton")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
