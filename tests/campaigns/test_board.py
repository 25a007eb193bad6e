"""The completeness board for staff: units × task periods (filed on time, late, missing, not yet due), its chart,
its xlsx export, and a constant number of queries."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import selectors
from campaigns.models import Recurrence, ReturnStatus
from tests.campaigns.factories import ActivityReturnFactory, CampaignTaskFactory
from tests.core.factories import JurisdictionFactory, MemberUnitFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def filed(task, unit, due, when, **fields):
    return ActivityReturnFactory(
        task=task, jurisdiction=unit, period_due=due, status=ReturnStatus.SUBMITTED, first_submitted_at=when, **fields
    )


def test_each_cell_says_on_time_late_missing_or_not_yet_due(campaign, unit_a, unit_b, today):
    c = JurisdictionFactory(name="丙镇")
    weekly = CampaignTaskFactory(campaign=campaign, title="每周信息", recurrence=Recurrence.WEEKLY, due_on=None,
                                 units=[unit_a, unit_b])  # fmt: skip
    once = CampaignTaskFactory(
        campaign=campaign, title="活动方案", due_on=today - dt.timedelta(days=1), units=[unit_a, c]
    )
    weeks = weekly.periods()
    first, second = weeks[0].due, weeks[1].due
    filed(weekly, unit_a, first, at(first, 23))  # on the due day: on time
    filed(weekly, unit_a, first, at(first + dt.timedelta(days=2)))  # a second return for the same week
    filed(weekly, unit_b, first, at(first + dt.timedelta(days=1)))  # a day late
    ActivityReturnFactory(task=once, jurisdiction=c)  # a draft only: still missing
    filed(once, unit_a, once.due_on, at(today - dt.timedelta(days=5)))

    board = selectors.completeness_board(campaign, today=today)

    labels = [column.label for column in board.columns]
    assert labels[0] == f"每周信息（{weeks[0].label}）" and labels[-1] == "活动方案"
    rows = {row.unit.name: row for row in board.rows}
    assert list(rows) == [unit_a.name, unit_b.name, "丙镇"]
    assert rows[unit_a.name].cells[0].state == "on_time" and rows[unit_a.name].cells[0].returns == 2
    assert rows[unit_b.name].cells[0].state == "late"
    assert rows[unit_a.name].cells[1].state == ("missing" if second < today else "pending")
    assert rows["丙镇"].cells[0].state is None  # the weekly task is not assigned to 丙镇
    assert rows["丙镇"].cells[-1].state == "missing" and rows[unit_a.name].cells[-1].state == "on_time"
    assert rows[unit_b.name].cells[-1].state is None
    due_weeks = sum(1 for week in weeks if week.due < today)
    assert board.totals["late"] == 1
    assert board.totals["on_time"] == 2
    assert board.totals["missing"] == (due_weeks - 1) * 2 + 1  # later weeks of A and B, and 丙镇's plan
    chart = board.chart()
    assert [s["name"] for s in chart["series"]] == ["按时报送", "逾期报送", "逾期未报"]
    assert all(s["stack"] == "slots" for s in chart["series"])


def test_member_units_have_rows_of_their_own(campaign):
    county = JurisdictionFactory(code="350582", name="晋江市", level="county", kind="市", parent=None)
    fire = MemberUnitFactory(name="市消防救援大队", jurisdiction=county)
    task = CampaignTaskFactory(campaign=campaign, members=[fire])
    filed(task, county, task.due_on, at(task.due_on), member_unit=fire)
    board = selectors.completeness_board(campaign)
    assert [(row.unit.name, row.cells[0].state) for row in board.rows] == [("市消防救援大队", "on_time")]


def board_queries(campaign) -> int:
    with CaptureQueriesContext(connection) as queries:
        selectors.completeness_board(campaign)
    return len(queries)


def test_board_runs_a_constant_number_of_queries(campaign, unit_a, unit_b, today):
    weekly = CampaignTaskFactory(campaign=campaign, recurrence=Recurrence.WEEKLY, due_on=None, units=[unit_a, unit_b])
    filed(weekly, unit_a, weekly.periods()[0].due, timezone.now())
    small = board_queries(campaign)
    units = [JurisdictionFactory() for _ in range(8)]
    more = CampaignTaskFactory(campaign=campaign, units=units)
    for unit in units:
        for _ in range(6):
            filed(more, unit, more.due_on, timezone.now())
    assert board_queries(campaign) == small <= 5


def test_staff_see_the_board_with_its_chart_and_export_it(staff_client, campaign, unit_a, task):
    unit_a.name = '=HYPERLINK("http://x")'
    unit_a.save()
    filed(task, unit_a, task.due_on, timezone.now())
    response = staff_client.get(reverse("admin:campaigns_campaign_board", args=[campaign.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "报送完成情况" in page and "按时报送" in page and "导出Excel" in page
    assert "vendor/echarts/echarts.min.js" in page and "js/charts.js" in page
    option = json.loads(
        re.search(r'<script id="chart-[0-9a-f]+-data" type="application/json">(.*?)</script>', page, re.S).group(1)
    )
    assert option["title"]["text"] == "各单位报送完成情况"

    export = staff_client.get(reverse("admin:campaigns_campaign_board_export", args=[campaign.pk]))
    assert export.status_code == 200 and "attachment" in export["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "单位" and rows[1][0] == '\'=HYPERLINK("http://x")'
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_board_needs_permission_to_view_returns(client, campaign):
    viewer = StaffUserFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_campaign"))
    client.force_login(viewer)
    assert client.get(reverse("admin:campaigns_campaign_board", args=[campaign.pk])).status_code == 403
    viewer.user_permissions.add(Permission.objects.get(codename="view_activityreturn"))
    assert client.get(reverse("admin:campaigns_campaign_board", args=[campaign.pk])).status_code == 200


def test_officers_never_reach_the_board(officer_client, campaign):
    response = officer_client.get(reverse("admin:campaigns_campaign_board", args=[campaign.pk]))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
