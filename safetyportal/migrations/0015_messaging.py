"""Messages to officers (safetyportal/messaging/): portal messages, per-account channel choices, one delivery row per
account, item, channel and day, and each unit's 企业微信 group robot (key encrypted at rest)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import safetyportal.fields
import safetyportal.messaging.models


class Migration(migrations.Migration):
    dependencies = [
        ("safetyportal", "0014_workdays"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MessagePreference",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "wecom",
                    models.BooleanField(
                        default=False, help_text="由本单位企业微信群的群机器人转发", verbose_name="企业微信群"
                    ),
                ),
                ("sms", models.BooleanField(default=False, help_text="发送到账号登记的手机号码", verbose_name="短信")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="message_preference",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="账号",
                    ),
                ),
            ],
            options={
                "verbose_name": "消息接收设置",
                "verbose_name_plural": "消息接收设置",
            },
        ),
        migrations.CreateModel(
            name="MessageDelivery",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=100, verbose_name="事项")),
                (
                    "channel",
                    models.CharField(
                        choices=[("portal", "门户消息"), ("wecom", "企业微信群"), ("sms", "短信")],
                        max_length=16,
                        verbose_name="渠道",
                    ),
                ),
                ("day", models.DateField(verbose_name="日期")),
                ("batch", models.UUIDField(db_index=True, editable=False, verbose_name="批次")),
                ("text", models.CharField(max_length=500, verbose_name="内容")),
                ("url", models.CharField(blank=True, max_length=300, verbose_name="链接")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "待发送"),
                            ("sent", "已发送"),
                            ("failed", "发送失败"),
                            ("skipped", "未发送（无可用渠道）"),
                        ],
                        db_index=True,
                        default="pending",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="尝试次数")),
                ("last_error", models.CharField(blank=True, max_length=200, verbose_name="最近一次错误")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="创建时间")),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="发送时间")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="接收账号",
                    ),
                ),
            ],
            options={
                "verbose_name": "消息发送记录",
                "verbose_name_plural": "消息发送记录",
                "ordering": ["-created_at", "-pk"],
                "indexes": [models.Index(fields=["status", "created_at"], name="messagedelivery_status")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "key", "channel", "day"), name="one_message_per_user_key_channel_day"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PortalMessage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=100, verbose_name="事项")),
                ("text", models.CharField(max_length=500, verbose_name="内容")),
                ("url", models.CharField(blank=True, max_length=300, verbose_name="链接")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="发送时间")),
                ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="已读时间")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="portal_messages",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="接收账号",
                    ),
                ),
            ],
            options={
                "verbose_name": "门户消息",
                "verbose_name_plural": "门户消息",
                "ordering": ["-created_at", "-pk"],
                "indexes": [models.Index(fields=["user", "read_at", "-created_at"], name="portalmessage_unread")],
            },
        ),
        migrations.CreateModel(
            name="UnitChannel",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("group_name", models.CharField(blank=True, max_length=100, verbose_name="群名称")),
                (
                    "wecom_key",
                    safetyportal.messaging.models.EncryptedSecretField(
                        blank=True, blind_index="wecom_key_hmac", max_length=200, verbose_name="群机器人 Webhook 密钥"
                    ),
                ),
                ("wecom_key_hmac", safetyportal.fields.BlindIndexField(blank=True, source="wecom_key")),
                ("is_active", models.BooleanField(default=True, verbose_name="启用")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                (
                    "jurisdiction",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="message_channel",
                        to="safetyportal.jurisdiction",
                        verbose_name="区划",
                    ),
                ),
                (
                    "member_unit",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="message_channel",
                        to="safetyportal.memberunit",
                        verbose_name="成员单位",
                    ),
                ),
            ],
            options={
                "verbose_name": "单位企业微信群",
                "verbose_name_plural": "单位企业微信群",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("jurisdiction__isnull", False), ("member_unit__isnull", True)),
                            models.Q(("jurisdiction__isnull", True), ("member_unit__isnull", False)),
                            _connector="OR",
                        ),
                        name="unitchannel_exactly_one_unit",
                    )
                ],
            },
        ),
    ]
