"""Reads of the campaigns app: the officer's dashboard and returns, the completeness board (the summary figures are
in campaigns/figures.py).

Every function runs a fixed number of queries whatever the number of returns: the per-return work is done by the
database (``values().annotate()``, ``aggregate()``); Python only walks tasks, periods and units."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from safetyportal import workdays
from safetyportal.charts import bar_chart
from safetyportal.models import Jurisdiction, MemberUnit
from safetyportal.scoping import officer_unit
from safetyportal.unit_reference import unit_condition

from .figures import SummaryFigures, accepted_returns, summary_figures, summary_tasks  # noqa: F401 (re-exported)
from .models import (
    ActivityReturn,
    Campaign,
    CampaignStatus,
    CampaignTask,
    Notice,
    NoticeReceipt,
    NoticeStatus,
    Period,
    Reminder,
    ReturnPhoto,
    ReturnStatus,
)

if TYPE_CHECKING:
    from safetyportal.types import User

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 3
HOME_DUE_DAYS = 7  # the home page lists the tasks due within a week


def unsigned_receipt_count() -> int:
    """How many addressees of the notices in force (issued, not superseded) have not signed for them yet (签收; the
    office desk). The inbox and the 签收 board: campaigns/inbox_selectors.py."""
    return NoticeReceipt.objects.filter(notice__status=NoticeStatus.ISSUED, signed_at__isnull=True).count()


# --- Slots: one unit, one period of one task -------------------------------------------------------------------------


class SlotState:
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    PENDING = "pending"

    # Lazy: translated when shown (str() at each use), not once at import.
    LABELS = {ON_TIME: _lazy("按时报送"), LATE: _lazy("逾期报送"), MISSING: _lazy("逾期未报"), PENDING: _lazy("未到期")}


def slot_state(
    due: dt.date, first_submitted_at: dt.datetime | None, today: dt.date, due_time: dt.time | None = None
) -> str:
    """Filed on time or late (to the minute against the due time, as submit_return judges), else missing or pending
    by date."""
    if first_submitted_at is not None:
        late = workdays.late_days(workdays.deadline_at(due, due_time), first_submitted_at)
        return SlotState.LATE if late else SlotState.ON_TIME
    return SlotState.MISSING if due < today else SlotState.PENDING


# --- Officer portal --------------------------------------------------------------------------------------------------


def _tasks_of(unit: Jurisdiction | MemberUnit | None) -> QuerySet[CampaignTask]:
    """Every task assigned to a unit: a jurisdiction (its office or community) or a committee member unit."""
    if isinstance(unit, MemberUnit):
        return CampaignTask.objects.filter(member_units=unit)
    if isinstance(unit, Jurisdiction):
        return CampaignTask.objects.filter(jurisdictions=unit)
    return CampaignTask.objects.none()


def officer_unit_object(user: User | None) -> Jurisdiction | MemberUnit | None:
    """The officer's own unit as a model row: their member unit, or their jurisdiction (office or community)."""
    unit = officer_unit(user)
    if unit is None:
        return None
    return unit.member_unit if unit.member_unit is not None else unit.jurisdiction


def assigned_tasks(unit: Jurisdiction | MemberUnit | None) -> QuerySet[CampaignTask]:
    """The tasks of running campaigns assigned to a unit (a subdistrict, town or community, or a member unit)."""
    return (
        _tasks_of(unit)
        .filter(campaign__status=CampaignStatus.RUNNING)
        .select_related("campaign")
        .order_by("campaign__starts_on", "campaign_id", "order", "pk")
    )


def task_for_officer(user: User, task_id: int) -> CampaignTask:
    """A task the officer's unit must report on, or 404 (another unit's task, a closed campaign, no such task)."""
    task = assigned_tasks(officer_unit_object(user)).filter(pk=task_id).first()
    if task is None:
        raise Http404
    return task


def unit_task(user: User, task_id: Any) -> CampaignTask:
    """Any task (running or closed) assigned to the officer's unit, for filtering lists, or 404."""
    try:
        task = _tasks_of(officer_unit_object(user)).filter(pk=int(task_id)).first()
    except (TypeError, ValueError):
        task = None
    if task is None:
        raise Http404
    return task


