"""The figures of a campaign summary (活动总结): computed once by the database, frozen in a JSON snapshot at issue.

What the summary counts:

- **Returns**: the accepted returns (已审核通过) of the campaign's tasks and of the campaigns derived from it, for the
  reporting periods that start within the campaign's own period (or before it: the plans). A June campaign whose
  monthly "典型案例曝光" task runs to December counts June's period only: a June summary counts June's exposures.
- **Units**: every unit a task of the campaign itself is assigned to (subdistricts and towns, member units), whether
  it reported or not. Each row counts the accepted returns of its whole subtree, in the campaign and in the
  campaigns derived from it, once: a 社区's return to 灵源街道's own campaign is in 灵源街道's row (the deepest table
  unit above it; as ``rollup.level_board`` rolls up), a subdistrict's own member unit's too. A unit outside every
  table unit's subtree with accepted returns gets a row of its own, so 合计 is every counted return. Units with no
  accepted return are the ones that never reported (named in 存在问题).
- **Exposure cases (曝光台)**: the cases the office published in the period, from the inspections app's provider
  (safetyportal.figures). A case counts on a unit's row only if the unit is a subdistrict/town row of the table;
  city-wide cases and those of units outside the table stand in a separate, labelled line and are added to nothing.
- **Activity types**: drills (应急演练) and skills training (培训) are a category of their own (the city's published
  "应急救援演习和知识技能培训569场，参与97696人次" counts those only); 宣传咨询 and the others are reported apart.
- **Drills and training** (the "其中" figure) come from the returns' own drill and training counts (issue 12:
  ``drill_sessions``, ``drill_participants``, ``training_sessions``, ``training_participants``, parts of each return's
  totals), whatever the return's activity type: a 宣传咨询日 with a drill counts its drill. Summaries issued before
  these counts existed (snapshot version 1) keep the figure they were issued with (the drill and training types).
  Consultation desks (咨询台) are summed the same way.

Every 合计 is the sum of its rows *by construction*: the totals are properties summing the rows, for live figures
and for figures read back from a snapshot alike (``from_snapshot`` refuses a snapshot whose stored totals differ).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyportal.documents.context import chinese_date
from safetyportal.figures import CAMPAIGN_PUBLICITY, EXPOSURE_CASES, FigureScope, provide

from .models import (
    DRILL_TRAINING_FIELDS,
    FIGURE_FIELDS,
    MATERIALS,
    ActivityReturn,
    ActivityType,
    Campaign,
    CampaignTask,
    ReturnStatus,
)

if TYPE_CHECKING:
    from .selectors import Board

SNAPSHOT_VERSION = 2  # 2: the drill/training counts and consultation desks (issue 12); 1 is still read
READABLE_VERSIONS = (1, 2)
# Summed over the accepted returns apart from the unit tables: the drill and training parts and the desks.
APART_FIELDS = (*DRILL_TRAINING_FIELDS, "consultation_desks")
DRILL_TRAINING_RETURNS = "drill_training_returns"  # accepted returns reporting any drill or training

# The category of the city's published figure (shared/seeds/000): drills and skills training, nothing else.
DRILL_TRAINING_TYPES: tuple[str, ...] = (ActivityType.DRILL, ActivityType.TRAINING)
DRILL_TRAINING = "drill_training"
OTHER_ACTIVITIES = "other"
GROUP_LABELS = {DRILL_TRAINING: "应急救援演练和知识技能培训", OTHER_ACTIVITIES: "其他宣传教育活动"}

COUNTED = ("returns", *FIGURE_FIELDS)  # what a unit row and the 合计 row carry
TYPE_COUNTED = ("returns", "sessions", "participants")
_SHORT_SUFFIX = re.compile(r"(街道|镇|乡)$")


# --- Rows ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    """One unit of the per-unit tables. ``exposure_cases``: cases the exposure platform published for this unit in
    the period (subdistrict/town rows only; member units have none of their own)."""

    key: str  # "j<id>" (a subdistrict or town) or "m<id>" (a member unit)
    unit: str
    short: str  # chart label: "青阳", "住建局"
    returns: int
    values: dict[str, int]  # FIGURE_FIELDS
    exposure_cases: int = 0

    @property
    def reported(self) -> bool:
        return self.returns > 0

    @property
    def sessions(self) -> int:
        return self.values["sessions"]

    @property
    def participants(self) -> int:
        return self.values["participants"]

    @property
    def media_reports(self) -> int:
        return self.values["media_reports"]

    @property
    def exposures(self) -> int:
        return self.values["exposures"]

    @property
    def material_values(self) -> list[int]:
        return [self.values[name] for name, _label, _unit in MATERIALS]

    @property
    def materials(self) -> int:
        return sum(self.material_values)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "unit": self.unit,
            "short": self.short,
            "returns": self.returns,
            **self.values,
            "exposure_cases": self.exposure_cases,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UnitRow:
        return cls(
            key=str(data["key"]),
            unit=str(data["unit"]),
            short=str(data["short"]),
            returns=_int(data["returns"]),
            values={name: _int(data[name]) for name in FIGURE_FIELDS},
            exposure_cases=_int(data["exposure_cases"]),
        )


@dataclass(frozen=True)
class TypeRow:
    activity_type: str
    label: str
    group: str  # DRILL_TRAINING or OTHER_ACTIVITIES
    returns: int
    sessions: int
    participants: int

    def to_json(self) -> dict[str, Any]:
        return {
            "activity_type": self.activity_type,
            "label": self.label,
            "group": self.group,
            **{name: getattr(self, name) for name in TYPE_COUNTED},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TypeRow:
        return cls(
            activity_type=str(data["activity_type"]),
            label=str(data["label"]),
            group=str(data["group"]),
            **{name: _int(data[name]) for name in TYPE_COUNTED},
        )


@dataclass(frozen=True)
class TypeGroup:
    key: str
    label: str
    rows: tuple[TypeRow, ...]

    @property
    def returns(self) -> int:
        return sum(row.returns for row in self.rows)

    @property
    def sessions(self) -> int:
        return sum(row.sessions for row in self.rows)

    @property
    def participants(self) -> int:
        return sum(row.participants for row in self.rows)


@dataclass(frozen=True)
class DrillTraining:
    """The "其中：应急救援演练和知识技能培训" figure: drills and training apart from the other activities."""

    key: str
    label: str
    returns: int
    drill_sessions: int
    drill_participants: int
    training_sessions: int
    training_participants: int
    rows: tuple[TypeRow, ...] = ()  # the drill and training rows of the per-type table, for reference

    @property
    def sessions(self) -> int:
        return self.drill_sessions + self.training_sessions

    @property
    def participants(self) -> int:
        return self.drill_participants + self.training_participants

    def to_json(self) -> dict[str, int]:
        return {
            "returns": self.returns,
            "sessions": self.sessions,
            "participants": self.participants,
            **{name: getattr(self, name) for name in DRILL_TRAINING_FIELDS},
        }


@dataclass(frozen=True)
class LateUnit:
    unit: str
    returns: int  # returns first submitted after their period's due date
    days: int  # the longest delay

    def to_json(self) -> dict[str, Any]:
        return {"unit": self.unit, "returns": self.returns, "days": self.days}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LateUnit:
        return cls(unit=str(data["unit"]), returns=_int(data["returns"]), days=_int(data["days"]))


@dataclass(frozen=True)
class PublicityRow:
    key: str
    label: str
    unit: str
    value: int

    @property
    def heading(self) -> str:
        return f"{self.label}（{self.unit}）" if self.unit else self.label

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "unit": self.unit, "value": self.value}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PublicityRow:
        return cls(key=str(data["key"]), label=str(data["label"]), unit=str(data["unit"]), value=_int(data["value"]))


@dataclass(frozen=True)
class Photo:
    image: str  # a re-encoded photo under MEDIA_ROOT/derived/
    caption: str

    def to_json(self) -> dict[str, Any]:
        return {"image": self.image, "caption": self.caption}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Photo:
        return cls(image=str(data["image"]), caption=str(data["caption"]))


@dataclass(frozen=True)
class BoardRow:
    unit: str
    cells: tuple[str, ...]  # the state label of each column ("按时报送", "—", ...)
    counts: dict[str, int]  # SlotState -> number of slots


@dataclass(frozen=True)
class BoardFigures:
    """The completeness board (units × task periods) as the workbook shows it, as of a day."""

    day: dt.date
    columns: tuple[str, ...]
    rows: tuple[BoardRow, ...]

    @classmethod
    def from_board(cls, board: Board) -> BoardFigures:
        return cls(
            day=board.today,
            columns=tuple(str(column.label) for column in board.columns),
            rows=tuple(
                BoardRow(row.unit.name, tuple(str(cell.label) for cell in row.cells), dict(row.counts))
                for row in board.rows
            ),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "columns": list(self.columns),
            "rows": [{"unit": row.unit, "cells": list(row.cells), "counts": row.counts} for row in self.rows],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BoardFigures:
        return cls(
            day=dt.date.fromisoformat(data["day"]),
            columns=tuple(str(label) for label in data["columns"]),
            rows=tuple(
                BoardRow(
                    str(row["unit"]),
                    tuple(str(cell) for cell in row["cells"]),
                    {str(state): _int(n) for state, n in row["counts"].items()},
                )
                for row in data["rows"]
            ),
        )


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"snapshot figure {value!r} is not a count")
    return value


# --- The figures ---------------------------------------------------------------------------------------------------


@dataclass
class SummaryFigures:
    """Everything the summary's text, annexes and workbook show. Totals, subtotals and "其中" lines are computed
    from the rows, never stored apart from them."""

    campaign_id: int
    campaign_name: str
    starts_on: dt.date
    ends_on: dt.date
    taken_at: dt.datetime  # when the database was queried
    whole: str  # "全市": the narrative's word for the whole area
    platform: str  # "市曝光台": the exposure platform's name in the separate line
    units: list[UnitRow]
    types: list[TypeRow]
    late_units: list[LateUnit]
    exposure_cases_outside: int  # published cases of no unit in the table (city-wide, other units)
    publicity: list[PublicityRow]
    photos: list[Photo] = field(default_factory=list)
    board: BoardFigures | None = None
    # APART_FIELDS and DRILL_TRAINING_RETURNS summed over the accepted returns; None for a version-1 snapshot,
    # whose drills and training are the drill and training types' figures.
    apart: dict[str, int] | None = None
    frozen: bool = False  # read from an issued summary's snapshot
    issued_unfrozen: bool = False  # live figures of a summary issued before snapshots were stored
    campaign: Campaign | None = None  # live figures only (the narrative needs the campaign's kind and themes)

    # Tables and their totals.

    @property
    def totals(self) -> dict[str, int]:
        """The 合计 row of the per-unit tables: the sum of the unit rows."""
        totals = {"returns": sum(row.returns for row in self.units)}
        totals.update({name: sum(row.values[name] for row in self.units) for name in FIGURE_FIELDS})
        return totals

    @property
    def unit_exposure_cases(self) -> int:
        """The 合计 of the table's "曝光台公开案例" column."""
        return sum(row.exposure_cases for row in self.units)

    @property
    def exposure_cases(self) -> int:
        """All cases the exposure platform published in the period: the column's 合计 plus the separate line."""
        return self.unit_exposure_cases + self.exposure_cases_outside

    @property
    def reported_units(self) -> list[UnitRow]:
        return [row for row in self.units if row.reported]

    @property
    def unreported_units(self) -> list[str]:
        """Units in the table with no accepted return in the period."""
        return [row.unit for row in self.units if not row.reported]

    @property
    def type_totals(self) -> dict[str, int]:
        return {name: sum(getattr(row, name) for row in self.types) for name in TYPE_COUNTED}

    @property
    def type_groups(self) -> list[TypeGroup]:
        return [
            TypeGroup(key, GROUP_LABELS[key], tuple(row for row in self.types if row.group == key))
            for key in (DRILL_TRAINING, OTHER_ACTIVITIES)
        ]

    @property
    def drill_training(self) -> DrillTraining:
        """The "其中：应急救援演练和知识技能培训" line: the returns' drill and training counts (a version-1 snapshot:
        the drill and training types' figures, as issued)."""
        group = self.type_groups[0]
        if self.apart is None:
            by_type = {kind: [row for row in group.rows if row.activity_type == kind] for kind in DRILL_TRAINING_TYPES}
            drills, trainings = by_type[ActivityType.DRILL], by_type[ActivityType.TRAINING]
            return DrillTraining(
                key=group.key,
                label=group.label,
                returns=group.returns,
                drill_sessions=sum(row.sessions for row in drills),
                drill_participants=sum(row.participants for row in drills),
                training_sessions=sum(row.sessions for row in trainings),
                training_participants=sum(row.participants for row in trainings),
                rows=group.rows,
            )
        return DrillTraining(
            key=group.key,
            label=group.label,
            returns=self.apart[DRILL_TRAINING_RETURNS],
            **{name: self.apart[name] for name in DRILL_TRAINING_FIELDS},
            rows=group.rows,
        )

    @property
    def consultation_desks(self) -> int:
        return self.apart["consultation_desks"] if self.apart is not None else 0

    @property
    def late_total(self) -> int:
        return sum(row.returns for row in self.late_units)

    @property
    def material_totals(self) -> list[int]:
        totals = self.totals
        return [totals[name] for name, _label, _unit in MATERIALS]

    @property
    def materials_total(self) -> int:
        return sum(self.material_totals)

    def materials_text(self) -> str:
        totals = self.totals
        parts = [f"{label}{totals[name]:,}{unit}" for name, label, unit in MATERIALS if totals[name]]
        return "、".join(parts) if parts else _("（暂无）")

    def chart_data(self) -> tuple[list[str], dict[str, list[int]]]:
        return [row.short for row in self.units], {_("开展场次"): [row.sessions for row in self.units]}

    # When and what.

    @property
    def query_date(self) -> dt.date:
        return timezone.localdate(self.taken_at)

    def taken_text(self) -> str:
        """The moment the figures were read, as the documents print it: 2024年7月5日10时30分."""
        local = timezone.localtime(self.taken_at)
        return f"{chinese_date(local.date())}{local.hour}时{local.minute:02d}分"

    @property
    def is_preview(self) -> bool:
        """Live figures of a draft: the papers say they are not final."""
        return not self.frozen and not self.issued_unfrozen

    def status_note(self) -> str:
        """What a reader must know about the figures' date: a preview says it is not final."""
        when = {"when": self.taken_text()}
        if self.frozen:
            return _("本文统计数据截至%(when)s（印发时）。") % when
        if self.issued_unfrozen:
            return _("本文统计数据截至%(when)s（本文印发时未保存统计数据，按生成时数据统计）。") % when
        return _("预览稿：数据截至%(when)s，印发时以印发时数据为准。") % when

    def exposure_outside_text(self) -> str:
        """The separate line under the per-unit table (empty when there is nothing to add)."""
        if not self.exposure_cases_outside:
            return ""
        return _("另：%(platform)s同期公开市级及未列入本表单位的典型案例%(n)s个，未计入上表。") % {
            "platform": self.platform,
            "n": f"{self.exposure_cases_outside:,}",
        }

    # Snapshot.

    def to_snapshot(self) -> dict[str, Any]:
        """A JSON-serialisable copy (dates as ISO strings, no model instances)."""
        drill_training = self.drill_training
        return {
            "version": SNAPSHOT_VERSION,
            "taken_at": self.taken_at.isoformat(),
            "query_date": self.query_date.isoformat(),
            "campaign": {
                "id": self.campaign_id,
                "name": self.campaign_name,
                "starts_on": self.starts_on.isoformat(),
                "ends_on": self.ends_on.isoformat(),
            },
            "labels": {"whole": self.whole, "platform": self.platform},
            "units": [row.to_json() for row in self.units],
            "totals": self.totals,
            "types": [row.to_json() for row in self.types],
            "type_totals": self.type_totals,
            "drill_training": drill_training.to_json(),
            "apart": self.apart,
            "late_units": [row.to_json() for row in self.late_units],
            "unreported_units": self.unreported_units,
            "exposure_cases": {
                "in_units": self.unit_exposure_cases,
                "outside": self.exposure_cases_outside,
                "total": self.exposure_cases,
            },
            "publicity": [row.to_json() for row in self.publicity],
            "photos": [photo.to_json() for photo in self.photos],
            "board": self.board.to_json() if self.board else None,
        }

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> SummaryFigures:
        """The figures an issued summary stored. Refuses a snapshot of another version or one whose stored totals
        are not the sums of its rows."""
        version = data.get("version")
        if version not in READABLE_VERSIONS:
            raise ValueError(f"summary snapshot version {version!r} is not one of {READABLE_VERSIONS}")
        apart = data.get("apart") if version >= 2 else None
        campaign = data["campaign"]
        exposure = data["exposure_cases"]
        figures = cls(
            campaign_id=int(campaign["id"]),
            campaign_name=str(campaign["name"]),
            starts_on=dt.date.fromisoformat(campaign["starts_on"]),
            ends_on=dt.date.fromisoformat(campaign["ends_on"]),
            taken_at=dt.datetime.fromisoformat(data["taken_at"]),
            whole=str(data["labels"]["whole"]),
            platform=str(data["labels"]["platform"]),
            units=[UnitRow.from_json(row) for row in data["units"]],
            types=[TypeRow.from_json(row) for row in data["types"]],
            late_units=[LateUnit.from_json(row) for row in data["late_units"]],
            exposure_cases_outside=_int(exposure["outside"]),
            publicity=[PublicityRow.from_json(row) for row in data["publicity"]],
            photos=[Photo.from_json(photo) for photo in data.get("photos", [])],
            board=BoardFigures.from_json(data["board"]) if data.get("board") else None,
            apart={name: _int(apart[name]) for name in (*APART_FIELDS, DRILL_TRAINING_RETURNS)} if apart else None,
            frozen=True,
        )
        stored = {
            "totals": data["totals"],
            "type_totals": data["type_totals"],
            "unreported_units": data["unreported_units"],
            "exposure_cases": exposure,
        }
        if version >= 2:
            stored["drill_training"] = data["drill_training"]
        again = figures.to_snapshot()
        for key, value in stored.items():
            if again[key] != value:
                raise ValueError(f"summary snapshot does not add up: {key} {value!r} != {again[key]!r}")
        return figures


