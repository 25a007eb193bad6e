"""inspections.unit_figures.hazard_figures: hazards due in a period per jurisdiction and responsible member unit."""

from __future__ import annotations

import datetime as dt

import pytest

from inspections.models import HazardStatus
from inspections.unit_figures import hazard_figures
from safetyportal import workdays
from safetyportal.unit_figures import HazardFigures, month_period, quarter, unit_key
from tests.core.factories import JurisdictionFactory, MemberUnitFactory
from tests.inspections.factories import HazardFactory

pytestmark = pytest.mark.django_db

JUNE = month_period(2024, 6)
DEADLINE = dt.date(2024, 6, 14)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=workdays.SHANGHAI)


def hazard(town, *, deadline=DEADLINE, status=HazardStatus.RECTIFYING, closed_at=None, member=None):
    return HazardFactory(
        jurisdiction=town,
        rectification_deadline=deadline,
        status=status,
        closed_at=closed_at,
        responsible_unit=member,
    )


def test_closed_on_the_deadline_day_is_on_time_to_the_last_minute_in_shanghai():
    town = JurisdictionFactory()
    hazard(town, status=HazardStatus.CLOSED, closed_at=at(DEADLINE, 23, 59))  # 15:59 UTC
    hazard(town, status=HazardStatus.CLOSED, closed_at=at(DEADLINE + dt.timedelta(days=1), 0, 0))  # next day
    hazard(town, status=HazardStatus.CLOSED, closed_at=at(DEADLINE - dt.timedelta(days=3), 10))
    figures = hazard_figures(JUNE, as_of=dt.date(2024, 6, 30))
    assert figures == {unit_key(town): HazardFigures(due=3, closed_on_time=2, closed_late=1, open_overdue=0)}


def test_open_overdue_follows_the_hazard_list_and_as_of():
    town = JurisdictionFactory()
    hazard(town)  # 整改中, deadline passed
    hazard(town, status=HazardStatus.PENDING_REVIEW)  # rectified, awaiting review: not overdue
    hazard(town, deadline=dt.date(2024, 6, 28))  # not yet due at as_of
    hazard(town, status=HazardStatus.CLOSED, closed_at=at(dt.date(2024, 6, 25), 9))  # closed after as_of
    hazard(town, status=HazardStatus.UNFOUNDED)  # not a hazard
    hazard(town, deadline=dt.date(2024, 7, 1))  # outside the period
    figures = hazard_figures(JUNE, as_of=dt.date(2024, 6, 20))[unit_key(town)]
    assert figures == HazardFigures(due=4, closed_on_time=0, closed_late=0, open_overdue=2)
    assert figures.open_other == 2
    later = hazard_figures(JUNE, as_of=dt.date(2024, 6, 25))[unit_key(town)]
    assert (later.closed_late, later.open_overdue) == (1, 1)


def test_the_responsible_member_unit_has_its_own_key():
    town = JurisdictionFactory()
    member = MemberUnitFactory()
    hazard(town, member=member)
    hazard(town, member=member, status=HazardStatus.CLOSED, closed_at=at(DEADLINE, 9))
    hazard(town)
    figures = hazard_figures(quarter(2024, 2), as_of=dt.date(2024, 7, 1))
    assert figures[unit_key(town)] == HazardFigures(due=3, closed_on_time=1, open_overdue=2)
    assert figures[unit_key(member)] == HazardFigures(due=2, closed_on_time=1, open_overdue=1)


def test_a_constant_number_of_queries(django_assert_max_num_queries):
    hazard(JurisdictionFactory(), member=MemberUnitFactory())
    with django_assert_max_num_queries(1):
        assert len(hazard_figures(JUNE, as_of=dt.date(2024, 7, 1))) == 2
    for _n in range(10):
        town, member = JurisdictionFactory(), MemberUnitFactory()
        hazard(town, member=member)
        hazard(town, status=HazardStatus.CLOSED, closed_at=at(DEADLINE, 9))
    with django_assert_max_num_queries(1):
        assert len(hazard_figures(JUNE, as_of=dt.date(2024, 7, 1))) == 22