RETURN_SEARCH_FIELDS = ("title", "place", "description", "task__title")


def officer_returns(
    user: User, *, q: str = "", status: str = "", task: CampaignTask | None = None
) -> QuerySet[ActivityReturn]:
    """The returns an officer may see (their unit's), filtered and searched, for lists and exports."""
    returns = ActivityReturn.objects.for_user(user).select_related("task", "task__campaign", "jurisdiction")
    if status in ReturnStatus.values:
        returns = returns.filter(status=status)
    if task is not None:
        returns = returns.filter(task=task)
    q = q.strip()[:50]
    if q:
        condition = Q()
        for name in RETURN_SEARCH_FIELDS:
            condition |= Q(**{f"{name}__icontains": q})
        returns = returns.filter(condition)
    return returns.annotate(photo_count=Count("photos")).order_by("-activity_date", "-pk")


def officer_return(user: User, pk: int) -> ActivityReturn:
    """One return of the officer's unit, with what its pages show, or 404."""
    returned = (
        ActivityReturn.objects.for_user(user)
        .select_related("task", "task__campaign", "jurisdiction", "member_unit", "reviewed_by")
        .prefetch_related("photos", "attachments", "events__actor")
        .filter(pk=pk)
        .first()
    )
    if returned is None:
        raise Http404
    return returned


def officer_photo(user: User, return_id: int, photo_id: int) -> ReturnPhoto:
    photo = ReturnPhoto.objects.for_user(user).filter(pk=photo_id, activity_return_id=return_id).first()
    if photo is None:
        raise Http404
    return photo


@dataclass
class OpenSlot:
    task: CampaignTask
    period: Period
    state: str  # "overdue", "due_soon" or "upcoming"
    days: int  # days left (>= 0) or days overdue (> 0)
    drafts: int = 0

    @property
    def is_overdue(self) -> bool:
        return self.state == "overdue"


def open_slots(
    tasks: Iterable[CampaignTask], filed: Mapping[tuple[int, dt.date], Mapping[str, Any]], today: dt.date
) -> list[OpenSlot]:
    """What a unit still has to report: every unfiled period already due, and the next one of each task."""
    slots: list[OpenSlot] = []
    for task in tasks:
        upcoming_shown = False
        for period in task.periods():
            info = filed.get((task.pk, period.due), {})
            if info.get("submitted"):
                continue
            if period.due < today:
                slots.append(OpenSlot(task, period, "overdue", (today - period.due).days, info.get("drafts", 0)))
            elif not upcoming_shown:
                upcoming_shown = True
                days = (period.due - today).days
                state = "due_soon" if days <= DUE_SOON_DAYS else "upcoming"
                slots.append(OpenSlot(task, period, state, days, info.get("drafts", 0)))
    order = {"overdue": 0, "due_soon": 1, "upcoming": 2}
    slots.sort(key=lambda slot: (order[slot.state], slot.period.due, slot.task.pk))
    return slots


def due_within(slots: Iterable[OpenSlot], days: int) -> list[OpenSlot]:
    """The open slots due within ``days`` days (today included), not the overdue ones."""
    return [slot for slot in slots if not slot.is_overdue and slot.days <= days]


def filed_by_slot(unit: Jurisdiction | MemberUnit, task_ids: list[int]) -> dict[tuple[int, dt.date], Mapping[str, Any]]:
    rows = (
        ActivityReturn.objects.filter(unit_condition(unit), task_id__in=task_ids)
        .values("task_id", "period_due")
        .annotate(
            submitted=Count("pk", filter=Q(first_submitted_at__isnull=False)),
            drafts=Count("pk", filter=Q(status=ReturnStatus.DRAFT)),
        )
        .order_by()
    )
    return {(row["task_id"], row["period_due"]): row for row in rows}


