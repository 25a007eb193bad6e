"""Portal units (issue 12): an officer belongs to a jurisdiction's office, a community/village or a committee member
unit — exactly one of ``jurisdiction`` and ``member_unit``.

Reversible only while no officer belongs to a member unit: going back makes ``jurisdiction`` required again and drops
``member_unit``, which would lose (or fail on) those accounts' unit. The reverse then refuses, before any step is
undone, naming the accounts; move them to a jurisdiction or remove their officer profile first, then migrate back."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.migrations.exceptions import IrreversibleError


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Nothing to do: existing officers keep their jurisdiction."""


def refuse_if_member_unit_officers(apps, schema_editor):  # type: ignore[no-untyped-def]
    OfficerProfile = apps.get_model("safetyportal", "OfficerProfile")
    names = list(
        OfficerProfile.objects.filter(models.Q(member_unit__isnull=False) | models.Q(jurisdiction__isnull=True))
        .order_by("user__username")
        .values_list("user__username", flat=True)
    )
    if names:
        shown = ", ".join(names[:20]) + (f" (+{len(names) - 20} more)" if len(names) > 20 else "")
        raise IrreversibleError(
            "safetyportal 0013_portal_units cannot be reversed: officer accounts of a member unit (no jurisdiction) "
            f"would lose their unit: {shown}. Give each a jurisdiction or delete its officer profile, then migrate "
            "back."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("safetyportal", "0012_record_history"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="officerprofile",
            options={"verbose_name": "门户单位工作人员", "verbose_name_plural": "门户单位工作人员"},
        ),
        migrations.AddField(
            model_name="officerprofile",
            name="member_unit",
            field=models.ForeignKey(
                blank=True,
                help_text="安委会成员单位的工作人员选所属成员单位，此时所属区划留空。",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="officers",
                to="safetyportal.memberunit",
                verbose_name="所属成员单位",
            ),
        ),
        migrations.AlterField(
            model_name="officerprofile",
            name="jurisdiction",
            field=models.ForeignKey(
                blank=True,
                help_text="区县、街道（镇）或社区（村）的工作人员选所属区划；成员单位的工作人员留空。",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="officers",
                to="safetyportal.jurisdiction",
                verbose_name="所属区划",
            ),
        ),
        migrations.AlterField(
            model_name="rolechange",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "新建账号"),
                    ("deleted", "删除账号"),
                    ("active", "账号启用"),
                    ("staff", "后台登录"),
                    ("superuser", "超级管理员"),
                    ("groups", "角色（用户组）"),
                    ("permissions", "个人权限"),
                    ("group_permissions", "用户组权限"),
                    ("officer_unit", "门户单位工作人员所属单位"),
                    ("credentials", "重置密码"),
                    ("jurisdiction", "行政区划（组织架构）"),
                ],
                db_index=True,
                editable=False,
                max_length=24,
                verbose_name="变更内容",
            ),
        ),
        migrations.AddConstraint(
            model_name="officerprofile",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("jurisdiction__isnull", False), ("member_unit__isnull", True)),
                    models.Q(("jurisdiction__isnull", True), ("member_unit__isnull", False)),
                    _connector="OR",
                ),
                name="officer_in_exactly_one_unit",
            ),
        ),
        # Last, so that it is the first step undone: the reverse refuses before the schema is touched.
        migrations.RunPython(forwards, refuse_if_member_unit_officers, elidable=False),
    ]
