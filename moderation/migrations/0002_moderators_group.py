"""The `moderators` group: staff who review ends and refused ends, and nothing else.

Its members can view and review (change) end events and refused end attempts and read the
users' feedback on ends. They get no permission on conversations, messages or users: they see a
conversation only through the transcript snapshot of an end or a refusal.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "moderators"
PERMISSIONS = [
    "view_endevent",
    "change_endevent",
    "view_endattempt",
    "change_endattempt",
    "view_endfeedback",
]


def create_group(apps, schema_editor):
    # Permissions are normally created after the whole migrate run; create this app's now so a
    # fresh database gets a complete group in one pass.
    app_config = apps.get_app_config("moderation")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="moderation", codename__in=PERMISSIONS))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
