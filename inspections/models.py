"""Hazards (隐患), public reports and their confidential reporter identities, inspections, penalty cases,
rectification orders and the public exposure cases (曝光台).

Writes go through ``services.py``. Audit trails (``HazardEvent``, ``IdentityAccessLog`` and the shared
``safetyportal.history.RecordHistory``) are append-only: a saved row is never updated or deleted, not even through a
queryset."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyportal.documents.issuing import IssuedRecord
from safetyportal.history import RecordHistory  # noqa: F401  (re-exported for older imports)
from safetyportal.models import (
    Enterprise,
    Jurisdiction,
    MemberUnit,
)
from safetyportal.records import (  # noqa: F401  (the kit re-exported for older imports)
    AppendOnlyModel,
    AppendOnlyQuerySet,
    AppendOnlyQuerySetMixin,
    LegalRecordMixin,
    LegalRecordQuerySet,
    RecordStatus,
    ScopedAppendOnlyQuerySet,
    ScopedLegalQuerySet,
    VoidableRecord,
)
from safetyportal.scoping import ScopedQuerySet

# Choices -----------------------------------------------------------------------------------------------------------


class HazardSource(models.TextChoices):
    PUBLIC = "public", _("安全随手拍")
    HOTLINE_12345 = "12345", _("12345热线")
    HOTLINE_12350 = "12350", _("12350热线")
    ROUTINE = "routine", _("日常检查")
    COVERT = "covert", _("暗查暗访")
    SELF_CHECK = "self_check", _("企业自查")
    REFERRAL = "referral", _("部门移交")


class HazardCategory(models.TextChoices):
    FIRE = "fire", _("消防")
    HAZCHEM = "hazchem", _("危险化学品")
    GAS = "gas", _("燃气")
    CONSTRUCTION = "construction", _("建筑施工")
    ROAD = "road", _("道路交通")
    SPECIAL_EQUIPMENT = "special_equipment", _("特种设备")
    INDUSTRY = "industry", _("工贸")
    CONFINED_SPACE = "confined_space", _("有限空间")
    EBIKE = "ebike", _("电动自行车")
    SELF_BUILT = "self_built", _("自建房")
    OTHER = "other", _("其他")


class HazardLevel(models.TextChoices):
    GENERAL = "general", _("一般隐患")
    MAJOR = "major", _("重大事故隐患")


class HazardStatus(models.TextChoices):
    ACCEPTED = "accepted", _("已受理")
    VERIFYING = "verifying", _("核查中")
    RECTIFYING = "rectifying", _("整改中")
    PENDING_REVIEW = "pending_review", _("待复核")
    CLOSED = "closed", _("已销号")
    REJECTED = "rejected", _("不予受理")
    DUPLICATE = "duplicate", _("重复")
    UNFOUNDED = "unfounded", _("不属实")


OPEN_STATUSES = (HazardStatus.ACCEPTED, HazardStatus.VERIFYING, HazardStatus.RECTIFYING, HazardStatus.PENDING_REVIEW)
# Statuses reached only once a report was found to be true (属实): a reward can be paid from here on.
VERIFIED_STATUSES = (HazardStatus.RECTIFYING, HazardStatus.PENDING_REVIEW, HazardStatus.CLOSED)


class SupervisionLevel(models.TextChoices):
    NONE = "", _("未挂牌")
    PROVINCE = "province", _("省级挂牌督办")
    CITY = "city", _("市级挂牌督办")
    COUNTY = "county", _("县级挂牌督办")
    STREET = "street", _("街道（镇）级挂牌督办")


class PhotoStage(models.TextChoices):
    REPORT = "report", _("举报照片")
    BEFORE = "before", _("整改前")
    AFTER = "after", _("整改后")


class EventKind(models.TextChoices):
    CREATED = "created", _("登记")
    TRANSITION = "transition", _("状态变更")
    EDITED = "edited", _("修改")
    PHOTO = "photo", _("上传照片")
    OVERDUE = "overdue", _("逾期预警")
    SUPERVISION = "supervision", _("挂牌督办")
    ORDER = "order", _("下达整改指令")
    REWARD = "reward", _("举报奖励")


# Append-only audit rows --------------------------------------------------------------------------------------------


# The append-only kit (AppendOnlyModel and its querysets) lives in safetyportal.records, the history of legal records
# (RecordHistory) in safetyportal.history: both are re-exported here for older imports.


# Hazards -----------------------------------------------------------------------------------------------------------


class HazardQuerySet(ScopedQuerySet):
    def open(self) -> HazardQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Hazard(models.Model):
    """A hazard (隐患) from any source, handled to closure: 已受理 → 核查中 → 整改中 → 待复核 → 已销号."""

    source = models.CharField(_("来源"), max_length=16, choices=HazardSource.choices, db_index=True)
    external_ticket = models.CharField(_("工单编号"), max_length=40, blank=True, help_text=_("12345/12350工单号等"))
    category = models.CharField(_("隐患类别"), max_length=24, choices=HazardCategory.choices, db_index=True)
    level = models.CharField(_("隐患等级"), max_length=16, choices=HazardLevel.choices, default=HazardLevel.GENERAL)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("所属镇（街道）"), on_delete=models.PROTECT, related_name="hazards"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("涉及单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="hazards"
    )
    inspection = models.ForeignKey(
        "Inspection",
        verbose_name=_("检查记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    address = models.CharField(_("隐患地点"), max_length=255)
    description = models.TextField(_("隐患描述"))
    responsible_unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("整改责任（监管）单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
    )
    responsible_person = models.CharField(_("整改责任人"), max_length=32, blank=True)
    rectification_deadline = models.DateField(_("整改期限"), null=True, blank=True, db_index=True)
    rectification_note = models.TextField(_("整改情况"), blank=True)
    supervision_level = models.CharField(
        _("挂牌督办"), max_length=8, choices=SupervisionLevel.choices, blank=True, default=""
    )
    supervised_on = models.DateField(_("挂牌日期"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("重复于"), null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=HazardStatus.choices, default=HazardStatus.ACCEPTED, db_index=True
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("逾期预警时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = HazardQuerySet.as_manager()
    member_scope_path = "responsible_unit"  # a member unit sees the hazards assigned to it (safetyportal.scoping)

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "rectification_deadline"], name="hazard_status_deadline"),
            models.Index(fields=["jurisdiction", "status"], name="hazard_unit_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_category_display()}"

    @property
    def number(self) -> str:
        """The reference shown to staff and on the tracking page, e.g. YH2026000123."""
        year = timezone.localtime(self.created_at).year if self.created_at else timezone.localdate().year
        return f"YH{year}{self.pk or 0:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.status == HazardStatus.RECTIFYING
            and self.rectification_deadline
            and self.rectification_deadline < timezone.localdate()
        )


class HazardEvent(AppendOnlyModel):
    """One step of a hazard's history: who, when, what and why."""

    hazard = models.ForeignKey(Hazard, verbose_name=_("隐患"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("类型"), max_length=16, choices=EventKind.choices)
    from_status = models.CharField(_("原状态"), max_length=16, choices=HazardStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=HazardStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    reason = models.TextField(_("理由/说明"), blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)

    objects = ScopedAppendOnlyQuerySet.as_manager()
    scope_path = "hazard__jurisdiction"
    member_scope_path = "hazard__responsible_unit"

    class Meta:
        verbose_name = _("隐患办理记录")
        verbose_name_plural = _("隐患办理记录")
        ordering = ["at", "pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.get_kind_display()}"


class HazardPhoto(models.Model):
    """A re-encoded photo (safetyportal.images): the citizen's report photo, or evidence before/after rectifying."""

    hazard = models.ForeignKey(Hazard, verbose_name=_("隐患"), on_delete=models.PROTECT, related_name="photos")
    stage = models.CharField(_("类型"), max_length=8, choices=PhotoStage.choices)
    image = models.CharField(_("图片"), max_length=200, editable=False)
    thumbnail = models.CharField(_("缩略图"), max_length=200, editable=False)
    width = models.PositiveIntegerField(_("宽"), default=0)
    height = models.PositiveIntegerField(_("高"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_path = "hazard__jurisdiction"
    member_scope_path = "hazard__responsible_unit"

    class Meta:
        verbose_name = _("隐患照片")
        verbose_name_plural = _("隐患照片")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} #{self.pk}"


class HazardNotification(models.Model):
    """A reminder for the responsible unit and the jurisdiction's officers (e.g. an overdue rectification)."""

    hazard = models.ForeignKey(Hazard, verbose_name=_("隐患"), on_delete=models.PROTECT, related_name="notifications")
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("接收镇（街道）"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        MemberUnit, verbose_name=_("接收单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=EventKind.choices)
    message = models.CharField(_("内容"), max_length=255)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    member_scope_path = "unit"

    class Meta:
        verbose_name = _("隐患提醒")
        verbose_name_plural = _("隐患提醒")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.message


# Public reports and the reporter's identity ------------------------------------------------------------------------


class PublicReport(models.Model):
    """The public side of a hazard reported by a citizen (安全随手拍): the hashed tracking code and the reward.

    The reporter's name and phone live in ``ReporterIdentity``, which only named custodians can read, each time
    with a stated reason that leaves a row in ``IdentityAccessLog``."""

    hazard = models.OneToOneField(
        Hazard, verbose_name=_("隐患"), on_delete=models.PROTECT, related_name="public_report"
    )
    tracking_hash = models.CharField(_("查询码摘要"), max_length=64, unique=True, editable=False)
    place = models.CharField(_("举报人填写的地点"), max_length=200)
    is_anonymous = models.BooleanField(_("匿名举报"), default=True)
    submitted_at = models.DateTimeField(_("举报时间"), default=timezone.now)
    reward_amount = models.DecimalField(_("奖励金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    reward_paid_on = models.DateField(_("奖励发放日期"), null=True, blank=True)
    reward_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("奖励登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reward_marked_at = models.DateTimeField(_("奖励登记时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "hazard__jurisdiction"

    class Meta:
        verbose_name = _("群众举报")
        verbose_name_plural = _("群众举报")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return _("举报 %(number)s") % {"number": self.hazard.number if self.hazard_id else "—"}

    @property
    def is_rewarded(self) -> bool:
        return self.reward_amount is not None


class ReporterIdentity(models.Model):
    """Who reported (举报人信息保密). Never shown outside the custodian's reveal screen; no default permissions, so
    no admin page, export or role reaches it; ``view_reporter_identity`` is granted to named people only."""

    report = models.OneToOneField(
        PublicReport, verbose_name=_("举报"), on_delete=models.PROTECT, related_name="identity"
    )
    name = models.CharField(_("举报人姓名"), max_length=32, blank=True)
    phone = models.CharField(_("举报人电话"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("举报人身份")
        verbose_name_plural = _("举报人身份")
        default_permissions = ()
        permissions = [("view_reporter_identity", _("可以查看举报人身份（须说明理由，留痕）"))]

    def __str__(self) -> str:  # never the identity itself
        return _("举报人身份（举报 #%(pk)s）") % {"pk": self.report_id}


class IdentityAccessLog(AppendOnlyModel):
    """One reveal of a reporter's identity: who, when, which report, why. Nobody can edit or delete it."""

    report = models.ForeignKey(
        PublicReport, verbose_name=_("举报"), on_delete=models.PROTECT, related_name="identity_views"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("查看人"), on_delete=models.PROTECT, related_name="+"
    )
    viewed_at = models.DateTimeField(_("查看时间"), default=timezone.now, db_index=True)
    reason = models.TextField(_("查看理由"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("举报人信息查看记录")
        verbose_name_plural = _("举报人信息查看记录")
        ordering = ["-viewed_at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.user} {self.viewed_at:%Y-%m-%d %H:%M}"


# Inspections, penalties, orders ------------------------------------------------------------------------------------


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", _("日常检查")
    SPECIAL = "special", _("专项检查")
    COVERT = "covert", _("暗查暗访")
    DOUBLE_RANDOM = "double_random", _("双随机检查")


# RecordStatus, VoidableRecord and ScopedLegalQuerySet: the legal-record kit in safetyportal.records (imported above).


class Inspection(VoidableRecord):
    """An inspection (检查) of an enterprise; its findings become hazards."""

    kind = models.CharField(_("检查类型"), max_length=16, choices=InspectionKind.choices)
    inspected_on = models.DateField(_("检查日期"), db_index=True)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("被检查单位"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人员"), blank=True, related_name="+"
    )
    team_note = models.CharField(_("其他检查组成员"), max_length=255, blank=True)
    summary = models.TextField(_("检查情况"), blank=True)

    objects = ScopedLegalQuerySet.as_manager()
    scope_path = "enterprise__jurisdiction"

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        ordering = ["-inspected_on", "-pk"]
        indexes = [models.Index(fields=["enterprise", "inspected_on"], name="inspection_enterprise_date")]

    def __str__(self) -> str:
        return f"{self.inspected_on} {self.get_kind_display()} {self.enterprise}"


class PenaltyCase(VoidableRecord):
    """An administrative penalty (行政处罚) decided against an enterprise."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("当事单位"), on_delete=models.PROTECT, related_name="penalty_cases"
    )
    hazard = models.ForeignKey(
        Hazard, verbose_name=_("关联隐患"), null=True, blank=True, on_delete=models.PROTECT, related_name="penalties"
    )
    facts = models.TextField(_("违法事实"))
    violated_provision = models.CharField(
        _("违反条款"), max_length=255, help_text=_("如：《中华人民共和国安全生产法》第四十一条第二款")
    )
    legal_basis = models.CharField(
        _("处罚依据"), max_length=255, help_text=_("如：《中华人民共和国安全生产法》第一百零二条")
    )
    decision_number = models.CharField(_("处罚决定书文号"), max_length=64)
    fine = models.DecimalField(_("罚款金额（元）"), max_digits=12, decimal_places=2, default=0)
    other_measures = models.CharField(_("其他处罚"), max_length=255, blank=True, help_text=_("如：责令停产停业整顿"))
    principal_person = models.CharField(
        _("受处罚的主要负责人"), max_length=32, blank=True, help_text=_("一案双罚时填写")
    )
    principal_fine = models.DecimalField(_("对个人罚款（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    enforcing_body = models.ForeignKey(
        MemberUnit, verbose_name=_("执法部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(_("处罚决定日期"), db_index=True)

    objects = ScopedLegalQuerySet.as_manager()
    scope_path = "enterprise__jurisdiction"

    class Meta:
        verbose_name = _("行政处罚")
        verbose_name_plural = _("行政处罚")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision_number"], condition=Q(record_status="active"), name="unique_active_decision_number"
            ),
            models.CheckConstraint(condition=Q(fine__gte=0), name="penalty_fine_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} {self.enterprise}"


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已下达")


class RectificationOrder(VoidableRecord, IssuedRecord):
    """责令限期整改指令书 to an enterprise, issued as a numbered PDF. It never carries the reporter's identity or the
    citizen's photos: its builder reads only the fields below and the hazards' redacted text."""

    DOCUMENT_KIND = "rectification_order"
    STATUS_CHOICES = OrderStatus
    CONTENT_FIELDS = (
        "enterprise_id",
        "authority_id",
        "inspection_id",
        "findings",
        "requirements",
        "deadline",
        "legal_basis",
    )
    CONTENT_M2M = ("hazards",)
    FIELD_LABELS = {
        "number": _("文书编号"),
        "issued_on": _("下达日期"),
        "issued_at": _("下达时间"),
        "issued_by": _("签发人"),
    }
    ISSUE_VERB = _("下达")
    locked_message = _("已下达的指令书不能修改。")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("被责令单位"), on_delete=models.PROTECT, related_name="rectification_orders"
    )
    hazards = models.ManyToManyField(Hazard, verbose_name=_("整改隐患"), related_name="orders", blank=True)
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    findings = models.TextField(
        _("发现的问题"), blank=True, help_text=_("每行一项；留空则按所选隐患生成（举报人信息自动隐去）")
    )
    requirements = models.TextField(
        _("整改要求"),
        default="请你单位于整改期限内消除上述事故隐患，并将整改情况书面报告我局。整改期间，应当采取必要的安全防范措施，防止事故发生。",
    )
    deadline = models.DateField(_("整改期限"))
    legal_basis = models.CharField(
        _("依据"),
        max_length=255,
        default="《中华人民共和国安全生产法》第六十五条第一款第（三）项",
    )

    objects = ScopedLegalQuerySet.as_manager()
    scope_path = "enterprise__jurisdiction"

    class Meta(IssuedRecord.Meta):
        verbose_name = _("责令限期整改指令书")
        verbose_name_plural = _("责令限期整改指令书")
        ordering = ["-created_at", "-pk"]
        permissions = [("issue_rectificationorder", _("可以下达责令限期整改指令书"))]

    def __str__(self) -> str:
        return f"{self.number or _('（草稿）')} {self.enterprise}"

    @property
    def is_editable(self) -> bool:
        return self.status == OrderStatus.DRAFT and not self.is_voided

    def document_title(self) -> str:
        return str(_("责令限期整改指令书"))

    def register_title(self) -> str:
        return f"{self.document_title()}（{self.enterprise}）"

    def addressees(self) -> list[str]:
        return [self.enterprise.name]

    def check_issuable(self, issued_on: dt.date) -> None:
        if self.is_voided:
            raise ValidationError(_("已作废的指令书不能下达。"))
        if not self.findings.strip() and not self.hazards.exists():
            raise ValidationError(_("请填写发现的问题或选择整改隐患。"))
        if self.deadline <= issued_on:
            raise ValidationError({"deadline": _("整改期限须晚于下达日期。")})

    def after_issue(self, by: Any) -> None:
        reason = _("下达责令限期整改指令书 %(number)s，整改期限%(deadline)s") % {
            "number": self.number,
            "deadline": self.deadline.isoformat(),
        }
        for hazard in self.hazards.all():
            HazardEvent.objects.create(hazard=hazard, kind=EventKind.ORDER, actor=by, reason=reason)


# Exposure cases (曝光台) -------------------------------------------------------------------------------------------


class CaseKind(models.TextChoices):
    HAZARD = "hazard", _("隐患曝光")
    MAJOR_HAZARD = "major_hazard", _("重大事故隐患")
    PENALTY = "penalty", _("典型执法案例")
    REPORT = "report", _("举报典型案例")
    COVERT = "covert", _("暗访曝光")
    ACCIDENT = "accident", _("事故通报")


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    EXPIRED = "expired", _("公开期满")
    WITHDRAWN = "withdrawn", _("已撤回")


class ExposureQuerySet(models.QuerySet):
    def public(self, today: dt.date | None = None) -> ExposureQuerySet:
        """What the public may see today: published and not past its public-until date."""
        today = today or timezone.localdate()
        return self.filter(status=CaseStatus.PUBLISHED).filter(
            Q(public_until__isnull=True) | Q(public_until__gte=today)
        )


class ExposureCase(models.Model):
    """A typical case published on the exposure pages. Staff edit the draft text; publishing freezes a masked copy
    (``public_*``) that is all the public ever sees."""

    EDITABLE_TEXT = ("title", "display_name", "summary", "body", "legal_basis", "penalty_text", "warning")

    kind = models.CharField(_("案例类型"), max_length=16, choices=CaseKind.choices, db_index=True)
    category = models.CharField(_("行业类别"), max_length=24, choices=HazardCategory.choices, db_index=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("所属镇（街道）"), on_delete=models.PROTECT, related_name="exposure_cases"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("当事单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exposure_cases",
    )
    hazard = models.ForeignKey(
        Hazard,
        verbose_name=_("来源隐患"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exposure_cases",
    )
    penalty = models.ForeignKey(
        PenaltyCase,
        verbose_name=_("来源处罚"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exposure_cases",
    )
    case_date = models.DateField(_("检查/处罚/事故日期"), null=True, blank=True)
    principal_person = models.CharField(
        _("主要负责人（内部）"), max_length=32, blank=True, help_text=_("发布时在公开文本中自动遮盖为“某某”")
    )

    title = models.CharField(_("案件名称"), max_length=200)
    display_name = models.CharField(
        _("当事单位（公开名称）"), max_length=128, blank=True, help_text=_("填写全称或“晋江市某鞋业有限公司”")
    )
    summary = models.CharField(_("要旨"), max_length=300, blank=True)
    body = models.TextField(_("基本案情"))
    legal_basis = models.CharField(_("违反条款及处罚依据"), max_length=300, blank=True)
    penalty_text = models.CharField(_("处理结果"), max_length=300, blank=True)
    warning = models.TextField(_("以案为鉴"), blank=True)
    media_url = models.URLField(_("媒体报道链接"), blank=True)

    public_title = models.CharField(_("公开标题"), max_length=200, blank=True, editable=False)
    public_display_name = models.CharField(_("公开当事单位"), max_length=128, blank=True, editable=False)
    public_summary = models.CharField(_("公开要旨"), max_length=300, blank=True, editable=False)
    public_body = models.TextField(_("公开案情"), blank=True, editable=False)
    public_legal_basis = models.CharField(_("公开依据"), max_length=300, blank=True, editable=False)
    public_penalty_text = models.CharField(_("公开处理结果"), max_length=300, blank=True, editable=False)
    public_warning = models.TextField(_("公开以案为鉴"), blank=True, editable=False)

    status = models.CharField(
        _("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.DRAFT, editable=False
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    public_until = models.DateField(_("公开截止日期"), null=True, blank=True, help_text=_("留空表示长期公开"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    withdraw_reason = models.CharField(_("撤回理由"), max_length=255, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ExposureQuerySet.as_manager()

    class Meta:
        verbose_name = _("曝光案例")
        verbose_name_plural = _("曝光案例")
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_exposurecase", _("可以发布和撤回曝光案例"))]
        # Every public list seeks on (published_at, id) after an equality prefix (see safetyportal/pagination.py).
        indexes = [
            models.Index(fields=["status", "published_at", "id"], name="exposure_seek"),
            models.Index(fields=["status", "category", "published_at", "id"], name="exposure_seek_category"),
            models.Index(fields=["status", "kind", "published_at", "id"], name="exposure_seek_kind"),
            models.Index(fields=["status", "jurisdiction", "published_at", "id"], name="exposure_seek_unit"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == CaseStatus.PUBLISHED and (
            self.public_until is None or self.public_until >= timezone.localdate()
        )


# Exposure by towns (镇街报送) and media articles (篇/起) -------------------------------------------------------------
# A town's or subdistrict's officers submit drafts (ExposureSubmission) from their portal; the office accepts one into a
# normal draft ExposureCase (then edited, masked and published as any case) or returns it with a reason. A media
# article (MediaArticle, 篇) carries many cases (起). See docs/exposure_submissions.md.


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    RETURNED = "returned", _("退回修改")
    ACCEPTED = "accepted", _("已采用")


class ExposureSubmission(models.Model):
    """A draft typical case a town/subdistrict office submits from its portal. Never deleted: returned ones are
    revised and resubmitted, accepted ones point at the ExposureCase staff made of them."""

    FORM_FIELDS = (
        "kind",
        "category",
        "case_date",
        "title",
        "display_name",
        "principal_person",
        "summary",
        "body",
        "legal_basis",
        "penalty_text",
        "warning",
        "media_url",
    )

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="exposure_submissions"
    )
    kind = models.CharField(_("案例类型"), max_length=16, choices=CaseKind.choices)
    category = models.CharField(_("行业类别"), max_length=24, choices=HazardCategory.choices)
    case_date = models.DateField(_("检查/处罚/事故日期"), null=True, blank=True)
    title = models.CharField(_("案件名称"), max_length=200)
    display_name = models.CharField(_("当事单位"), max_length=128, blank=True)
    principal_person = models.CharField(_("主要负责人"), max_length=32, blank=True)
    summary = models.CharField(_("要旨"), max_length=300, blank=True)
    body = models.TextField(_("基本案情"))
    legal_basis = models.CharField(_("违反条款及处罚依据"), max_length=300, blank=True)
    penalty_text = models.CharField(_("处理结果"), max_length=300, blank=True)
    warning = models.TextField(_("以案为鉴"), blank=True)
    media_url = models.URLField(_("媒体报道链接"), blank=True)

    status = models.CharField(
        _("审核状态"),
        max_length=16,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.PENDING,
        editable=False,
        db_index=True,
    )
    return_reason = models.CharField(_("退回理由"), max_length=255, blank=True, editable=False)
    case = models.OneToOneField(
        ExposureCase,
        verbose_name=_("采用为曝光案例"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submission",
        editable=False,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField(_("报送时间"), default=timezone.now, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True, editable=False)
    times_submitted = models.PositiveSmallIntegerField(_("报送次数"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("镇街报送曝光案例")
        verbose_name_plural = _("镇街报送曝光案例")
        ordering = ["-submitted_at", "-pk"]
        default_permissions = ("view", "change")
        permissions = [("review_exposuresubmission", _("可以审核镇街报送的曝光案例"))]
        indexes = [models.Index(fields=["jurisdiction", "submitted_at"], name="exposure_submission_unit")]

    def __str__(self) -> str:
        return self.title

    @property
    def state_label(self) -> str:
        """What the submitting office sees: 待审核 / 退回修改 / 已采用 (待发布) / 已发布 (the case is public)."""
        if self.status == SubmissionStatus.ACCEPTED and self.case is not None:
            if self.case.status in (CaseStatus.PUBLISHED, CaseStatus.EXPIRED):
                return str(CaseStatus.PUBLISHED.label)
            return str(_("已采用（待发布）"))
        return str(self.get_status_display())


class MediaLevel(models.TextChoices):
    """DOMAIN.md 2.5: 国家 / 省 / 市 / 区县 / 本级 → points 8/5/3/2/1."""

    NATIONAL = "national", _("国家级")
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("区县级")
    OWN = "own", _("本级（自有平台）")


MEDIA_LEVEL_POINTS: dict[str, int] = {
    MediaLevel.NATIONAL: 8,
    MediaLevel.PROVINCE: 5,
    MediaLevel.CITY: 3,
    MediaLevel.COUNTY: 2,
    MediaLevel.OWN: 1,
}
# 地方主流媒体 for the monthly duty (seed 001): county-level media or above; an office's own WeChat account (本级) is
# not mainstream media.
MAINSTREAM_LEVELS: tuple[str, ...] = (MediaLevel.NATIONAL, MediaLevel.PROVINCE, MediaLevel.CITY, MediaLevel.COUNTY)


class MediaArticle(VoidableRecord):
    """One published media article or post (篇) carrying one or more exposure cases (起)."""

    title = models.CharField(_("标题"), max_length=200)
    media_name = models.CharField(_("媒体名称"), max_length=64, help_text=_("如：晋江经济报、泉州电视台"))
    media_level = models.CharField(_("媒体级别"), max_length=16, choices=MediaLevel.choices)
    published_on = models.DateField(_("刊发日期"), db_index=True)
    url = models.URLField(_("链接"), blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="media_articles"
    )
    cases = models.ManyToManyField(ExposureCase, verbose_name=_("曝光案例"), related_name="media_articles")
    note = models.CharField(_("备注"), max_length=255, blank=True)

    objects = ScopedLegalQuerySet.as_manager()

    class Meta:
        verbose_name = _("媒体曝光报道")
        verbose_name_plural = _("媒体曝光报道")
        ordering = ["-published_on", "-pk"]
        indexes = [models.Index(fields=["published_on", "media_level"], name="media_article_day_level")]

    def __str__(self) -> str:
        return f"{self.media_name}《{self.title}》"

    @property
    def is_mainstream(self) -> bool:
        return self.media_level in MAINSTREAM_LEVELS


# The reward ledger keeps its models in their own module; imported here so Django registers them.
from .reward_models import *  # noqa: E402, F403
