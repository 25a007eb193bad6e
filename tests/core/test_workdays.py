"""The working-day calendar (safetyportal/workdays.py): the State Council's published arrangements, overrides,
uncovered years, the cache, and the two functions agreeing with each other."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safetyportal import workdays
from safetyportal.workday_models import WorkdayOverride, WorkdayYear
from safetyportal.workdays import (
    CalendarNotCovered,
    add_working_days,
    calendar_covers,
    calendar_warnings,
    format_deadline,
    is_working_day,
    rule_label,
    subtract_working_days,
    working_days_between,
)
from tests.core.factories import WorkdayOverrideFactory, WorkdayYearFactory

D = dt.date


@pytest.fixture(autouse=True)
def fresh_calendar(db):
    """Each test builds the calendar from its own database rows (a previous test's rows were rolled back)."""
    workdays.clear_local_cache()
    yield
    workdays.clear_local_cache()


# --- Published arrangements (国务院办公厅关于2024年、2025年、2026年部分节假日安排的通知) -----------------------------


@pytest.mark.parametrize(
    "day",
    [D(2024, 2, 4), D(2024, 2, 18), D(2024, 4, 7), D(2024, 4, 28), D(2024, 5, 11), D(2024, 9, 14), D(2024, 9, 29),
     D(2024, 10, 12), D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11),
     D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28)],
)  # fmt: skip
def test_make_up_working_days_on_weekends_are_working_days(day):
    assert day.weekday() >= 5
    assert is_working_day(day)


@pytest.mark.parametrize(
    "first,last",
    [(D(2024, 2, 10), D(2024, 2, 17)), (D(2024, 10, 1), D(2024, 10, 7)), (D(2024, 5, 1), D(2024, 5, 5)),
     (D(2025, 1, 28), D(2025, 2, 4)), (D(2025, 10, 1), D(2025, 10, 8)), (D(2025, 5, 1), D(2025, 5, 5)),
     (D(2026, 2, 15), D(2026, 2, 23)), (D(2026, 10, 1), D(2026, 10, 7))],
)  # fmt: skip
def test_published_holidays_are_not_working_days(first, last):
    day = first
    while day <= last:
        assert not is_working_day(day), day
        day += dt.timedelta(days=1)


def test_ordinary_weekdays_and_weekends():
    assert is_working_day(D(2024, 6, 14))  # a Friday
    assert not is_working_day(D(2024, 6, 15))  # a Saturday
    assert not is_working_day(D(2024, 6, 10))  # 端午节, a Monday


def test_add_working_days_skips_the_national_day_week():
    # Listed on Monday 30 September 2024: 5 working days are 8, 9, 10, 11, 12 October (12 October is a make-up day).
    assert add_working_days(D(2024, 9, 30), 5) == D(2024, 10, 12)
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert add_working_days(D(2024, 6, 14), 5) == D(2024, 6, 21)  # the day itself is not counted
    assert add_working_days(D(2024, 6, 15), 0) == D(2024, 6, 15)


def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(D(2024, 6, 14), D(2024, 6, 21)) == 5
    assert working_days_between(D(2024, 6, 21), D(2024, 6, 14)) == -5
    assert working_days_between(D(2024, 1, 1), D(2024, 12, 31)) == 251  # 2024 had 251 working days
    assert working_days_between(D(2024, 12, 31), D(2025, 12, 31)) == 248  # and 2025 had 248


def test_subtract_is_the_mirror_of_add():
    deadline = D(2024, 10, 31)
    latest = subtract_working_days(deadline, 20)
    assert add_working_days(latest, 20) == deadline
    assert workdays.latest_extension_request(deadline) == latest == D(2024, 9, 29)  # a make-up Sunday


def test_rule_label_and_rules():
    assert rule_label(5) == "5个工作日"
    assert workdays.LISTING_PUBLICATION.label == "5个工作日"
    assert workdays.EXTENSION_DECISION.due(D(2025, 9, 26)) == D(2025, 10, 16)


# --- Coverage -------------------------------------------------------------------------------------------------------


