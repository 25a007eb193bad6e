"""Models of the committee's circulars (通报, issue 15): a numbered paper auto-drafted from the data, edited by staff,
issued through ``safetyportal.documents.services.issue()`` and delivered to the addressed units' portal.

The draft is structured: ``content`` holds the sections (heading, paragraphs, where the table comes from) as JSON;
staff edit the paragraphs in the admin. A section's table is computed from the data (``circular_drafts``) at every
preview and frozen in ``snapshot`` at issue, with the query date; an issued circular always shows its snapshot.
See docs/circulars.md."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyportal.documents.issuing import IssuedRecord
from safetyportal.models import Jurisdiction, MemberUnit
from safetyportal.records import LegalRecordMixin, ScopedLegalQuerySet

if TYPE_CHECKING:
    from safetyportal.types import User

__all__ = ["Circular", "CircularKind", "CircularReceipt"]


class CircularKind(models.TextChoices):
    RETURNS = "returns", _("报送情况通报")
    HAZARDS = "hazards", _("隐患整改情况通报")
    SUPERVISION = "supervision", _("督办事项逾期情况通报")
    EXPOSURE_DUTY = "exposure_duty", _("典型案例曝光情况通报")
    NEVER_REPORTED = "never_reported", _("未报送单位通报")
    COMBINED = "combined", _("安全生产工作综合通报")
    ASSESSMENT = "assessment", _("考核排名通报")


class Circular(IssuedRecord):
    """通报. ``content`` = {"sections": [{"key", "source", "heading", "paragraphs", "table", "drafted_table"}]}:
    ``source`` names the data a section's table is computed from (``circular_drafts.SOURCES``), or "" for a table
    given by the caller (the assessment ranking of package C, stored in ``table``); ``drafted_table`` is the table the
    drafted paragraphs were written from (the issue is refused if the data changed since, see ``check_snapshot``)."""

    DOCUMENT_KIND = "circular"
    CONTENT_FIELDS = (
        "authority_id",
        "kind",
        "title",
        "period_starts_on",
        "period_ends_on",
        "as_of",
        "campaign_id",
        "opening",
        "content",
        "closing",
        "recipients_text",
        "contact_note",
        "copy_to",
    )
    CONTENT_M2M = ("recipient_jurisdictions", "recipient_units")
    locked_message = _("已印发的通报不能修改，如需更正请另行起草通报。")

    kind = models.CharField(_("通报类型"), max_length=20, choices=CircularKind.choices, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    period_starts_on = models.DateField(_("统计期起"))
    period_ends_on = models.DateField(_("统计期止"))
    as_of = models.DateField(_("数据截至"), help_text=_("逾期天数、未报送等按此日计算；印发时按此日重新取数并冻结。"))
    campaign_id = models.PositiveIntegerField(_("限定活动（编号）"), null=True, blank=True)
    recipient_jurisdictions = models.ManyToManyField(
        Jurisdiction, verbose_name=_("主送区划"), blank=True, related_name="circulars"
    )
    recipient_units = models.ManyToManyField(
        MemberUnit, verbose_name=_("主送成员单位"), blank=True, related_name="circulars"
    )
    recipients_text = models.CharField(
        _("主送机关（文字）"),
        max_length=255,
        blank=True,
        help_text=_("留空则按所选区划和成员单位生成，如：各街道办事处、镇人民政府"),
    )
    opening = models.TextField(_("导语"), blank=True, help_text=_("每段一行，位于各部分之前。"))
    content = models.JSONField(_("正文结构"), default=dict, blank=True)
    closing = models.TextField(
        _("工作要求"),
        blank=True,
        help_text=_("每段一行，作为通报的最后一部分“工作要求”。"),
    )
    contact_note = models.CharField(_("附注（联系人及电话）"), max_length=128, blank=True)
    copy_to = models.CharField(_("抄送机关"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta(IssuedRecord.Meta):
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-created_at", "-pk"]
        permissions = [("issue_circular", _("可以印发通报"))]

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else f"{self.title}{_('（草稿）')}"

    @property
    def sections(self) -> list[dict[str, Any]]:
        return list((self.content or {}).get("sections", []))

    def document_title(self) -> str:
        return self.title

    def register_title(self) -> str:
        return self.title

    def recipient_keys(self) -> list[tuple[str, int]]:
        """The addressed units as UnitKeys (two queries)."""
        if self.pk is None:
            return []
        keys = [("jurisdiction", pk) for pk in self.recipient_jurisdictions.values_list("pk", flat=True)]
        return keys + [("member_unit", pk) for pk in self.recipient_units.values_list("pk", flat=True)]

    def addressees(self) -> list[str]:
        if self.recipients_text.strip():
            return [self.recipients_text.strip()]
        if self.pk is None:
            return []
        return [j.name for j in self.recipient_jurisdictions.all()] + [u.name for u in self.recipient_units.all()]

    def clean(self) -> None:
        super().clean()
        if self.period_starts_on and self.period_ends_on and self.period_ends_on < self.period_starts_on:
            raise ValidationError({"period_ends_on": _("统计期止不能早于统计期起。")})

    def check_issuable(self, issued_on: dt.date) -> None:
        from .circular_services import check_circular_issuable

        check_circular_issuable(self, issued_on)

    def build_snapshot(self) -> dict[str, Any]:
        from .circular_services import circular_snapshot

        return circular_snapshot(self)

    def check_snapshot(self, snapshot: dict[str, Any]) -> None:
        from .circular_services import check_circular_snapshot

        check_circular_snapshot(self, snapshot)

    def after_issue(self, by: User) -> None:
        from .circular_services import deliver_circular

        deliver_circular(self, by=by)


class CircularReceipt(LegalRecordMixin, models.Model):
    """One addressed unit's copy of an issued circular, created in the issuing transaction; the unit's first opening
    (who, when) is recorded. Never deleted."""

    circular = models.ForeignKey(Circular, verbose_name=_("通报"), on_delete=models.PROTECT, related_name="receipts")
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("收文区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="circular_receipts",
    )
    member_unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("收文成员单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="circular_receipts",
    )
    first_opened_at = models.DateTimeField(_("首次阅读时间"), null=True, blank=True)
    first_opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("首次阅读人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("收文时间"), default=timezone.now)

    objects = ScopedLegalQuerySet.as_manager()
    scope_path = "jurisdiction"
    member_scope_path = "member_unit"

    class Meta:
        verbose_name = _("通报收文")
        verbose_name_plural = _("通报收文")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(jurisdiction__isnull=False) & models.Q(member_unit__isnull=True))
                | (models.Q(jurisdiction__isnull=True) & models.Q(member_unit__isnull=False)),
                name="circular_receipt_one_unit",
            ),
            models.UniqueConstraint(
                fields=["circular", "jurisdiction"],
                condition=models.Q(jurisdiction__isnull=False),
                name="unique_circular_receipt_jurisdiction",
            ),
            models.UniqueConstraint(
                fields=["circular", "member_unit"],
                condition=models.Q(member_unit__isnull=False),
                name="unique_circular_receipt_member_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name}：{self.circular}"

    @property
    def unit_name(self) -> str:
        unit = self.member_unit if self.member_unit_id else self.jurisdiction
        return unit.name if unit is not None else ""
