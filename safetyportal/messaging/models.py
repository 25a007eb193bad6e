"""Messages to officers (docs/messaging.md): what the portal shows, each account's channels, one row per delivery
(the once-a-day guard) and each unit's 企业微信 group robot. Models of the ``safetyportal`` app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..fields import BlindIndexedModel, BlindIndexField, EncryptedIdNumberField
from ..unit_reference import UnitReferenceMixin, exactly_one_unit, unit_fields


class EncryptedSecretField(EncryptedIdNumberField):
    """A secret kept AES-GCM encrypted at rest like the ID numbers (same keys, rotated by ``rotate_field_keys``)."""

    description = "Encrypted secret (AES-GCM)"


class Channel(models.TextChoices):
    PORTAL = "portal", _("门户消息")
    WECOM = "wecom", _("企业微信群")
    SMS = "sms", _("短信")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    SKIPPED = "skipped", _("未发送（无可用渠道）")


class PortalMessage(models.Model):
    """A message shown in the portal to one account until it is marked as read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收账号"), on_delete=models.CASCADE, related_name="portal_messages"
    )
    key = models.CharField(_("事项"), max_length=100)
    text = models.CharField(_("内容"), max_length=500)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        app_label = "safetyportal"
        verbose_name = _("门户消息")
        verbose_name_plural = _("门户消息")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="portalmessage_unread")]

    def __str__(self) -> str:
        return self.text


class MessagePreference(models.Model):
    """The channels an account chose besides the portal (always on). No row: portal only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.CASCADE,
        related_name="message_preference",
    )
    wecom = models.BooleanField(_("企业微信群"), default=False, help_text=_("由本单位企业微信群的群机器人转发"))
    sms = models.BooleanField(_("短信"), default=False, help_text=_("发送到账号登记的手机号码"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        app_label = "safetyportal"
        verbose_name = _("消息接收设置")
        verbose_name_plural = _("消息接收设置")

    def __str__(self) -> str:
        return str(self.user)


class MessageDelivery(models.Model):
    """One message to one account on one channel. At most one per account, item (``key``), channel and day
    (Asia/Shanghai): the unique constraint keeps concurrent senders from doubling up."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收账号"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("事项"), max_length=100)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    day = models.DateField(_("日期"))
    batch = models.UUIDField(_("批次"), db_index=True, editable=False)
    text = models.CharField(_("内容"), max_length=500)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近一次错误"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        app_label = "safetyportal"
        verbose_name = _("消息发送记录")
        verbose_name_plural = _("消息发送记录")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key", "channel", "day"], name="one_message_per_user_key_channel_day"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="messagedelivery_status")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}：{self.text[:30]}"


class UnitChannel(UnitReferenceMixin, BlindIndexedModel):
    """A portal unit's 企业微信 group and its robot. The robot's webhook key is a secret: encrypted at rest, shown
    only by its last characters."""

    jurisdiction, member_unit = unit_fields(
        related_name="message_channel",
        jurisdiction_label=_("区划"),
        member_unit_label=_("成员单位"),
        on_delete=models.CASCADE,
        one_to_one=True,
    )
    group_name = models.CharField(_("群名称"), max_length=100, blank=True)
    wecom_key = EncryptedSecretField(
        _("群机器人 Webhook 密钥"), max_length=200, blank=True, blind_index="wecom_key_hmac"
    )
    wecom_key_hmac = BlindIndexField(source="wecom_key", blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        app_label = "safetyportal"
        verbose_name = _("单位企业微信群")
        verbose_name_plural = _("单位企业微信群")
        constraints = [exactly_one_unit("unitchannel_exactly_one_unit")]

    def __str__(self) -> str:
        return f"{self.unit_name}：{self.group_name}" if self.group_name else self.unit_name

    @property
    def masked_key(self) -> str:
        key = str(self.wecom_key or "")
        if not key:
            return ""
        return "…" + key[-4:] if len(key) > 8 else "已设置"
