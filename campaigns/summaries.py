"""What a campaign summary says: the narrative skeleton staff edit, and the statistics workbook (xlsx).

The skeleton follows the structure of a district's published summary (shared/seeds/002: 基本情况, 主要做法, 特色亮点,
存在问题, 下一步打算) and fills in the standard sentences ("共开展…场次、参与…人次、发放宣传资料…份、曝光典型案例…个")
from the figures (campaigns/figures.py), so that staff only edit. The sentences keep the figures' categories apart:
the units' returns for the whole area, drills and skills training as their own "其中" figure (shared/seeds/000), and
the exposure platform's published cases in a sentence of their own."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from safetyportal.spreadsheets import neutralise

from .figures import GROUP_LABELS, SummaryFigures
from .models import MATERIALS, CampaignKind
from .selectors import Board, SlotState

UNREPORTED_NAMES_SHOWN = 10
ORDINALS = ("一", "二", "三", "四", "五")


def _theme(figures: SummaryFigures) -> str:
    campaign = figures.campaign
    if campaign is None:
        return ""
    return (
        campaign.national_theme or campaign.local_theme or (campaign.parent.national_theme if campaign.parent else "")
    )


def figures_sentence(figures: SummaryFigures) -> str:
    """The standard sentence of 基本情况: the returns' figures for the whole area, drills and training apart, and
    the exposure platform's cases in a sentence of their own (never added to the units' exposures)."""
    totals = figures.totals
    drill_training = figures.drill_training
    text = _(
        "活动期间，%(whole)s共开展各类活动%(sessions)s场次，参与%(participants)s人次，其中%(dt_label)s%(dt_sessions)s场，"
        "参与%(dt_participants)s人次；发放%(materials)s；主流媒体报道%(media)s条，各单位报送曝光典型案例%(exposures)s个。"
    ) % {
        "whole": figures.whole,
        "sessions": f"{totals['sessions']:,}",
        "participants": f"{totals['participants']:,}",
        "dt_label": GROUP_LABELS[drill_training.key],
        "dt_sessions": f"{drill_training.sessions:,}",
        "dt_participants": f"{drill_training.participants:,}",
        "materials": figures.materials_text(),
        "media": f"{totals['media_reports']:,}",
        "exposures": f"{totals['exposures']:,}",
    }
    if figures.consultation_desks:
        text += _("各单位共设置咨询台%(n)s个。") % {"n": f"{figures.consultation_desks:,}"}
    if figures.exposure_cases:
        text += _("同期，%(platform)s公开典型案例%(n)s个。") % {
            "platform": figures.platform,
            "n": f"{figures.exposure_cases:,}",
        }
    return text


# The figures of the standard sentence, as figures_sentence() writes them: (pattern, what it names, its value).
_N = r"([\d,]+)"
_DT = "应急救援演练和知识技能培训"
_SENTENCE_FIGURES: tuple[tuple[str, str, Callable[[SummaryFigures], int]], ...] = (
    (rf"共开展各类活动{_N}场次", "开展各类活动（场次）", lambda f: f.totals["sessions"]),
    (rf"共开展各类活动[\d,]+场次，参与{_N}人次", "参与（人次）", lambda f: f.totals["participants"]),
    (rf"{_DT}{_N}场", f"{_DT}（场）", lambda f: f.drill_training.sessions),
    (rf"{_DT}[\d,]+场，参与{_N}人次", f"{_DT}（人次）", lambda f: f.drill_training.participants),
    (rf"主流媒体报道{_N}条", "主流媒体报道（条）", lambda f: f.totals["media_reports"]),
    (rf"报送曝光典型案例{_N}个", "各单位报送曝光典型案例（个）", lambda f: f.totals["exposures"]),
    (rf"共设置咨询台{_N}个", "咨询台（个）", lambda f: f.consultation_desks),
    (rf"曝光台公开典型案例{_N}个", "曝光台公开典型案例（个）", lambda f: f.exposure_cases),
)


def stale_figures(narrative: str, figures: SummaryFigures) -> list[str]:
    """The figures of the drafted standard sentence that no longer match ``figures`` (returns accepted since the
    draft was written), e.g. "开展各类活动（场次）：正文500，统计表569". A figure staff reworded away is not checked.
    For the preview's warning, and for a check before issuing: the text and the annexes must say the same."""
    found = []
    for pattern, label, value in _SENTENCE_FIGURES:
        match = re.search(pattern, narrative)
        if match and int(match.group(1).replace(",", "")) != value(figures):
            names = {"label": label, "text": match.group(1), "value": f"{value(figures):,}"}
            found.append(_("%(label)s：正文%(text)s，统计表%(value)s") % names)
    materials = re.search(r"人次；发放(.+?)；主流媒体报道", narrative)
    if materials and materials.group(1) != figures.materials_text():
        names = {"text": materials.group(1), "value": figures.materials_text()}
        found.append(_("发放宣传资料：正文%(text)s，统计表%(value)s") % names)
    return found