# --- Live figures, from the database ---------------------------------------------------------------------------------


def summary_tasks(campaign: Campaign) -> QuerySet[CampaignTask]:
    """The tasks a campaign's summary covers: its own and those of the campaigns derived from it (two levels down: a
    county's from a city's, a subdistrict's from the county's)."""
    return CampaignTask.objects.filter(
        Q(campaign=campaign) | Q(campaign__parent=campaign) | Q(campaign__parent__parent=campaign)
    )


def period_condition(campaign: Campaign, tasks: list[CampaignTask]) -> Q:
    """Returns for the reporting periods of ``tasks`` that start before the campaign ends: a monthly task running
    past the campaign counts its periods within the campaign only, while a plan due before the campaign starts still
    counts (periods are contiguous, so this is one upper bound on the due date per task)."""
    condition = Q(pk__in=[])
    for task in tasks:
        dues = [period.due for period in task.periods() if period.start <= campaign.ends_on]
        if dues:
            condition |= Q(task_id=task.pk, period_due__lte=max(dues))
    return condition


def scoped_returns(campaign: Campaign, tasks: list[CampaignTask] | None = None) -> QuerySet[ActivityReturn]:
    """Every return (any status) the summary's period covers."""
    tasks = tasks if tasks is not None else list(summary_tasks(campaign).select_related("campaign"))
    return ActivityReturn.objects.filter(period_condition(campaign, tasks))


