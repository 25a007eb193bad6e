"""The WeChat back-office statistics import: matched by title and date, idempotent, all or nothing, every bad row
reported with its row and column in Chinese."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from publicity import services
from publicity.models import ItemKind, PublicityItem, WechatPush
from publicity.wechat import WechatImportError, parse_count, parse_date
from safetyportal.spreadsheets import SpreadsheetRejected
from tests.publicity.factories import ChannelFactory, PublicityItemFactory, VideoChannelFactory
from tests.publicity.support import BACK_OFFICE_HEADER, publicity_checksum, xlsx

pytestmark = pytest.mark.django_db

ROWS = [
    ("2024-06-16 18:30", "【安全生产月】人人讲安全、个个会应急", 5230, 4100, 310, 88, 41),
    ("2024-06-16 18:30", "【以案说法】一鞋业企业特种作业人员未持证上岗被处罚", 1830, 1500, 60, 12, 5),
    ("2024-06-17 18:00", "【应急科普】电动自行车安全充电", 2210, 1800, 95, 30, 12),
]


@pytest.fixture
def channel():
    return ChannelFactory()


def run(channel, data: bytes, **kwargs):
    return services.import_wechat_stats(data=data, channel=channel, **kwargs)


def test_import_creates_missing_articles_under_their_days_push(channel):
    result = run(channel, xlsx(ROWS))
    assert (result.created, result.updated, result.unchanged, result.pushes_created) == (3, 0, 0, 2)
    june_16 = WechatPush.objects.get(channel=channel, published_on=dt.date(2024, 6, 16))
    assert june_16.articles.count() == 2
    article = PublicityItem.objects.get(title=ROWS[0][1])
    assert article.kind == ItemKind.WECHAT_ARTICLE
    assert (article.reads, article.read_users, article.shares, article.likes, article.wows) == (5230, 4100, 310, 88, 41)
    assert article.stats_synced_at is not None


def test_import_updates_reads_of_existing_articles_without_duplicating_them(channel):
    existing = PublicityItemFactory(channel=channel, title=ROWS[0][1], published_on=dt.date(2024, 6, 16), reads=100)
    result = run(channel, xlsx(ROWS))
    assert (result.created, result.updated) == (2, 1)
    existing.refresh_from_db()
    assert existing.reads == 5230
    assert PublicityItem.objects.filter(title=ROWS[0][1]).count() == 1
    assert WechatPush.objects.filter(published_on=dt.date(2024, 6, 16)).count() == 1  # the existing push


def test_the_same_file_imported_twice_changes_nothing_the_second_time(channel):
    data = xlsx(ROWS)
    run(channel, data)
    before = publicity_checksum()
    stamps = list(PublicityItem.objects.order_by("pk").values_list("pk", "updated_at", "stats_synced_at"))

    second = run(channel, data)

    assert (second.created, second.updated, second.unchanged, second.pushes_created) == (0, 0, 3, 0)
    assert not second.changed
    assert publicity_checksum() == before
    assert list(PublicityItem.objects.order_by("pk").values_list("pk", "updated_at", "stats_synced_at")) == stamps


def test_a_later_export_updates_only_the_figures_that_grew(channel):
    run(channel, xlsx(ROWS))
    later = [(*ROWS[0][:2], 6000, 4700, 330, 90, 41), *ROWS[1:]]
    result = run(channel, xlsx(later))
    assert (result.updated, result.unchanged) == (1, 2)
    assert PublicityItem.objects.get(title=ROWS[0][1]).reads == 6000


def test_a_broken_row_imports_nothing_and_every_problem_is_named(channel):
    existing = PublicityItemFactory(channel=channel, title=ROWS[0][1], published_on=dt.date(2024, 6, 16), reads=100)
    before = publicity_checksum()
    rows = [
        *ROWS,
        ("2024-13-40", "日期错误的推文", 100, 90, 1, 1, 1),  # row 5
        ("2024-06-18", "", 100, 90, 1, 1, 1),  # row 6
        ("2024-06-18", "阅读数错误的推文", "十万+", 90, 1, 1, 1),  # row 7
        ("2024-06-18", "负数的推文", -5, 0, 0, 0, 0),  # row 8
        (None, None, None, None, None, None, None),  # blank: skipped
        ("2099-01-01", "未来的推文", 1, 1, 0, 0, 0),  # row 10
    ]
    with pytest.raises(WechatImportError) as caught:
        run(channel, xlsx(rows))
    messages = [str(problem) for problem in caught.value.problems]
    assert messages == [
        "第5行，“发表时间”：“2024-13-40”不是有效的日期，应如2024-06-16或2024-06-16 18:30。",
        "第6行，“标题”：标题不能为空。",
        "第7行，“阅读次数”：“十万+”不是非负整数。",
        "第8行，“阅读次数”：“-5”不是非负整数。",
        "第10行，“发表时间”：发表时间晚于今天。",
    ]
    assert publicity_checksum() == before
    existing.refresh_from_db()
    assert existing.reads == 100


def test_one_bad_row_among_many_good_ones_imports_nothing(channel):
    rows = [(f"2024-03-{1 + i % 28:02d}", f"推文{i}", 100 + i, 50, 1, 1, 1) for i in range(500)]
    rows[321] = ("2024-03-05", f"推文{321}", "abc", 50, 1, 1, 1)
    before = publicity_checksum()
    with pytest.raises(WechatImportError) as caught:
        run(channel, xlsx(rows))
    assert [str(p) for p in caught.value.problems] == ["第323行，“阅读次数”：“abc”不是非负整数。"]
    assert publicity_checksum() == before


def test_the_back_office_layout_is_accepted_title_row_extra_columns_and_total_row(channel):
    rows = [
        (ROWS[0][1], dt.datetime(2024, 6, 16, 18, 30), 4100, 5230, 200, 310, 7, 88, 41, 3),
        (ROWS[2][1], "2024/06/17", 1800, 2210, 80, 95, 2, 30, 12, 0),
        ("合计", None, 5900, 7440, 280, 405, 9, 118, 53, 3),
    ]
    data = xlsx(rows, title_row="晋江应急管理 内容分析 2024-06-01至2024-06-30", header=BACK_OFFICE_HEADER)
    result = run(channel, data)
    assert result.created == 2
    article = PublicityItem.objects.get(title=ROWS[0][1])
    assert (article.reads, article.read_users, article.shares, article.likes, article.wows) == (5230, 4100, 310, 88, 41)


def test_rows_are_numbered_as_in_the_sheet_when_a_title_row_is_above_the_header(channel):
    data = xlsx(
        [("2024-06-16", "好的推文", 10), ("2024-06-16", "坏的推文", "x")],
        title_row="内容分析",
        header=("发表时间", "标题", "阅读次数"),
    )
    with pytest.raises(WechatImportError) as caught:
        run(channel, data)
    assert [str(p) for p in caught.value.problems] == ["第4行，“阅读次数”：“x”不是非负整数。"]


def test_a_file_without_the_header_is_refused_in_chinese(channel):
    with pytest.raises(WechatImportError) as caught:
        run(channel, xlsx([("2024-06-16", "推文", 10)], header=("日期", "名称", "数量")))
    assert str(caught.value.problems[0]).startswith("第1行：未找到表头")
    with pytest.raises(WechatImportError) as caught:
        run(channel, xlsx([("2024-06-16", "推文", 10)], header=("发表时间", "标题", "分享次数")))
    assert str(caught.value.problems[0]) == "第1行：表头缺少必需的列：“阅读次数”。"


def test_duplicate_rows_in_the_file_are_reported(channel):
    with pytest.raises(WechatImportError) as caught:
        run(channel, xlsx([ROWS[0], ROWS[0]]))
    assert [str(p) for p in caught.value.problems] == ["第3行，“标题”：与第2行的标题和发表日期重复。"]


def test_without_create_missing_an_unknown_article_is_an_error_and_nothing_changes(channel):
    PublicityItemFactory(channel=channel, title=ROWS[0][1], published_on=dt.date(2024, 6, 16), reads=100)
    before = publicity_checksum()
    with pytest.raises(WechatImportError) as caught:
        run(channel, xlsx(ROWS), create_missing=False)
    assert [p.row for p in caught.value.problems] == [3, 4]
    assert "未找到标题为" in str(caught.value.problems[0])
    assert publicity_checksum() == before


def test_titles_match_whatever_their_spacing(channel):
    PublicityItemFactory(channel=channel, title="【以案说法】 一起 事故", published_on=dt.date(2024, 6, 16), reads=1)
    result = run(
        channel,
        xlsx(
            [("2024-06-16", " 【以案说法】一起  事故 ".replace("】一", "】 一"), 50)],
            header=("发表时间", "标题", "阅读次数"),
        ),
    )
    assert (result.created, result.updated) == (0, 1)


def test_an_article_of_another_account_is_not_matched(channel):
    other = ChannelFactory(name="另一个公众号")
    PublicityItemFactory(channel=other, title=ROWS[0][1], published_on=dt.date(2024, 6, 16), reads=1)
    run(channel, xlsx(ROWS[:1]))
    assert PublicityItem.objects.filter(title=ROWS[0][1]).count() == 2
    assert PublicityItem.objects.get(channel=other).reads == 1


def test_only_a_wechat_account_can_receive_the_import():
    with pytest.raises(WechatImportError):
        run(VideoChannelFactory(), xlsx(ROWS))


@pytest.mark.parametrize(
    "data",
    [
        b"not a spreadsheet",
        "发表时间,标题,阅读次数\n2024-06-16,推文,10\n".encode("gb18030"),
        b"",
    ],
)
def test_files_that_are_not_xlsx_are_refused_before_parsing(channel, data):
    with pytest.raises(SpreadsheetRejected):
        run(channel, data)


def test_an_xlsm_with_macros_is_refused(channel):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        with zipfile.ZipFile(io.BytesIO(xlsx(ROWS))) as source:
            for entry in source.infolist():
                archive.writestr(entry, source.read(entry))
        archive.writestr("xl/vbaProject.bin", b"\x00" * 64)
    with pytest.raises(SpreadsheetRejected, match="宏"):
        run(channel, buffer.getvalue())


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(channel):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(io.BytesIO(xlsx(ROWS))) as source:
            for entry in source.infolist():
                archive.writestr(entry, source.read(entry))
        archive.writestr("xl/media/padding.bin", b"\x00" * (301 * 1024 * 1024))
    assert len(buffer.getvalue()) < 2 * 1024 * 1024
    with pytest.raises(SpreadsheetRejected, match="解压后过大"):
        run(channel, buffer.getvalue())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2024, 6, 16, 18, 30), dt.date(2024, 6, 16)),
        ("2024-06-16 18:30:00", dt.date(2024, 6, 16)),
        ("2024/6/16", dt.date(2024, 6, 16)),
        ("2024年6月16日", dt.date(2024, 6, 16)),
        (20240616, dt.date(2024, 6, 16)),
        (45459.75, dt.date(2024, 6, 16)),
        ("昨天", None),
        (True, None),
    ],
)
def test_dates_in_the_forms_the_back_office_writes(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1234, 1234), (1234.0, 1234), ("1,234", 1234), (" 12 ", 12), (12.5, None), (-1, None), ("10万+", None)],
)
def test_counts(value, expected):
    assert parse_count(value) == expected