def _units(names: list[str]) -> str:
    """One unit by its name (青阳街道), more as 青阳街道、梅岭街道等2个单位 (the first ten named)."""
    if len(names) == 1:
        return names[0]
    return _("%(names)s等%(n)s个单位") % {"names": "、".join(names[:UNREPORTED_NAMES_SHOWN]), "n": len(names)}


def problems(figures: SummaryFigures) -> list[str]:
    """The 存在问题 paragraphs: late units, then units with no accepted return (named)."""
    found = []
    if figures.late_units:
        units = _units([row.unit for row in figures.late_units])
        found.append(_("信息报送不够及时，%(units)s存在逾期报送情况。") % {"units": units})
    if figures.unreported_units:
        found.append(_("%(units)s未报送活动信息。") % {"units": _units(figures.unreported_units)})
    if not found:
        return [_("一是各单位均按时报送活动信息，但部分报送内容较为简单，特色做法总结提炼不够。")]
    return [_("%(n)s是%(text)s") % {"n": ORDINALS[index], "text": text} for index, text in enumerate(found)]


def draft_narrative(figures: SummaryFigures) -> str:
    campaign = figures.campaign
    if campaign is None:
        raise ValueError("the narrative is drafted from live figures (they carry the campaign)")
    whole = figures.whole
    theme = _theme(figures)
    if campaign.kind == CampaignKind.SAFETY_MONTH and campaign.edition:
        opening = _("今年6月是%(edition)s全国“安全生产月”") % {"edition": campaign.edition}
    else:
        opening = _("%(year)s年%(name)s期间") % {"year": campaign.year, "name": campaign.name}
    theme_text = _("，主题是“%(theme)s”") % {"theme": theme} if theme else ""
    by_type = "；".join(
        _("%(label)s%(sessions)s场次、%(participants)s人次")
        % {"label": row.label, "sessions": f"{row.sessions:,}", "participants": f"{row.participants:,}"}
        for row in [row for row in figures.types if row.sessions][:6]
    )
    lines = [
        _("一、基本情况"),
        _(
            "%(opening)s%(theme)s。%(whole)s紧紧围绕活动主题，加大宣传教育培训力度，推进安全文化建设，确保活动丰富多彩、扎实有效。"
        )
        % {"opening": opening, "theme": theme_text, "whole": whole},
        figures_sentence(figures),
        _("二、主要做法"),
        _("（一）领导高度重视，加强组织领导。（请补充：领导部署、组织机构、方案制定等情况。）"),
        _("（二）突出重点宣传，强化全民教育。按活动类型统计：%(types)s。") % {"types": by_type or _("暂无")},
        _("（三）抓住活动机遇，推进隐患整治。（请补充：隐患排查整治、典型案例曝光等情况。）"),
        _("三、特色亮点"),
        _("（请填写：本次活动的特色做法和亮点。）"),
        _("四、存在问题"),
        *problems(figures),
        _("五、下一步打算"),
        _(
            "下一步，%(whole)s将继续围绕“%(theme)s”主题，广泛开展各种贴近实际、贴近生活、贴近群众的安全生产宣传教育培训活动，"
            "弘扬安全文化、普及安全知识、提高安全素养、凝聚社会共识，为促进安全生产形势持续稳定好转提供有力保障。"
        )
        % {"whole": whole, "theme": theme or campaign.name},
    ]
    return "\n".join(lines)


# --- Tables (one definition for the PDF's annex and the workbook) ----------------------------------------------------


def figure_headers() -> list[str]:
    return [
        _("开展场次（场）"),
        _("参与人数（人次）"),
        *[f"{label}（{unit}）" for _name, label, unit in MATERIALS],
        _("媒体报道（条）"),
        _("曝光典型案例（个）"),
    ]


def _figures_row(values: dict[str, int]) -> list[int]:
    return [
        values["sessions"],
        values["participants"],
        *[values[name] for name, _label, _unit in MATERIALS],
        values["media_reports"],
        values["exposures"],
    ]


def type_table(figures: SummaryFigures) -> tuple[list[str], list[list[Any]], list[list[Any]]]:
    """The per-type table: header, rows (drills and training first), and the 合计 and "其中" lines under it."""
    header = [_("类别"), _("活动类型"), _("报送（份）"), _("开展场次（场）"), _("参与人数（人次）")]
    rows = [[GROUP_LABELS[row.group], row.label, row.returns, row.sessions, row.participants] for row in figures.types]
    totals = figures.type_totals
    drill_training = figures.drill_training
    footer = [
        [_("合计"), "", totals["returns"], totals["sessions"], totals["participants"]],
        [
            _("其中"),
            GROUP_LABELS[drill_training.key],
            drill_training.returns,
            drill_training.sessions,
            drill_training.participants,
        ],
    ]
    return header, rows, footer


# --- Workbook --------------------------------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
NOTE_FONT = Font(bold=True, color="B71C1C")


