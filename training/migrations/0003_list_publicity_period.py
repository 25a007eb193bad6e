"""公示名单: the 公示期 (from–to dates) and where objections go (unit, phone, address, e-mail), printed in the
heading and at the end of the list. Existing lists keep blank values (publishing a list now asks for them)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0002_encrypt_certificate_numbers"),
    ]

    operations = [
        migrations.AddField(
            model_name="publicationbatch",
            name="publicity_from",
            field=models.DateField(blank=True, null=True, verbose_name="公示期（起）"),
        ),
        migrations.AddField(
            model_name="publicationbatch",
            name="publicity_to",
            field=models.DateField(blank=True, null=True, verbose_name="公示期（止）"),
        ),
        migrations.AddField(
            model_name="publicationbatch",
            name="objection_unit",
            field=models.CharField(
                blank=True, help_text="留空则为本办（安委办）", max_length=64, verbose_name="异议受理单位"
            ),
        ),
        migrations.AddField(
            model_name="publicationbatch",
            name="objection_phone",
            field=models.CharField(blank=True, max_length=32, verbose_name="异议受理电话"),
        ),
        migrations.AddField(
            model_name="publicationbatch",
            name="objection_address",
            field=models.CharField(blank=True, max_length=128, verbose_name="通信地址"),
        ),
        migrations.AddField(
            model_name="publicationbatch",
            name="objection_email",
            field=models.EmailField(blank=True, max_length=64, verbose_name="电子邮箱"),
        ),
        migrations.AddConstraint(
            model_name="publicationbatch",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("publicity_to__isnull", True),
                    ("publicity_from__isnull", True),
                    ("publicity_to__gte", models.F("publicity_from")),
                    _connector="OR",
                ),
                name="publicity_period_in_order",
            ),
        ),
    ]
