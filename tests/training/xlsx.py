"""Build certificate spreadsheets the way training institutions hand them over."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl

from safetyportal.validators import id_check_digit
from training.models import add_years

HEADER = [
    "姓名",
    "性别",
    "身份证号",
    "作业类别",
    "操作项目",
    "初领日期",
    "有效期限（起）",
    "有效期限（止）",
    "发证机关",
]


def id_number(index: int, county: str = "350582") -> str:
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=index % 12_000)
    body = f"{county}{birth:%Y%m%d}{(index // 12_000) % 1000:03d}"
    return body + id_check_digit(body)


def certificate_rows(count: int, start: int = 0) -> list[list[Any]]:
    rows = []
    for i in range(start, start + count):
        issued = dt.date(2024, 1, 1) + dt.timedelta(days=i % 300)
        rows.append(
            [
                f"学员{i}",
                "男" if i % 2 else "女",
                id_number(i),
                "电工作业",
                "低压电工作业",
                issued,
                issued,
                add_years(issued, 6) - dt.timedelta(days=1),
                "晋江市应急管理局",
            ]
        )
    return rows


def workbook(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("证书")
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