def test_package_years_and_uncovered_year_raise():
    assert workdays.package_years() >= set(range(2004, 2027))
    assert calendar_covers(2026)
    assert not calendar_covers(2027)
    with pytest.raises(CalendarNotCovered) as raised:
        is_working_day(D(2027, 1, 4))
    assert raised.value.year == 2027
    assert "日历未覆盖2027年" in str(raised.value)


def test_a_computation_running_into_an_uncovered_year_raises_never_counts_natural_days():
    with pytest.raises(CalendarNotCovered):
        add_working_days(D(2026, 12, 28), 10)
    with pytest.raises(CalendarNotCovered):
        working_days_between(D(2026, 12, 1), D(2027, 1, 10))
    with pytest.raises(CalendarNotCovered):
        add_working_days(D(2003, 12, 1), 1)


def test_overrides_alone_cover_nothing_until_the_year_is_complete():
    WorkdayOverrideFactory(date=D(2027, 2, 8), is_working_day=False, name="春节")
    assert not calendar_covers(2027)
    WorkdayYearFactory(year=2027, complete=False)
    assert not calendar_covers(2027)
    WorkdayYear.objects.filter(year=2027).update(complete=True)
    workdays.clear_local_cache()  # update() sends no signal
    assert calendar_covers(2027)
    assert not is_working_day(D(2027, 2, 8))  # a Monday, entered as 春节
    assert is_working_day(D(2027, 2, 9))  # weekend rule for the rest
    assert add_working_days(D(2026, 12, 31), 3) == D(2027, 1, 5)  # 1 Jan 2027 (a Friday) by the weekend rule


def test_a_complete_year_beyond_a_gap_does_not_bridge_it():
    WorkdayYearFactory(year=2028, complete=True)
    assert calendar_covers(2028) and not calendar_covers(2027)
    with pytest.raises(CalendarNotCovered) as raised:
        working_days_between(D(2026, 12, 1), D(2028, 3, 1))
    assert raised.value.year == 2027


def test_overrides_win_over_the_package():
    assert is_working_day(D(2024, 6, 14))
    WorkdayOverrideFactory(date=D(2024, 6, 14), is_working_day=False, name="临时放假")
    WorkdayOverrideFactory(date=D(2024, 6, 15), is_working_day=True, name="调休上班")
    assert not is_working_day(D(2024, 6, 14))
    assert is_working_day(D(2024, 6, 15))
    assert add_working_days(D(2024, 6, 13), 1) == D(2024, 6, 15)


# --- Cache ----------------------------------------------------------------------------------------------------------


def test_saving_an_override_invalidates_this_process_at_once(django_capture_on_commit_callbacks):
    assert is_working_day(D(2024, 6, 14))
    with django_capture_on_commit_callbacks(execute=True):
        override = WorkdayOverrideFactory(date=D(2024, 6, 14), is_working_day=False)
    assert not is_working_day(D(2024, 6, 14))
    with django_capture_on_commit_callbacks(execute=True):
        override.delete()
    assert is_working_day(D(2024, 6, 14))


def test_the_calendar_is_built_once_and_reused(django_assert_num_queries):
    is_working_day(D(2024, 6, 14))
    with django_assert_num_queries(0):
        for day in range(1, 29):
            is_working_day(D(2024, 2, day))


@override_settings(WORKDAYS_RECHECK_SECONDS=0)
def test_other_processes_rebuild_when_the_shared_version_changes(django_assert_num_queries):
    is_working_day(D(2024, 6, 14))
    with django_assert_num_queries(0):  # version unchanged: no rebuild
        is_working_day(D(2024, 6, 14))
    # Another process saved an override: its row is in the database and it bumped the version key.
    WorkdayOverride.objects.bulk_create([WorkdayOverride(date=D(2024, 6, 14), is_working_day=False, name="x")])
    assert is_working_day(D(2024, 6, 14))  # the signal-less write is not seen yet ...
    cache.set(workdays.VERSION_KEY, "another-process", timeout=None)
    assert not is_working_day(D(2024, 6, 14))  # ... until the version moves


