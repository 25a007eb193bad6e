"""Reading the statistics the WeChat official account's back office exports (公众号后台 → 内容分析, .xlsx).

The accepted header (see docs/publicity.md): one row naming at least 标题, 发表时间 and 阅读次数; optionally 阅读人数,
分享次数, 点赞 and 在看. Each column also answers to the back office's other names for it (``COLUMNS``). The header
may sit below a title row (it is looked for in the first ``HEADER_SEARCH_ROWS`` rows); columns the portal does not
use are ignored; blank rows and a final 合计/总计 row are skipped. Only the first sheet is read.

The file is inspected (``safetyportal.spreadsheets.inspect_xlsx``: size, parts, macros) before openpyxl opens it,
read-only. Every bad cell is reported as an ``ImportProblem`` with the sheet's own row number and the file's own
column name, in Chinese; one bad row means nothing is imported.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from safetyportal.spreadsheets import MAX_ROWS, ImportProblem, SpreadsheetRejected, inspect_xlsx, restore

HEADER_SEARCH_ROWS = 10
MAX_TITLE_LENGTH = 200
MAX_COUNT = 2_147_483_647

# Canonical field → the header names the back office has used for it, preferred first.
COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("标题", "内容标题", "文章标题", "图文标题"),
    "published": ("发表时间", "发布时间", "群发时间", "发送时间", "时间"),
    "reads": ("阅读次数", "总阅读次数", "图文阅读次数", "阅读量"),
    "read_users": ("阅读人数", "总阅读人数", "图文阅读人数"),
    "shares": ("分享次数", "总分享次数", "分享转发次数", "转发次数"),
    "likes": ("点赞", "点赞数", "点赞人数", "点赞次数"),
    "wows": ("在看", "在看数", "在看人数", "在看次数"),
}
REQUIRED = ("title", "published", "reads")
COUNT_FIELDS = ("reads", "read_users", "shares", "likes", "wows")
SUMMARY_TITLES = {"合计", "总计", "汇总"}

_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
)


class WechatImportError(Exception):
    """The file cannot be imported; ``problems`` lists every reason (nothing was changed)."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems


@dataclass(frozen=True)
class WechatRow:
    row: int  # the sheet's own row number
    title: str
    published_on: dt.date
    counts: dict[str, int]  # only the columns present in the file


def normalise_header(value: Any) -> str:
    text = "" if value is None else str(value)
    text = text.replace("（", "(").replace("）", ")")
    text = re.sub(r"\s+", "", text)
    return re.sub(r"\(.*?\)$", "", text)  # "阅读次数(次)" → "阅读次数"


def normalise_title(value: str) -> str:
    return " ".join(str(value).split())


def _find_header(rows: list[tuple[Any, ...]]) -> tuple[int, dict[str, int], dict[str, str]] | None:
    """(row index, field → column index, field → the file's own header text) of the header row."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = [normalise_header(cell) for cell in row]
        found: dict[str, int] = {}
        for name, aliases in COLUMNS.items():
            for alias in aliases:
                if alias in names:
                    found[name] = names.index(alias)
                    break
        if "title" in found and "published" in found:
            labels = {name: str(row[column]).strip() for name, column in found.items()}
            return index, found, labels
    return None


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20_000 <= value <= 80_000:  # an Excel serial date the cell was not formatted for
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
        if 19_000_101 <= value <= 29_991_231 and float(value).is_integer():
            value = str(int(value))
        else:
            return None
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_count(value: Any) -> int | None:
    """A non-negative integer from a cell (1234, 1234.0, "1,234", " 1234 "), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_COUNT else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and 0 <= value <= MAX_COUNT else None
    text = str(value).strip().replace(",", "").replace("，", "")
    if not text.isdigit():
        return None
    number = int(text)
    return number if number <= MAX_COUNT else None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_rows(data: bytes) -> list[tuple[Any, ...]]:
    """The first sheet's rows as tuples of cell values, after the safety inspection."""
    inspect_xlsx(data)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged file
        raise SpreadsheetRejected(_("无法读取文件，请确认是从公众号后台导出的.xlsx文件。")) from None
    try:
        if not workbook.worksheets:
            raise SpreadsheetRejected(_("文件中没有工作表。"))
        rows: list[tuple[Any, ...]] = []
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append(tuple(row))
            if len(rows) > MAX_ROWS:
                raise SpreadsheetRejected(_("行数超过上限（%(max)s行），请拆分后再导入。") % {"max": MAX_ROWS})
    except SpreadsheetRejected:
        raise
    except Exception:  # a damaged sheet part
        raise SpreadsheetRejected(_("无法读取文件，请确认是从公众号后台导出的.xlsx文件。")) from None
    finally:
        workbook.close()
    return rows


