"""RecordHistory moves from inspections to safetyportal: one history for every app's legal records (issue 11).

Nothing is copied. The table ``inspections_recordhistory`` is renamed ``safetyportal_recordhistory`` with its rows
(ids, index and constraints stay), and the content type (inspections, recordhistory) becomes (safetyportal,
recordhistory), so the view permission, and every group or person holding it, follows the model.
``inspections.0003_record_history_move`` then drops the model from inspections' state (no SQL). Reversible."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

OLD_TABLE = "inspections_recordhistory"
NEW_TABLE = "safetyportal_recordhistory"


# Both directions run against the state before this migration (where only inspections has the model).
def rename_table(apps, schema_editor):
    schema_editor.alter_db_table(apps.get_model("inspections", "RecordHistory"), OLD_TABLE, NEW_TABLE)


def rename_table_back(apps, schema_editor):
    schema_editor.alter_db_table(apps.get_model("inspections", "RecordHistory"), NEW_TABLE, OLD_TABLE)


def _move_content_type(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    types = ContentType.objects.using(db)
    if types.filter(app_label=target, model="recordhistory").exists():
        return  # already there (a database migrated before this one was written): leave both as they are
    types.filter(app_label=source, model="recordhistory").update(app_label=target)


def move_content_type(apps, schema_editor):
    _move_content_type(apps, schema_editor, "inspections", "safetyportal")


def move_content_type_back(apps, schema_editor):
    _move_content_type(apps, schema_editor, "safetyportal", "inspections")


class Migration(migrations.Migration):
    dependencies = [
        ("safetyportal", "0011_authority_seal"),
        ("inspections", "0002_issued_records"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(rename_table, rename_table_back)],
            state_operations=[
                migrations.CreateModel(
                    name="RecordHistory",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("object_id", models.PositiveBigIntegerField(db_index=True, verbose_name="记录ID")),
                        ("object_repr", models.CharField(max_length=200, verbose_name="记录")),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("create", "登记"),
                                    ("change", "修改"),
                                    ("void", "作废"),
                                    ("issue", "印发"),
                                    ("publish", "发布"),
                                    ("withdraw", "撤回"),
                                    ("expire", "到期"),
                                    ("reward", "奖励"),
                                    ("cancel", "注销"),
                                    ("revoke", "吊销"),
                                ],
                                max_length=32,
                                verbose_name="操作",
                            ),
                        ),
                        (
                            "at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="时间"),
                        ),
                        ("changes", models.JSONField(blank=True, default=dict, verbose_name="变更内容")),
                        ("note", models.TextField(blank=True, verbose_name="说明")),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="操作人",
                            ),
                        ),
                        (
                            "content_type",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="contenttypes.contenttype",
                                verbose_name="记录类型",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "操作记录",
                        "verbose_name_plural": "操作记录",
                        "ordering": ["-at", "-pk"],
                        "default_permissions": ("view",),
                        "indexes": [models.Index(fields=["content_type", "object_id"], name="history_object")],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
