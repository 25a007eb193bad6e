"""Spreadsheet resources: visits import all or nothing and idempotently; the items export is Chinese and inert."""

from __future__ import annotations

import datetime as dt

import pytest
import tablib

from publicity.models import Visit
from publicity.resources import PublicityItemResource, VisitResource
from safetyportal.spreadsheets import describe_problems
from tests.publicity.factories import ChannelFactory, EducationBaseFactory, PublicityItemFactory, make_campaign
from tests.publicity.support import publicity_checksum

pytestmark = pytest.mark.django_db

HEADERS = ["场馆", "参观日期", "参观单位/群体", "群体类型", "参观人数", "备注"]


def visits(rows):
    return tablib.Dataset(*rows, headers=HEADERS)


def test_visits_import_and_a_second_run_changes_nothing(staff_user):
    EducationBaseFactory()
    data = visits(
        [
            ("崎山安全文化主题公园", "2024-06-16", "青阳中心小学师生", "学校", 45, ""),
            ("崎山安全文化主题公园", "2024-06-17", "安海镇企业安全管理人员", "企业", 30, ""),
        ]
    )
    result = VisitResource().import_data(data, user=staff_user)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Visit.objects.count() == 2
    before = publicity_checksum()
    VisitResource().import_data(data, user=staff_user)
    assert publicity_checksum() == before


def test_a_bad_visit_row_imports_nothing_and_is_reported(staff_user):
    EducationBaseFactory()
    before = publicity_checksum()
    data = visits(
        [
            ("崎山安全文化主题公园", "2024-06-16", "青阳中心小学师生", "学校", 45, ""),
            ("不存在的公园", "2024-06-17", "某企业员工", "企业", 30, ""),
            ("崎山安全文化主题公园", "2024-06-18", "某社区居民", "居民", 0, ""),
        ]
    )
    resource = VisitResource()
    result = resource.import_data(data, user=staff_user)
    problems = [str(problem) for problem in describe_problems(resource, result)]
    assert problems == [
        "第3行：未找到宣教基地与主题公园“不存在的公园”。",
        "第4行，“群体类型”：“居民”不是有效的选项，可选：企业、学校、机关事业单位、社区/村、其他。",
        "第4行，“参观人数”：确保该值大于或等于1。",
    ]
    assert publicity_checksum() == before
    assert not Visit.objects.exists()


def test_items_export_has_chinese_columns_and_inert_cells():
    campaign = make_campaign()
    PublicityItemFactory(
        channel=ChannelFactory(name="@晋江应急管理"),
        title='=HYPERLINK("http://x")',
        campaign=campaign,
        published_on=dt.date(2024, 6, 16),
    )
    dataset = PublicityItemResource().export()
    assert dataset.headers[:6] == ["ID", "类型", "载体", "所属活动", "标题", "发布日期"]
    row = dataset.dict[0]
    assert row["类型"] == "微信推文"
    assert row["标题"] == '\'=HYPERLINK("http://x")'
    assert row["载体"] == "'@晋江应急管理"
    assert row["所属活动"] == "2024年安全生产月"
