"""Models of the committee's supervision part (issue 15): 挂牌督办 of a hazard (any level, not only 重大) or of a unit
(a town/subdistrict/community, or a member unit with a problem), at a level (省/市/县/街道), with its numbered
督办通知, working-day deadline, progress reports filed by the responsible unit, extension requests and decisions,
销号 with evidence, escalation when overdue and the public listing (公示) and removal (摘牌公示).

Imported by committee/models.py so Django finds them. Supervisions are never deleted (``VoidableRecord``); their
events are append-only (``SupervisionEvent``). The hazard is referenced by a string foreign key: committee reads it
only through ``inspections.supervision_bridge``."""

from __future__ import annotations

import datetime as dt
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyportal.documents.issuing import IssuedRecord
from safetyportal.models import Jurisdiction, MemberUnit
from safetyportal.records import (
    AppendOnlyModel,
    LegalRecordMixin,
    ScopedAppendOnlyQuerySet,
    ScopedLegalQuerySet,
    VoidableRecord,
)
from safetyportal.uploads import StoredAttachment

__all__ = [
    "LEVEL_ORDER",
    "ExtensionRequest",
    "ExtensionStatus",
    "ProgressAttachment",
    "ProgressReport",
    "Supervision",
    "SupervisionEvent",
    "SupervisionEventKind",
    "SupervisionEvidence",
    "SupervisionLevel",
    "SupervisionNotice",
    "SupervisionStatus",
    "SupervisionTarget",
]


class SupervisionLevel(models.TextChoices):
    """The same codes as the hazard's marker (inspections.SupervisionLevel)."""

    PROVINCE = "province", _("省级挂牌督办")
    CITY = "city", _("市级挂牌督办")
    COUNTY = "county", _("县级挂牌督办")
    STREET = "street", _("街道（镇）级挂牌督办")


# From the lowest to the highest: escalation moves one step to the right.
LEVEL_ORDER: tuple[str, ...] = (
    SupervisionLevel.STREET,
    SupervisionLevel.COUNTY,
    SupervisionLevel.CITY,
    SupervisionLevel.PROVINCE,
)


class SupervisionTarget(models.TextChoices):
    HAZARD = "hazard", _("隐患")
    UNIT = "unit", _("单位")


class SupervisionStatus(models.TextChoices):
    OPEN = "open", _("督办中")
    CLOSED = "closed", _("已销号")


