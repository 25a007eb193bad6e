"""RectificationOrder becomes an issued record (safetyportal.documents.issuing.IssuedRecord): every number, date and
document link keeps its values; new: the issue time (back-filled from the official document's request), the frozen
data and its time. The orders' numbers are written in the register (发文登记簿). Reversible."""

from django.db import migrations, models

from safetyportal.documents import migration_support


def forward(apps, schema_editor):
    migration_support.backfill_issued_at(apps, "inspections", "rectificationorder")
    migration_support.register_issued(
        apps,
        schema_editor,
        "inspections",
        "rectificationorder",
        "rectification_order",
        lambda order: f"责令限期整改指令书（{order.enterprise.name}）",
        related=("enterprise",),
    )


def backward(apps, schema_editor):
    migration_support.unregister(apps, schema_editor, "inspections", "rectificationorder")


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_initial"),
        ("safetyportal", "0010_document_register"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="rectificationorder",
            name="issued_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="下达时间"),
        ),
        migrations.AddField(
            model_name="rectificationorder",
            name="snapshot",
            field=models.JSONField(blank=True, editable=False, null=True, verbose_name="印发时的数据"),
        ),
        migrations.AddField(
            model_name="rectificationorder",
            name="snapshot_taken_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="数据取数时间"),
        ),
        migrations.AlterField(
            model_name="rectificationorder",
            name="status",
            field=models.CharField(
                choices=[("draft", "草稿"), ("issued", "已下达")],
                db_index=True,
                default="draft",
                editable=False,
                max_length=16,
                verbose_name="状态",
            ),
        ),
        migrations.RemoveConstraint(model_name="rectificationorder", name="unique_order_number"),
        migrations.AddConstraint(
            model_name="rectificationorder",
            constraint=models.UniqueConstraint(
                condition=models.Q(("serial__isnull", False)),
                fields=("authority", "year", "serial"),
                name="inspections_rectificationorder_number",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
