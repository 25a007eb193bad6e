"""Roll-up and completeness of a campaign at any level of the tree (city → county → subdistrict → community).

The figures of a unit U in a campaign C are the accepted returns of every unit in U's subtree (its jurisdictions by
path, and the member units whose jurisdiction is in it) to the tasks of C and of every campaign derived from C, at any
depth (``Campaign.parent``). Each return belongs to exactly one task, hence one campaign, so summing returns over that
set of campaigns counts each once: a community's accepted return to its subdistrict's campaign is in the
subdistrict's figures of the city's campaign, once.

``level_board(campaign, unit)`` reads one level: a row per child of ``unit`` (its whole subtree rolled up), a row per
member unit of ``unit`` itself and a row for ``unit``'s own returns, each with its slots (on time, late, missing, not
yet due) and its summed figures. The database does the work: one GROUP BY over the returns keyed by the child's path
prefix (``SUBSTR(path, 1, len(base) + INSTR(rest, '/'))``), one over each assignment table; Python walks tasks, their
periods and the rows. A constant number of queries whatever the number of units and returns (the campaign tree's
depth adds one query per level of derived campaigns)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, StrIndex, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetyportal.models import Jurisdiction, MemberUnit

from . import models as campaign_models
from .models import ActivityReturn, Campaign, CampaignTask, ReturnStatus

MAX_CAMPAIGN_DEPTH = 8  # national → province → city → county → subdistrict → ...: far more than any real chain

STATES = ("on_time", "late", "missing", "pending")
STATE_LABELS = {
    "on_time": gettext_lazy("按时报送"),
    "late": gettext_lazy("逾期报送"),
    "missing": gettext_lazy("逾期未报"),
    "pending": gettext_lazy("未到期"),
}


def rollup_fields() -> tuple[str, ...]:
    """The count fields a roll-up sums: the return's figure lists as they are now (campaigns.models.FIGURE_FIELDS, the
    summary's, and COUNT_FIELDS, the counts kept apart: drills, training, consultation desks, spending), read at call
    time so that a count field added to either list is summed without a change here."""
    names = (*campaign_models.FIGURE_FIELDS, *getattr(campaign_models, "COUNT_FIELDS", ()))
    return tuple(dict.fromkeys(names))


def field_labels(fields: Iterable[str]) -> list[tuple[str, str]]:
    return [(name, str(getattr(ActivityReturn._meta.get_field(name), "verbose_name", name))) for name in fields]


def campaign_family(campaign: Campaign) -> list[int]:
    """``campaign`` and every campaign derived from it, at any depth (one query per level of the campaign tree)."""
    family = [campaign.pk]
    frontier = [campaign.pk]
    for _depth in range(MAX_CAMPAIGN_DEPTH):
        frontier = list(Campaign.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = [pk for pk in frontier if pk not in family]
        if not frontier:
            break
        family.extend(frontier)
    return family


def _child_key(path_lookup: str, base: str) -> Substr:
    """The path of the child of ``base`` that a row at ``path_lookup`` lies under (``base`` itself for its own rows),
    in SQL: SUBSTR(path, 1, len(base) + INSTR(SUBSTR(path, len(base) + 1), '/'))."""
    rest = Substr(path_lookup, len(base) + 1)
    length = Value(len(base), output_field=IntegerField()) + StrIndex(rest, Value("/"))
    return Substr(path_lookup, 1, length, output_field=CharField())


def _own_member(jurisdiction_lookup: str, member_lookup: str, base: Jurisdiction) -> Case:
    """The member unit of a row when that member unit belongs to ``base`` itself (its own row), else NULL."""
    return Case(
        When(**{jurisdiction_lookup: base.pk, f"{member_lookup}__isnull": False}, then=F(member_lookup)),
        default=Value(None),
        output_field=IntegerField(),
    )


# --- Rows ------------------------------------------------------------------------------------------------------------


@dataclass
class LevelRow:
    key: str  # "j<id>" (a child and its subtree), "m<id>" (a member unit of the unit itself), "self"
    name: str
    jurisdiction: Jurisdiction | None = None
    member_unit: MemberUnit | None = None
    drillable: bool = False
    slots: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    accepted: int = 0
    returns: int = 0
    figures: dict[str, Any] = field(default_factory=dict)
    figure_list: list[Any] = field(default_factory=list)  # the figures in the board's field order (templates)

    @property
    def due(self) -> int:
        return self.slots["on_time"] + self.slots["late"] + self.slots["missing"]

    @property
    def filed_rate(self) -> int:
        """Per cent of the due slots filed (on time or late), rounded down."""
        due = self.due
        return 0 if not due else (self.slots["on_time"] + self.slots["late"]) * 100 // due

    @property
    def is_empty(self) -> bool:
        return not (sum(self.slots.values()) or self.returns)

    def figure_values(self, fields: Iterable[str]) -> list[int]:
        return [self.figures.get(name, 0) for name in fields]


@dataclass
class LevelBoard:
    campaign: Campaign
    unit: Jurisdiction
    ancestors: list[Jurisdiction]  # from the root down, without ``unit``
    rows: list[LevelRow]
    fields: tuple[str, ...]
    today: dt.date
    family: list[int]

    @property
    def total(self) -> LevelRow:
        """The unit's own figures: the sum of its rows, by construction."""
        total = LevelRow(key="total", name=self.unit.name, jurisdiction=self.unit)
        for row in self.rows:
            for state in STATES:
                total.slots[state] += row.slots[state]
            total.accepted += row.accepted
            total.returns += row.returns
            for name in self.fields:
                total.figures[name] = total.figures.get(name, 0) + row.figures.get(name, 0)
        total.figure_list = total.figure_values(self.fields)
        return total

    @property
    def labels(self) -> list[tuple[str, str]]:
        return field_labels(self.fields)

    @property
    def visible_rows(self) -> list[LevelRow]:
        """Rows with something assigned or reported (a child the campaign never reached is left out)."""
        return [row for row in self.rows if not row.is_empty]


