"""The committee's toolkit (issue 15): accidents (事故登记) with the 15-day 现场警示教育会议 clock of seed 004 §23, and
interviews (约谈) with their commitments and the numbered 约谈通知书.

Victims are not stored at all: an accident carries only counts (deaths, injuries), so no victim's name or ID number
can reach any page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyportal.documents.issuing import IssuedRecord
from safetyportal.models import Enterprise, Jurisdiction, MemberUnit
from safetyportal.records import LegalRecordMixin, ScopedLegalQuerySet, VoidableRecord
from safetyportal.scoping import ScopedQuerySet
from safetyportal.uploads import StoredAttachment

# --- Accidents -------------------------------------------------------------------------------------------------------


class AccidentType(models.TextChoices):
    """GB 6441-1986 《企业职工伤亡事故分类》: the 20 classes by cause."""

    STRUCK_BY_OBJECT = "struck_by_object", _("物体打击")
    VEHICLE = "vehicle", _("车辆伤害")
    MACHINERY = "machinery", _("机械伤害")
    LIFTING = "lifting", _("起重伤害")
    ELECTRIC_SHOCK = "electric_shock", _("触电")
    DROWNING = "drowning", _("淹溺")
    SCALD = "scald", _("灼烫")
    FIRE = "fire", _("火灾")
    FALL = "fall", _("高处坠落")
    COLLAPSE = "collapse", _("坍塌")
    ROOF_FALL = "roof_fall", _("冒顶片帮")
    WATER_INRUSH = "water_inrush", _("透水")
    BLASTING = "blasting", _("放炮")
    EXPLOSIVES = "explosives", _("火药爆炸")
    GAS_EXPLOSION = "gas_explosion", _("瓦斯爆炸")
    BOILER_EXPLOSION = "boiler_explosion", _("锅炉爆炸")
    VESSEL_EXPLOSION = "vessel_explosion", _("容器爆炸")
    OTHER_EXPLOSION = "other_explosion", _("其他爆炸")
    POISONING = "poisoning", _("中毒和窒息")
    OTHER = "other", _("其他伤害")


class AccidentLevel(models.TextChoices):
    GENERAL = "general", _("一般事故")
    LARGER = "larger", _("较大事故")
    MAJOR = "major", _("重大事故")
    ESPECIALLY_MAJOR = "especially_major", _("特别重大事故")


class InvestigationStatus(models.TextChoices):
    PENDING = "pending", _("待调查")
    INVESTIGATING = "investigating", _("调查中")
    REPORTED = "reported", _("调查报告已批复")
    CLOSED = "closed", _("已结案")


YUAN_10K = Decimal(10_000)

# 《生产安全事故报告和调查处理条例》第三条: (deaths, serious injuries incl. acute industrial poisoning, direct loss in
# yuan) from which a level starts; "以上" includes the number, "以下" does not.
LEVEL_THRESHOLDS: tuple[tuple[str, int, int, Decimal], ...] = (
    (AccidentLevel.ESPECIALLY_MAJOR, 30, 100, Decimal(100_000_000)),
    (AccidentLevel.MAJOR, 10, 50, Decimal(50_000_000)),
    (AccidentLevel.LARGER, 3, 10, Decimal(10_000_000)),
)


def accident_level(deaths: int, serious_injuries: int, direct_loss: Decimal | int) -> str:
    """The level per the regulation's article 3: the highest level any one of the three figures reaches."""
    loss = Decimal(direct_loss or 0)
    for level, min_deaths, min_serious, min_loss in LEVEL_THRESHOLDS:
        if deaths >= min_deaths or serious_injuries >= min_serious or loss >= min_loss:
            return level
    return AccidentLevel.GENERAL


# 004 §23: "事故发生后 15 日内召开现场警示教育会议": 日, not 工作日, so natural days (the working-day calendar
# is not used for this clock).
WARNING_MEETING_DAYS = 15