def accepted_returns(campaign: Campaign, tasks: list[CampaignTask] | None = None) -> QuerySet[ActivityReturn]:
    """The returns the summary counts: accepted, for the campaign's period."""
    return scoped_returns(campaign, tasks).filter(status=ReturnStatus.ACCEPTED)


def _figure_sums() -> dict[str, Any]:
    # The count comes first: its filter must read the columns, not the sums annotated under the same names below.
    reporting = Q(drill_sessions__gt=0) | Q(drill_participants__gt=0)
    reporting |= Q(training_sessions__gt=0) | Q(training_participants__gt=0)
    sums: dict[str, Any] = {DRILL_TRAINING_RETURNS: Count("pk", filter=reporting)}
    sums.update({name: Coalesce(Sum(name), 0) for name in (*FIGURE_FIELDS, *APART_FIELDS)})
    return sums


def _table_key(row: Mapping[str, Any], names: Mapping[str, Any], table_paths: Mapping[str, str]) -> str | None:
    """The table row a group of returns counts in: its member unit's row if the member unit is in the table, else
    the deepest table unit whose subtree holds the returns' jurisdiction (a 社区 in its 街道, a subdistrict's own
    member unit in the subdistrict); None outside every table unit."""
    if row["member_unit_id"] and f"m{row['member_unit_id']}" in names:
        return f"m{row['member_unit_id']}"
    parts = [part for part in (row["jurisdiction__path"] or "").split("/") if part]
    for depth in range(len(parts), 0, -1):
        key = table_paths.get("".join(f"{code}/" for code in parts[:depth]))
        if key is not None:
            return key
    return None


