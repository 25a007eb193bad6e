from __future__ import annotations

import os
import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyportal.records import LegalRecordMixin, LegalRecordQuerySet


def seal_upload_to(instance: IssuingAuthority, filename: str) -> str:
    """seals/<random>.png: a new name for every upload, outside derived/ (which the PDF renderer may read)."""
    return f"seals/{uuid.uuid4().hex}.png"


class IssuingAuthority(models.Model):
    """An organ that issues numbered documents, e.g. 晋江市安全生产委员会办公室 with the code 晋安办."""

    name = models.CharField(_("发文机关"), max_length=64, unique=True)
    header = models.CharField(
        _("发文机关标志"), max_length=64, help_text=_("版头红色机关标志，如：晋江市安全生产委员会办公室文件")
    )
    code = models.CharField(_("机关代字"), max_length=16, unique=True, help_text=_("如：晋安办"))
    contact = models.CharField(_("联系人及电话"), max_length=64, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    # A red PNG with transparency made by documents.seals.process_seal, under MEDIA_ROOT/seals/ (never served, not
    # readable by the renderer): issued documents carry it as a data: URI (documents.context.seal_data_uri).
    seal = models.FileField(
        _("电子印章"),
        upload_to=seal_upload_to,
        blank=True,
        max_length=200,
        help_text=_("可选。印发的正式文件在署名和成文日期处加盖此印章；未上传时留出手工盖章的位置。"),
    )

    class Meta:
        verbose_name = _("发文机关")
        verbose_name_plural = _("发文机关")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "code" in update_fields:
            self.check_code_unchanged()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self.check_code_unchanged()

    def has_register_entries(self) -> bool:
        return self.pk is not None and self.register_entries.exists()

    def check_code_unchanged(self) -> None:
        """The 机关代字 is part of every number written in the register: once it has a row, it never changes (a
        renamed organ is a new authority)."""
        if self.pk is None:
            return
        stored = IssuingAuthority.objects.filter(pk=self.pk).values_list("code", flat=True).first()
        if stored is not None and stored != self.code and self.has_register_entries():
            raise ValidationError(
                {"code": _("%(code)s已有发文登记，机关代字不能修改；机关代字变更时请新建发文机关。") % {"code": stored}}
            )


class DocumentNumberSequence(models.Model):
    """The last serial number issued per authority code and year (发文字号 〔年份〕 序号)."""

    authority = models.ForeignKey(IssuingAuthority, on_delete=models.PROTECT, related_name="sequences")
    year = models.PositiveSmallIntegerField(_("年份"))
    last_serial = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("发文字号序列")
        verbose_name_plural = _("发文字号序列")
        constraints = [models.UniqueConstraint(fields=["authority", "year"], name="unique_sequence_per_year")]

    def __str__(self) -> str:
        return f"{self.authority.code}〔{self.year}〕{self.last_serial}"


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RENDERING = "rendering", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


def document_upload_to(instance: GeneratedDocument, filename: str) -> str:
    """documents/<year>/<month>/<uuid>.pdf (or .xlsx: the extension of the name the engine saves under)."""
    extension = os.path.splitext(filename)[1].lower() or ".pdf"
    return f"documents/{instance.created_at:%Y/%m}/{instance.uuid}{extension}"


class GeneratedDocument(LegalRecordMixin, models.Model):
    """One PDF the worker produces. The row, not the broker, is the truth about its state."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("文书类型"), max_length=32, db_index=True)
    title = models.CharField(_("标题"), max_length=255)
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    is_preview = models.BooleanField(_("预览稿"), default=False)

    status = models.CharField(
        _("状态"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    error = models.TextField(_("错误信息"), blank=True)

    file = models.FileField(_("文件"), upload_to=document_upload_to, blank=True, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    page_count = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    size_bytes = models.PositiveIntegerField(_("文件大小（字节）"), null=True, blank=True)

    authority = models.ForeignKey(
        IssuingAuthority, verbose_name=_("发文机关"), null=True, blank=True, on_delete=models.PROTECT
    )
    number = models.CharField(_("发文字号"), max_length=64, blank=True, db_index=True)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    verify_token = models.CharField(_("核验码"), max_length=32, null=True, blank=True, unique=True)

    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    enqueued_at = models.DateTimeField(_("入队时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = LegalRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("生成的文书")
        verbose_name_plural = _("生成的文书")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "enqueued_at"], name="document_status_enqueued"),
            models.Index(fields=["source_type", "source_id"], name="document_source"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def is_done(self) -> bool:
        return self.status == DocumentStatus.DONE


class RegisterOrigin(models.TextChoices):
    ISSUED = "issued", _("门户印发")
    RESERVED = "reserved", _("预留（门户外发文）")


class RegisterEntry(LegalRecordMixin, models.Model):
    """One line of the 发文登记簿: a number per authority and year, either taken by a document issued here or
    reserved for one issued outside the portal (paper, another system). Written only by
    ``numbering.allocate_number``, ``reserve_number`` and ``set_next_serial`` under the sequence's row lock, so
    the register has one row per number, no duplicate (the constraint) and no gap below the last allocated serial."""

    authority = models.ForeignKey(
        IssuingAuthority, verbose_name=_("发文机关"), on_delete=models.PROTECT, related_name="register_entries"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    serial = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("发文字号"), max_length=64)
    origin = models.CharField(_("来源"), max_length=16, choices=RegisterOrigin.choices)
    kind = models.CharField(_("文书类型"), max_length=32, blank=True)
    title = models.CharField(_("标题"), max_length=255, blank=True)
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    note = models.CharField(_("备注"), max_length=255, blank=True)

    objects = LegalRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("发文登记簿")
        verbose_name_plural = _("发文登记簿")
        ordering = ["-year", "authority", "-serial"]
        default_permissions = ("add", "change", "view")
        constraints = [
            models.UniqueConstraint(fields=["authority", "year", "serial"], name="unique_register_number"),
            models.CheckConstraint(condition=models.Q(serial__gte=1), name="register_serial_positive"),
        ]
        indexes = [models.Index(fields=["source_type", "source_id"], name="register_source")]

    def __str__(self) -> str:
        return self.number
