"""campaigns.unit_figures.return_figures: the completeness board's definitions per unit over any period.

Plain cases (lateness to the minute, missing days up to as_of, member units, what is ignored), a
hypothesis property test against an independent Python aggregation, agreement with completeness_board, and the
constant number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.models import ActivityReturn, CampaignStatus, CampaignTask, Recurrence, ReturnStatus
from campaigns.selectors import SlotState, completeness_board
from campaigns.unit_figures import return_figures
from safetyportal import workdays
from safetyportal.unit_figures import Period, ReturnFigures, month_period, unit_key
from tests.campaigns.factories import ActivityReturnFactory, CampaignFactory, CampaignTaskFactory
from tests.core.factories import JurisdictionFactory, MemberUnitFactory

pytestmark = pytest.mark.django_db

SH = workdays.SHANGHAI
JUNE = month_period(2024, 6)


def at(day: dt.date, hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SH)


def filed(task: CampaignTask, unit, due: dt.date, when: dt.datetime | None, **extra) -> ActivityReturn:
    """A return of ``unit`` (jurisdiction or member unit) for the period of ``task`` due on ``due``."""
    member = unit if unit_key(unit)[0] == "member_unit" else None
    return ActivityReturnFactory(
        task=task,
        jurisdiction=member.jurisdiction if member else unit,
        member_unit=member,
        period_due=due,
        status=ReturnStatus.SUBMITTED if when else ReturnStatus.DRAFT,
        first_submitted_at=when,
        submitted_at=when,
        **extra,
    )


def test_lateness_is_judged_to_the_minute_against_the_due_time():
    a, b, c, d = JurisdictionFactory.create_batch(4)
    campaign = CampaignFactory()
    task = CampaignTaskFactory(
        campaign=campaign, due_on=dt.date(2024, 6, 14), due_time=dt.time(16, 0), units=[a, b, c, d]
    )
    due = dt.date(2024, 6, 14)
    filed(task, a, due, at(due, 16, 0, 59))  # the deadline minute itself: on time
    filed(task, b, due, at(due, 16, 1))  # one minute late: 1 day
    filed(task, c, due, at(due + dt.timedelta(days=1), 16, 1))  # 24 h and a minute: 2 days

    figures = return_figures(JUNE, as_of=dt.date(2024, 6, 20))

    assert figures[unit_key(a)] == ReturnFigures(due=1, filed=1, on_time=1, late=0, missing=0, late_days=0)
    assert figures[unit_key(b)] == ReturnFigures(due=1, filed=1, on_time=0, late=1, missing=0, late_days=1)
    assert figures[unit_key(c)] == ReturnFigures(due=1, filed=1, on_time=0, late=1, missing=0, late_days=2)
    # Never reported: due, nothing filed, 6 days from 14 to 20 June.
    assert figures[unit_key(d)] == ReturnFigures(due=1, filed=0, on_time=0, late=0, missing=1, late_days=6)
    assert figures[unit_key(d)].never_reported


def test_without_due_time_the_whole_day_counts_and_the_next_day_is_one_day_late():
    a, b = JurisdictionFactory.create_batch(2)
    task = CampaignTaskFactory(due_on=dt.date(2024, 6, 17), units=[a, b])
    filed(task, a, task.due_on, at(task.due_on, 23, 59, 50))
    filed(task, b, task.due_on, at(task.due_on + dt.timedelta(days=1), 0, 0))
    figures = return_figures(JUNE, as_of=dt.date(2024, 7, 1))
    assert (figures[unit_key(a)].on_time, figures[unit_key(b)].late, figures[unit_key(b)].late_days) == (1, 1, 1)


def test_missing_days_run_to_as_of_past_the_period_end_and_pending_slots_are_not_due():
    unit = JurisdictionFactory()
    campaign = CampaignFactory(starts_on=dt.date(2024, 6, 1), ends_on=dt.date(2024, 7, 31))
    # Weekly on Fridays: June has 7, 14, 21, 28 June; July 5, 12, 19, 26 and the partial period due 31 July.
    task = CampaignTaskFactory(campaign=campaign, recurrence=Recurrence.WEEKLY, due_on=None, units=[unit])
    figures = return_figures(JUNE, as_of=dt.date(2024, 9, 1))[unit_key(unit)]
    assert (figures.due, figures.missing, figures.pending) == (4, 4, 0)
    # Up to as_of (1 September = 30 June + 63 days), not capped at the period end: never filing is never cheaper
    # than filing late.
    assert figures.late_days == (30 - 7 + 63) + (30 - 14 + 63) + (30 - 21 + 63) + (30 - 28 + 63)

    mid_june = return_figures(JUNE, as_of=dt.date(2024, 6, 15))[unit_key(unit)]
    assert (mid_june.due, mid_june.missing, mid_june.pending, mid_june.late_days) == (2, 2, 2, 8 + 1)
    # A slot filed before it is due counts as due and filed (the board's rule).
    filed(task, unit, dt.date(2024, 6, 21), at(dt.date(2024, 6, 12), 9, 0))
    early = return_figures(JUNE, as_of=dt.date(2024, 6, 15))[unit_key(unit)]
    assert (early.due, early.filed, early.on_time, early.missing, early.pending) == (3, 1, 1, 2, 1)


def test_a_missing_slot_due_at_the_period_end_costs_no_less_than_a_late_filing():
    late, missing = JurisdictionFactory.create_batch(2)
    due = dt.date(2024, 6, 30)
    task = CampaignTaskFactory(due_on=due, units=[late, missing])
    filed(task, late, due, at(dt.date(2024, 7, 15), 10, 0))
    figures = return_figures(JUNE, as_of=dt.date(2024, 7, 20))
    assert figures[unit_key(late)].late_days == 15
    assert figures[unit_key(missing)].late_days == 20  # 30 June to 20 July, not 0 at the period end
    assert figures[unit_key(missing)].late_days >= figures[unit_key(late)].late_days


def test_as_of_ignores_later_submissions_and_drafts():
    unit = JurisdictionFactory()
    task = CampaignTaskFactory(due_on=dt.date(2024, 6, 17), units=[unit])
    filed(task, unit, task.due_on, at(dt.date(2024, 6, 25), 10, 0))
    filed(task, unit, task.due_on, None)  # a draft never counts
    assert return_figures(JUNE, as_of=dt.date(2024, 6, 24))[unit_key(unit)].missing == 1
    later = return_figures(JUNE, as_of=dt.date(2024, 6, 25))[unit_key(unit)]
    assert (later.filed, later.late, later.late_days) == (1, 1, 8)


def test_a_slot_counts_once_judged_by_its_first_submission():
    unit = JurisdictionFactory()
    task = CampaignTaskFactory(due_on=dt.date(2024, 6, 17), units=[unit])
    filed(task, unit, task.due_on, at(dt.date(2024, 6, 20), 10, 0))
    filed(task, unit, task.due_on, at(dt.date(2024, 6, 16), 10, 0))
    filed(task, unit, task.due_on, at(dt.date(2024, 6, 16), 10, 0))  # same instant: still one slot
    figures = return_figures(JUNE, as_of=dt.date(2024, 6, 30))[unit_key(unit)]
    assert figures == ReturnFigures(due=1, filed=1, on_time=1)


def test_member_units_have_their_own_key_and_unassigned_or_stray_returns_are_ignored():
    town = JurisdictionFactory()
    member = MemberUnitFactory(jurisdiction=town)
    outsider = JurisdictionFactory()
    task = CampaignTaskFactory(due_on=dt.date(2024, 6, 17), members=[member])
    filed(task, member, task.due_on, at(task.due_on, 9, 0))
    filed(task, outsider, task.due_on, at(task.due_on, 9, 0))  # not assigned
    filed(task, member, dt.date(2024, 6, 10), at(task.due_on, 9, 0))  # not a period of the task
    figures = return_figures(JUNE, as_of=dt.date(2024, 6, 30))
    assert figures == {unit_key(member): ReturnFigures(due=1, filed=1, on_time=1)}


def test_draft_campaigns_are_left_out_unless_asked_for():
    unit = JurisdictionFactory()
    draft = CampaignFactory(status=CampaignStatus.DRAFT)
    CampaignTaskFactory(campaign=draft, due_on=dt.date(2024, 6, 17), units=[unit])
    assert return_figures(JUNE, as_of=dt.date(2024, 6, 30)) == {}
    assert return_figures(JUNE, as_of=dt.date(2024, 6, 30), campaign_id=draft.pk)[unit_key(unit)].missing == 1


def test_campaign_id_limits_to_one_campaign():
    unit = JurisdictionFactory()
    one, two = CampaignFactory.create_batch(2)
    CampaignTaskFactory(campaign=one, due_on=dt.date(2024, 6, 17), units=[unit])
    CampaignTaskFactory(campaign=two, due_on=dt.date(2024, 6, 18), units=[unit])
    assert return_figures(JUNE, as_of=dt.date(2024, 6, 30))[unit_key(unit)].due == 2
    assert return_figures(JUNE, as_of=dt.date(2024, 6, 30), campaign_id=one.pk)[unit_key(unit)].due == 1


# --- Agreement with the completeness board -------------------------------------------------------------------------


def test_due_filed_missing_agree_with_the_completeness_board():
    towns = JurisdictionFactory.create_batch(3)
    members = MemberUnitFactory.create_batch(2)
    campaign = CampaignFactory(starts_on=dt.date(2024, 6, 1), ends_on=dt.date(2024, 6, 30))
    weekly = CampaignTaskFactory(
        campaign=campaign,
        recurrence=Recurrence.WEEKLY,
        due_on=None,
        due_time=dt.time(16, 0),
        units=towns,
        members=members[:1],
    )
    once = CampaignTaskFactory(campaign=campaign, due_on=dt.date(2024, 6, 17), units=towns[:2], members=members)
    filed(weekly, towns[0], dt.date(2024, 6, 7), at(dt.date(2024, 6, 7), 16, 5))
    filed(weekly, towns[0], dt.date(2024, 6, 14), at(dt.date(2024, 6, 14), 15, 0))
    filed(weekly, towns[1], dt.date(2024, 6, 21), at(dt.date(2024, 6, 22), 8, 0))  # today, late
    filed(weekly, members[0], dt.date(2024, 6, 30), at(dt.date(2024, 6, 20), 8, 0))  # early
    filed(once, members[1], dt.date(2024, 6, 17), at(dt.date(2024, 6, 18), 8, 0))
    filed(once, towns[0], dt.date(2024, 6, 17), None)
    today = dt.date(2024, 6, 22)

    board = completeness_board(campaign, today)
    figures = return_figures(Period(dt.date(2024, 6, 1), dt.date(2024, 6, 30)), as_of=today, campaign_id=campaign.pk)

    assert len(board.rows) == len(figures) == 5
    for row in board.rows:
        key = ("jurisdiction" if row.unit.key[0] == "j" else "member_unit", row.unit.key[1])
        counts = row.counts
        mine = figures[key]
        assert mine.due == counts[SlotState.ON_TIME] + counts[SlotState.LATE] + counts[SlotState.MISSING]
        assert mine.filed == counts[SlotState.ON_TIME] + counts[SlotState.LATE]
        assert (mine.on_time, mine.late) == (counts[SlotState.ON_TIME], counts[SlotState.LATE])
        assert mine.missing == counts[SlotState.MISSING]
        assert mine.pending == counts[SlotState.PENDING]
    assert sum(f.due for f in figures.values()) == board.due_slots


# --- Constant queries ----------------------------------------------------------------------------------------------


def _populate(units: int, per_unit: int) -> None:
    towns = JurisdictionFactory.create_batch(units)
    members = MemberUnitFactory.create_batch(units)
    campaign = CampaignFactory()
    weekly = CampaignTaskFactory(
        campaign=campaign, recurrence=Recurrence.WEEKLY, due_on=None, due_time=dt.time(12, 0), units=towns
    )
    monthly = CampaignTaskFactory(campaign=campaign, recurrence=Recurrence.MONTHLY, due_on=None, members=members)
    dues = [period.due for period in weekly.periods()]
    for n, town in enumerate(towns):
        for due in dues[:per_unit]:
            filed(weekly, town, due, at(due, 11 + n % 3, 30))
    for member in members:
        filed(monthly, member, dt.date(2024, 6, 30), at(dt.date(2024, 7, 2), 9, 0))


def test_a_constant_number_of_queries(django_assert_max_num_queries):
    _populate(1, 1)
    with django_assert_max_num_queries(5):
        assert len(return_figures(JUNE, as_of=dt.date(2024, 7, 10))) == 2
    _populate(12, 4)
    with django_assert_max_num_queries(5):
        assert len(return_figures(JUNE, as_of=dt.date(2024, 7, 10))) == 26


def test_no_task_in_the_period_costs_one_query(django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert return_figures(JUNE) == {}


# --- Property: the SQL figures equal a Python aggregation over the same rows ----------------------------------------


def python_figures(period: Period, as_of: dt.date, campaign_id: int | None = None) -> dict:
    """The definitions written out slot by slot, with the board's and the services' own functions."""
    end_of_as_of = Period(as_of, as_of).end_instant()
    firsts: dict[tuple, dt.datetime] = {}
    for r in ActivityReturn.objects.filter(first_submitted_at__isnull=False, first_submitted_at__lt=end_of_as_of):
        key = ("member_unit", r.member_unit_id) if r.member_unit_id else ("jurisdiction", r.jurisdiction_id)
        slot = (r.task_id, r.period_due, key)
        firsts[slot] = min(firsts.get(slot, r.first_submitted_at), r.first_submitted_at)
    totals: dict = defaultdict(lambda: defaultdict(int))
    tasks = CampaignTask.objects.select_related("campaign").prefetch_related("jurisdictions", "member_units")
    for task in tasks:
        if campaign_id is not None and task.campaign_id != campaign_id:
            continue
        if campaign_id is None and task.campaign.status == CampaignStatus.DRAFT:
            continue
        keys = [("jurisdiction", j.pk) for j in task.jurisdictions.all()]
        keys += [("member_unit", m.pk) for m in task.member_units.all()]
        for p in task.periods():
            if not period.starts_on <= p.due <= period.ends_on:
                continue
            for key in keys:
                counts = totals[key]
                first = firsts.get((task.pk, p.due, key))
                if first is not None:
                    days = task.late_days(p.due, first)
                    counts["due"] += 1
                    counts["filed"] += 1
                    counts["late" if days else "on_time"] += 1
                    counts["late_days"] += days
                elif p.due < as_of:
                    counts["due"] += 1
                    counts["missing"] += 1
                    counts["late_days"] += (as_of - p.due).days  # up to 数据截至
                else:
                    counts["pending"] += 1
    return {key: ReturnFigures(**counts) for key, counts in totals.items()}


TIMES = st.sampled_from([None, dt.time(9, 0), dt.time(12, 0), dt.time(16, 0), dt.time(17, 30)])
TASKS = st.lists(
    st.tuples(
        st.sampled_from([Recurrence.ONCE, Recurrence.WEEKLY, Recurrence.MONTHLY]),
        st.integers(0, 80),  # start offset from 1 May 2024 (days)
        st.integers(0, 70),  # length (days)
        TIMES,
        st.integers(0, 6),  # weekday
        st.sets(st.integers(0, 4), max_size=5),  # assigned units (0-2 towns, 3-4 member units)
        st.booleans(),  # campaign is a draft
    ),
    min_size=1,
    max_size=4,
)
RETURNS = st.lists(
    st.tuples(
        st.integers(0, 3),  # task index
        st.integers(0, 20),  # period index
        st.integers(0, 4),  # unit
        st.one_of(st.none(), st.integers(-3 * 1440, 5 * 1440)),  # minutes from the deadline (None: a draft)
        st.integers(0, 59),  # seconds
    ),
    max_size=25,
)
PERIODS = st.tuples(st.integers(0, 120), st.integers(0, 100))  # start offset from 1 May 2024, length


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(tasks=TASKS, returns=RETURNS, window=PERIODS, as_of_offset=st.integers(0, 200), by_campaign=st.booleans())
def test_return_figures_equal_a_python_aggregation(tasks, returns, window, as_of_offset, by_campaign):
    base = dt.date(2024, 5, 1)
    with transaction.atomic():
        towns = JurisdictionFactory.create_batch(3)
        members = MemberUnitFactory.create_batch(2)
        units = [*towns, *members]
        running = CampaignFactory(starts_on=base, ends_on=base + dt.timedelta(days=150))
        draft = CampaignFactory(starts_on=base, ends_on=base + dt.timedelta(days=150), status=CampaignStatus.DRAFT)
        made: list[CampaignTask] = []
        for recurrence, start, length, due_time, weekday, assigned, is_draft in tasks:
            starts_on = base + dt.timedelta(days=start)
            made.append(
                CampaignTaskFactory(
                    campaign=draft if is_draft else running,
                    recurrence=recurrence,
                    starts_on=starts_on,
                    ends_on=starts_on + dt.timedelta(days=length),
                    due_on=starts_on + dt.timedelta(days=length) if recurrence == Recurrence.ONCE else None,
                    due_weekday=weekday,
                    due_time=due_time,
                    units=[units[i] for i in sorted(assigned) if i < 3],
                    members=[units[i] for i in sorted(assigned) if i >= 3],
                )
            )
        for task_index, period_index, unit_index, minutes, seconds in returns:
            task = made[task_index % len(made)]
            periods = task.periods()
            p = periods[period_index % len(periods)]
            when = None
            if minutes is not None:
                when = p.deadline + dt.timedelta(minutes=minutes, seconds=seconds)
            filed(task, units[unit_index], p.due, when)

        period = Period(base + dt.timedelta(days=window[0]), base + dt.timedelta(days=window[0] + window[1]))
        as_of = base + dt.timedelta(days=as_of_offset)
        campaign_id = running.pk if by_campaign else None
        assert return_figures(period, as_of=as_of, campaign_id=campaign_id) == python_figures(
            period, as_of, campaign_id
        )
        transaction.set_rollback(True)