def _short(name: str) -> str:
    return _SHORT_SUFFIX.sub("", name) or name


def _area_words(campaign: Campaign) -> tuple[str, str]:
    """("全市", "市曝光台") for a county-level city's campaign; the platform is the county's (the office runs it)."""
    jurisdiction = campaign.jurisdiction
    if jurisdiction is None:
        return _("全国"), _("曝光台")
    county = jurisdiction
    for _hop in range(3):
        if county.level == "county" or county.parent is None:
            break
        county = county.parent
    county_kind = county.kind if county.level == "county" and county.kind else "市"
    whole = f"全{county_kind}" if jurisdiction.level == "county" else f"全{jurisdiction.kind or _('辖区')}"
    return whole, f"{county_kind}曝光台"


def summary_figures(
    campaign: Campaign, *, photo_limit: int = 6, with_board: bool = False, now: dt.datetime | None = None
) -> SummaryFigures:
    """The summary's figures from the database, now. A fixed number of queries whatever the number of returns:
    the tasks, their units (two), one GROUP BY (unit, type) for the figures and one for the late returns, the
    exposure and publicity providers (one and four), the photos (one or two); the board's four with ``with_board``."""
    taken_at = now or timezone.now()
    tasks = list(summary_tasks(campaign).select_related("campaign"))
    scoped = scoped_returns(campaign, tasks)
    accepted = scoped.filter(status=ReturnStatus.ACCEPTED)

    # The table's units: every unit the campaign's own tasks are assigned to (subdistricts and towns, member units).
    # A derived campaign's units (a subdistrict's 社区 and its own member units) roll up into the table's unit above
    # them; a unit outside every table unit's subtree with accepted returns gets a row of its own, so that 合计 is
    # every counted return, once.
    own_task_ids = [task.pk for task in tasks if task.campaign_id == campaign.pk]
    names: dict[str, tuple[str, str, str]] = {}  # key -> (sort key, name, short)
    table_paths: dict[str, str] = {}  # a table jurisdiction's path -> its key
    through_j = CampaignTask.jurisdictions.through.objects.filter(campaigntask_id__in=own_task_ids)
    for jid, name, code, path in through_j.values_list(
        "jurisdiction_id", "jurisdiction__name", "jurisdiction__code", "jurisdiction__path"
    ):
        names[f"j{jid}"] = (f"0{code}", name, _short(name))
        table_paths[path] = f"j{jid}"
    through_m = CampaignTask.member_units.through.objects.filter(campaigntask_id__in=own_task_ids)
    for mid, name, short in through_m.values_list("memberunit_id", "memberunit__name", "memberunit__short_name"):
        names[f"m{mid}"] = (f"1{name}", name, short or name)
    # One GROUP BY (unit, activity type) feeds both the per-unit and the per-type tables, so that they always agree
    # (two queries could see different returns under READ COMMITTED while staff accept one).
    sums: dict[str, dict[str, int]] = {}
    by_type: dict[str, dict[str, int]] = {}
    apart = dict.fromkeys((*APART_FIELDS, DRILL_TRAINING_RETURNS), 0)
    groups: Iterable[Mapping[str, Any]] = (
        accepted.values(
            "jurisdiction_id",
            "jurisdiction__name",
            "jurisdiction__code",
            "jurisdiction__path",
            "member_unit_id",
            "member_unit__name",
            "member_unit__short_name",
            "activity_type",
        )
        .annotate(n=Count("pk"), **_figure_sums())
        .order_by()
    )
    for row in groups:
        key = _table_key(row, names, table_paths)
        if key is None:  # outside every table unit: a row of its own
            if row["member_unit_id"]:
                key = f"m{row['member_unit_id']}"
                names[key] = (f"1{row['member_unit__name']}", row["member_unit__name"], row["member_unit__short_name"])
            else:
                key = f"j{row['jurisdiction_id']}"
                name = row["jurisdiction__name"]
                names[key] = (f"0{row['jurisdiction__code']}", name, _short(name))
        unit_sums = sums.setdefault(key, dict.fromkeys(COUNTED, 0))
        type_sums = by_type.setdefault(row["activity_type"], dict.fromkeys(TYPE_COUNTED, 0))
        unit_sums["returns"] += row["n"]
        type_sums["returns"] += row["n"]
        for name in FIGURE_FIELDS:
            unit_sums[name] += int(row[name])
        for name in ("sessions", "participants"):
            type_sums[name] += int(row[name])
        for name in apart:
            apart[name] += int(row[name])

    scope = FigureScope(starts_on=campaign.starts_on, ends_on=campaign.ends_on, campaign_id=campaign.pk)
    cases = provide(EXPOSURE_CASES, scope)
    case_key = cases.measures[0].key
    ordered = sorted(names, key=lambda k: (names[k][0], k))
    units = []
    for key in ordered:
        _sort, name, short = names[key]
        unit_sums = sums.get(key) or dict.fromkeys(COUNTED, 0)
        in_unit = cases.for_jurisdiction(int(key[1:]), case_key) if key.startswith("j") else 0
        units.append(
            UnitRow(
                key=key,
                unit=name,
                short=short or name,
                returns=unit_sums["returns"],
                values={field_name: unit_sums[field_name] for field_name in FIGURE_FIELDS},
                exposure_cases=in_unit,
            )
        )
    outside = cases.total(case_key) - sum(row.exposure_cases for row in units)

    labels = dict(ActivityType.choices)
    type_rows = [
        TypeRow(
            activity_type=activity_type,
            label=str(labels.get(activity_type, activity_type)),
            group=DRILL_TRAINING if activity_type in DRILL_TRAINING_TYPES else OTHER_ACTIVITIES,
            **values,
        )
        for activity_type, values in by_type.items()
    ]
    type_rows.sort(key=lambda row: (row.group != DRILL_TRAINING, -row.sessions, row.activity_type))

    order = {key: index for index, key in enumerate(ordered)}
    late = []
    late_groups: Iterable[Mapping[str, Any]] = (
        scoped.filter(is_late=True)
        .values("jurisdiction_id", "jurisdiction__name", "member_unit_id", "member_unit__name")
        .annotate(n=Count("pk"), days=Max("late_days"))
        .order_by()
    )
    for group in late_groups:
        key = f"m{group['member_unit_id']}" if group["member_unit_id"] else f"j{group['jurisdiction_id']}"
        unit = group["member_unit__name"] or group["jurisdiction__name"]
        late.append((order.get(key, len(order)), unit, LateUnit(unit, group["n"], group["days"] or 0)))
    late.sort(key=lambda item: (item[0], item[1]))

    publicity = provide(CAMPAIGN_PUBLICITY, scope)
    publicity_rows = [
        PublicityRow(measure.key, measure.label, measure.unit, publicity.total(measure.key))
        for measure in publicity.measures
        if publicity.total(measure.key)
    ]

    board = None
    if with_board:
        from .selectors import completeness_board

        live_board = completeness_board(campaign, today=timezone.localdate(taken_at), within_campaign=True)
        board = BoardFigures.from_board(live_board)
    whole, platform = _area_words(campaign)
    return SummaryFigures(
        campaign_id=campaign.pk,
        campaign_name=str(campaign),
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        taken_at=taken_at,
        whole=whole,
        platform=platform,
        units=units,
        types=type_rows,
        late_units=[item[2] for item in late],
        exposure_cases_outside=outside,
        publicity=publicity_rows,
        photos=summary_photos(accepted, limit=photo_limit) if photo_limit else [],
        board=board,
        apart=apart,
        campaign=campaign,
    )