def officer_dashboard(user: User, today: dt.date | None = None) -> dict[str, Any]:
    """The campaigns section of an officer's dashboard: open tasks with due dates and overdue warnings, returns
    sent back for changes, unread reminders about open tasks and the unit's counts. At most five queries (two when
    the unit has no open task and nothing sent back), whatever the number of returns."""
    today = today or timezone.localdate()
    unit = officer_unit_object(user)
    if unit is None:
        return {}
    tasks = list(assigned_tasks(unit))
    filed = filed_by_slot(unit, [task.pk for task in tasks]) if tasks else {}
    slots = open_slots(tasks, filed, today)
    returns = ActivityReturn.objects.for_user(user)
    counts = returns.aggregate(
        total=Count("pk"),
        drafts=Count("pk", filter=Q(status=ReturnStatus.DRAFT)),
        waiting=Count("pk", filter=Q(status__in=[ReturnStatus.SUBMITTED, ReturnStatus.RESUBMITTED])),
        returned=Count("pk", filter=Q(status=ReturnStatus.RETURNED)),
        accepted=Count("pk", filter=Q(status=ReturnStatus.ACCEPTED)),
        late=Count("pk", filter=Q(is_late=True)),
    )
    sent_back = []
    if counts["returned"]:  # the list costs a query only when there is something to list
        from .services import writable_returns  # services imports this module

        sent_back = list(  # the unit's own returns, which it changes (an office's communities change theirs)
            writable_returns(user)
            .filter(status=ReturnStatus.RETURNED)
            .select_related("task")
            .order_by("-reviewed_at", "-pk")[:20]
        )
    reminders = []
    if tasks:  # reminders about tasks still open (a closed campaign's are moot)
        reminders = list(
            Reminder.objects.filter(officer=user, read_at__isnull=True, task__in=[task.pk for task in tasks])
            .select_related("task")
            .order_by("-date", "pk")[:10]
        )
    return {
        "slots": slots,
        "overdue_count": sum(1 for slot in slots if slot.is_overdue),
        "due_soon": due_within(slots, HOME_DUE_DAYS),  # the home page's top block (templates/portal/home.html)
        "sent_back": sent_back,
        "counts": counts,
        "reminders": reminders,
        "today": today,
    }


# --- Completeness board (staff) ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardUnit:
    key: tuple[str, int]  # ("j", jurisdiction id) or ("m", member unit id)
    name: str


@dataclass(frozen=True)
class BoardColumn:
    task: CampaignTask
    period: Period

    @property
    def label(self) -> str:
        return f"{self.task.title}（{self.period.label}）" if self.task.recurrence != "once" else self.task.title


@dataclass
class BoardCell:
    state: str | None  # None: the task is not assigned to this unit
    returns: int = 0
    accepted: int = 0
    first_submitted_at: dt.datetime | None = None

    @property
    def label(self) -> str:
        return str(SlotState.LABELS.get(self.state, "—")) if self.state else "—"


@dataclass
class BoardRow:
    unit: BoardUnit
    cells: list[BoardCell]
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Board:
    campaign: Campaign
    columns: list[BoardColumn]
    rows: list[BoardRow]
    totals: dict[str, int]
    today: dt.date

    @property
    def due_slots(self) -> int:
        return self.totals[SlotState.ON_TIME] + self.totals[SlotState.LATE] + self.totals[SlotState.MISSING]

    @property
    def filed_rate(self) -> float:
        due = self.due_slots
        return 0.0 if not due else (self.totals[SlotState.ON_TIME] + self.totals[SlotState.LATE]) / due

    def chart(self) -> dict[str, Any]:
        names = [row.unit.name for row in self.rows]
        series = {
            str(SlotState.LABELS[state]): [row.counts[state] for row in self.rows]
            for state in (SlotState.ON_TIME, SlotState.LATE, SlotState.MISSING)
        }
        option = bar_chart(_("各单位报送完成情况"), names, series)
        colours = {"按时报送": "#3b8d4f", "逾期报送": "#d48a1c", "逾期未报": "#b71c1c"}
        for item in option["series"]:
            item["stack"] = "slots"
            item["itemStyle"] = {"color": colours[item["name"]]}
        option["color"] = list(colours.values())
        option["legend"]["top"] = 34
        option["grid"]["top"] = 76
        if len(names) > 8:  # many units: slanted names stay readable
            option["xAxis"]["axisLabel"]["rotate"] = 40
        return option