def test_staff_warning_for_next_year_from_1_november():
    assert calendar_warnings(D(2026, 10, 31)) == []
    assert calendar_warnings(D(2026, 11, 1)) == [
        "日历未覆盖2027年：请在“节假日调整”中录入2027年节假日安排，工作日期限暂无法计算。"
    ]
    WorkdayYearFactory(year=2027, complete=True)
    assert calendar_warnings(D(2026, 11, 1)) == []
    assert calendar_warnings(D(2028, 3, 1))[0].startswith("日历未覆盖2028年")


# --- Deadlines with a time of day -----------------------------------------------------------------------------------


def test_format_deadline():
    assert format_deadline(D(2024, 6, 14), dt.time(16, 0)) == "6月14日（周五）16:00前"
    assert format_deadline(D(2024, 6, 14)) == "6月14日（周五）24:00前"
    assert format_deadline(D(2024, 6, 21), rule_days=5) == "6月21日（周五）24:00前（5个工作日）"


def test_late_days_to_the_minute_in_shanghai():
    deadline = workdays.deadline_at(D(2024, 6, 14), dt.time(16, 0))
    at = lambda *args: dt.datetime(*args, tzinfo=workdays.SHANGHAI)  # noqa: E731
    assert workdays.late_days(deadline, at(2024, 6, 14, 16, 0, 59)) == 0
    assert workdays.late_days(deadline, at(2024, 6, 14, 16, 1)) == 1
    assert workdays.late_days(deadline, at(2024, 6, 15, 16, 0)) == 1
    assert workdays.late_days(deadline, at(2024, 6, 15, 16, 1)) == 2
    # 08:05 UTC is 16:05 in Shanghai
    assert workdays.late_days(deadline, dt.datetime(2024, 6, 14, 8, 5, tzinfo=dt.UTC)) == 1
    whole_day = workdays.deadline_at(D(2024, 6, 14))
    assert workdays.late_days(whole_day, at(2024, 6, 14, 23, 59, 59)) == 0
    assert workdays.late_days(whole_day, at(2024, 6, 15, 0, 0)) == 1
    assert workdays.late_days(whole_day, at(2024, 6, 15, 23, 59)) == 1
    assert workdays.late_days(whole_day, at(2024, 6, 16, 0, 0)) == 2


# --- Properties -----------------------------------------------------------------------------------------------------

days = st.dates(min_value=D(2010, 1, 1), max_value=D(2025, 6, 30))  # + 300 working days stays in 2026
counts = st.integers(min_value=0, max_value=300)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=days, n=counts)
def test_add_and_between_agree(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    assert end >= start
    if n:
        assert is_working_day(end)
        assert working_days_between(start, end - dt.timedelta(days=1)) == n - 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=days, b=days)
