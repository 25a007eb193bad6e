"""What a campaign summary says: the narrative skeleton staff edit, and the statistics workbook (xlsx).

The skeleton follows the structure of a district's published summary (shared/seeds/002: 基本情况, 主要做法, 特色亮点,
存在问题, 下一步打算) and fills in the standard sentences ("共开展…场次、参与…人次、发放宣传资料…份、曝光典型案例…个")
from the accepted returns, so that staff only edit."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from safetyportal.spreadsheets import neutralise

from .models import MATERIALS, CampaignKind
from .selectors import Board, SlotState, SummaryFigures


def _theme(figures: SummaryFigures) -> str:
    campaign = figures.campaign
    theme = (
        campaign.national_theme or campaign.local_theme or (campaign.parent.national_theme if campaign.parent else "")
    )
    return theme


def _unit_word(figures: SummaryFigures) -> str:
    jurisdiction = figures.campaign.jurisdiction
    if jurisdiction is None:
        return _("全国")
    if jurisdiction.level == "county":
        return _("全市")
    return _("全%(kind)s") % {"kind": jurisdiction.kind or _("辖区")}


def draft_narrative(figures: SummaryFigures) -> str:
    campaign = figures.campaign
    totals = figures.totals
    whole = _unit_word(figures)
    theme = _theme(figures)
    if campaign.kind == CampaignKind.SAFETY_MONTH and campaign.edition:
        opening = _("今年6月是%(edition)s全国“安全生产月”") % {"edition": campaign.edition}
    else:
        opening = _("%(year)s年%(name)s期间") % {"year": campaign.year, "name": campaign.name}
    theme_text = _("，主题是“%(theme)s”") % {"theme": theme} if theme else ""
    figures_text = _(
        "活动期间，%(whole)s共开展各类活动%(sessions)s场次，参与%(participants)s人次，发放%(materials)s，"
        "主流媒体报道%(media)s条，曝光典型案例%(exposures)s个。"
    ) % {
        "whole": whole,
        "sessions": f"{totals['sessions']:,}",
        "participants": f"{totals['participants']:,}",
        "materials": figures.materials_text(),
        "media": f"{totals['media_reports']:,}",
        "exposures": f"{totals['exposures'] + figures.exposure_cases:,}",
    }
    top_types = "；".join(
        _("%(label)s%(sessions)s场次、%(participants)s人次")
        % {"label": row["label"], "sessions": f"{row['sessions']:,}", "participants": f"{row['participants']:,}"}
        for row in [row for row in figures.types if row["sessions"]][:6]
    )
    late = figures.late_units
    if late:
        problems = _("一是信息报送不够及时，%(units)s等%(n)s个单位存在逾期报送情况。") % {
            "units": "、".join(row["unit"] for row in late[:5]),
            "n": len(late),
        }
    else:
        problems = _("一是各单位均按时报送活动信息，但部分报送内容较为简单，特色做法总结提炼不够。")
    lines = [
        _("一、基本情况"),
        _(
            "%(opening)s%(theme)s。%(whole)s紧紧围绕活动主题，加大宣传教育培训力度，推进安全文化建设，确保活动丰富多彩、扎实有效。"
        )
        % {"opening": opening, "theme": theme_text, "whole": whole},
        figures_text,
        _("二、主要做法"),
        _("（一）领导高度重视，加强组织领导。（请补充：领导部署、组织机构、方案制定等情况。）"),
        _("（二）突出重点宣传，强化全民教育。按活动类型统计：%(types)s。") % {"types": top_types or _("暂无")},
        _("（三）抓住活动机遇，推进隐患整治。（请补充：隐患排查整治、典型案例曝光等情况。）"),
        _("三、特色亮点"),
        _("（请填写：本次活动的特色做法和亮点。）"),
        _("四、存在问题"),
        problems,
        _("五、下一步打算"),
        _(
            "下一步，%(whole)s将继续围绕“%(theme)s”主题，广泛开展各种贴近实际、贴近生活、贴近群众的安全生产宣传教育培训活动，"
            "弘扬安全文化、普及安全知识、提高安全素养、凝聚社会共识，为促进安全生产形势持续稳定好转提供有力保障。"
        )
        % {"whole": whole, "theme": theme or campaign.name},
    ]
    return "\n".join(lines)


# --- Workbook --------------------------------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list[Any]], *, first: bool = False) -> None:
    sheet = book.active if first else book.create_sheet()
    sheet.title = title
    sheet.append([neutralise(value) for value in header])
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    for index, name in enumerate(header, 1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(str(name)) * 2 + 4))
    sheet.freeze_panes = "A2"


def figure_headers() -> list[str]:
    return [
        _("开展场次（场）"),
        _("参与人数（人次）"),
        *[f"{label}（{unit}）" for _name, label, unit in MATERIALS],
        _("媒体报道（条）"),
        _("曝光典型案例（个）"),
    ]


def _figures_row(row: dict[str, Any]) -> list[int]:
    return [
        row["sessions"],
        row["participants"],
        *[row[name] for name, _label, _unit in MATERIALS],
        row["media_reports"],
        row["exposures"],
    ]


def summary_workbook(figures: SummaryFigures, board: Board) -> bytes:
    """The summary's statistics as an xlsx: totals, per unit, per activity type, reporting completeness. Every cell
    goes through neutralise(): unit names or titles never run as formulas."""
    book = Workbook()
    totals = figures.totals
    _sheet(
        book,
        _("汇总"),
        [_("项目"), _("数量")],
        [
            [_("已审核报送（份）"), totals["returns"]],
            [_("开展场次（场）"), totals["sessions"]],
            [_("参与人数（人次）"), totals["participants"]],
            *[[f"{label}（{unit}）", totals[name]] for name, label, unit in MATERIALS],
            [_("媒体报道（条）"), totals["media_reports"]],
            [_("报送中曝光典型案例（个）"), totals["exposures"]],
            [_("曝光台公开案例（个）"), figures.exposure_cases],
            *[[str(label), value] for label, value in figures.publicity.items()],
        ],
        first=True,
    )
    _sheet(
        book,
        _("各单位统计"),
        [_("序号"), _("单位"), _("已审核报送（份）"), *figure_headers(), _("曝光台公开案例（个）")],
        [
            [index, row["unit"], row["returns"], *_figures_row(row), row["exposure_cases"]]
            for index, row in enumerate(figures.units, 1)
        ]
        + [[_("合计"), "", totals["returns"], *_figures_row(totals), figures.exposure_cases]],
    )
    _sheet(
        book,
        _("按活动类型"),
        [_("活动类型"), _("报送（份）"), _("开展场次（场）"), _("参与人数（人次）")],
        [[row["label"], row["returns"], row["sessions"], row["participants"]] for row in figures.types],
    )
    _sheet(
        book,
        _("报送完成情况"),
        [_("单位"), *[column.label for column in board.columns], *SlotState.LABELS.values()],
        [
            [row.unit.name, *[cell.label for cell in row.cells], *[row.counts[state] for state in SlotState.LABELS]]
            for row in board.rows
        ],
    )
    _sheet(
        book,
        _("逾期报送单位"),
        [_("单位"), _("逾期报送（份）"), _("最长逾期（天）")],
        [[row["unit"], row["returns"], row["days"]] for row in figures.late_units],
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def board_workbook(board: Board) -> bytes:
    """The completeness board alone, for its export button."""
    book = Workbook()
    _sheet(
        book,
        _("报送完成情况"),
        [_("单位"), *[column.label for column in board.columns], *SlotState.LABELS.values()],
        [
            [row.unit.name, *[cell.label for cell in row.cells], *[row.counts[state] for state in SlotState.LABELS]]
            for row in board.rows
        ],
        first=True,
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
