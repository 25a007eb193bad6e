"""Notice and CampaignSummary become issued records (safetyportal.documents.issuing.IssuedRecord).

Every column that held a number, a date, a document link keeps its values; new: the frozen figures (snapshot) and
their time, the summary's issue time and workbook link. The summary's old statistics file (xlsx_file, made by a
task of its own) becomes a generated document of kind ``campaign_summary_workbook`` pointing at the same file, so it
stays downloadable; the issued summary links it as ``workbook``. The numbers already issued are written in the
register (发文登记簿). Reversible: the workbook link goes back into the old columns, the register rows go."""

import hashlib

import django.db.models.deletion
from django.core.files.storage import default_storage
from django.db import migrations, models

from safetyportal.documents import migration_support

WORKBOOK_KIND = "campaign_summary_workbook"


def _hash(name: str) -> tuple[str, int | None]:
    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
    except OSError:
        return "", None
    return hashlib.sha256(data).hexdigest(), len(data)


def workbooks_forward(apps, schema_editor):
    CampaignSummary = apps.get_model("campaigns", "CampaignSummary")
    GeneratedDocument = apps.get_model("safetyportal", "GeneratedDocument")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _created = ContentType.objects.get_or_create(app_label="campaigns", model="campaignsummary")
    for summary in CampaignSummary._base_manager.exclude(xlsx_file="").filter(xlsx_status="done").order_by("pk"):
        issued = summary.status != "draft"
        document = GeneratedDocument.objects.filter(  # kept from an earlier forward run (the way back keeps it)
            kind=WORKBOOK_KIND, source_type=content_type, source_id=summary.pk, file=summary.xlsx_file
        ).first()
        if document is not None:
            if issued:
                CampaignSummary._base_manager.filter(pk=summary.pk).update(workbook=document)
            continue
        digest, size = _hash(summary.xlsx_file)
        document = GeneratedDocument.objects.create(
            kind=WORKBOOK_KIND,
            title=f"{summary.title}（活动总结统计表）"[:255],
            source_type=content_type,
            source_id=summary.pk,
            requested_by_id=summary.issued_by_id or summary.created_by_id,
            is_preview=not issued,
            status="done",
            progress=100,
            attempts=1,
            file=summary.xlsx_file,
            sha256=digest,
            size_bytes=size,
            authority_id=summary.authority_id,
            number=summary.number,
            issued_on=summary.issued_on,
            enqueued_at=summary.xlsx_generated_at,
            started_at=summary.xlsx_generated_at,
            finished_at=summary.xlsx_generated_at,
        )
        if summary.xlsx_generated_at:
            GeneratedDocument.objects.filter(pk=document.pk).update(created_at=summary.xlsx_generated_at)
        if issued:
            CampaignSummary._base_manager.filter(pk=summary.pk).update(workbook=document)
    migration_support.backfill_issued_at(apps, "campaigns", "campaignsummary")
    migration_support.register_issued(apps, schema_editor, "campaigns", "notice", "notice", lambda r: r.title)
    migration_support.register_issued(
        apps, schema_editor, "campaigns", "campaignsummary", "campaign_summary", lambda r: r.title
    )


def workbooks_backward(apps, schema_editor):
    """The workbook of each summary (the issued one, else its newest finished one) back in the old columns; the
    generated documents stay (legal records), the register rows of these models go."""
    CampaignSummary = apps.get_model("campaigns", "CampaignSummary")
    GeneratedDocument = apps.get_model("safetyportal", "GeneratedDocument")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="campaigns", model="campaignsummary").first()
    for summary in CampaignSummary._base_manager.order_by("pk"):
        workbook = summary.workbook
        if workbook is None and content_type is not None:
            workbook = (
                GeneratedDocument.objects.filter(
                    source_type=content_type, source_id=summary.pk, kind=WORKBOOK_KIND, status="done"
                )
                .exclude(file="")
                .order_by("-finished_at", "-pk")
                .first()
            )
        if workbook is not None and workbook.file:
            CampaignSummary._base_manager.filter(pk=summary.pk).update(
                xlsx_file=workbook.file.name, xlsx_status="done", xlsx_generated_at=workbook.finished_at
            )
    migration_support.unregister(apps, schema_editor, "campaigns", "notice")
    migration_support.unregister(apps, schema_editor, "campaigns", "campaignsummary")
    migration_support.fire_deferred_checks(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_activity_returns"),
        ("safetyportal", "0010_document_register"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaignsummary",
            name="issued_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="印发时间"),
        ),
        migrations.AddField(
            model_name="campaignsummary",
            name="snapshot",
            field=models.JSONField(blank=True, editable=False, null=True, verbose_name="印发时的数据"),
        ),
        migrations.AddField(
            model_name="campaignsummary",
            name="snapshot_taken_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="数据取数时间"),
        ),
        migrations.AddField(
            model_name="campaignsummary",
            name="workbook",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="safetyportal.generateddocument",
                verbose_name="统计表Excel",
            ),
        ),
        migrations.AddField(
            model_name="notice",
            name="snapshot",
            field=models.JSONField(blank=True, editable=False, null=True, verbose_name="印发时的数据"),
        ),
        migrations.AddField(
            model_name="notice",
            name="snapshot_taken_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="数据取数时间"),
        ),
        migrations.AlterField(
            model_name="campaignsummary",
            name="authority",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="safetyportal.issuingauthority",
                verbose_name="发文机关",
            ),
        ),
        migrations.AlterField(
            model_name="campaignsummary",
            name="number",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64, verbose_name="发文字号"),
        ),
        migrations.AlterField(
            model_name="campaignsummary",
            name="status",
            field=models.CharField(
                choices=[("draft", "草稿"), ("issued", "已印发")],
                db_index=True,
                default="draft",
                editable=False,
                max_length=16,
                verbose_name="状态",
            ),
        ),
        migrations.AlterField(
            model_name="notice",
            name="authority",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="safetyportal.issuingauthority",
                verbose_name="发文机关",
            ),
        ),
        migrations.AlterField(
            model_name="notice",
            name="status",
            field=models.CharField(
                choices=[("draft", "草稿"), ("issued", "已印发"), ("superseded", "已被更正")],
                db_index=True,
                default="draft",
                editable=False,
                max_length=16,
                verbose_name="状态",
            ),
        ),
        migrations.RemoveConstraint(model_name="campaignsummary", name="unique_summary_number"),
        migrations.RemoveConstraint(model_name="notice", name="unique_notice_number"),
        migrations.AddConstraint(
            model_name="campaignsummary",
            constraint=models.UniqueConstraint(
                condition=models.Q(("serial__isnull", False)),
                fields=("authority", "year", "serial"),
                name="campaigns_campaignsummary_number",
            ),
        ),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.UniqueConstraint(
                condition=models.Q(("serial__isnull", False)),
                fields=("authority", "year", "serial"),
                name="campaigns_notice_number",
            ),
        ),
        migrations.RunPython(workbooks_forward, workbooks_backward),
        migrations.RemoveField(model_name="campaignsummary", name="xlsx_error"),
        migrations.RemoveField(model_name="campaignsummary", name="xlsx_file"),
        migrations.RemoveField(model_name="campaignsummary", name="xlsx_generated_at"),
        migrations.RemoveField(model_name="campaignsummary", name="xlsx_status"),
    ]