class Accident(VoidableRecord):
    """One production-safety accident (事故登记). Never deleted: voided with a reason (``void_record``)."""

    occurred_at = models.DateTimeField(_("发生时间"))
    place = models.CharField(_("发生地点"), max_length=255)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="accidents"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("事故单位（已登记企业）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accidents",
    )
    unit_name = models.CharField(_("事故单位名称"), max_length=128, help_text=_("未登记的单位直接填写名称"))
    accident_type = models.CharField(_("事故类别"), max_length=24, choices=AccidentType.choices, db_index=True)
    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    serious_injuries = models.PositiveIntegerField(_("重伤人数（含急性工业中毒）"), default=0)
    minor_injuries = models.PositiveIntegerField(_("轻伤人数"), default=0)
    direct_loss = models.DecimalField(_("直接经济损失（元）"), max_digits=14, decimal_places=2, default=Decimal(0))
    level = models.CharField(_("事故等级"), max_length=20, choices=AccidentLevel.choices, db_index=True, editable=False)
    investigation_status = models.CharField(
        _("调查处理状态"),
        max_length=16,
        choices=InvestigationStatus.choices,
        default=InvestigationStatus.PENDING,
        db_index=True,
    )
    description = models.TextField(
        _("事故简要经过（内部）"),
        blank=True,
        help_text=_("内部记录，不进入曝光案例草稿；请勿填写伤亡人员姓名、身份证号"),
    )
    # The 现场警示教育会议 and its evidence
    meeting_held_on = models.DateField(_("警示教育会议召开日期"), null=True, blank=True)
    meeting_place = models.CharField(_("会议地点"), max_length=255, blank=True)
    meeting_attendance = models.PositiveIntegerField(_("参会人数"), null=True, blank=True)
    meeting_record = models.TextField(_("会议记录（组织单位、参会单位、警示内容）"), blank=True)
    meeting_reminded_on = models.DateField(_("最近提醒日期"), null=True, blank=True, editable=False)
    exposure_case = models.ForeignKey(
        "inspections.ExposureCase",
        verbose_name=_("事故典型案例草稿"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    objects = ScopedLegalQuerySet.as_manager()

    class Meta:
        verbose_name = _("生产安全事故")
        verbose_name_plural = _("生产安全事故")
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["record_status", "meeting_held_on", "occurred_at"], name="accident_clock")]

    def __str__(self) -> str:
        local = timezone.localtime(self.occurred_at) if self.occurred_at else None
        day = f"{local:%Y-%m-%d} " if local else ""
        return f"{day}{self.unit_name}{self.get_accident_type_display()}事故"

    def save(self, *args: object, **kwargs: object) -> None:
        self.level = accident_level(self.deaths, self.serious_injuries, self.direct_loss)
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "level"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        if self.meeting_held_on and self.occurred_at and self.meeting_held_on < self.occurred_on:
            raise ValidationError({"meeting_held_on": _("警示教育会议日期不能早于事故发生日期。")})
        if self.occurred_at and self.occurred_at > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationError({"occurred_at": _("发生时间不能晚于现在。")})

    @property
    def occurred_on(self) -> dt.date:
        """The day of the accident in Asia/Shanghai."""
        return timezone.localtime(self.occurred_at).date()

    @property
    def meeting_due_on(self) -> dt.date:
        """The last day of the 15 (natural) days after the accident."""
        return self.occurred_on + dt.timedelta(days=WARNING_MEETING_DAYS)

    def meeting_state(self, today: dt.date | None = None) -> str:
        """held / held_late / overdue / open."""
        if self.meeting_held_on is not None:
            return "held_late" if self.meeting_held_on > self.meeting_due_on else "held"
        today = today or timezone.localdate()
        return "overdue" if today > self.meeting_due_on else "open"


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("会议照片")
    SIGN_IN = "sign_in", _("签到表")
    MINUTES = "minutes", _("会议记录扫描件")
    OTHER = "other", _("其他")