class Supervision(VoidableRecord):
    """One 挂牌督办. ``scope_jurisdiction`` / ``scope_member_unit`` (set by the service) are the responsible unit(s):
    for a hazard its jurisdiction and its responsible member unit; for a unit the unit itself."""

    target = models.CharField(_("督办对象类型"), max_length=8, choices=SupervisionTarget.choices)
    hazard = models.ForeignKey(
        "inspections.Hazard",
        verbose_name=_("督办隐患"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_supervisions",
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("被督办镇（街道）/社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisions",
    )
    member_unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("被督办成员单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisions",
    )
    scope_jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("可见范围（区划）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    scope_member_unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("可见范围（成员单位）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    level = models.CharField(_("督办级别"), max_length=8, choices=SupervisionLevel.choices, db_index=True)
    initial_level = models.CharField(
        _("挂牌时督办级别"), max_length=8, choices=SupervisionLevel.choices, blank=True, editable=False
    )
    supervisor = models.CharField(
        _("督办单位"),
        max_length=128,
        default="晋江市安全生产委员会办公室",
        help_text=_("如：晋江市安全生产委员会办公室"),
    )
    title = models.CharField(_("督办事项"), max_length=200)
    problem = models.TextField(_("存在问题（内部）"), help_text=_("内部记录；公示内容另行填写"))
    requirements = models.TextField(_("督办要求"), blank=True)
    listed_on = models.DateField(_("挂牌日期"), default=timezone.localdate, db_index=True)
    working_days = models.PositiveSmallIntegerField(_("整改时限（工作日）"), default=30)
    deadline = models.DateField(_("整改期限"), editable=False, db_index=True)
    initial_deadline = models.DateField(_("原整改期限"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("督办状态"),
        max_length=8,
        choices=SupervisionStatus.choices,
        default=SupervisionStatus.OPEN,
        editable=False,
        db_index=True,
    )
    # Public listing (公示) and removal (摘牌公示)
    is_public = models.BooleanField(_("向社会公示"), default=True)
    public_name = models.CharField(
        _("公示名称"),
        max_length=128,
        blank=True,
        help_text=_("公示的单位（企业）名称，按审定的写法填写，如“某某鞋业有限公司”"),
    )
    public_text = models.TextField(
        _("公示内容"), blank=True, help_text=_("公开的问题描述；个人信息（姓名、电话、身份证号）在公示时一律遮盖")
    )
    published_on = models.DateField(_("挂牌公示日期"), null=True, blank=True, editable=False)
    # Closure (销号) and removal (摘牌)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("销号人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    closure_note = models.TextField(_("销号说明及证据"), blank=True, editable=False)
    removal_published_on = models.DateField(_("摘牌公示日期"), null=True, blank=True, editable=False)
    # Escalation: once per deadline (an approved extension gives a new deadline, which may escalate again).
    escalated_for_deadline = models.DateField(_("已逾期升级的期限"), null=True, blank=True, editable=False)
    escalated_on = models.DateField(_("逾期升级日期"), null=True, blank=True, editable=False)

    objects = ScopedLegalQuerySet.as_manager()
    scope_path = "scope_jurisdiction"
    member_scope_path = "scope_member_unit"

    class Meta:
        verbose_name = _("挂牌督办")
        verbose_name_plural = _("挂牌督办")
        ordering = ["-listed_on", "-pk"]
        indexes = [
            models.Index(fields=["record_status", "status", "deadline"], name="supervision_open_deadline"),
            models.Index(fields=["record_status", "is_public", "published_on"], name="supervision_public"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(target="hazard", hazard__isnull=False, jurisdiction__isnull=True, member_unit__isnull=True)
                    | Q(target="unit", hazard__isnull=True, jurisdiction__isnull=False, member_unit__isnull=True)
                    | Q(target="unit", hazard__isnull=True, jurisdiction__isnull=True, member_unit__isnull=False)
                ),
                name="supervision_exactly_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.title}"

    @property
    def unit_name(self) -> str:
        """The supervised unit's name (for a hazard: its responsible unit(s))."""
        if self.member_unit_id is not None:
            return str(self.member_unit.name)
        if self.jurisdiction_id is not None:
            return str(self.jurisdiction.name)
        names = [u.name for u in (self.scope_jurisdiction, self.scope_member_unit) if u is not None]
        return "、".join(str(n) for n in names)

    @property
    def is_open(self) -> bool:
        return self.status == SupervisionStatus.OPEN and not self.is_voided

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.is_open and (today or timezone.localdate()) > self.deadline

    def clean(self) -> None:
        if self.target == SupervisionTarget.HAZARD:
            if self.hazard_id is None:
                raise ValidationError({"hazard": _("请选择督办的隐患。")})
            if self.jurisdiction_id is not None or self.member_unit_id is not None:
                raise ValidationError(_("督办隐患时不要另选被督办单位。"))
        elif self.target == SupervisionTarget.UNIT:
            if self.hazard_id is not None:
                raise ValidationError({"hazard": _("督办单位时不要选择隐患。")})
            if (self.jurisdiction_id is None) == (self.member_unit_id is None):
                raise ValidationError(_("请在镇（街道）/社区与成员单位中选择且只选择一个被督办单位。"))
            if self.jurisdiction_id is not None and self.jurisdiction.level == "county":
                raise ValidationError({"jurisdiction": _("被督办单位应为镇（街道）或社区（村）。")})
        if self.working_days is not None and self.working_days < 1:
            raise ValidationError({"working_days": _("整改时限至少为1个工作日。")})


class SupervisionEventKind(models.TextChoices):
    LISTED = "listed", _("挂牌督办")
    CHANGED = "changed", _("修改")
    NOTICE = "notice", _("印发督办通知")
    PUBLISHED = "published", _("挂牌公示")
    PROGRESS = "progress", _("报送进展")
    EXTENSION_REQUESTED = "ext_request", _("申请延期")
    EXTENSION_DECIDED = "ext_decided", _("延期批复")
    ESCALATED = "escalated", _("逾期升级督办")
    CLOSED = "closed", _("销号")
    REMOVAL_PUBLISHED = "removal", _("摘牌公示")
    VOIDED = "voided", _("作废")


class SupervisionEvent(AppendOnlyModel):
    """One step of a supervision: who, when, what (append-only)."""

    supervision = models.ForeignKey(
        Supervision, verbose_name=_("挂牌督办"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=SupervisionEventKind.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("说明"), blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)

    objects = ScopedAppendOnlyQuerySet.as_manager()
    scope_path = "supervision__scope_jurisdiction"
    member_scope_path = "supervision__scope_member_unit"
    change_refused = _("督办记录不能修改。")
    delete_refused = _("督办记录不能删除。")

    class Meta:
        verbose_name = _("督办办理记录")
        verbose_name_plural = _("督办办理记录")
        ordering = ["at", "pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.supervision_id} {self.get_kind_display()}"


class ProgressReport(AppendOnlyModel):
    """进展报告: filed by the responsible unit in its portal (text; photos and documents as attachments)."""

    supervision = models.ForeignKey(
        Supervision, verbose_name=_("挂牌督办"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    text = models.TextField(_("整改进展"))
    filed_at = models.DateTimeField(_("报送时间"), default=timezone.now)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT, related_name="+"
    )
    unit_name = models.CharField(_("报送单位"), max_length=128)

    objects = ScopedAppendOnlyQuerySet.as_manager()
    scope_path = "supervision__scope_jurisdiction"
    member_scope_path = "supervision__scope_member_unit"
    change_refused = _("已报送的进展不能修改。")
    delete_refused = _("已报送的进展不能删除。")

    class Meta:
        verbose_name = _("督办进展报告")
        verbose_name_plural = _("督办进展报告")
        ordering = ["-filed_at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.unit_name} {timezone.localtime(self.filed_at):%Y-%m-%d}"


class ProgressAttachment(LegalRecordMixin, StoredAttachment):
    """A photo (re-encoded JPEG) or document of a progress report (safetyportal.uploads). Never deleted, not even
    through a queryset (like ``AccidentAttachment``): what the unit filed stays on file."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("进展报告"), on_delete=models.PROTECT, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    objects = ScopedLegalQuerySet.as_manager()
    scope_path = "report__supervision__scope_jurisdiction"
    member_scope_path = "report__supervision__scope_member_unit"

    class Meta:
        verbose_name = _("进展附件")
        verbose_name_plural = _("进展附件")
        ordering = ["pk"]
        default_permissions = ("view",)


class SupervisionEvidence(LegalRecordMixin, StoredAttachment):
    """Evidence of 销号 (验收意见、整改后照片) uploaded by staff when closing. Never deleted, not even through a
    queryset (like ``AccidentAttachment``)."""

    supervision = models.ForeignKey(
        Supervision, verbose_name=_("挂牌督办"), on_delete=models.PROTECT, related_name="evidence"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    objects = ScopedLegalQuerySet.as_manager()
    scope_path = "supervision__scope_jurisdiction"
    member_scope_path = "supervision__scope_member_unit"

    class Meta:
        verbose_name = _("销号证据")
        verbose_name_plural = _("销号证据")
        ordering = ["pk"]
        default_permissions = ("view",)


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待批复")
    APPROVED = "approved", _("已同意")
    REJECTED = "rejected", _("不同意")


class ExtensionRequestQuerySet(ScopedLegalQuerySet):
    """延期申请: never deleted, not even in bulk; a decided request (已同意/不同意) is not changed in bulk either (the
    decision goes through ``supervision_services.decide_extension``, on the locked row)."""

    def delete(self) -> Any:
        raise ProtectedError(str(_("延期申请记录不能删除。")), set(self))

    def update(self, **kwargs: Any) -> int:
        if self.exclude(status=ExtensionStatus.PENDING).exists():
            raise ValidationError(_("已批复的延期申请不能修改。"))
        return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        pks = [obj.pk for obj in objs]
        if self.model._default_manager.filter(pk__in=pks).exclude(status=ExtensionStatus.PENDING).exists():
            raise ValidationError(_("已批复的延期申请不能修改。"))
        return super().bulk_update(objs, fields, batch_size=batch_size)


class ExtensionRequest(LegalRecordMixin, models.Model):
    """延期申请 (at least 20 working days before the deadline) and its decision (within 10 working days)."""

    supervision = models.ForeignKey(
        Supervision, verbose_name=_("挂牌督办"), on_delete=models.PROTECT, related_name="extension_requests"
    )
    requested_on = models.DateField(_("申请日期"), editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    deadline_before = models.DateField(_("原整改期限"), editable=False)
    requested_deadline = models.DateField(_("申请延期至"), editable=False)
    reason = models.TextField(_("延期理由"), editable=False)
    decision_due = models.DateField(_("批复期限"), editable=False)
    status = models.CharField(
        _("状态"),
        max_length=8,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
        editable=False,
        db_index=True,
    )
    decided_on = models.DateField(_("批复日期"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    approved_deadline = models.DateField(_("批准延期至"), null=True, blank=True, editable=False)
    decision_note = models.TextField(_("批复意见"), blank=True, editable=False)

    objects = ExtensionRequestQuerySet.as_manager()
    scope_path = "supervision__scope_jurisdiction"
    member_scope_path = "supervision__scope_member_unit"

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_on", "-pk"]
        default_permissions = ("view", "change")
        constraints = [
            models.UniqueConstraint(
                fields=["supervision"], condition=Q(status="pending"), name="supervision_one_pending_extension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.supervision} {self.get_status_display()}"

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ProtectedError(str(_("延期申请记录不能删除。")), {self})


class SupervisionNotice(IssuedRecord):
    """督办通知: the numbered paper telling the unit what is supervised, the requirements and the deadline, issued
    through ``safetyportal.documents.services.issue()``."""

    DOCUMENT_KIND = "supervision_notice"
    CONTENT_FIELDS = ("supervision_id", "authority_id", "body")
    FIELD_LABELS = {"number": _("督办通知编号")}
    ISSUE_VERB = _("印发")
    locked_message = _("已印发的督办通知不能修改。")

    supervision = models.ForeignKey(
        Supervision, verbose_name=_("挂牌督办"), on_delete=models.PROTECT, related_name="notices"
    )
    body = models.TextField(
        _("督办要求"),
        help_text=_("每段一行；如：请你单位落实整改责任、措施、资金、时限和预案，按期完成整改并书面报告。"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    class Meta(IssuedRecord.Meta):
        verbose_name = _("督办通知")
        verbose_name_plural = _("督办通知")
        ordering = ["-created_at", "-pk"]
        permissions = [("issue_supervisionnotice", _("可以印发督办通知"))]

    def __str__(self) -> str:
        return f"{self.number or _('（草稿）')} {self.supervision.title}"

    def document_title(self) -> str:
        return str(_("挂牌督办通知"))

    def register_title(self) -> str:
        return f"{self.document_title()}（{self.supervision.unit_name}）"

    def addressees(self) -> list[str]:
        name = self.supervision.unit_name
        return [name] if name else []

    def check_issuable(self, issued_on: dt.date) -> None:
        supervision = self.supervision
        if supervision.is_voided:
            raise ValidationError(_("挂牌督办记录已作废，不能印发督办通知。"))
        if supervision.status != SupervisionStatus.OPEN:
            raise ValidationError(_("已销号的督办不能再印发督办通知。"))
        if not self.body.strip():
            raise ValidationError({"body": _("请填写督办要求。")})
        if issued_on < supervision.listed_on:
            raise ValidationError(_("成文日期不能早于挂牌日期。"))

    def build_snapshot(self) -> dict[str, object]:
        s = self.supervision
        return {
            "level": s.level,
            "level_label": str(s.get_level_display()),
            "unit": s.unit_name,
            "title": s.title,
            "listed_on": s.listed_on.isoformat(),
            "deadline": s.deadline.isoformat(),
            "working_days": s.working_days,
            "supervisor": s.supervisor,
        }

    def after_issue(self, by: object) -> None:
        SupervisionEvent.objects.create(
            supervision=self.supervision,
            kind=SupervisionEventKind.NOTICE,
            actor=by if getattr(by, "pk", None) else None,
            text=str(_("督办通知 %(number)s 已印发")) % {"number": self.number},
        )
