"""Auto-drafting of circulars (通报) from the data: the table builders (pure functions, every 合计 the sum of its
rows by construction) and the drafted paragraphs, per source of figures:

- ``returns``: ``campaigns.unit_figures.return_figures`` (completeness and lateness by unit);
- ``never_reported``: the same figures, the units that were due and filed nothing, named;
- ``hazards``: ``inspections.unit_figures.hazard_figures`` (rectification due, on time, late, overdue);
- ``supervision``: ``committee.supervision_selectors.overdue_by_unit`` (open supervisions past their deadline);
- ``exposure_duty``: ``inspections.media_duty.duty_by_unit`` (the monthly duty of seed 001 met or missed).

Each table's rows are the circular's addressed units, in the order of the network (jurisdictions by code, then
member units by name); figures of units outside the table (communities, the city itself, units not addressed) are
never mixed in: they stand in the table's ``note``, a separate line labelled "另：…，未计入上表" (issue 11).

Other apps are read only through those provider functions (imported lazily: a provider that does not exist yet is
a clear error on the draft form, never a silent zero)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from safetyportal.unit_figures import JURISDICTION, MEMBER_UNIT, Period, UnitKey

Cell = str | int


@dataclass
class CircularTable:
    """A table of a circular: ``rows`` of cells (text or whole numbers), an optional ``total_row`` (合计) whose
    whole-number cells must equal the sum of their column, and a ``note`` printed under it (figures kept out of the
    table: "另：…")."""

    columns: list[str]
    rows: list[list[Cell]]
    total_row: list[Cell] | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> CircularTable | None:
        if not data:
            return None
        return cls(
            columns=[str(c) for c in data.get("columns", [])],
            rows=[list(row) for row in data.get("rows", [])],
            total_row=list(data["total_row"]) if data.get("total_row") is not None else None,
            note=str(data.get("note", "")),
        )


@dataclass
class CircularSection:
    """One part of a circular: a heading ("一、…" is added when rendered), paragraphs, and a table. ``source`` names
    the data the table is recomputed from (see the module's docstring); "" keeps the given table as it is."""

    heading: str
    paragraphs: list[str]
    table: CircularTable | None = None
    source: str = ""
    key: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# --- Sums -------------------------------------------------------------------------------------------------------


def is_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


TOWN_SUBTOTAL = "镇街合计"
MEMBER_SUBTOTAL = "成员单位合计"
SUBTOTAL_LABELS = (TOWN_SUBTOTAL, MEMBER_SUBTOTAL)


def is_subtotal(row: Sequence[Cell]) -> bool:
    """A subtotal row (镇街合计 / 成员单位合计): it sums the plain rows above it, back to the previous subtotal."""
    return bool(row) and row[0] in SUBTOTAL_LABELS


def plain_rows(table: CircularTable) -> list[list[Cell]]:
    """The units' rows, without the subtotal rows."""
    return [row for row in table.rows if not is_subtotal(row)]


def subtotal(table: CircularTable, label: str) -> list[Cell] | None:
    return next((row for row in table.rows if row and row[0] == label), None)


def _sum_errors(
    prefix: str, label: str, columns: Sequence[str], total: Sequence[Cell], rows: Sequence[Sequence[Cell]]
) -> list[str]:
    errors: list[str] = []
    for index, value in enumerate(total):
        if not is_number(value):
            continue
        column = columns[index]
        cells = [row[index] for row in rows if index < len(row)]
        if not all(is_number(cell) for cell in cells):
            errors.append(
                _("%(t)s“%(c)s”列有%(label)s，但各行不全是数字。") % {"t": prefix, "c": column, "label": label}
            )
            continue
        rows_sum = sum(int(cell) for cell in cells)
        if rows_sum != value:
            errors.append(
                _("%(t)s“%(c)s”列的%(label)s为%(total)s，各行之和为%(sum)s，两者不一致。")
                % {"t": prefix, "c": column, "label": label, "total": value, "sum": rows_sum}
            )
    return errors


def table_errors(table: CircularTable, *, where: str = "") -> list[str]:
    """Why a table does not add up (empty when it does): every whole-number cell of the 合计 row must equal the sum
    of the column's cells (the units' rows, subtotal rows excluded), which must all be whole numbers; every
    whole-number cell of a subtotal row (镇街合计 / 成员单位合计) must equal the sum of the units' rows above it back
    to the previous subtotal; every row has as many cells as there are columns."""
    errors: list[str] = []
    prefix = f"{where}统计表" if where else _("统计表")
    width = len(table.columns)
    for number, row in enumerate(table.rows, start=1):
        if len(row) != width:
            values = {"t": prefix, "n": number, "got": len(row), "want": width}
            errors.append(_("%(t)s第%(n)s行有%(got)s列，表头有%(want)s列。") % values)
    if errors:
        return errors
    group: list[list[Cell]] = []
    for row in table.rows:
        if is_subtotal(row):
            errors += _sum_errors(prefix, str(row[0]), table.columns, row, group)
            group = []
        else:
            group.append(row)
    if table.total_row is None:
        return errors
    if len(table.total_row) != width:
        values = {"t": prefix, "got": len(table.total_row), "want": width}
        errors.append(_("%(t)s的合计行有%(got)s列，表头有%(want)s列。") % values)
        return errors
    return errors + _sum_errors(prefix, "合计", table.columns, table.total_row, plain_rows(table))


def _sum(rows: Sequence[Sequence[Cell]], index: int) -> int:
    return sum(int(row[index]) for row in rows)


def _total_row(rows: Sequence[Sequence[Cell]], columns: int, sum_columns: Sequence[int]) -> list[Cell]:
    total: list[Cell] = [""] * columns
    total[0] = "合计"
    for index in sum_columns:
        total[index] = _sum(rows, index)
    return total


def _grouped(
    rows: Sequence[tuple[UnitKey, list[Cell]]], columns: int, sum_columns: Sequence[int]
) -> tuple[list[list[Cell]], list[Cell] | None, bool]:
    """(rows, total_row, overlapping). Rows of towns and of member units count the same items twice (a hazard is
    counted under its town and under its responsible member unit), so when both kinds are present there is no
    合计 across them: the towns' rows are followed by a 镇街合计 row and the member units' rows by a
    成员单位合计 row, each the sum of its own rows (checked by ``table_errors``). Otherwise one 合计 (or none
    when there are no rows)."""
    towns = [row for key, row in rows if key[0] != MEMBER_UNIT]
    members = [row for key, row in rows if key[0] == MEMBER_UNIT]
    if towns and members:
        town_total = _total_row(towns, columns, sum_columns)
        town_total[0] = TOWN_SUBTOTAL
        member_total = _total_row(members, columns, sum_columns)
        member_total[0] = MEMBER_SUBTOTAL
        return [*towns, town_total, *members, member_total], None, True
    plain = towns or members
    return plain, (_total_row(plain, columns, sum_columns) if plain else None), False


OVERLAP_NOTE = (
    "成员单位各行与街道（镇）各行统计的是同一批事项（按所在街道（镇）和责任成员单位各列一次），"
    "两者不可相加；总数以镇街合计为准。"
)


def _join_notes(*notes: str) -> str:
    return "".join(note for note in notes if note)


def rate_text(part: int, whole: int) -> str:
    """A completeness rate as documents print it: 87.5%; "—" when nothing was due."""
    if whole <= 0:
        return "—"
    return f"{part * 100 / whole:.1f}%"


# --- Units ----------------------------------------------------------------------------------------------------------


def ordered_units(keys: Sequence[UnitKey]) -> list[tuple[UnitKey, str]]:
    """The units in the order of the network (jurisdictions by code, then member units by name), with their names:
    at most two queries."""
    from safetyportal.models import Jurisdiction, MemberUnit

    jurisdiction_ids = [pk for kind, pk in keys if kind == JURISDICTION]
    member_ids = [pk for kind, pk in keys if kind == MEMBER_UNIT]
    rows: list[tuple[UnitKey, str]] = []
    if jurisdiction_ids:
        found = Jurisdiction.objects.filter(pk__in=jurisdiction_ids).order_by("code").values_list("pk", "name")
        rows += [((JURISDICTION, pk), name) for pk, name in found]
    if member_ids:
        members = MemberUnit.objects.filter(pk__in=member_ids).order_by("name").values_list("pk", "name")
        rows += [((MEMBER_UNIT, pk), name) for pk, name in members]
    return rows


# --- Table builders (pure) -----------------------------------------------------------------------------------------

RETURN_COLUMNS = [
    "单位",
    "应报送（份）",
    "已报送（份）",
    "按时（份）",
    "逾期（份）",
    "未报送（份）",
    "逾期天数（天）",
    "报送率",
]


def _get(figures: Mapping[Any, Any], key: Any, name: str) -> int:
    value = figures.get(key)
    return int(getattr(value, name, 0) or 0) if value is not None else 0


def returns_table(figures: Mapping[UnitKey, Any], units: Sequence[tuple[UnitKey, str]]) -> CircularTable:
    """报送情况: one row per unit; the 合计 sums every count, its rate is the rate of the sums."""
    fields = ("due", "filed", "on_time", "late", "missing", "late_days")
    rows: list[list[Cell]] = []
    for key, name in units:
        values = [_get(figures, key, f) for f in fields]
        rows.append([name, *values, rate_text(values[1], values[0])])
    total = _total_row(rows, len(RETURN_COLUMNS), range(1, 7))
    total[7] = rate_text(int(total[2]), int(total[1]))
    listed = {key for key, _name in units}
    outside = [value for key, value in figures.items() if key not in listed]
    due_out, filed_out = sum(int(v.due) for v in outside), sum(int(v.filed) for v in outside)
    note = (
        _("另：未列入本表的单位（社区、村及其他单位）应报送%(due)s份、已报送%(filed)s份，未计入上表。")
        % {"due": due_out, "filed": filed_out}
        if due_out
        else ""
    )
    return CircularTable(list(RETURN_COLUMNS), rows, total, note)


NEVER_COLUMNS = ["单位", "应报送（份）", "未报送（份）"]


def never_reported_table(figures: Mapping[UnitKey, Any], units: Sequence[tuple[UnitKey, str]]) -> CircularTable:
    """未报送单位: the listed units that were due and filed nothing in the period."""
    rows: list[list[Cell]] = []
    for key, name in units:
        due, filed = _get(figures, key, "due"), _get(figures, key, "filed")
        if due > 0 and filed == 0:
            rows.append([name, due, _get(figures, key, "missing")])
    return CircularTable(list(NEVER_COLUMNS), rows, _total_row(rows, 3, (1, 2)) if rows else None)


HAZARD_COLUMNS = [
    "单位",
    "到期隐患（项）",
    "按期整改（项）",
    "逾期整改（项）",
    "逾期未整改（项）",
    "待复核及其他（项）",
]


def hazards_table(figures: Mapping[UnitKey, Any], units: Sequence[tuple[UnitKey, str]]) -> CircularTable:
    """隐患整改: hazards whose rectification deadline falls in the period, per unit. The last column is the remainder
    (``open_other``: 已受理/核查中, 整改完成待复核 and the like, whatever their deadline), not "未到期". Towns and
    member units both addressed: two groups with their subtotals, no 合计 across them (``_grouped``)."""
    keyed: list[tuple[UnitKey, list[Cell]]] = []
    for key, name in units:
        due = _get(figures, key, "due")
        on_time, late, overdue = (_get(figures, key, f) for f in ("closed_on_time", "closed_late", "open_overdue"))
        keyed.append((key, [name, due, on_time, late, overdue, due - on_time - late - overdue]))
    rows, total, overlapping = _grouped(keyed, len(HAZARD_COLUMNS), range(1, 6))
    listed = {key for key, _name in units}
    outside = [value for key, value in figures.items() if key not in listed]
    due_out, overdue_out = sum(int(v.due) for v in outside), sum(int(v.open_overdue) for v in outside)
    note = (
        _("另：未列入本表的单位（社区、村及其他单位）到期隐患%(due)s项，其中逾期未整改%(overdue)s项，未计入上表。")
        % {"due": due_out, "overdue": overdue_out}
        if due_out
        else ""
    )
    note = _join_notes(_(OVERLAP_NOTE) if overlapping else "", note)
    return CircularTable(list(HAZARD_COLUMNS), rows, total, note)


SUPERVISION_COLUMNS = ["单位", "逾期未办结督办事项（项）"]


def supervision_table(counts: Mapping[UnitKey, int], units: Sequence[tuple[UnitKey, str]]) -> CircularTable:
    """督办逾期: the listed units with at least one open supervision past its deadline. Towns and member units both
    listed: two groups with their subtotals, no 合计 across them (a supervision counts under both)."""
    keyed: list[tuple[UnitKey, list[Cell]]] = [
        (key, [name, int(counts.get(key, 0))]) for key, name in units if counts.get(key, 0)
    ]
    rows, total, overlapping = _grouped(keyed, len(SUPERVISION_COLUMNS), (1,))
    listed = {key for key, _name in units}
    outside = sum(int(n) for key, n in counts.items() if key not in listed)
    note = _("另：未列入本表的单位逾期未办结督办事项%(n)s项，未计入上表。") % {"n": outside} if outside else ""
    note = _join_notes(_(OVERLAP_NOTE) if overlapping else "", note)
    return CircularTable(list(SUPERVISION_COLUMNS), rows, total, note)


EXPOSURE_COLUMNS = ["单位", "曝光典型案例（起）", "媒体报道（篇）", "完成月数（个）", "未完成月数（个）", "未完成月份"]


def _month_state(month: Any) -> str:
    """met / missed / open (running at 数据截至, not yet met: 未到期) / not_due (not begun at 数据截至). Months from
    a provider without ``as_of`` (no ``started``/``over``) are all over."""
    if month.met:
        return "met"
    if not getattr(month, "started", True):
        return "not_due"
    return "missed" if getattr(month, "over", True) else "open"


def exposure_duty_table(duty: Mapping[int, Sequence[Any]], units: Sequence[tuple[UnitKey, str]]) -> CircularTable:
    """每月曝光典型案例 (seed 001): per county/town, the months of the period in which the duty was met or missed at
    数据截至. Only months that are over (or already met) count: a month not begun is not due, and a month still
    running and not yet met is 未到期 and left out of both counts (named in the note). Only jurisdictions have the
    duty; the rows are the listed jurisdictions."""
    rows: list[list[Cell]] = []
    running: set[tuple[int, int]] = set()
    for key, name in units:
        if key[0] != JURISDICTION:
            continue
        months = list(duty.get(key[1], []))
        states = [_month_state(m) for m in months]
        missed = [m for m, state in zip(months, states, strict=True) if state == "missed"]
        running |= {
            (getattr(m, "year", 0), m.month) for m, state in zip(months, states, strict=True) if state == "open"
        }
        rows.append(
            [
                name,
                sum(int(m.cases) for m in months),
                sum(int(m.articles) for m in months),
                states.count("met"),
                len(missed),
                "、".join(f"{m.month}月" for m in missed) or "—",
            ]
        )
    listed = {key[1] for key, _name in units if key[0] == JURISDICTION}
    outside = [m for pk, months in duty.items() if pk not in listed for m in months]
    note = (
        _("另：未列入本表的区划（含市本级）同期曝光典型案例%(cases)s起、媒体报道%(articles)s篇，未计入上表。")
        % {"cases": sum(int(m.cases) for m in outside), "articles": sum(int(m.articles) for m in outside)}
        if any(m.cases or m.articles for m in outside)
        else ""
    )
    open_note = (
        _("%(months)s截至数据截至日尚未结束，尚未完成的单位不计为未完成（未到期）。")
        % {"months": "、".join(f"{m}月" for _y, m in sorted(running))}
        if running
        else ""
    )
    return CircularTable(list(EXPOSURE_COLUMNS), rows, _total_row(rows, 6, range(1, 5)), _join_notes(open_note, note))


# --- Providers (the other apps' figures, read through their own modules) -------------------------------------------


def _provider(module: str, name: str, label: str) -> Callable[..., Any]:
    import importlib

    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as error:
        values = {"label": label, "where": f"{module}.{name}"}
        raise ValidationError(_("“%(label)s”的数据来源（%(where)s）尚未提供，暂不能生成该部分。") % values) from error


@dataclass(frozen=True)
class DraftParams:
    """What a section's table is computed from: the period, the day the figures are counted to, the campaign (if
    the circular is about one) and the addressed units (the table's rows)."""

    period: Period
    as_of: dt.date
    units: tuple[tuple[UnitKey, str], ...]
    campaign_id: int | None = None


def _returns(params: DraftParams) -> Mapping[UnitKey, Any]:
    return_figures = _provider("campaigns.unit_figures", "return_figures", _("报送情况"))
    return return_figures(params.period, as_of=params.as_of, campaign_id=params.campaign_id)


def compute_table(source: str, params: DraftParams) -> CircularTable | None:
    """The live table of a section from its source (what previews show and what is frozen at issue)."""
    units = list(params.units)
    if source == "returns":
        return returns_table(_returns(params), units)
    if source == "never_reported":
        return never_reported_table(_returns(params), units)
    if source == "hazards":
        hazard_figures = _provider("inspections.unit_figures", "hazard_figures", _("隐患整改"))
        return hazards_table(hazard_figures(params.period, as_of=params.as_of), units)
    if source == "supervision":
        overdue_by_unit = _provider("committee.supervision_selectors", "overdue_by_unit", _("督办逾期"))
        return supervision_table(overdue_by_unit(params.as_of), units)
    if source == "exposure_duty":
        duty_by_unit = _provider("inspections.media_duty", "duty_by_unit", _("典型案例曝光"))
        return exposure_duty_table(duty_by_unit(params.period, as_of=params.as_of), units)
    return None


# --- Drafted paragraphs -----------------------------------------------------------------------------------------


def period_text(period: Period) -> str:
    """2024年6月, 2024年第二季度, 2024年, or 2024年6月1日至7月3日."""
    import calendar

    start, end = period.starts_on, period.ends_on
    if start.year == end.year and start.day == 1:
        if start.month == 1 and (end.month, end.day) == (12, 31):
            return f"{start.year}年"
        last = calendar.monthrange(end.year, end.month)[1]
        if end.day == last and start.month == end.month:
            return f"{start.year}年{start.month}月"
        if end.day == last and start.month % 3 == 1 and end.month == start.month + 2:
            return f"{start.year}年第{'一二三四'[start.month // 3]}季度"
    end_text = f"{end.month}月{end.day}日" if end.year == start.year else f"{end.year}年{end.month}月{end.day}日"
    return f"{start.year}年{start.month}月{start.day}日至{end_text}"


def _names(rows: Sequence[Sequence[Cell]], detail: Callable[[Sequence[Cell]], str] | None = None) -> str:
    return "、".join(f"{row[0]}{detail(row) if detail else ''}" for row in rows)


def returns_paragraphs(table: CircularTable, when: str) -> list[str]:
    total = table.total_row or []
    if not table.rows or not total or not total[1]:
        return [_("%(when)s，列入本通报的单位无应报送事项。") % {"when": when}]
    paragraphs = [
        _(
            "%(when)s，%(units)s个单位应报送%(due)s份，已报送%(filed)s份，其中按时报送%(on_time)s份、逾期报送%(late)s份，"
            "未报送%(missing)s份，报送率%(rate)s。"
        )
        % {"when": when, "units": len(table.rows), "due": total[1], "filed": total[2], "on_time": total[3],
           "late": total[4], "missing": total[5], "rate": total[7]}
    ]  # fmt: skip
    late = [row for row in table.rows if int(row[4]) > 0]
    if late:
        paragraphs.append(_("逾期报送的单位：%(names)s。") % {"names": _names(late, lambda r: f"（{r[4]}份）")})
    missing = [row for row in table.rows if int(row[5]) > 0]
    if missing:
        paragraphs.append(
            _("有应报未报事项的单位：%(names)s。") % {"names": _names(missing, lambda r: f"（{r[5]}份）")}
        )
    if not late and not missing:
        paragraphs.append(_("各单位均按时报送。"))
    return paragraphs


def never_reported_paragraphs(table: CircularTable, when: str) -> list[str]:
    if not table.rows:
        return [_("%(when)s，列入本通报的单位均有报送。") % {"when": when}]
    return [
        _("%(when)s，以下%(n)s个单位有报送任务但未报送任何材料：%(names)s。请上述单位于收到本通报后说明原因并补报。")
        % {"when": when, "n": len(table.rows), "names": _names(table.rows)}
    ]


def hazards_paragraphs(table: CircularTable, when: str) -> list[str]:
    # Towns and member units both listed: the totals are the towns' (distinct hazards), never the two groups added.
    town_total = subtotal(table, TOWN_SUBTOTAL)
    total = town_total or table.total_row or []
    if not total or not total[1]:
        return [_("%(when)s，列入本通报的单位无到期整改的隐患。") % {"when": when}]
    paragraphs = [
        _("%(when)s，到期应整改隐患%(due)s项，按期整改%(on_time)s项，逾期整改%(late)s项，逾期未整改%(overdue)s项。")
        % {"when": when, "due": total[1], "on_time": total[2], "late": total[3], "overdue": total[4]}
    ]
    if town_total is not None:
        paragraphs[0] += _("（以上为各街道（镇）合计；成员单位所列隐患与街道（镇）重叠，不重复计数。）")
    overdue = [row for row in plain_rows(table) if int(row[4]) > 0]
    if overdue:
        paragraphs.append(
            _("存在逾期未整改隐患的单位：%(names)s。") % {"names": _names(overdue, lambda r: f"（{r[4]}项）")}
        )
    return paragraphs


def supervision_paragraphs(table: CircularTable, as_of: dt.date) -> list[str]:
    day = f"{as_of.year}年{as_of.month}月{as_of.day}日"
    if not table.rows:
        return [_("截至%(day)s，列入本通报的单位无逾期未办结的督办事项。") % {"day": day}]
    town_total = subtotal(table, TOWN_SUBTOTAL)
    if town_total is not None:
        # Towns and member units both listed: a supervision counts under both, so the total is the towns'.
        towns = table.rows[: table.rows.index(town_total)]
        members = [row for row in plain_rows(table) if row not in towns]
        return [
            _("截至%(day)s，%(n)s个街道（镇）共有%(total)s项督办事项逾期未办结：%(names)s；涉及的成员单位：%(members)s"
              "（与街道（镇）所列事项重叠，不重复计数）。其余单位无逾期督办事项。")
            % {"day": day, "n": len(towns), "total": town_total[1], "names": _names(towns, lambda r: f"（{r[1]}项）"),
               "members": _names(members, lambda r: f"（{r[1]}项）")}
        ]  # fmt: skip
    total = table.total_row or ["", 0]
    return [
        _("截至%(day)s，%(n)s个单位共有%(total)s项督办事项逾期未办结：%(names)s。其余单位无逾期督办事项。")
        % {"day": day, "n": len(table.rows), "total": total[1], "names": _names(table.rows, lambda r: f"（{r[1]}项）")}
    ]  # fmt: skip


def exposure_duty_paragraphs(table: CircularTable, when: str) -> list[str]:
    if not table.rows:
        return [_("%(when)s，列入本通报的单位中没有承担每月曝光典型案例任务的区划。") % {"when": when}]
    total = table.total_row or []
    paragraphs = [
        _("%(when)s，各街道（镇）在本地主流媒体曝光典型案例%(cases)s起、媒体报道%(articles)s篇。")
        % {"when": when, "cases": total[1], "articles": total[2]}
    ]
    missed = [row for row in table.rows if int(row[4]) > 0]
    if missed:
        paragraphs.append(
            _("未完成每月至少曝光一起典型案例任务的单位：%(names)s。")
            % {"names": _names(missed, lambda r: f"（{r[5]}）")}
        )
    else:
        paragraphs.append(_("各单位均完成每月曝光典型案例任务。"))
    # Only months over at 数据截至 are judged: a running month not yet met is 未到期 (left out), one not begun is
    # not due. The table's note names the running month.
    if "尚未结束" in table.note:
        paragraphs.append(_("截至数据截至日尚未结束的月份不作判定（未到期），未计入完成或未完成月数。"))
    return paragraphs


SOURCE_HEADINGS = {
    "returns": "报送情况",
    "never_reported": "未报送单位",
    "hazards": "隐患整改情况",
    "supervision": "督办事项逾期情况",
    "exposure_duty": "典型案例曝光情况",
}

SOURCES = tuple(SOURCE_HEADINGS)

KIND_SOURCES: dict[str, tuple[str, ...]] = {
    "returns": ("returns", "never_reported"),
    "never_reported": ("never_reported",),
    "hazards": ("hazards",),
    "supervision": ("supervision",),
    "exposure_duty": ("exposure_duty",),
    "combined": ("returns", "never_reported", "hazards", "supervision", "exposure_duty"),
}


def drafted_paragraphs(source: str, table: CircularTable, params: DraftParams) -> list[str]:
    when = period_text(params.period)
    if source == "returns":
        return returns_paragraphs(table, when)
    if source == "never_reported":
        return never_reported_paragraphs(table, when)
    if source == "hazards":
        return hazards_paragraphs(table, when)
    if source == "supervision":
        return supervision_paragraphs(table, params.as_of)
    if source == "exposure_duty":
        return exposure_duty_paragraphs(table, when)
    return []


def draft_section(source: str, params: DraftParams) -> CircularSection:
    table = compute_table(source, params)
    if table is None:
        raise ValueError(f"unknown source {source!r}")
    return CircularSection(
        heading=SOURCE_HEADINGS[source],
        paragraphs=drafted_paragraphs(source, table, params),
        table=table,
        source=source,
        key=source,
    )


def draft_sections(kind: str, params: DraftParams) -> list[CircularSection]:
    """The drafted sections of a kind (its sources, in order)."""
    return [draft_section(source, params) for source in KIND_SOURCES[kind]]
