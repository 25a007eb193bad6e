"""The office desk (工作台, the admin index): what needs doing today, each with a count and a link to the filtered
changelist, a chart of the month and the calendar's warnings.

Each figure is read through its app's selector or model (imported when the desk is drawn: the core never imports a
domain app at import time). A constant number of queries whatever the data: one or two aggregates per app, two for
the chart. Items the user has no view permission for are left out, and so are the rows of a part not installed (the
committee's supervision, the rewards ledger: looked up when the desk is drawn).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import Count, Model, Q
from django.db.models.functions import TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import charts

if TYPE_CHECKING:
    from .types import User

logger = logging.getLogger(__name__)

DUE_WEEK_DAYS = 7


@dataclass(frozen=True)
class DeskItem:
    key: str
    label: str
    count: int
    url: str
    hint: str = ""

    @property
    def needs_action(self) -> bool:
        return self.count > 0


def changelist_url(model: type[Model], **filters: Any) -> str:
    opts = model._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode(filters)}" if filters else url


def _may_view(user: User, model: type[Model]) -> bool:
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    )


def return_items(user: User, today: dt.date) -> list[DeskItem]:
    from campaigns.models import AWAITING_REVIEW, ActivityReturn, Reminder, ReminderKind, ReturnStatus

    items = []
    if _may_view(user, ActivityReturn):
        counts = ActivityReturn.objects.aggregate(
            resubmitted=Count("pk", filter=Q(status=ReturnStatus.RESUBMITTED)),
            waiting=Count("pk", filter=Q(status__in=AWAITING_REVIEW)),
        )
        items.append(
            DeskItem(
                "returns_waiting",
                _("待审核的活动报送"),
                counts["waiting"],
                changelist_url(ActivityReturn, review="waiting"),
                _("其中重新报送%(n)s份") % {"n": counts["resubmitted"]} if counts["resubmitted"] else "",
            )
        )
    if _may_view(user, Reminder):
        # The morning job writes one overdue reminder per officer and task still missing a return: one per unit here.
        overdue = (
            Reminder.objects.filter(kind=ReminderKind.OVERDUE, date=today)
            .values("task_id", "officer__officer_profile__jurisdiction_id", "officer__officer_profile__member_unit_id")
            .distinct()
            .count()
        )
        items.append(
            DeskItem(
                "returns_overdue",
                _("逾期未报送"),
                overdue,
                changelist_url(
                    Reminder,
                    kind__exact=ReminderKind.OVERDUE,
                    date__gte=today.isoformat(),
                    date__lt=(today + dt.timedelta(days=1)).isoformat(),
                ),
                _("按今天发出的逾期提醒计（单位 × 任务）"),
            )
        )
    return items


def hazard_items(user: User, today: dt.date) -> list[DeskItem]:
    from inspections.models import Hazard, HazardSource, HazardStatus

    if not _may_view(user, Hazard):
        return []
    counts = Hazard.objects.aggregate(
        overdue=Count("pk", filter=Q(status=HazardStatus.RECTIFYING, rectification_deadline__lt=today)),
        due_week=Count(
            "pk",
            filter=Q(
                status=HazardStatus.RECTIFYING,
                rectification_deadline__gte=today,
                rectification_deadline__lt=today + dt.timedelta(days=DUE_WEEK_DAYS),
            ),
        ),
        triage=Count("pk", filter=Q(source=HazardSource.PUBLIC, status=HazardStatus.ACCEPTED)),
    )
    return [
        DeskItem(
            "hazards_due",
            _("逾期或本周到期的隐患"),
            counts["overdue"] + counts["due_week"],
            changelist_url(Hazard, status__exact=HazardStatus.RECTIFYING, o="8"),  # ordered by the deadline
            _("其中已逾期%(overdue)s项，7天内到期%(week)s项")
            % {"overdue": counts["overdue"], "week": counts["due_week"]},
        ),
        DeskItem(
            "reports_triage",
            _("待核查的群众举报"),
            counts["triage"],
            changelist_url(Hazard, source__exact=HazardSource.PUBLIC, status__exact=HazardStatus.ACCEPTED),
        ),
    ]


def notice_items(user: User) -> list[DeskItem]:
    from campaigns import selectors
    from campaigns.models import NoticeReceipt, NoticeStatus

    if not _may_view(user, NoticeReceipt):
        return []
    return [
        DeskItem(
            "notices_unsigned",
            _("未签收的通知"),
            selectors.unsigned_receipt_count(),
            changelist_url(NoticeReceipt, notice__status__exact=NoticeStatus.ISSUED, signed_at__isempty="1"),
            _("按受文单位计"),
        )
    ]


def certificate_items(user: User, today: dt.date) -> list[DeskItem]:
    from training import selectors
    from training.models import Certificate

    if not _may_view(user, Certificate):
        return []
    return [
        DeskItem(
            "certificates_review",
            _("即将到期应复审的证书"),
            selectors.review_due_soon(today=today).order_by().count(),
            changelist_url(Certificate, due="60"),
            _("%(days)s天内应复审") % {"days": selectors.REVIEW_NOTICE_DAYS},
        )
    ]


def document_items(user: User) -> list[DeskItem]:
    from .documents.models import DocumentStatus, GeneratedDocument

    if not _may_view(user, GeneratedDocument):
        return []
    return [
        DeskItem(
            "documents_failed",
            _("生成失败的文书"),
            GeneratedDocument.objects.filter(status=DocumentStatus.FAILED).count(),
            changelist_url(GeneratedDocument, status__exact=DocumentStatus.FAILED),
        )
    ]


def _model(label: str) -> type[Model] | None:
    """A model of a part that may not be installed yet (the committee's toolkit is written in parts)."""
    from django.apps import apps

    try:
        return apps.get_model(label)
    except LookupError:
        return None


def committee_items(user: User, today: dt.date) -> list[DeskItem]:
    """Interviews' commitments past their deadline and accidents whose 现场警示教育会议 is still to be held (one query
    each, committee.selectors)."""
    from committee import selectors
    from committee.models import Accident, Commitment

    items = []
    if _may_view(user, Commitment):
        items.append(
            DeskItem(
                "commitments_overdue",
                _("逾期未完成的约谈承诺"),
                selectors.overdue_commitment_count(today),
                changelist_url(Commitment, state="overdue"),
            )
        )
    if _may_view(user, Accident):
        meetings = selectors.meetings_due_counts(today)
        items.append(
            DeskItem(
                "meetings_due",
                _("待召开的事故现场警示教育会议"),
                meetings["due"],
                changelist_url(Accident, meeting="due"),
                _("其中已超过15日%(n)s起") % {"n": meetings["overdue"]} if meetings["overdue"] else "",
            )
        )
    return items


def supervision_items(user: User, today: dt.date) -> list[DeskItem]:
    """挂牌督办 open, with those overdue, to be listed publicly and extension requests to decide
    (``committee.supervision_selectors.desk_counts``), if installed."""
    model = _model("committee.Supervision")
    try:
        from committee.supervision_selectors import desk_counts
    except ModuleNotFoundError as error:
        if error.name != "committee.supervision_selectors":  # broken, not missing: raise
            raise
        return []
    if model is None or not _may_view(user, model):
        return []
    counts = desk_counts(today)
    hints = [_("其中已逾期%(n)s项") % {"n": counts.get("overdue", 0)}]
    if counts.get("listing_due"):
        hints.append(_("待挂牌公示%(n)s项") % {"n": counts["listing_due"]})
    if counts.get("extension_pending"):
        hints.append(_("待审批延期申请%(n)s件") % {"n": counts["extension_pending"]})
    # The supervision admin's own filters (status, record status): the open ones, ordered by the deadline there.
    return [
        DeskItem(
            "supervisions_open",
            _("督办中的挂牌督办"),
            counts.get("open", 0),
            changelist_url(model, status__exact="open", record_status__exact="active"),
            "，".join(hints),
        )
    ]


def reward_items(user: User, today: dt.date) -> list[DeskItem]:
    """举报奖励 to approve and to pay (``inspections.reward_selectors.desk_counts``), if installed."""
    model = _model("inspections.Reward")
    try:
        from inspections.reward_selectors import desk_counts
    except ModuleNotFoundError as error:
        if error.name != "inspections.reward_selectors":  # broken, not missing: raise
            raise
        return []
    if model is None or not _may_view(user, model):
        return []
    counts = desk_counts(today)
    overdue = counts.get("overdue", 0)
    return [
        DeskItem(
            "rewards_to_approve",
            _("待审批的举报奖励"),
            counts.get("to_approve", 0),
            changelist_url(model, status__exact="proposed", record_status__exact="active"),
        ),
        DeskItem(
            "rewards_to_pay",
            _("待发放的举报奖励"),
            counts.get("to_pay", 0),
            changelist_url(model, status__exact="approved", record_status__exact="active"),
            _("已超过发放期限%(n)s件") % {"n": overdue} if overdue else "",
        ),
    ]


def desk_items(user: User, today: dt.date | None = None) -> list[DeskItem]:
    today = today or timezone.localdate()
    parts: list[Callable[[], list[DeskItem]]] = [
        lambda: return_items(user, today),
        lambda: hazard_items(user, today),
        lambda: notice_items(user),
        lambda: certificate_items(user, today),
        lambda: document_items(user),
        lambda: committee_items(user, today),
        lambda: supervision_items(user, today),
        lambda: reward_items(user, today),
    ]
    items: list[DeskItem] = []
    for part in parts:
        items.extend(part())
    return items


def month_chart(user: User, today: dt.date | None = None) -> dict[str, Any] | None:
    """Returns filed and hazards registered on each day of this month (two queries), or None without permission."""
    from campaigns.models import ActivityReturn
    from inspections.models import Hazard

    today = today or timezone.localdate()
    first = today.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(following, dt.time.min))
    days = [first + dt.timedelta(days=n) for n in range((following - first).days)]
    series: dict[str, list[int]] = {}
    if _may_view(user, ActivityReturn):
        returns = (
            ActivityReturn.objects.filter(first_submitted_at__gte=start, first_submitted_at__lt=end)
            .annotate(day=TruncDate("first_submitted_at"))
            .values("day")
            .annotate(n=Count("pk"))
            .order_by()
        )
        by_day = {row["day"]: row["n"] for row in returns}
        series[_("活动报送（份）")] = [by_day.get(day, 0) for day in days]
    if _may_view(user, Hazard):
        hazards = (
            Hazard.objects.filter(created_at__gte=start, created_at__lt=end)
            .annotate(day=TruncDate("created_at"))
            .values("day")
            .annotate(n=Count("pk"))
            .order_by()
        )
        by_day = {row["day"]: row["n"] for row in hazards}
        series[_("登记隐患（项）")] = [by_day.get(day, 0) for day in days]
    if not series:
        return None
    option = charts.bar_chart(
        _("%(month)s月每日报送和隐患登记") % {"month": today.month}, [str(d.day) for d in days], series
    )
    option["xAxis"]["axisLabel"] = {"interval": "auto"}
    option["yAxis"]["minInterval"] = 1  # counts: integer ticks
    return option


def calendar_warnings(today: dt.date | None = None) -> list[str]:
    """The working-day calendar's warnings (safetyportal.workdays), or none when that module is not installed."""
    from . import workdays

    return [str(warning) for warning in workdays.calendar_warnings(today)]


def desk(user: User, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    return {
        "today": today,
        "items": desk_items(user, today),
        "chart": month_chart(user, today),
        "warnings": calendar_warnings(today),
    }
