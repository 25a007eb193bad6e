"""The ranking as an xlsx workbook: one sheet named after the period (e.g. 2024年第二季度考核排名), figures as numbers,
the file named e.g. 2024年第二季度安全生产考核排名.xlsx."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from safetyportal.spreadsheets import XLSX_CONTENT_TYPE, attachment_response, write_xlsx

from .assessment_selectors import NOT_RANKED, Scoring


def filename(scoring: Scoring) -> str:
    return _("%(label)s安全生产考核排名.xlsx") % {"label": scoring.label}


def sheet_name(scoring: Scoring) -> str:
    return _("%(label)s考核排名") % {"label": scoring.label}


def rows(scoring: Scoring) -> list[list[Any]]:
    header = [
        _("名次"),
        _("单位"),
        *[f"{item.name}（{item.points}分）" for item in scoring.items],
        _("总分"),
        _("样本数"),
        _("备注"),
    ]
    lines: list[list[Any]] = [header]
    for row in scoring.rows:
        lines.append(
            [
                row.rank if row.rank is not None else NOT_RANKED,
                row.name,
                *[float(s.score) for s in row.scores],
                float(row.total),
                row.sample,
                "" if row.ranked else NOT_RANKED,
            ]
        )
    return lines


def workbook_bytes(scoring: Scoring) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(rows(scoring), title=sheet_name(scoring), target=buffer)
    return buffer.getvalue()


def xlsx_response(scoring: Scoring) -> HttpResponse:
    return attachment_response(workbook_bytes(scoring), filename=filename(scoring), content_type=XLSX_CONTENT_TYPE)