def _sheet(
    book: Workbook,
    title: str,
    header: list[str],
    rows: list[list[Any]],
    *,
    first: bool = False,
    note: str = "",
    footer: list[list[Any]] | None = None,
    after: list[str] | None = None,
) -> Worksheet:
    """A sheet: the note (what the figures are as of) on row 1 when given, the header, the rows, the 合计 lines
    (bold), then free lines (the separate "另：" line). Every cell goes through neutralise()."""
    active = book.active
    sheet = active if first and isinstance(active, Worksheet) else book.create_sheet()
    sheet.title = title
    if note:
        sheet.append([neutralise(note)])
        sheet.cell(row=1, column=1).font = NOTE_FONT
    sheet.append([neutralise(value) for value in header])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    for row in footer or []:
        sheet.append([neutralise(value) for value in row])
        for cell in sheet[sheet.max_row]:
            cell.font = HEADER_FONT
    for line in after or []:
        sheet.append([neutralise(line)])
    for index, name in enumerate(header, 1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(str(name)) * 2 + 4))
    sheet.freeze_panes = f"A{header_row + 1}"
    return sheet


def summary_workbook(figures: SummaryFigures, board: Board | None = None, *, note: str | None = None) -> bytes:
    """The summary's statistics as an xlsx: totals, per unit, per activity type, reporting completeness, late and
    unreported units. Each sheet opens with what the figures are as of (a preview says it is one). ``board``: the
    live board, for figures that carry none."""
    from .figures import BoardFigures

    note = figures.status_note() if note is None else note
    book = Workbook()
    totals = figures.totals
    drill_training = figures.drill_training
    _sheet(
        book,
        _("汇总"),
        [_("项目"), _("数量")],
        [
            [_("已审核报送（份）"), totals["returns"]],
            [_("开展场次（场）"), totals["sessions"]],
            [_("参与人数（人次）"), totals["participants"]],
            [_("其中：%(label)s（场）") % {"label": GROUP_LABELS[drill_training.key]}, drill_training.sessions],
            [_("其中：%(label)s（人次）") % {"label": GROUP_LABELS[drill_training.key]}, drill_training.participants],
            [_("其中：应急演练（场）"), drill_training.drill_sessions],
            [_("其中：应急演练（人次）"), drill_training.drill_participants],
            [_("其中：培训（场）"), drill_training.training_sessions],
            [_("其中：培训（人次）"), drill_training.training_participants],
            [_("咨询台（个）"), figures.consultation_desks],
            *[[f"{label}（{unit}）", totals[name]] for name, label, unit in MATERIALS],
            [_("媒体报道（条）"), totals["media_reports"]],
            [_("各单位报送曝光典型案例（个）"), totals["exposures"]],
            [_("%(platform)s公开典型案例（个）") % {"platform": figures.platform}, figures.exposure_cases],
            [_("其中：统计表所列单位（个）"), figures.unit_exposure_cases],
            [_("其中：市级及未列入统计表单位（个）"), figures.exposure_cases_outside],
            *[[row.heading, row.value] for row in figures.publicity],
            [_("逾期报送单位（个）"), len(figures.late_units)],
            [_("未报送单位（个）"), len(figures.unreported_units)],
        ],
        first=True,
        note=note,
    )
    outside = figures.exposure_outside_text()
    _sheet(
        book,
        _("各单位统计"),
        [_("序号"), _("单位"), _("已审核报送（份）"), *figure_headers(), _("曝光台公开案例（个）")],
        [
            [index, row.unit, row.returns, *_figures_row(row.values), row.exposure_cases]
            for index, row in enumerate(figures.units, 1)
        ],
        footer=[[_("合计"), "", totals["returns"], *_figures_row(totals), figures.unit_exposure_cases]],
        after=[outside] if outside else [],
        note=note,
    )
    header, rows, footer = type_table(figures)
    _sheet(book, _("按活动类型"), header, rows, footer=footer, note=note)
    board_figures = figures.board or (BoardFigures.from_board(board) if board is not None else None)
    if board_figures is not None:
        states = list(SlotState.LABELS)
        _sheet(
            book,
            _("报送完成情况"),
            [_("单位"), *board_figures.columns, *map(str, SlotState.LABELS.values())],
            [[row.unit, *row.cells, *[row.counts.get(state, 0) for state in states]] for row in board_figures.rows],
            note=note,
        )
    _sheet(
        book,
        _("逾期报送单位"),
        [_("单位"), _("逾期报送（份）"), _("最长逾期（天）")],
        [[row.unit, row.returns, row.days] for row in figures.late_units],
        footer=[[_("合计"), figures.late_total, ""]] if figures.late_units else [],
        note=note,
    )
    _sheet(
        book,
        _("未报送单位"),
        [_("序号"), _("单位")],
        [[index, unit] for index, unit in enumerate(figures.unreported_units, 1)],
        note=note,
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
        [_("单位"), *[column.label for column in board.columns], *map(str, SlotState.LABELS.values())],
        [
            [row.unit.name, *[cell.label for cell in row.cells], *[row.counts[state] for state in SlotState.LABELS]]
            for row in board.rows
        ],
        first=True,
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