def _slot_expression() -> Concat:
    """One reporting slot: a unit's period of a task (the same text for every return in it)."""
    return Concat(
        "task_id",
        Value("|"),
        "period_due",
        Value("|"),
        "jurisdiction_id",
        Value("|"),
        Coalesce("member_unit_id", Value(0)),
        output_field=CharField(),
    )


def _row_key(base: Jurisdiction, key_path: str, own_member: int | None, by_path: Mapping[str, int]) -> str | None:
    if key_path == base.path:
        return f"m{own_member}" if own_member else "self"
    child = by_path.get(key_path)
    return f"j{child}" if child is not None else None


def level_board(campaign: Campaign, unit: Jurisdiction, *, today: dt.date | None = None) -> LevelBoard:
    """The completeness and roll-up of ``campaign`` at ``unit``: one row per child (subtree rolled up), per own
    member unit and for the unit's own returns."""
    today = today or timezone.localdate()
    fields = rollup_fields()
    family = campaign_family(campaign)
    base = unit.path

    tasks = list(CampaignTask.objects.filter(campaign_id__in=family).select_related("campaign"))
    period_counts: dict[int, tuple[int, int]] = {}  # task -> (periods, periods already due)
    for task in tasks:
        task_periods = task.periods()
        period_counts[task.pk] = (len(task_periods), sum(1 for period in task_periods if period.due < today))
    task_ids = list(period_counts)

    children = list(
        Jurisdiction.objects.filter(parent=unit)
        .annotate(
            has_children=Exists(Jurisdiction.objects.filter(parent=OuterRef("pk"))),
            has_members=Exists(MemberUnit.objects.filter(jurisdiction=OuterRef("pk"))),
        )
        .order_by("code")
    )
    members = list(MemberUnit.objects.filter(jurisdiction=unit).order_by("name"))
    by_path = {child.path: child.pk for child in children}
    rows: dict[str, LevelRow] = {}
    for child in children:
        rows[f"j{child.pk}"] = LevelRow(
            key=f"j{child.pk}",
            name=child.name,
            jurisdiction=child,
            drillable=bool(getattr(child, "has_children", False) or getattr(child, "has_members", False)),
        )
    for member in members:
        rows[f"m{member.pk}"] = LevelRow(key=f"m{member.pk}", name=member.name, member_unit=member)
    rows["self"] = LevelRow(key="self", name=_("%(unit)s（本级）") % {"unit": unit.name}, jurisdiction=unit)

    # Assigned slots: the assignment tables grouped by (task, child), each assignment worth its task's periods.
    totals: dict[str, list[int]] = {key: [0, 0] for key in rows}  # key -> [slots, slots already due]
    through_j = (
        CampaignTask.jurisdictions.through.objects.filter(
            campaigntask_id__in=task_ids, jurisdiction__path__startswith=base
        )
        .annotate(key=_child_key("jurisdiction__path", base))
        .values("campaigntask_id", "key")
        .annotate(n=Count("pk"))
        .order_by()
    )
    through_m = (
        CampaignTask.member_units.through.objects.filter(
            campaigntask_id__in=task_ids, memberunit__jurisdiction__path__startswith=base
        )
        .annotate(
            key=_child_key("memberunit__jurisdiction__path", base),
            own=_own_member("memberunit__jurisdiction_id", "memberunit_id", unit),
        )
        .values("campaigntask_id", "key", "own")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for group in [*through_j, *through_m]:
        key = _row_key(unit, group["key"], group.get("own"), by_path)
        if key is None:
            continue
        periods, due = period_counts[group["campaigntask_id"]]
        totals[key][0] += group["n"] * periods
        totals[key][1] += group["n"] * due

    # Filed slots and accepted figures: one GROUP BY over the returns, keyed like the rows.
    filed = Q(first_submitted_at__isnull=False)
    accepted = Q(status=ReturnStatus.ACCEPTED)
    slot = _slot_expression()
    groups = (
        ActivityReturn.objects.filter(task_id__in=task_ids, jurisdiction__path__startswith=base)
        .annotate(
            key=_child_key("jurisdiction__path", base), own=_own_member("jurisdiction_id", "member_unit_id", unit)
        )
        .values("key", "own")
        .annotate(
            returns=Count("pk"),
            filed=Count(slot, distinct=True, filter=filed),
            filed_due=Count(slot, distinct=True, filter=filed & Q(period_due__lt=today)),
            on_time=Count(slot, distinct=True, filter=filed & Q(is_late=False)),
            accepted=Count("pk", filter=accepted),
            **{f"sum_{name}": Sum(name, filter=accepted) for name in fields},  # NULL when none: 0 below
        )
        .order_by()
    )
    reported: dict[str, Mapping[str, Any]] = {}
    for group in groups:
        key = _row_key(unit, group["key"], group["own"], by_path)
        if key is not None:
            reported[key] = group

    for key, row in rows.items():
        slots, due = totals[key]
        group = reported.get(key)
        filed_all = group["filed"] if group else 0
        filed_due = group["filed_due"] if group else 0
        on_time = group["on_time"] if group else 0
        row.slots["on_time"] = on_time
        row.slots["late"] = filed_all - on_time
        row.slots["missing"] = max(due - filed_due, 0)
        row.slots["pending"] = max((slots - due) - (filed_all - filed_due), 0)
        row.returns = group["returns"] if group else 0
        row.accepted = group["accepted"] if group else 0
        row.figures = {name: _number(group[f"sum_{name}"]) if group else 0 for name in fields}
        row.figure_list = row.figure_values(fields)

    ancestors = list(
        Jurisdiction.objects.filter(path__in=_ancestor_paths(unit)).order_by("path")
    )  # root first (shorter paths)
    ordered = [rows[f"j{child.pk}"] for child in children] + [rows[f"m{m.pk}"] for m in members] + [rows["self"]]
    return LevelBoard(campaign, unit, ancestors, ordered, fields, today, family)


def _number(value: Any) -> Any:
    """A summed count as an int (a sum of money, such as 经费, stays a Decimal); none summed is 0."""
    if value is None:
        return 0
    return value if isinstance(value, Decimal) else int(value)


def _ancestor_paths(unit: Jurisdiction) -> list[str]:
    parts = [part for part in unit.path.split("/") if part]
    return ["".join(f"{code}/" for code in parts[:n]) for n in range(1, len(parts))]


def unit_figures(campaign: Campaign, unit: Jurisdiction) -> dict[str, int]:
    """The figures of ``unit`` in ``campaign`` (its subtree, ``campaign`` and its derived campaigns), with the number
    of accepted returns under "accepted"."""
    total = level_board(campaign, unit).total
    return {"accepted": total.accepted, **total.figures}


def campaign_root(campaign: Campaign) -> Jurisdiction | None:
    """The unit a campaign's board starts at: the unit that runs it (or the top of the tree for a national one)."""
    if campaign.jurisdiction_id is not None:
        return campaign.jurisdiction
    return Jurisdiction.objects.filter(parent__isnull=True).order_by("code").first()


def ancestor_chain(level: LevelBoard, top: Jurisdiction | None = None) -> list[Jurisdiction]:
    """The units above the board's unit, from ``top`` down (all of them without ``top``): the drill-up links."""
    if top is None:
        return list(level.ancestors)
    return [unit for unit in level.ancestors if unit.path.startswith(top.path)]