class AccidentAttachment(LegalRecordMixin, StoredAttachment):
    """Evidence of the 现场警示教育会议 as files (photos, sign-in sheets, scans of the minutes): checked by content and
    stored under a random name outside the web root (``safetyportal.uploads``); downloaded only through the accident
    admin's ``admin:committee_accident_attachment`` view (staff allowed to view accidents). Never deleted: a wrong
    file stays, the accident's history says what was added."""

    accident = models.ForeignKey(Accident, verbose_name=_("事故"), on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("材料类别"), max_length=16, choices=EvidenceKind.choices, default=EvidenceKind.PHOTO)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ScopedLegalQuerySet.as_manager()
    scope_path = "accident__jurisdiction"

    class Meta:
        verbose_name = _("警示教育会议材料")
        verbose_name_plural = _("警示教育会议材料")
        ordering = ["pk"]


# --- Interviews ------------------------------------------------------------------------------------------------------


class InterviewReason(models.TextChoices):
    LATE_RETURNS = "late_returns", _("报送多次逾期")
    OVERDUE_HAZARDS = "overdue_hazards", _("隐患逾期未整改")
    ACCIDENT = "accident", _("发生事故")
    SUPERVISION_OVERDUE = "supervision_overdue", _("督办逾期")
    OTHER = "other", _("其他")