def summary_photos(accepted: QuerySet[ActivityReturn], *, limit: int = 6) -> list[Photo]:
    """The photos staff selected for the summary; if none, the latest photos of the counted returns."""
    from .models import ReturnPhoto

    photos = ReturnPhoto.objects.filter(activity_return__in=accepted).select_related(
        "activity_return__jurisdiction", "activity_return__member_unit"
    )
    chosen = list(photos.filter(selected_for_summary=True).order_by("pk")[:limit])
    chosen = chosen or list(photos.order_by("-pk")[: min(limit, 4)])
    result = []
    for photo in chosen:
        ret = photo.activity_return
        result.append(Photo(photo.image, f"{ret.unit_name}：{ret.title}（{chinese_date(ret.activity_date)}）"))
    return result


def summary_snapshot(campaign: Campaign, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """What an issued summary stores (``CampaignSummary.build_snapshot()``): its figures, the board and the photos,
    read now, JSON-serialisable, with the query date and time and the campaign's period."""
    return summary_figures(campaign, with_board=True, now=now).to_snapshot()


def figures_for_summary(summary: Any, *, photo_limit: int = 6, with_board: bool = False) -> SummaryFigures:
    """The figures a summary's documents show: the snapshot it stored at issue, or live figures for a draft (and
    for a summary issued before snapshots were stored)."""
    snapshot = getattr(summary, "snapshot", None)
    if snapshot is not None:
        return SummaryFigures.from_snapshot(snapshot)
    figures = summary_figures(summary.campaign, photo_limit=photo_limit, with_board=with_board)
    figures.issued_unfrozen = not summary.is_editable
    return figures
