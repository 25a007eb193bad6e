"""Create the office's role groups (安委办管理员, 安委办工作人员) with their model permissions."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from safetyportal.roles import sync_roles

    sync_roles(apps)


def remove_roles(apps, schema_editor):
    from safetyportal.roles import ADMIN_GROUP, STAFF_GROUP

    apps.get_model("auth", "Group").objects.filter(name__in=[ADMIN_GROUP, STAFF_GROUP]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("safetyportal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
