"""Completeness board charts (issue 13): whole-number ticks on count axes, "暂无数据" in the plot and never over the
legend, and no "报送率0%" when nothing is due yet."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from campaigns import selectors
from campaigns.models import ReturnStatus
from safetyportal.charts import bar_chart, is_empty, line_chart
from tests.campaigns.factories import ActivityReturnFactory, CampaignTaskFactory


def test_count_axes_tick_whole_numbers_only():
    assert bar_chart("场次", ["甲"], {"场次": [1]})["yAxis"]["minInterval"] == 1
    assert bar_chart("场次", ["甲"], {"场次": [1]}, horizontal=True)["xAxis"]["minInterval"] == 1
    assert line_chart("阅读量", ["1月"], {"阅读量": [3]})["yAxis"]["minInterval"] == 1
    assert "minInterval" not in bar_chart("经费", ["甲"], {"元": [0.5]}, integer=False)["yAxis"]


def test_no_data_is_drawn_in_the_plot_and_the_legend_is_hidden():
    option = bar_chart("各单位报送完成情况", ["甲", "乙"], {"按时报送": [0, 0], "逾期报送": [0, 0]})
    assert is_empty(option)
    assert option["legend"]["show"] is False
    text = option["graphic"][0]
    assert (text["left"], text["top"], text["style"]["text"]) == ("center", "middle", "暂无数据")
    assert "subtext" not in option["title"]


def test_a_chart_with_data_has_its_legend_and_no_placeholder():
    option = bar_chart("各单位报送完成情况", ["甲"], {"按时报送": [1], "逾期报送": [0]})
    assert not is_empty(option) and option["legend"]["show"] is True


@pytest.mark.django_db
def test_board_chart_with_nothing_due_says_no_data_without_a_legend(campaign, task, today):
    board = selectors.completeness_board(campaign, today=today)  # the only task is due in two days
    assert board.due_slots == 0
    option = board.chart()
    assert is_empty(option) and option["legend"]["show"] is False
    assert option["yAxis"]["minInterval"] == 1


@pytest.mark.django_db
def test_board_chart_with_data_ticks_whole_returns(campaign, unit_a, unit_b, today):
    task = CampaignTaskFactory(campaign=campaign, due_on=today - dt.timedelta(days=1), units=[unit_a, unit_b])
    ActivityReturnFactory(
        task=task,
        jurisdiction=unit_a,
        period_due=task.due_on,
        status=ReturnStatus.SUBMITTED,
        first_submitted_at=timezone.now() - dt.timedelta(days=3),
    )
    option = selectors.completeness_board(campaign, today=today).chart()
    assert not is_empty(option) and option["legend"]["show"] is True
    assert option["yAxis"]["minInterval"] == 1
    assert option["legend"]["top"] < option["grid"]["top"]  # the legend above the plot, never on it


@pytest.mark.django_db
def test_admin_board_says_no_rate_when_nothing_is_due(staff_client, campaign, task):
    page = staff_client.get(reverse("admin:campaigns_campaign_board", args=[campaign.pk])).content.decode()
    assert "报送率0%" not in page
    assert "报送率—（暂无应报）" in page


@pytest.mark.django_db
def test_admin_board_shows_the_rate_when_something_is_due(staff_client, campaign, unit_a, unit_b, today):
    task = CampaignTaskFactory(campaign=campaign, due_on=today - dt.timedelta(days=1), units=[unit_a, unit_b])
    ActivityReturnFactory(
        task=task,
        jurisdiction=unit_a,
        period_due=task.due_on,
        status=ReturnStatus.SUBMITTED,
        first_submitted_at=timezone.now() - dt.timedelta(days=3),
    )
    page = staff_client.get(reverse("admin:campaigns_campaign_board", args=[campaign.pk])).content.decode()
    assert "报送率50%" in page


def _row(name: str, due_slots: dict[str, int], rate: int) -> SimpleNamespace:
    due = due_slots["on_time"] + due_slots["late"] + due_slots["missing"]
    return SimpleNamespace(
        name=name, drillable=False, jurisdiction=None, due=due, slots=due_slots, filed_rate=rate, accepted=0,
        figure_list=[],
    )  # fmt: skip


def test_rollup_table_shows_a_dash_not_zero_per_cent_when_nothing_is_due():
    nothing = _row("灵秀社区", {"on_time": 0, "late": 0, "missing": 0, "pending": 2}, 0)
    half = _row("灵水社区", {"on_time": 1, "late": 0, "missing": 1, "pending": 0}, 50)
    total = _row("合计", {"on_time": 0, "late": 0, "missing": 0, "pending": 2}, 0)
    level = SimpleNamespace(total=total, labels=[], visible_rows=[nothing, half], unit=SimpleNamespace(name="灵源街道"))
    html = render_to_string(
        "campaigns/portal/cascade/_level_table.html", {"level": level, "drill_url": "?", "drill_join": ""}
    )
    assert "<td>0%</td>" not in html
    assert html.count('<span title="暂无应报">—</span>') == 2
    assert "50%" in html
