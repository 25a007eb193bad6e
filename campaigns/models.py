from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetyportal.models import GeneratedDocument, IssuingAuthority, Jurisdiction, MemberUnit
from safetyportal.records import LegalRecordMixin, LegalRecordQuerySet


class CampaignKind(models.TextChoices):
    SAFETY_MONTH = "safety_month", _("安全生产月")
    ANKANG_CUP = "ankang_cup", _("安康杯竞赛")
    FIRE_DAY = "fire_day", _("全国消防日")
    TRAFFIC_DAY = "traffic_day", _("全国交通安全日")
    SPECIAL = "special", _("专项行动")
    OTHER = "other", _("其他")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    RUNNING = "running", _("进行中")
    CLOSED = "closed", _("已结束")


class Campaign(models.Model):
    """A campaign such as Safety Production Month. A subdistrict's or the city's plan derives from a higher one
    (``parent``); ``jurisdiction`` is the unit that runs it (empty for the national campaign)."""

    kind = models.CharField(_("活动类型"), max_length=24, choices=CampaignKind.choices, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    edition = models.CharField(_("届次"), max_length=16, blank=True, help_text=_("如：第23个"))
    name = models.CharField(_("活动名称"), max_length=128)
    national_theme = models.CharField(_("全国主题"), max_length=128, blank=True)
    local_theme = models.CharField(_("本级主题"), max_length=128, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("组织单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级活动"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-year", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.name}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已印发")
    SUPERSEDED = "superseded", _("已被更正")


class Urgency(models.TextChoices):
    NORMAL = "", _("普通")
    URGENT = "加急", _("加急")
    EXTRA_URGENT = "特急", _("特急")


class Notice(LegalRecordMixin, models.Model):
    """A notice (通知) issued as a numbered official document. Locked once issued; a correction is a new notice
    that supersedes it."""

    CONTENT_FIELDS = (
        "authority_id",
        "title",
        "urgency",
        "recipients_text",
        "body",
        "attachments_text",
        "contact_note",
        "copy_to",
    )

    authority = models.ForeignKey(IssuingAuthority, verbose_name=_("发文机关"), on_delete=models.PROTECT)
    title = models.CharField(_("标题"), max_length=200)
    urgency = models.CharField(_("紧急程度"), max_length=4, choices=Urgency.choices, blank=True, default="")
    recipient_jurisdictions = models.ManyToManyField(
        Jurisdiction, verbose_name=_("主送区划"), blank=True, related_name="notices"
    )
    recipient_units = models.ManyToManyField(
        MemberUnit, verbose_name=_("主送成员单位"), blank=True, related_name="notices"
    )
    recipients_text = models.CharField(
        _("主送机关（文字）"),
        max_length=255,
        blank=True,
        help_text=_("留空则按所选区划和成员单位生成，如：各街道办事处、镇人民政府，市安委会各成员单位"),
    )
    body = models.TextField(
        _("正文"), help_text=_("每段一行。以“一、”开头的行为一级标题，以“（一）”开头的行为二级标题。")
    )
    attachments_text = models.TextField(_("附件说明"), blank=True, help_text=_("每行一个附件名称"))
    contact_note = models.CharField(_("附注（联系人及电话）"), max_length=128, blank=True)
    copy_to = models.CharField(_("抄送机关"), max_length=255, blank=True)

    status = models.CharField(
        _("状态"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT, db_index=True
    )
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True, editable=False)
    serial = models.PositiveIntegerField(_("序号"), null=True, blank=True, editable=False)
    number = models.CharField(_("发文字号"), max_length=64, blank=True, editable=False, db_index=True)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True, editable=False)
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("印发人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    document = models.ForeignKey(
        GeneratedDocument,
        verbose_name=_("正式文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("更正的原通知"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = LegalRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        permissions = [("issue_notice", _("可以印发通知"))]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "year", "serial"],
                condition=models.Q(serial__isnull=False),
                name="unique_notice_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        loaded = getattr(self, "_loaded", None)
        if loaded and loaded["status"] != NoticeStatus.DRAFT:
            changed = [name for name in self.CONTENT_FIELDS if getattr(self, name) != loaded[name]]
            if changed:
                raise ValidationError(_("已印发的通知不能修改，如需更正请创建更正通知。"))
        super().save(*args, **kwargs)
        self._loaded = {name: getattr(self, name, None) for name in ("status", *self.CONTENT_FIELDS)}

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Notice:
        instance = super().from_db(db, field_names, values)
        instance._loaded = {name: getattr(instance, name, None) for name in ("status", *cls.CONTENT_FIELDS)}
        return instance

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._loaded = {name: getattr(self, name, None) for name in ("status", *self.CONTENT_FIELDS)}

    @property
    def is_editable(self) -> bool:
        return self.status == NoticeStatus.DRAFT
