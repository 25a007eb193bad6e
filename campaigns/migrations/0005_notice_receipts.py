"""Notice receipts (收文/签收): one row per addressee of an issued notice; receipts for the notices already issued."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone


HISTORICAL_SIGNER = "历史收文，无需签收"


def receipts_for_issued_notices(apps, schema_editor):
    """Every notice issued before this migration gets the receipts issuing now creates (Notice.after_issue), dated
    from its issue, as historical records: signed off at the issue by no account (``NoticeReceipt.is_historical``,
    shown as 历史收文，无需签收), so no unit is reminded of, or counted as owing, years-old notices."""
    Notice = apps.get_model("campaigns", "Notice")
    NoticeReceipt = apps.get_model("campaigns", "NoticeReceipt")
    now = timezone.now()
    for notice in Notice.objects.filter(status="issued").prefetch_related("recipient_jurisdictions", "recipient_units"):
        existing = set(NoticeReceipt.objects.filter(notice=notice).values_list("jurisdiction_id", "member_unit_id"))
        keys = [(j.pk, None) for j in notice.recipient_jurisdictions.all()]
        keys += [(None, u.pk) for u in notice.recipient_units.all()]
        NoticeReceipt.objects.bulk_create(
            NoticeReceipt(notice=notice, jurisdiction_id=j, member_unit_id=m) for j, m in keys if (j, m) not in existing
        )
        if notice.issued_at:
            NoticeReceipt.objects.filter(notice=notice).update(created_at=notice.issued_at)
        when = notice.issued_at or now
        NoticeReceipt.objects.filter(notice=notice, signed_at__isnull=True, signed_by__isnull=True).update(
            first_opened_at=Coalesce("first_opened_at", Value(when)), signed_at=when, signer_name=HISTORICAL_SIGNER
        )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0004_issued_records"),
        ("safetyportal", "0013_portal_units"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="NoticeReceipt",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("first_opened_at", models.DateTimeField(blank=True, null=True, verbose_name="首次阅读时间")),
                ("signed_at", models.DateTimeField(blank=True, db_index=True, null=True, verbose_name="签收时间")),
                ("signer_name", models.CharField(blank=True, max_length=150, verbose_name="签收人")),
                ("last_reminded_at", models.DateTimeField(blank=True, null=True, verbose_name="最近提醒时间")),
                ("reminder_count", models.PositiveSmallIntegerField(default=0, verbose_name="提醒次数")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="收文时间")),
                (
                    "first_opened_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="首次阅读人",
                    ),
                ),
                (
                    "jurisdiction",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="notice_receipts",
                        to="safetyportal.jurisdiction",
                        verbose_name="收文区划",
                    ),
                ),
                (
                    "member_unit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="notice_receipts",
                        to="safetyportal.memberunit",
                        verbose_name="收文成员单位",
                    ),
                ),
                (
                    "notice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="receipts",
                        to="campaigns.notice",
                        verbose_name="通知",
                    ),
                ),
                (
                    "signed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="签收人账号",
                    ),
                ),
            ],
            options={
                "verbose_name": "通知签收",
                "verbose_name_plural": "通知签收",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(fields=["jurisdiction", "signed_at"], name="receipt_unit_signed"),
                    models.Index(fields=["member_unit", "signed_at"], name="receipt_member_signed"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("jurisdiction__isnull", False), ("member_unit__isnull", True)),
                            models.Q(("jurisdiction__isnull", True), ("member_unit__isnull", False)),
                            _connector="OR",
                        ),
                        name="notice_receipt_one_unit",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("jurisdiction__isnull", False)),
                        fields=("notice", "jurisdiction"),
                        name="unique_notice_receipt_jurisdiction",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("member_unit__isnull", False)),
                        fields=("notice", "member_unit"),
                        name="unique_notice_receipt_member_unit",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("signed_at__isnull", True), ("first_opened_at__isnull", False), _connector="OR"
                        ),
                        name="notice_receipt_opened_before_signed",
                    ),
                ],
            },
        ),
        migrations.RunPython(receipts_for_issued_notices, migrations.RunPython.noop),
    ]