def parse_export(data: bytes) -> list[WechatRow]:
    """Every data row of an export, or WechatImportError listing every problem (SpreadsheetRejected for a file
    refused before parsing)."""
    rows = read_rows(data)
    header = _find_header(rows)
    expected = "、".join(f"“{COLUMNS[name][0]}”" for name in REQUIRED)
    if header is None:
        raise WechatImportError(
            [
                ImportProblem(
                    1,
                    "",
                    _("未找到表头：表头须包含%(columns)s列，请使用公众号后台导出的文件。") % {"columns": expected},
                )
            ]
        )
    header_index, columns, labels = header
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        names = "、".join(f"“{COLUMNS[name][0]}”" for name in missing)
        raise WechatImportError(
            [ImportProblem(header_index + 1, "", _("表头缺少必需的列：%(columns)s。") % {"columns": names})]
        )

    today = timezone.localdate()
    problems: list[ImportProblem] = []
    parsed: list[WechatRow] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        number = index + 1

        def cell(name: str, row: tuple[Any, ...] = row) -> Any:
            column = columns[name]
            value = row[column] if column < len(row) else None
            return restore(value.strip()) if isinstance(value, str) else value

        if all(_blank(value) for value in row):
            continue
        raw_title = cell("title")
        if isinstance(raw_title, str) and raw_title.strip() in SUMMARY_TITLES and _blank(cell("published")):
            continue
        row_problems: list[ImportProblem] = []
        title = normalise_title(raw_title) if not _blank(raw_title) else ""
        if not title:
            row_problems.append(ImportProblem(number, labels["title"], _("标题不能为空。")))
        elif len(title) > MAX_TITLE_LENGTH:
            row_problems.append(
                ImportProblem(number, labels["title"], _("标题超过%(n)s个字。") % {"n": MAX_TITLE_LENGTH})
            )
        raw_date = cell("published")
        published_on = None if _blank(raw_date) else parse_date(raw_date)
        if _blank(raw_date):
            row_problems.append(ImportProblem(number, labels["published"], _("发表时间不能为空。")))
        elif published_on is None:
            row_problems.append(
                ImportProblem(
                    number,
                    labels["published"],
                    _("“%(value)s”不是有效的日期，应如2024-06-16或2024-06-16 18:30。") % {"value": str(raw_date)[:40]},
                )
            )
        elif published_on > today:
            row_problems.append(ImportProblem(number, labels["published"], _("发表时间晚于今天。")))
        counts: dict[str, int] = {}
        for name in COUNT_FIELDS:
            if name not in columns:
                continue
            raw = cell(name)
            if _blank(raw):
                if name in REQUIRED:
                    row_problems.append(ImportProblem(number, labels[name], _("不能为空。")))
                else:
                    counts[name] = 0
                continue
            value = parse_count(raw)
            if value is None:
                row_problems.append(
                    ImportProblem(number, labels[name], _("“%(value)s”不是非负整数。") % {"value": str(raw)[:40]})
                )
            else:
                counts[name] = value
        if "read_users" in counts and "reads" in counts and counts["read_users"] > counts["reads"]:
            row_problems.append(ImportProblem(number, labels["read_users"], _("阅读人数不能多于阅读次数。")))
        if not row_problems and title and published_on is not None:
            key = (title, published_on)
            if key in seen:
                row_problems.append(
                    ImportProblem(
                        number, labels["title"], _("与第%(row)s行的标题和发表日期重复。") % {"row": seen[key]}
                    )
                )
            else:
                seen[key] = number
        if row_problems:
            problems.extend(row_problems)
        else:
            parsed.append(WechatRow(number, title, published_on, counts))  # type: ignore[arg-type]
    if problems:
        raise WechatImportError(problems)
    if not parsed:
        raise WechatImportError([ImportProblem(header_index + 1, "", _("表头下没有数据行。"))])
    return parsed
