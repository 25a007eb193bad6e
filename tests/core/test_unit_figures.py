"""safetyportal.unit_figures: periods, unit keys and names, and the SQL instant helpers on the test database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Value
from django.db.models.fields import DateField, DateTimeField, TimeField

from safetyportal import workdays
from safetyportal.models import Jurisdiction
from safetyportal.unit_figures import (
    EpochDays,
    EpochMinutes,
    HazardFigures,
    Period,
    ReturnFigures,
    TimeMinutes,
    epoch_days,
    month_period,
    quarter,
    unit_key,
    unit_names,
    year_period,
)
from tests.core.factories import JurisdictionFactory, MemberUnitFactory


def test_periods():
    assert quarter(2024, 1) == Period(dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert quarter(2024, 4) == Period(dt.date(2024, 10, 1), dt.date(2024, 12, 31))
    assert month_period(2024, 2) == Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert year_period(2025).days == 365
    assert dt.date(2024, 3, 31) in quarter(2024, 1)
    assert dt.date(2024, 4, 1) not in quarter(2024, 1)
    with pytest.raises(ValueError):
        quarter(2024, 5)
    with pytest.raises(ValueError):
        month_period(2024, 13)
    with pytest.raises(ValueError):
        Period(dt.date(2024, 2, 2), dt.date(2024, 2, 1))


def test_period_instants_are_shanghai_midnights():
    june = month_period(2024, 6)
    assert june.start_instant() == dt.datetime(2024, 6, 1, tzinfo=workdays.SHANGHAI)
    assert june.end_instant() == dt.datetime(2024, 7, 1, tzinfo=workdays.SHANGHAI)
    assert dt.datetime(2024, 6, 30, 17, 0, tzinfo=dt.UTC) not in june  # 1 July 01:00 in Shanghai


def test_figures_dataclasses():
    assert ReturnFigures(due=2, filed=0, missing=2).never_reported
    assert not ReturnFigures().never_reported
    assert HazardFigures(due=5, closed_on_time=1, closed_late=1, open_overdue=1).open_other == 2


@pytest.mark.django_db
def test_unit_keys_and_names_one_query_per_kind(django_assert_num_queries):
    town = JurisdictionFactory(name="青阳街道")
    member = MemberUnitFactory(name="晋江市应急管理局", short_name="市应急局")
    plain = MemberUnitFactory(name="晋江市消防救援大队", short_name="")
    assert unit_key(town) == ("jurisdiction", town.pk)
    assert unit_key(member) == ("member_unit", member.pk)
    with pytest.raises(TypeError):
        unit_key("青阳街道")
    with django_assert_num_queries(2):
        names = unit_names([unit_key(town), unit_key(member), unit_key(plain), ("jurisdiction", 10**9)])
    assert names == {unit_key(town): "青阳街道", unit_key(member): "市应急局", unit_key(plain): "晋江市消防救援大队"}
    with django_assert_num_queries(0):
        assert unit_names([]) == {}


@pytest.mark.django_db
def test_sql_instant_helpers_match_python():
    JurisdictionFactory()
    moment = dt.datetime(2024, 6, 14, 16, 1, 59, 999000, tzinfo=workdays.SHANGHAI)
    row = (
        Jurisdiction.objects.annotate(
            minutes=EpochMinutes(Value(moment, output_field=DateTimeField())),
            days=EpochDays(Value(dt.date(2024, 6, 14), output_field=DateField())),
            clock=TimeMinutes(Value(dt.time(16, 30), output_field=TimeField())),
        )
        .values("minutes", "days", "clock")
        .first()
    )
    assert row["days"] == epoch_days(dt.date(2024, 6, 14))
    assert row["minutes"] == int(moment.timestamp()) // 60
    assert row["clock"] == 16 * 60 + 30
