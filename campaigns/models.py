from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetyportal import workdays
from safetyportal.documents.issuing import IssuedRecord
from safetyportal.models import GeneratedDocument, Jurisdiction, MemberUnit
from safetyportal.records import AppendOnlyModel, AppendOnlyQuerySet, LegalRecordMixin, ScopedLegalQuerySet
from safetyportal.scoping import ScopedQuerySet
from safetyportal.unit_reference import UnitReferenceMixin, exactly_one_unit, unit_fields
from safetyportal.uploads import StoredAttachment

MAX_PHOTOS = 9  # photos per activity return


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
    launch_notice = models.ForeignKey(
        "Notice",
        verbose_name=_("部署通知"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="launched_campaigns",
        help_text=_("部署本活动的通知（本级方案）。"),
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


class Notice(IssuedRecord):
    """A notice (通知) issued as a numbered official document. Locked once issued; a correction is a new notice
    that supersedes it."""

    DOCUMENT_KIND = "notice"
    STATUS_CHOICES = NoticeStatus
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
    CONTENT_M2M = ("recipient_jurisdictions", "recipient_units")
    member_scope_path = "recipient_units"  # the notices addressed to a member-unit officer (safetyportal.scoping)
    locked_message = _("已印发的通知不能修改，如需更正请创建更正通知。")

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
    # Not a content field: staff may publish or withdraw an issued notice (campaigns.services.set_notice_public).
    is_public = models.BooleanField(
        _("在门户网站公开"),
        default=False,
        help_text=_("只有已印发的通知才会在门户网站“通知公告”栏目显示；公开的通知中不得含有个人信息。"),
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

    class Meta(IssuedRecord.Meta):
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        permissions = [("issue_notice", _("可以印发通知"))]

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title

    def addressees(self) -> list[str]:
        if self.recipients_text.strip():
            return [self.recipients_text.strip()]
        if self.pk is None:
            return []
        return [j.name for j in self.recipient_jurisdictions.all()] + [u.name for u in self.recipient_units.all()]

    def may_issue(self, by: Any) -> bool:
        """Staff with the issue permission, or an officer of a county's or subdistrict's office under the authority of
        their own unit (UnitAuthority), never another's, for their own unit's draft addressed inside their own tree
        (campaigns.cascade.officer_may_issue)."""
        if super().may_issue(by):
            return True
        from .cascade import officer_may_issue

        return officer_may_issue(by, self)

    def after_issue(self, by: Any) -> None:
        """A correction supersedes the notice it corrects; the superseded notice's history says so (被更正). Every
        addressee gets its receipt (收文), in the issuing transaction."""
        from safetyportal.services import record_history

        from .inbox_services import create_receipts

        if self.supersedes_id and Notice.objects.filter(pk=self.supersedes_id, status=NoticeStatus.ISSUED).update(
            status=NoticeStatus.SUPERSEDED
        ):
            superseded = Notice.objects.get(pk=self.supersedes_id)
            record_history(
                superseded,
                action="supersede",
                by=by,
                changes={"status": [NoticeStatus.ISSUED.value, NoticeStatus.SUPERSEDED.value]},
                note=self.number,
            )
        create_receipts(notice=self)

    def check_issuable(self, issued_on: dt.date) -> None:
        """Receipts (收文) come only from the picked units: a notice addressed by text alone would reach nobody's
        inbox and its 签收 board would read 0/0. Refused, before anything is numbered (admin and portal)."""
        super().check_issuable(issued_on)
        if self.pk is None or not (self.recipient_jurisdictions.exists() or self.recipient_units.exists()):
            raise ValidationError(
                _(
                    "请至少选择一个主送单位（主送区划或主送成员单位）：收文和签收按所选单位送达，"
                    "“主送机关（文字）”只印在文件上。"
                )
            )

    def recipient_keys(self) -> list[tuple[int | None, int | None]]:
        """The addressed units as (jurisdiction id, member unit id) pairs, one of the two set."""
        return [(pk, None) for pk in self.recipient_jurisdictions.values_list("pk", flat=True)] + [
            (None, pk) for pk in self.recipient_units.values_list("pk", flat=True)
        ]


class NoticeReceipt(UnitReferenceMixin, LegalRecordMixin, models.Model):
    """One addressee's copy of an issued notice (收文): when it was first opened and who signed for it (签收).

    Created for every addressed unit (a jurisdiction's office or a member unit) when the notice is issued
    (``Notice.after_issue``). The unit records the opening and the signature (``inbox_services.open_receipt``,
    ``inbox_services.sign_receipt``); a signature is never undone. The signer's name is frozen at signing, so the board
    still says who signed if the account is renamed later. Never deleted."""

    notice = models.ForeignKey(Notice, verbose_name=_("通知"), on_delete=models.PROTECT, related_name="receipts")
    jurisdiction, member_unit = unit_fields(
        related_name="notice_receipts", jurisdiction_label=_("收文区划"), member_unit_label=_("收文成员单位")
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
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True, db_index=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签收人账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = models.CharField(_("签收人"), max_length=150, blank=True)
    last_reminded_at = models.DateTimeField(_("最近提醒时间"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(_("提醒次数"), default=0)
    created_at = models.DateTimeField(_("收文时间"), auto_now_add=True)

    objects = ScopedLegalQuerySet.as_manager()
    scope_path = "jurisdiction"
    member_scope_path = "member_unit"

    class Meta:
        verbose_name = _("通知签收")
        verbose_name_plural = _("通知签收")
        ordering = ["-created_at", "-pk"]
        constraints = [
            exactly_one_unit("notice_receipt_one_unit"),
            models.UniqueConstraint(
                fields=["notice", "jurisdiction"],
                condition=models.Q(jurisdiction__isnull=False),
                name="unique_notice_receipt_jurisdiction",
            ),
            models.UniqueConstraint(
                fields=["notice", "member_unit"],
                condition=models.Q(member_unit__isnull=False),
                name="unique_notice_receipt_member_unit",
            ),
            models.CheckConstraint(
                condition=models.Q(signed_at__isnull=True) | models.Q(first_opened_at__isnull=False),
                name="notice_receipt_opened_before_signed",
            ),
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "signed_at"], name="receipt_unit_signed"),
            models.Index(fields=["member_unit", "signed_at"], name="receipt_member_signed"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name}：{self.notice}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def is_historical(self) -> bool:
        """A receipt of a notice issued before 收文 existed (migration 0005): signed off at the issue by no account,
        shown as 历史收文，无需签收 and never reminded. A unit's signature always names its account."""
        return self.signed_at is not None and self.signed_by_id is None

    @property
    def is_opened(self) -> bool:
        return self.first_opened_at is not None


# --- Campaign key days and tasks ------------------------------------------------------------------------------------


class KeyDay(models.Model):
    """A key day of a campaign, e.g. 16 June 安全宣传咨询日."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="key_days")
    date = models.DateField(_("日期"))
    name = models.CharField(_("名称"), max_length=64, help_text=_("如：安全宣传咨询日"))

    class Meta:
        verbose_name = _("关键日期")
        verbose_name_plural = _("关键日期")
        ordering = ["date", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "date", "name"], name="unique_campaign_key_day")]

    def __str__(self) -> str:
        return f"{self.date.month}月{self.date.day}日 {self.name}"


class Recurrence(models.TextChoices):
    ONCE = "once", _("一次性")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("周一")
    TUESDAY = 1, _("周二")
    WEDNESDAY = 2, _("周三")
    THURSDAY = 3, _("周四")
    FRIDAY = 4, _("周五")
    SATURDAY = 5, _("周六")
    SUNDAY = 6, _("周日")


class ActivityType(models.TextChoices):
    CONSULTATION = "consultation", _("宣传咨询")
    TRAINING = "training", _("培训")
    DRILL = "drill", _("应急演练")
    INTO_ENTERPRISES = "into_enterprises", _("五进·进企业")
    INTO_VILLAGES = "into_villages", _("五进·进农村")
    INTO_COMMUNITIES = "into_communities", _("五进·进社区")
    INTO_SCHOOLS = "into_schools", _("五进·进学校")
    INTO_FAMILIES = "into_families", _("五进·进家庭")
    QUIZ = "quiz", _("知识竞赛")
    WARNING_EDUCATION = "warning_education", _("警示教育")
    EXPOSURE = "exposure", _("隐患曝光")
    OTHER = "other", _("其他")


@dataclass(frozen=True)
class Period:
    """One reporting period of a task: returns for it are due on ``due`` (the period's last day, which identifies it),
    by ``due_time`` (None: the whole day, "24:00前"), judged to the minute in Asia/Shanghai."""

    start: dt.date
    due: dt.date
    label: str
    due_time: dt.time | None = None

    @property
    def deadline(self) -> dt.datetime:
        """The last on-time minute (safetyportal.workdays.deadline_at)."""
        return workdays.deadline_at(self.due, self.due_time)

    @property
    def deadline_label(self) -> str:
        """ "6月14日（周五）16:00前"."""
        return workdays.format_deadline(self.due, self.due_time)


def _day(value: dt.date) -> str:
    return f"{value.month}月{value.day}日"


class CampaignTask(models.Model):
    """A task (工作任务) of a campaign, assigned to subdistricts/towns and/or member units, due once or every
    week/month of its period, with what a return for it must contain."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(_("任务名称"), max_length=128)
    requirements = models.TextField(_("报送内容要求"), blank=True)
    recurrence = models.CharField(_("报送频次"), max_length=8, choices=Recurrence.choices, default=Recurrence.ONCE)
    due_on = models.DateField(_("截止日期"), null=True, blank=True, help_text=_("一次性任务必填"))
    due_weekday = models.PositiveSmallIntegerField(
        _("每周截止日"), choices=Weekday.choices, default=Weekday.FRIDAY, help_text=_("每周报送的任务适用")
    )
    due_time = models.TimeField(
        _("截止时间"),
        null=True,
        blank=True,
        help_text=_("如 16:00（通知写“每周五16:00前”“12:00前”时填写）；留空则截止日当天24:00前均为按时"),
    )
    starts_on = models.DateField(_("起始日期"), null=True, blank=True, help_text=_("留空则为活动开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True, help_text=_("留空则为活动结束日期"))
    activity_type = models.CharField(
        _("限定活动类型"), max_length=24, choices=ActivityType.choices, blank=True, help_text=_("留空则不限")
    )
    min_photos = models.PositiveSmallIntegerField(_("至少照片（张）"), default=0)
    min_exposures = models.PositiveSmallIntegerField(_("至少曝光典型案例（个）"), default=0)
    min_media_reports = models.PositiveSmallIntegerField(_("至少媒体报道（条）"), default=0)
    jurisdictions = models.ManyToManyField(
        Jurisdiction, verbose_name=_("承办街道（镇）"), blank=True, related_name="campaign_tasks"
    )
    member_units = models.ManyToManyField(
        MemberUnit, verbose_name=_("承办成员单位"), blank=True, related_name="campaign_tasks"
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    member_scope_path = "member_units"  # a member-unit officer's tasks (safetyportal.scoping)

    class Meta:
        verbose_name = _("工作任务")
        verbose_name_plural = _("工作任务")
        ordering = ["campaign", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(recurrence="once") | models.Q(due_on__isnull=False), name="once_task_has_due_date"
            ),
            models.CheckConstraint(condition=models.Q(min_photos__lte=MAX_PHOTOS), name="task_min_photos_capped"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.recurrence == Recurrence.ONCE and not self.due_on:
            errors["due_on"] = _("一次性任务必须填写截止日期。")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("结束日期不能早于起始日期。")
        if self.min_photos > MAX_PHOTOS:
            errors["min_photos"] = _("每份报送最多%(max)s张照片。") % {"max": MAX_PHOTOS}
        if errors:
            raise ValidationError(errors)

    def date_range(self) -> tuple[dt.date, dt.date]:
        return self.starts_on or self.campaign.starts_on, self.ends_on or self.campaign.ends_on

    def periods(self) -> list[Period]:
        """Every reporting period of the task, in order (computed, not stored)."""
        start, end = self.date_range()
        if self.recurrence == Recurrence.ONCE:
            due = self.due_on or end
            return [Period(min(start, due), due, _("%(day)s前报送") % {"day": _day(due)}, self.due_time)]
        periods: list[Period] = []
        if self.recurrence == Recurrence.WEEKLY:
            due = start + dt.timedelta(days=(self.due_weekday - start.weekday()) % 7)
            period_start = start
            while period_start <= end:
                # The last period is partial: it ends, and is due, on the task's (campaign's) last day, so the days
                # after the last due weekday (29-30 June of a June campaign) belong to a period (docs/workdays.md).
                due = min(due, end)
                label = _("第%(n)s期（%(start)s—%(due)s）") % {
                    "n": len(periods) + 1,
                    "start": _day(period_start),
                    "due": _day(due),
                }
                periods.append(Period(period_start, due, label, self.due_time))
                period_start, due = due + dt.timedelta(days=1), due + dt.timedelta(days=7)
            return periods
        month = dt.date(start.year, start.month, 1)
        while month <= end:
            following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
            due = min(following - dt.timedelta(days=1), end)
            label = _("%(year)s年%(month)s月") % {"year": month.year, "month": month.month}
            periods.append(Period(max(month, start), due, label, self.due_time))
            month = following
        return periods

    def requirement_texts(self) -> list[str]:
        """What a return for this task must contain, in Chinese."""
        texts = []
        if self.activity_type:
            texts.append(_("活动类型为“%(type)s”") % {"type": self.get_activity_type_display()})
        if self.min_photos:
            texts.append(_("至少%(n)s张照片") % {"n": self.min_photos})
        if self.min_exposures:
            texts.append(_("至少曝光%(n)s个典型案例") % {"n": self.min_exposures})
        if self.min_media_reports:
            texts.append(_("至少%(n)s条媒体报道") % {"n": self.min_media_reports})
        return texts

    def period_for(self, due: dt.date) -> Period | None:
        return next((period for period in self.periods() if period.due == due), None)

    def deadline(self, due: dt.date) -> dt.datetime:
        """The last on-time minute for the period due on ``due`` (Asia/Shanghai; 23:59 without a time of day)."""
        return workdays.deadline_at(due, self.due_time)

    def late_days(self, due: dt.date, at: dt.datetime) -> int:
        """Days late of a first submission at ``at`` for the period due on ``due``, judged to the minute: 0 up to the
        deadline minute, then one for every started 24 hours (the score's −1 point per late day)."""
        return workdays.late_days(self.deadline(due), at)


# --- Activity returns ---------------------------------------------------------------------------------------------

# (field, label, unit) of the materials handed out, in the order of the form, the tables and the summary.
MATERIALS: tuple[tuple[str, str, str], ...] = (
    ("leaflets", "宣传单", "份"),
    ("booklets", "手册", "册"),
    ("wall_charts", "挂图", "张"),
    ("boards", "展板", "块"),
    ("banners", "横幅", "条"),
    ("giveaways", "宣传品", "件"),
)
MATERIAL_FIELDS = tuple(name for name, _label, _unit in MATERIALS)
# Counts kept apart as the seeds count them (issue 12): drills and training are "其中" parts of sessions/participants.
DRILL_TRAINING_FIELDS = ("drill_sessions", "drill_participants", "training_sessions", "training_participants")
COUNT_FIELDS = (*DRILL_TRAINING_FIELDS, "consultation_desks", "spending")
# What the summary adds up over accepted returns.
FIGURE_FIELDS = ("sessions", "participants", *MATERIAL_FIELDS, "media_reports", "exposures")


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("退回修改")
    RESUBMITTED = "resubmitted", _("已重新报送")
    ACCEPTED = "accepted", _("已审核通过")


# The workflow: the only moves a return can make.
TRANSITIONS: dict[str, frozenset[str]] = {
    ReturnStatus.DRAFT: frozenset({ReturnStatus.SUBMITTED}),
    ReturnStatus.SUBMITTED: frozenset({ReturnStatus.RETURNED, ReturnStatus.ACCEPTED}),
    ReturnStatus.RETURNED: frozenset({ReturnStatus.RESUBMITTED}),
    ReturnStatus.RESUBMITTED: frozenset({ReturnStatus.RETURNED, ReturnStatus.ACCEPTED}),
    ReturnStatus.ACCEPTED: frozenset(),
}
EDITABLE_STATUSES = frozenset({ReturnStatus.DRAFT, ReturnStatus.RETURNED})
AWAITING_REVIEW = frozenset({ReturnStatus.SUBMITTED, ReturnStatus.RESUBMITTED})


def _count(label: str, maximum: int = 10_000_000) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, default=0, validators=[MaxValueValidator(maximum)])


class ActivityReturn(models.Model):
    """An activity return (活动报送) of a subdistrict or town for one period of a task.

    Officers write the content; the unit, status, lateness and reviewer are set by the services only."""

    task = models.ForeignKey(CampaignTask, verbose_name=_("工作任务"), on_delete=models.PROTECT, related_name="returns")
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="activity_returns"
    )
    member_unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("成员单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activity_returns",
        help_text=_("成员单位的报送由安委办录入，报送单位为其所属区划。"),
    )
    period_due = models.DateField(_("报送周期截止日期"))
    activity_type = models.CharField(_("活动类型"), max_length=24, choices=ActivityType.choices)
    title = models.CharField(_("活动名称"), max_length=128)
    activity_date = models.DateField(_("活动日期"))
    place = models.CharField(_("活动地点"), max_length=128)
    # sessions/participants are the return's totals (all kinds of activity, drills and training included); the
    # drill and training counts are "其中" parts of them (a constraint holds it), as the seeds count them.
    sessions = models.PositiveIntegerField(
        _("开展场次（场）"),
        default=1,
        validators=[MaxValueValidator(10_000)],
        help_text=_("合计，含下面的演练和培训场次"),
    )
    participants = models.PositiveIntegerField(
        _("参与人数（人次）"),
        default=0,
        validators=[MaxValueValidator(10_000_000)],
        help_text=_("合计，含下面的演练和培训人次"),
    )
    drill_sessions = _count(_("演练场次（场）"), 10_000)
    drill_participants = _count(_("演练参与人次"), 10_000_000)
    training_sessions = _count(_("培训场次（场）"), 10_000)
    training_participants = _count(_("培训人次"), 10_000_000)
    consultation_desks = _count(_("咨询台（个）"), 10_000)
    spending = models.DecimalField(
        _("经费投入（元）"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("999999999999.99"))],
    )
    leaflets = _count(_("宣传单（份）"))
    booklets = _count(_("手册（册）"))
    wall_charts = _count(_("挂图（张）"))
    boards = _count(_("展板（块）"))
    banners = _count(_("横幅（条）"))
    giveaways = _count(_("宣传品（件）"))
    media_reports = _count(_("媒体报道（条）"), 10_000)
    media_links = models.TextField(_("媒体报道链接"), blank=True, help_text=_("每行一个链接或媒体名称"))
    exposures = _count(_("曝光典型案例（个）"), 10_000)
    description = models.TextField(_("主要做法和成效"))

    status = models.CharField(
        _("状态"), max_length=16, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT, db_index=True
    )
    is_late = models.BooleanField(_("逾期报送"), default=False)
    late_days = models.PositiveIntegerField(_("逾期天数"), default=0)
    first_submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("最近报送时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "jurisdiction"
    member_scope_path = "member_unit"

    class Meta:
        verbose_name = _("活动报送")
        verbose_name_plural = _("活动报送")
        ordering = ["-activity_date", "-pk"]
        indexes = [
            models.Index(fields=["task", "period_due", "jurisdiction"], name="return_slot"),
            models.Index(fields=["jurisdiction", "status"], name="return_unit_status"),
            models.Index(fields=["status", "task"], name="return_status_task"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    sessions__gte=models.F("drill_sessions") + models.F("training_sessions"),
                    participants__gte=models.F("drill_participants") + models.F("training_participants"),
                ),
                name="return_drill_training_within_totals",
                violation_error_message=_("演练和培训的场次、人次之和不能超过开展场次、参与人数（合计）。"),
            ),
            models.CheckConstraint(
                condition=models.Q(spending__gte=0),
                name="return_spending_not_negative",
                violation_error_message=_("经费投入不能为负数。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name}：{self.title}" if self.jurisdiction_id else self.title

    def count_errors(self) -> dict[str, Any]:
        """Drills and training are parts of the totals: their sessions (人次) together never exceed the total."""
        errors: dict[str, Any] = {}
        if (self.drill_sessions or 0) + (self.training_sessions or 0) > (self.sessions or 0):
            errors["sessions"] = _("开展场次（合计）不能少于演练场次与培训场次之和。")
        if (self.drill_participants or 0) + (self.training_participants or 0) > (self.participants or 0):
            errors["participants"] = _("参与人数（合计）不能少于演练参与人次与培训人次之和。")
        return errors

    def clean(self) -> None:
        """A return answers one period of its task, for a unit the task is assigned to; drills and training are
        parts of its totals."""
        if not (self.task_id and self.jurisdiction_id):
            if errors := self.count_errors():
                raise ValidationError(errors)
            return
        errors: dict[str, Any] = self.count_errors()
        if self.period_due and self.task.period_for(self.period_due) is None:
            errors["period_due"] = _("报送周期截止日期不属于该任务的报送周期。")
        if self.member_unit_id:
            if self.member_unit.jurisdiction_id != self.jurisdiction_id:
                errors["member_unit"] = _("成员单位的报送单位应为其所属区划。")
            elif not self.task.member_units.filter(pk=self.member_unit_id).exists():
                errors["member_unit"] = _("该任务未分配给此成员单位。")
        elif not self.task.jurisdictions.filter(pk=self.jurisdiction_id).exists():
            errors["jurisdiction"] = _("该任务未分配给此报送单位。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def materials_total(self) -> int:
        return sum(getattr(self, name) for name in MATERIAL_FIELDS)

    @property
    def unit_name(self) -> str:
        return self.member_unit.name if self.member_unit_id else self.jurisdiction.name


class ReturnEventKind(models.TextChoices):
    CREATED = "created", _("创建")
    SUBMITTED = "submitted", _("报送")
    RESUBMITTED = "resubmitted", _("重新报送")
    RETURNED = "returned", _("退回修改")
    ACCEPTED = "accepted", _("审核通过")
    IMPORTED = "imported", _("导入")


class ReturnEvent(AppendOnlyModel):
    """The history of a return: who moved it, when, and why. Append-only: written by the services (and the import
    and the demo) as new rows, never changed or deleted, not even in bulk.

    One exception, on purpose: a draft that was never submitted is not a record of anything, and its officer may
    delete it (``services.delete_return``); Django's deletion collector then removes its events with it
    (``on_delete=CASCADE`` works through the base manager, not through ``AppendOnlyQuerySet``). Once a return has
    been submitted it can no longer be deleted, so its events stay."""

    activity_return = models.ForeignKey(
        ActivityReturn, verbose_name=_("活动报送"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("操作"), max_length=16, choices=ReturnEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    reason = models.TextField(_("说明"), blank=True)
    # What the reviewer saw when sending the return back (campaigns.review_changes.snapshot_of), so a resubmission
    # shows what changed since. Written once with the event, like the rest of the row.
    snapshot = models.JSONField(_("退回时的内容"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()
    change_refused = _("报送记录不能修改。")
    delete_refused = _("报送记录不能删除。")

    class Meta:
        verbose_name = _("报送记录")
        verbose_name_plural = _("报送记录")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class ReturnPhoto(models.Model):
    """A photo of a return: only the re-encoded image and its thumbnail (safetyportal.images), under random names."""

    activity_return = models.ForeignKey(
        ActivityReturn, verbose_name=_("活动报送"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.CharField(_("图片"), max_length=200)
    thumbnail = models.CharField(_("缩略图"), max_length=200)
    width = models.PositiveIntegerField(_("宽度"))
    height = models.PositiveIntegerField(_("高度"))
    selected_for_summary = models.BooleanField(_("选入活动总结"), default=False)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "activity_return__jurisdiction"
    member_scope_path = "activity_return__member_unit"

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["pk"]

    def __str__(self) -> str:
        return _("照片%(pk)s") % {"pk": self.pk}


class AttachmentKind(models.TextChoices):
    PLAN = "plan", _("方案")
    SUMMARY = "summary", _("总结")
    SIGN_IN = "sign_in", _("签到表")
    SCAN = "scan", _("扫描件")
    OTHER = "other", _("其他")


class ReturnAttachment(StoredAttachment):
    """A document attached to a return (方案, 总结, 签到表, 扫描件): checked by content and stored under a random name
    outside the web root (safetyportal.uploads); downloaded only through ``portal:return_attachment``."""

    activity_return = models.ForeignKey(
        ActivityReturn, verbose_name=_("活动报送"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("附件类别"), max_length=16, choices=AttachmentKind.choices, default=AttachmentKind.OTHER)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "activity_return__jurisdiction"
    member_scope_path = "activity_return__member_unit"

    class Meta:
        verbose_name = _("报送附件")
        verbose_name_plural = _("报送附件")
        ordering = ["pk"]


class NoticeAttachment(StoredAttachment):
    """A document attached to a notice (its 附件), added by staff while the notice is a draft and locked once it is
    issued; addressees download it through ``portal:notice_attachment``."""

    notice = models.ForeignKey(Notice, verbose_name=_("通知"), on_delete=models.PROTECT, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("通知附件")
        verbose_name_plural = _("通知附件")
        ordering = ["pk"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not Notice.objects.filter(pk=self.notice_id, status=NoticeStatus.DRAFT).exists():
            raise ValidationError(self.notice.locked_message)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if not Notice.objects.filter(pk=self.notice_id, status=NoticeStatus.DRAFT).exists():
            raise ValidationError(self.notice.locked_message)
        return super().delete(*args, **kwargs)


# --- Reminders -----------------------------------------------------------------------------------------------------


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已逾期")


class Reminder(models.Model):
    """A reminder to an officer about a task, at most one per officer, task and day (the constraint makes a re-run
    of the morning job send nothing twice)."""

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提醒对象"), on_delete=models.CASCADE, related_name="task_reminders"
    )
    task = models.ForeignKey(
        CampaignTask, verbose_name=_("工作任务"), on_delete=models.CASCADE, related_name="reminders"
    )
    date = models.DateField(_("提醒日期"))
    kind = models.CharField(_("类型"), max_length=16, choices=ReminderKind.choices)
    message = models.CharField(_("内容"), max_length=500)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("任务提醒")
        verbose_name_plural = _("任务提醒")
        ordering = ["-date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "task", "date"], name="one_reminder_per_officer_task_day")
        ]

    def __str__(self) -> str:
        return self.message


# --- Campaign summary --------------------------------------------------------------------------------------------


class SummaryStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已印发")


class CampaignSummary(IssuedRecord):
    """The campaign summary (活动总结): a narrative skeleton drafted from the accepted returns, edited by staff and
    issued as a numbered document, a legal record like the notices. At issue its figures are frozen in
    ``snapshot``; the worker renders the PDF and the statistics workbook (``workbook``) through the documents
    engine."""

    DOCUMENT_KIND = "campaign_summary"
    STATUS_CHOICES = SummaryStatus
    CONTENT_FIELDS = ("campaign_id", "authority_id", "title", "narrative")
    COMPANIONS = (("workbook", "campaign_summary_workbook"),)
    locked_message = _("已印发的活动总结不能修改。")

    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="summaries")
    title = models.CharField(_("标题"), max_length=200, blank=True, help_text=_("留空则按活动名称生成"))
    narrative = models.TextField(
        _("正文"),
        blank=True,
        help_text=_("每段一行。以“一、”开头的行为一级标题。统计表、图表和照片由系统附在正文之后。"),
    )
    workbook = models.ForeignKey(
        GeneratedDocument,
        verbose_name=_("统计表Excel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta(IssuedRecord.Meta):
        verbose_name = _("活动总结")
        verbose_name_plural = _("活动总结")
        ordering = ["-created_at"]
        permissions = [("issue_campaignsummary", _("可以印发活动总结"))]

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title

    def check_issuable(self, issued_on: dt.date) -> None:
        if not self.narrative.strip():
            raise ValidationError(_("请先填写总结正文。"))
        from .figures import summary_figures
        from .summaries import stale_figures

        # The text and the annexed tables must say the same: a figure of the drafted sentence that no longer
        # matches the live tables (returns accepted since the draft) refuses the issue, naming the figure.
        # This is the confirmation page's early warning; check_snapshot is the binding check at issue.
        self._refuse_stale(stale_figures(self.narrative, summary_figures(self.campaign, photo_limit=0)))

    def check_snapshot(self, snapshot: dict[str, Any]) -> None:
        """The figures frozen at issue are those the narrative states (a return accepted after the confirmation
        page refuses the issue: nothing is numbered)."""
        from .figures import SummaryFigures
        from .summaries import stale_figures

        self._refuse_stale(stale_figures(self.narrative, SummaryFigures.from_snapshot(snapshot)))

    @staticmethod
    def _refuse_stale(stale: list[str]) -> None:
        if stale:
            raise ValidationError(
                _(
                    "正文中的数字与统计表不一致：%(stale)s。请点击“按最新数据重新生成草稿”重新生成正文，"
                    "或修改正文中的数字后再印发。"
                )
                % {"stale": "；".join(stale)},
                code="stale_figures",
            )

    def build_snapshot(self) -> dict[str, Any]:
        from .figures import summary_snapshot

        return summary_snapshot(self.campaign)


# --- Cascade: the issuing authority of a county's or subdistrict's own office ---------------------------------------


class UnitAuthority(models.Model):
    """The issuing authority (发文机关) under which the office of a county or subdistrict/town issues its own numbered
    notices in the portal, e.g. 灵源街道 → 灵安办. One authority per unit and one unit per authority: an office officer
    issues under their own unit's authority only (``Notice.may_issue``); the office (staff) sets the link."""

    jurisdiction = models.OneToOneField(
        Jurisdiction, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="unit_authority"
    )
    authority = models.OneToOneField(
        "safetyportal.IssuingAuthority", verbose_name=_("发文机关"), on_delete=models.PROTECT, related_name="unit_link"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("区划发文机关")
        verbose_name_plural = _("区划发文机关")
        ordering = ["jurisdiction__code"]

    def __str__(self) -> str:
        return f"{self.jurisdiction}：{self.authority.code}"
