"""Reads of the reward ledger (举报奖励): the 快奖 clock (pay within 10 working days of the penalty being carried out,
``workdays.REWARD_PAYMENT``), the office desk's counts, and the reward a tracking code leads to. Nothing here reads a
claim's payment details (only ``reward_services.reveal_claim`` does, for a custodian, logged)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from safetyportal import workdays

from . import selectors
from .models import RecordStatus
from .reward_models import Reward, RewardStatus

UNPAID = (RewardStatus.PROPOSED, RewardStatus.APPROVED)


def payment_due(executed_on: dt.date | None) -> dt.date | None:
    """The last day to pay: 10 working days after the penalty was carried out; None before that day is known.
    Raises ``workdays.CalendarNotCovered`` for a year the holiday calendar does not cover (never natural days)."""
    if executed_on is None:
        return None
    return workdays.REWARD_PAYMENT.due(executed_on)


def payment_due_text(reward: Reward) -> str:
    """The deadline with its rule, "6月21日（周五）（10个工作日）", or why there is none yet."""
    if reward.penalty_executed_on is None:
        return _("处罚执行日期未登记，发放期限未起算")
    return workdays.due_text(reward.penalty_executed_on, workdays.REWARD_PAYMENT.days)


def is_overdue(reward: Reward, today: dt.date) -> bool:
    """Unpaid after its deadline. A year the calendar does not cover raises ``CalendarNotCovered``."""
    if reward.is_voided or reward.status not in UNPAID:
        return False
    due = payment_due(reward.penalty_executed_on)
    return due is not None and today > due


def paid_late_days(reward: Reward) -> int | None:
    """Working days past the deadline at payment (0 when on time); None when unpaid or the clock never started."""
    if reward.paid_on is None or reward.penalty_executed_on is None:
        return None
    due = workdays.REWARD_PAYMENT.due(reward.penalty_executed_on)
    return max(0, workdays.working_days_between(due, reward.paid_on))


def desk_counts(today: dt.date) -> dict[str, int]:
    """For the office desk: rewards to approve, approved and to pay, and unpaid past their 10-working-day deadline.
    Two queries whatever the number of rewards. ``calendar_uncovered`` counts unpaid rewards whose deadline falls in
    a year the holiday calendar does not cover (they are not counted as overdue; the desk's calendar warning says
    why)."""
    active = Reward.objects.filter(record_status=RecordStatus.ACTIVE)
    counts = active.aggregate(
        to_approve=Count("pk", filter=Q(status=RewardStatus.PROPOSED)),
        to_pay=Count("pk", filter=Q(status=RewardStatus.APPROVED)),
    )
    overdue = uncovered = 0
    executed = active.filter(status__in=UNPAID, penalty_executed_on__isnull=False).values_list(
        "penalty_executed_on", flat=True
    )
    for executed_on in executed:
        try:
            due = payment_due(executed_on)
        except workdays.CalendarNotCovered:
            uncovered += 1
            continue
        if due is not None and today > due:
            overdue += 1
    return {
        "to_approve": counts["to_approve"] or 0,
        "to_pay": counts["to_pay"] or 0,
        "overdue": overdue,
        "calendar_uncovered": uncovered,
    }


def reward_for_code(code: str) -> Reward | None:
    """The active reward of the report a tracking code opens, or None (a wrong code and a report without a reward
    look the same to the caller). Two queries at most."""
    report = selectors.report_for_code(code)
    if report is None:
        return None
    return (
        Reward.objects.filter(report=report, record_status=RecordStatus.ACTIVE).select_related("report__hazard").first()
    )
