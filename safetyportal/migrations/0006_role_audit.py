"""The role and permission audit log (权限变更记录); the roles themselves are re-synchronised after migrate."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("safetyportal", "0005_person_id_check"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RoleChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, editable=False, verbose_name="变更时间"
                    ),
                ),
                ("actor_name", models.CharField(editable=False, max_length=150, verbose_name="操作人")),
                ("target_name", models.CharField(editable=False, max_length=150, verbose_name="变更对象")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("created", "新建账号"),
                            ("deleted", "删除账号"),
                            ("active", "账号启用"),
                            ("staff", "后台登录"),
                            ("superuser", "超级管理员"),
                            ("groups", "角色（用户组）"),
                            ("permissions", "个人权限"),
                            ("group_permissions", "用户组权限"),
                            ("officer_unit", "街道（镇）工作人员所属区划"),
                            ("credentials", "重置密码"),
                        ],
                        db_index=True,
                        editable=False,
                        max_length=24,
                        verbose_name="变更内容",
                    ),
                ),
                ("before", models.TextField(blank=True, editable=False, verbose_name="变更前")),
                ("after", models.TextField(blank=True, editable=False, verbose_name="变更后")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="操作人账号",
                    ),
                ),
                (
                    "target",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="role_changes",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="对象账号",
                    ),
                ),
            ],
            options={
                "verbose_name": "权限变更记录",
                "verbose_name_plural": "权限变更记录",
                "ordering": ["-at", "-pk"],
                "default_permissions": ("view",),
            },
        ),
    ]
