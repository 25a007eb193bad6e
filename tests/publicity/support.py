"""Helpers for the publicity tests: WeChat back-office exports built with openpyxl, and table fingerprints."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook

from tests.security.crawl import db_checksum

HEADER = ("发表时间", "标题", "阅读次数", "阅读人数", "分享次数", "点赞", "在看")
# What the back office adds around the columns the portal reads.
BACK_OFFICE_HEADER = (
    "内容标题",
    "发表时间",
    "总阅读人数",
    "总阅读次数",
    "总分享人数",
    "总分享次数",
    "阅读后关注人数",
    "点赞人数",
    "在看人数",
    "留言条数",
)


def xlsx(rows: Iterable[Sequence[Any]], *, title_row: str | None = None, header: Sequence[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "单篇数据"
    if title_row:
        sheet.append([title_row])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def publicity_checksum() -> dict[str, Any]:
    """Row count, latest updated_at and a hash of every row of the publicity tables."""
    return {label: value for label, value in db_checksum().items() if label.startswith("publicity.")}
