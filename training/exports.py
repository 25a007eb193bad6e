"""Statistics exports (xlsx and csv): every cell passes through ``neutralise()``."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl

from safetyportal.spreadsheets import neutralise

from . import selectors


def statistics_tables(year: int) -> list[tuple[str, list[list[Any]]]]:
    stats = selectors.yearly_statistics(year)
    items = [["操作项目", "新取证（人）", "复审合格（人）"]]
    items += [[row["label"], row["new"], row["reviewed"]] for row in stats["items"]]
    items.append(["合计", stats["total_new"], stats["total_reviewed"]])
    categories = [["培训类别", "培训班（场）", "报名（人次）", "参训（人次）"]]
    categories += [[row["label"], row["sessions"], row["enrolled"], row["attended"]] for row in stats["categories"]]
    sessions = [
        ["培训班名称", "培训类别", "开始日期", "结束日期", "地点", "培训机构", "学时", "报名（人次）", "参训（人次）"]
    ]
    sessions += [
        [
            s.name,
            s.get_category_display(),
            s.starts_on,
            s.ends_on,
            s.place,
            s.institution.name if s.institution else "",
            float(s.hours),
            s.enrolled,
            s.attended,
        ]
        for s in selectors.sessions_of_year(year)
    ]
    return [
        (f"{year}年取证和复审", items),
        (f"{year}年培训班", categories),
        ("培训班明细", sessions),
    ]


def statistics_xlsx(year: int) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    for title, rows in statistics_tables(year):
        sheet = book.create_sheet(title=title[:31])
        for row in rows:
            sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def statistics_csv(year: int) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for title, rows in statistics_tables(year):
        writer.writerow([neutralise(title)])
        for row in rows:
            writer.writerow([neutralise(value) for value in row])
        writer.writerow([])
    return "\ufeff" + buffer.getvalue()