class Interview(VoidableRecord):
    """约谈: one head of one unit (a jurisdiction's office, a member unit or an enterprise), why, when, by whom, the
    minutes. ``scope_jurisdiction`` is set by the service (the jurisdiction itself, or the enterprise's; None for a
    member unit, which only that unit and staff see)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("被约谈区划单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interviews",
    )
    member_unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("被约谈成员单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interviews",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("被约谈企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interviews",
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
    head_name = models.CharField(_("被约谈人姓名"), max_length=32)
    head_position = models.CharField(_("被约谈人职务"), max_length=64)
    reason = models.CharField(_("约谈事由"), max_length=24, choices=InterviewReason.choices, db_index=True)
    reason_text = models.TextField(_("事由说明"), blank=True)
    held_on = models.DateField(_("约谈日期"), db_index=True)
    place = models.CharField(_("约谈地点"), max_length=128, blank=True)
    interviewer = models.CharField(_("约谈人（单位及职务）"), max_length=128)
    minutes = models.TextField(_("约谈纪要"), blank=True)
    accident = models.ForeignKey(
        Accident,
        verbose_name=_("相关事故"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interviews",
    )

    objects = ScopedLegalQuerySet.as_manager()
    scope_path = "scope_jurisdiction"
    member_scope_path = "member_unit"

    class Meta:
        verbose_name = _("约谈")
        verbose_name_plural = _("约谈")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(jurisdiction__isnull=False, member_unit__isnull=True, enterprise__isnull=True)
                    | Q(jurisdiction__isnull=True, member_unit__isnull=False, enterprise__isnull=True)
                    | Q(jurisdiction__isnull=True, member_unit__isnull=True, enterprise__isnull=False)
                ),
                name="interview_exactly_one_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.unit_name}"

    @property
    def unit_name(self) -> str:
        unit = self.jurisdiction or self.member_unit or self.enterprise
        return str(unit.name) if unit is not None else ""

    def clean(self) -> None:
        units = [u for u in (self.jurisdiction_id, self.member_unit_id, self.enterprise_id) if u is not None]
        if len(units) != 1:
            raise ValidationError(_("请在区划单位、成员单位、企业中选择且只选择一个被约谈单位。"))
        if self.reason == InterviewReason.OTHER and not self.reason_text.strip():
            raise ValidationError({"reason_text": _("事由为“其他”时请填写事由说明。")})

    def scope_of(self) -> Jurisdiction | None:
        if self.jurisdiction is not None:
            return self.jurisdiction
        if self.enterprise is not None:
            return self.enterprise.jurisdiction
        return None


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("未完成")
    DONE = "done", _("已完成")
    OVERDUE = "overdue", _("已逾期")  # computed: open past its deadline (never stored)


class Commitment(models.Model):
    """整改承诺: a commitment made in an interview with a deadline of N working days after the interview."""

    interview = models.ForeignKey(
        Interview, verbose_name=_("约谈"), on_delete=models.PROTECT, related_name="commitments"
    )
    text = models.TextField(_("承诺事项"))
    working_days = models.PositiveSmallIntegerField(_("完成时限（工作日）"))
    due_on = models.DateField(_("完成期限"), editable=False, db_index=True)
    status = models.CharField(
        _("状态"),
        max_length=8,
        choices=[
            (CommitmentStatus.OPEN, CommitmentStatus.OPEN.label),
            (CommitmentStatus.DONE, CommitmentStatus.DONE.label),
        ],
        default=CommitmentStatus.OPEN,
        editable=False,
        db_index=True,
    )
    done_at = models.DateTimeField(_("报告完成时间"), null=True, blank=True, editable=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报告人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    done_note = models.TextField(_("完成情况说明"), blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_path = "interview__scope_jurisdiction"
    member_scope_path = "interview__member_unit"

    class Meta:
        verbose_name = _("约谈承诺事项")
        verbose_name_plural = _("约谈承诺事项")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.text[:40]

    def current_status(self, today: dt.date | None = None) -> str:
        if self.status == CommitmentStatus.DONE:
            return CommitmentStatus.DONE
        today = today or timezone.localdate()
        return CommitmentStatus.OVERDUE if today > self.due_on else CommitmentStatus.OPEN

    def current_status_label(self) -> str:
        return str(CommitmentStatus(self.current_status()).label)


# --- 约谈通知书 ------------------------------------------------------------------------------------------------------


class InterviewNotice(IssuedRecord):
    """约谈通知书: the numbered paper telling the unit's head when and where to come, issued through
    ``safetyportal.documents.services.issue()``."""

    DOCUMENT_KIND = "interview_notice"
    CONTENT_FIELDS = ("interview_id", "authority_id", "body", "meet_at", "place")
    FIELD_LABELS = {"number": _("通知书编号")}
    ISSUE_VERB = _("印发")
    locked_message = _("已印发的约谈通知书不能修改。")

    interview = models.ForeignKey(Interview, verbose_name=_("约谈"), on_delete=models.PROTECT, related_name="notices")
    meet_at = models.DateTimeField(_("约谈时间"))
    place = models.CharField(_("约谈地点"), max_length=128)
    body = models.TextField(
        _("约谈事由及要求"),
        help_text=_("每段一行；如：请你单位主要负责人按时参加约谈，并书面报告有关情况和整改措施。"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    class Meta(IssuedRecord.Meta):
        verbose_name = _("约谈通知书")
        verbose_name_plural = _("约谈通知书")
        ordering = ["-created_at", "-pk"]
        permissions = [("issue_interviewnotice", _("可以印发约谈通知书"))]

    def __str__(self) -> str:
        return f"{self.number or _('（草稿）')} {self.interview.unit_name}"

    def document_title(self) -> str:
        return str(_("约谈通知书"))

    def register_title(self) -> str:
        return f"{self.document_title()}（{self.interview.unit_name}）"

    def addressees(self) -> list[str]:
        return [self.interview.unit_name]

    def check_issuable(self, issued_on: dt.date) -> None:
        if self.interview.is_voided:
            raise ValidationError(_("约谈记录已作废，不能印发通知书。"))
        if not self.body.strip():
            raise ValidationError({"body": _("请填写约谈事由及要求。")})
        if timezone.localtime(self.meet_at).date() < issued_on:
            raise ValidationError({"meet_at": _("约谈时间不能早于成文日期。")})


# The toolkit's other parts keep their models in their own modules; imported here so Django registers them.
from .assessment_models import *  # noqa: E402, F403
from .circular_models import *  # noqa: E402, F403
from .supervision_models import *  # noqa: E402, F403