def campaign_tasks_with_units(campaign: Campaign) -> list[CampaignTask]:
    return list(
        campaign.tasks.select_related("campaign")
        .prefetch_related("jurisdictions", "member_units")
        .order_by("order", "pk")
    )


def completeness_board(campaign: Campaign, today: dt.date | None = None, *, within_campaign: bool = False) -> Board:
    """Units × task periods: filed on time, late, missing or not yet due. Four queries whatever the number of
    returns (tasks, their units twice, one GROUP BY over the returns). ``within_campaign``: only the periods that
    start before the campaign ends (the summary's rule, figures.period_condition: a year-long monthly task counts
    June in a June summary, not July to December)."""
    today = today or timezone.localdate()
    tasks = campaign_tasks_with_units(campaign)
    jurisdictions: dict[int, Jurisdiction] = {}
    members: dict[int, MemberUnit] = {}
    assigned: dict[int, set[tuple[str, int]]] = {}
    for task in tasks:
        keys = set()
        for jurisdiction in task.jurisdictions.all():
            jurisdictions[jurisdiction.pk] = jurisdiction
            keys.add(("j", jurisdiction.pk))
        for member in task.member_units.all():
            members[member.pk] = member
            keys.add(("m", member.pk))
        assigned[task.pk] = keys
    units = [BoardUnit(("j", j.pk), j.name) for j in sorted(jurisdictions.values(), key=lambda j: j.code)]
    units += [BoardUnit(("m", m.pk), m.name) for m in sorted(members.values(), key=lambda m: m.name)]
    columns = [
        BoardColumn(task, period)
        for task in tasks
        for period in task.periods()
        if not within_campaign or period.start <= campaign.ends_on
    ]

    filed: dict[tuple[int, dt.date, tuple[str, int]], Mapping[str, Any]] = {}
    rows = (
        ActivityReturn.objects.filter(task__campaign=campaign, first_submitted_at__isnull=False)
        .values("task_id", "period_due", "jurisdiction_id", "member_unit_id")
        .annotate(
            first=Min("first_submitted_at"),
            n=Count("pk"),
            accepted=Count("pk", filter=Q(status=ReturnStatus.ACCEPTED)),
        )
        .order_by()
    )
    for row in rows:
        key = ("m", row["member_unit_id"]) if row["member_unit_id"] else ("j", row["jurisdiction_id"])
        filed[(row["task_id"], row["period_due"], key)] = row

    states = (SlotState.ON_TIME, SlotState.LATE, SlotState.MISSING, SlotState.PENDING)
    totals = dict.fromkeys(states, 0)
    board_rows = []
    for unit in units:
        cells = []
        counts = dict.fromkeys(states, 0)
        for column in columns:
            if unit.key not in assigned[column.task.pk]:
                cells.append(BoardCell(None))
                continue
            info = filed.get((column.task.pk, column.period.due, unit.key))
            first = info["first"] if info else None
            state = slot_state(column.period.due, first, today, column.period.due_time)
            cells.append(BoardCell(state, info["n"] if info else 0, info["accepted"] if info else 0, first))
            counts[state] += 1
            totals[state] += 1
        board_rows.append(BoardRow(unit, cells, counts))
    return Board(campaign, columns, board_rows, totals, today)


# --- Summary figures: campaigns/figures.py (re-exported for the callers that read them from here) ----------------


# --- Public notices (通知公告) ----------------------------------------------------------------------------------------


def public_notices() -> QuerySet[Notice]:
    """Issued notices staff published on the public site, newest first (a superseded one is no longer issued)."""
    return (
        Notice.objects.filter(status=NoticeStatus.ISSUED, is_public=True)
        .only("title", "number", "issued_on", "issued_at")
        .order_by("-issued_on", "-issued_at", "-pk")
    )


def public_notice(pk: int) -> Notice:
    """One public notice with its PDF document; 404 for a draft, a non-public or a superseded notice."""
    notice = (
        Notice.objects.filter(status=NoticeStatus.ISSUED, is_public=True, pk=pk)
        .select_related("authority", "document")
        .first()
    )
    if notice is None:
        raise Http404
    return notice