def test_between_matches_a_day_by_day_count(a, b):
    if abs((b - a).days) > 120:
        b = a + dt.timedelta(days=(b - a).days % 120)
    lo, hi = min(a, b), max(a, b)
    count = sum(is_working_day(lo + dt.timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    assert working_days_between(lo, hi) == count
    assert working_days_between(hi, lo) == -count


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=days, n=st.integers(min_value=1, max_value=200))
def test_subtract_then_add_returns_to_a_working_day(day, n):
    earlier = subtract_working_days(day, n)
    assert is_working_day(earlier)
    assert working_days_between(earlier, day) == n - 1 + is_working_day(day)
    if is_working_day(day):
        assert add_working_days(earlier, n) == day


def test_the_tables_read_agree_with_the_packages_own_is_workday():
    import chinese_calendar

    for year in (2024, 2025, 2026):
        day = D(year, 1, 1)
        while day.year == year:
            assert is_working_day(day) == chinese_calendar.is_workday(day), day
            day += dt.timedelta(days=1)


# --- Working-day rules shown next to their dates ---------------------------------------------------------------------


def test_due_text_shows_the_rule_or_the_missing_year():
    assert workdays.due_text(D(2024, 9, 30), 5) == "10月12日（周六）（5个工作日）"
    assert workdays.due_text(D(2024, 10, 31), 20, before=True) == "9月29日（周日）（前20个工作日）"
    assert workdays.due_text(D(2026, 12, 28), 5) == "无法计算：日历未覆盖2027年"


def test_template_filters():
    from django.template import Context, Template

    html = Template(
        "{% load workdays %}{{ listed|working_days_after:5 }}|{{ deadline|working_days_before:20 }}|"
        "{{ none|working_days_after:5 }}|{% deadline due at %}"
    ).render(Context({"listed": D(2024, 6, 14), "deadline": D(2024, 10, 31), "due": D(2024, 6, 14), "at": dt.time(16)}))
    assert html == "6月21日（周五）（5个工作日）|9月29日（周日）（前20个工作日）||6月14日（周五）16:00前"


def test_hazard_workflow_panel_shows_the_listing_and_extension_deadlines_with_their_rules():
    from inspections.admin import working_day_deadlines
    from inspections.models import HazardLevel, HazardStatus
    from tests.inspections.factories import HazardFactory

    hazard = HazardFactory(
        level=HazardLevel.MAJOR,
        status=HazardStatus.RECTIFYING,
        supervision_level="county",
        supervised_on=D(2024, 9, 30),
        rectification_deadline=D(2024, 10, 31),
    )
    html = str(working_day_deadlines(hazard))
    assert "挂牌公示期限：10月12日（周六）（5个工作日）" in html
    assert "延期申请截止：9月29日（周日）（前20个工作日）" in html


def test_portal_hazard_page_shows_the_extension_deadline(client, officer_a, unit_a):
    from inspections.models import HazardStatus
    from tests.inspections.factories import HazardFactory

    hazard = HazardFactory(jurisdiction=unit_a, status=HazardStatus.RECTIFYING, rectification_deadline=D(2024, 10, 31))
    client.force_login(officer_a)
    html = client.get(f"/portal/hazards/{hazard.pk}/").content.decode()
    assert "延期申请截止" in html and "9月29日（周日）（前20个工作日）" in html


# --- Admin ------------------------------------------------------------------------------------------------------------


def test_staff_see_the_overrides_with_the_warning(client, staff_user, django_assert_max_num_queries):
    WorkdayOverrideFactory(date=D(2027, 2, 8), is_working_day=False, name="春节")
    WorkdayYearFactory(year=2027, complete=False)
    client.force_login(staff_user)
    with django_assert_max_num_queries(20):
        response = client.get("/admin/safetyportal/workdayoverride/")
    html = response.content.decode()
    assert response.status_code == 200 and "春节" in html
    if timezone.localdate() >= D(timezone.localdate().year, 11, 1):  # next year is not covered by then
        assert f"日历未覆盖{timezone.localdate().year + 1}年" in html
    response = client.get("/admin/safetyportal/workdayyear/")
    assert response.status_code == 200 and "?year=2027" in response.content.decode()


def test_a_years_list_is_imported_and_wins_at_once(admin_user_office):
    import tablib

    from safetyportal.workday_admin import WorkdayOverrideResource

    dataset = tablib.Dataset(headers=["日期", "工作日", "名称", "备注"])
    dataset.append(["2024-06-14", "放假", "临时放假", ""])
    dataset.append(["2024-06-15", "上班", "调休上班", "测试"])
    result = WorkdayOverrideResource(user=admin_user_office).import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert not is_working_day(D(2024, 6, 14)) and is_working_day(D(2024, 6, 15))
    bad = tablib.Dataset(headers=["日期", "工作日", "名称", "备注"])
    bad.append(["2024-06-17", "也许", "x", ""])
    assert WorkdayOverrideResource(user=admin_user_office).import_data(bad, dry_run=False).has_validation_errors()


def test_override_list_filters_by_year_and_ignores_a_bad_year(client, staff_user):
    WorkdayOverrideFactory(date=D(2027, 2, 8), name="春节")
    WorkdayOverrideFactory(date=D(2026, 10, 8), name="国庆节")
    client.force_login(staff_user)
    html = client.get("/admin/safetyportal/workdayoverride/?year=2027").content.decode()
    assert "春节" in html and "国庆节" not in html
    for bad in ("99999999", "２０２７", "-1"):
        assert client.get(f"/admin/safetyportal/workdayoverride/?year={bad}").status_code < 500
