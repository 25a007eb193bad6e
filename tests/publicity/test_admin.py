"""Staff pages: the figures page with its charts, the xlsx export, the PDF report, the WeChat import page, the
screen calendar, the changelists (constant queries) and permissions."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from publicity.models import PublicityItem
from safetyportal.documents import services as document_services
from safetyportal.documents.models import DocumentStatus, GeneratedDocument
from tests.core.documents_support import pdf_text
from tests.core.factories import StaffUserFactory
from tests.publicity.factories import (
    ChannelFactory,
    PublicityItemFactory,
    ScreenPlacementFactory,
    VideoFactory,
    VisitFactory,
    make_campaign,
)
from tests.publicity.support import publicity_checksum, xlsx
from tests.security.crawl import inline_code

pytestmark = pytest.mark.django_db

FIGURES = reverse("admin:publicity_publicityitem_figures")
EXPORT = reverse("admin:publicity_publicityitem_figures_export")
REPORT = reverse("admin:publicity_publicityitem_figures_report")
IMPORT = reverse("admin:publicity_publicityitem_wechat_import")
CALENDAR = reverse("admin:publicity_screenplacement_calendar")


@pytest.fixture
def staff(staff_user) -> Client:
    client = Client()
    client.force_login(staff_user)
    return client


@pytest.fixture
def no_broker(monkeypatch):
    published: list[int] = []
    monkeypatch.setattr(document_services, "enqueue", lambda pk: published.append(pk) or True)
    return published


def make_year(size: int = 12, campaign=None) -> None:
    for month in range(1, 13):
        for index in range(max(1, size // 12)):
            PublicityItemFactory(published_on=dt.date(2024, month, 1 + index % 28), reads=120_000, campaign=campaign)
        VideoFactory(published_on=dt.date(2024, month, 3), plays=2000 * month, campaign=campaign)
        VisitFactory(visited_on=dt.date(2024, month, 9), visitors=40 + month, campaign=campaign)
    ScreenPlacementFactory(item__campaign=campaign)


def chart_options(html: str) -> list[dict]:
    blocks = re.findall(r'<script id="(chart-[0-9a-f]+-data)" type="application/json">(.*?)</script>', html, re.S)
    return [json.loads(body) for _id, body in blocks]


def test_figures_page_renders_with_no_data(staff):
    response = staff.get(FIGURES)
    assert response.status_code == 200
    html = response.content.decode()
    options = chart_options(html)
    assert len(options) == 5
    assert all(option["graphic"][0]["style"]["text"] == "暂无数据" for option in options)
    assert not any(option["legend"]["show"] for option in options)
    assert "暂无宣传统计数据" in html
    assert "vendor/echarts/echarts.min.js" in html and "js/charts.js" in html
    assert inline_code(html) == []


def test_figures_page_renders_a_year_of_data(staff):
    campaign = make_campaign()
    make_year(campaign=campaign)
    response = staff.get(FIGURES, {"year": 2024})
    assert response.status_code == 200
    html = response.content.decode()
    options = chart_options(html)
    assert len(options) == 6  # five monthly charts and the campaigns chart
    articles = options[0]
    assert articles["xAxis"]["data"] == [f"{m}月" for m in range(1, 13)]
    assert articles["series"][1]["data"] == [1] * 12
    assert options[1]["series"][0]["data"] == [120_000 + 0] * 12
    assert "graphic" not in articles and articles["legend"]["show"]
    visits = options[4]
    assert [series["name"] for series in visits["series"]] == ["参观人次", "参观批次"]
    assert visits["series"][0]["data"] == [40 + m for m in range(1, 13)]
    assert visits["series"][1] == {**visits["series"][1], "type": "line", "yAxisIndex": 1, "data": [1] * 12}
    assert "累计发布微信推文12期、12篇次" in html
    assert "每月阅读量均超10万" in html
    assert "2024年安全生产月" in html


def test_figures_page_filters_by_campaign(staff):
    campaign = make_campaign()
    make_year(campaign=campaign)
    PublicityItemFactory(published_on=dt.date(2024, 5, 5))  # outside the campaign
    response = staff.get(FIGURES, {"year": 2024, "campaign": campaign.pk})
    assert response.context["figures"].totals["articles"] == 12
    assert staff.get(FIGURES, {"year": 2024}).context["figures"].totals["articles"] == 13


def test_figures_page_ignores_bad_filters(staff):
    response = staff.get(FIGURES, {"year": "abc", "campaign": "9999"})
    assert response.status_code == 200


def _queries(client: Client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_figures_page_queries_do_not_grow_with_the_data(staff):
    campaign = make_campaign()
    make_year(12, campaign)
    small = _queries(staff, FIGURES, year=2024)
    make_year(120, make_campaign(name="安康杯竞赛"))
    assert _queries(staff, FIGURES, year=2024) == small


def test_export_is_an_xlsx_of_the_figures_with_every_cell_neutralised(staff):
    campaign = make_campaign(name='=HYPERLINK("http://x","点我")')
    make_year(campaign=campaign)
    PublicityItemFactory(channel=ChannelFactory(name="@SUM(1)"), published_on=dt.date(2024, 2, 2))
    response = staff.get(EXPORT, {"year": 2024})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["年度合计", "月度统计", "按活动统计", "按载体统计"]
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.value for cell in cells if cell.data_type == "f"]
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert "'@SUM(1)" in texts
    assert not [text for text in texts if text[:1] in ("=", "+", "-", "@", "\t", "\r")]
    months = workbook["月度统计"]
    assert [months.cell(row=r, column=1).value for r in (2, 13, 14)] == ["1月", "12月", "合计"]


def test_the_report_pdf_is_requested_and_renders_with_charts(staff, no_broker, django_capture_on_commit_callbacks):
    make_year()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(REPORT, {"year": 2024})
    assert response.status_code == 302
    document = GeneratedDocument.objects.get(kind="publicity_report")
    assert no_broker == [document.pk]
    assert document.title == "2024年安全生产宣传工作统计报告"
    document = document_services.render(document_id=document.pk)
    assert document.status == DocumentStatus.DONE, document.error
    text = re.sub(r"\s+", "", pdf_text(document.file.path))
    assert "2024年安全生产宣传工作统计报告" in text
    assert "累计发布微信推文12期、12篇次" in text
    assert "各月阅读量" in text  # the SVG chart's title, kept as text
    assert document.title in staff.get(FIGURES, {"year": 2024}).content.decode()


def test_the_report_of_an_empty_year_renders(staff, no_broker):
    staff.post(REPORT, {"year": 2031})
    document = GeneratedDocument.objects.get(kind="publicity_report")
    document = document_services.render(document_id=document.pk)
    assert document.status == DocumentStatus.DONE, document.error
    assert "暂无宣传统计数据" in re.sub(r"\s+", "", pdf_text(document.file.path))


def test_the_report_takes_a_post(staff):
    assert staff.get(REPORT).status_code == 405


def test_import_page_imports_and_logs(staff):
    channel = ChannelFactory()
    upload = SimpleUploadedFile("内容分析.xlsx", xlsx([("2024-06-16", "推文甲", 100, 90, 1, 1, 1)]))
    response = staff.post(IMPORT, {"channel": channel.pk, "file": upload, "create_missing": "on"}, follow=True)
    assert response.status_code == 200
    assert "导入完成" in response.content.decode()
    assert PublicityItem.objects.get().title == "推文甲"
    from django.contrib.admin.models import LogEntry

    assert "内容分析.xlsx" in LogEntry.objects.get().get_change_message()


def test_import_page_lists_every_problem_and_imports_nothing(staff):
    channel = ChannelFactory()
    before = publicity_checksum()
    data = xlsx([("2024-06-16", "推文甲", "很多", 90, 1, 1, 1), ("坏日期", "推文乙", 1, 1, 1, 1, 1)])
    response = staff.post(IMPORT, {"channel": channel.pk, "file": SimpleUploadedFile("a.xlsx", data)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "导入失败，未导入任何数据。共2处错误" in html
    assert "第2行，“阅读次数”：“很多”不是非负整数。" in html
    assert "第3行，“发表时间”" in html
    assert publicity_checksum() == before


def test_import_page_refuses_a_file_that_is_not_xlsx(staff):
    channel = ChannelFactory()
    upload = SimpleUploadedFile("a.xlsx", b"PK not really")
    response = staff.post(IMPORT, {"channel": channel.pk, "file": upload})
    assert "文件不是有效的Excel" in response.content.decode()
    upload = SimpleUploadedFile("a.xls", b"\xd0\xcf\x11\xe0")
    response = staff.post(IMPORT, {"channel": channel.pk, "file": upload})
    assert "请上传.xlsx文件" in response.content.decode()


def test_view_only_staff_cannot_import_or_export(db):
    user = StaffUserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_publicityitem"))
    client = Client()
    client.force_login(user)
    assert client.get(FIGURES).status_code == 200
    assert client.get(EXPORT).status_code == 403
    assert client.post(REPORT, {"year": 2024}).status_code == 403
    assert client.get(IMPORT).status_code == 403
    html = client.get(reverse("admin:publicity_publicityitem_changelist")).content.decode()
    assert IMPORT not in html


def test_officers_and_anonymous_users_never_reach_the_staff_pages(client, officer_a):
    for url in (FIGURES, EXPORT, IMPORT, CALENDAR):
        assert client.get(url).status_code == 302  # to the admin login
    client.force_login(officer_a)
    for url in (FIGURES, EXPORT, IMPORT, CALENDAR):
        assert client.get(url).status_code == 302


def test_calendar_shows_the_month_on_air(staff):
    placement = ScreenPlacementFactory()
    response = staff.get(CALENDAR, {"month": "2024-06"})
    html = response.content.decode()
    assert response.status_code == 200
    assert inline_code(html) == []
    assert "屏幕投放日历：2024年6月" in html
    assert html.count(reverse("admin:publicity_screenplacement_change", args=[placement.pk])) == 31  # 30 days + list
    assert "本月在播屏数峰值 <strong>110</strong> 部" in html


def test_calendar_defaults_to_the_latest_month_with_placements(staff):
    ScreenPlacementFactory()
    assert "2024年6月" in staff.get(CALENDAR).content.decode()
    assert staff.get(CALENDAR, {"month": "bad"}).status_code == 200


def test_calendar_queries_do_not_grow_with_the_placements(staff):
    ScreenPlacementFactory()
    small = _queries(staff, CALENDAR, month="2024-06")
    for day in range(1, 20):
        ScreenPlacementFactory(starts_on=dt.date(2024, 6, day), item__title=f"公益广告{day}")
    assert _queries(staff, CALENDAR, month="2024-06") == small


@pytest.mark.parametrize(
    "name",
    [
        "admin:publicity_publicityitem_changelist",
        "admin:publicity_wechatpush_changelist",
        "admin:publicity_screenplacement_changelist",
        "admin:publicity_visit_changelist",
        "admin:publicity_educationbase_changelist",
    ],
)
def test_changelists_run_a_constant_number_of_queries(staff, name):
    campaign = make_campaign()
    make_year(12, campaign)
    url = reverse(name)
    small = _queries(staff, url)
    make_year(48, make_campaign(name="安康杯竞赛"))
    assert _queries(staff, url) == small


def test_saving_an_article_in_the_admin_files_it_under_its_days_push(staff):
    channel = ChannelFactory()
    data = {
        "kind": "wechat_article",
        "channel": channel.pk,
        "title": "新推文",
        "published_on": "2024-06-16",
        "link": "https://mp.weixin.qq.com/s/abc",
        "is_published": "on",
        **dict.fromkeys(
            ["reads", "read_users", "shares", "likes", "wows", "plays", "placements_count", "copies_printed"], 0
        ),
        "copies_distributed": 0,
        "placements-TOTAL_FORMS": 0,
        "placements-INITIAL_FORMS": 0,
    }
    response = staff.post(reverse("admin:publicity_publicityitem_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    item = PublicityItem.objects.get()
    assert item.push.published_on == dt.date(2024, 6, 16)


def test_the_admin_refuses_a_javascript_link(staff):
    channel = ChannelFactory()
    data = {
        "kind": "wechat_article",
        "channel": channel.pk,
        "title": "新推文",
        "published_on": "2024-06-16",
        "link": "javascript:alert(1)",
        **dict.fromkeys(
            ["reads", "read_users", "shares", "likes", "wows", "plays", "placements_count", "copies_printed"], 0
        ),
        "copies_distributed": 0,
        "placements-TOTAL_FORMS": 0,
        "placements-INITIAL_FORMS": 0,
    }
    response = staff.post(reverse("admin:publicity_publicityitem_add"), data)
    assert response.status_code == 200
    assert not PublicityItem.objects.exists()
