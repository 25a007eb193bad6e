"""Property test of the campaign summary's figures: random campaigns, units, tasks, returns (statuses, types,
figures, lateness), exposure cases and publicity items, against an aggregation written here in plain Python from
what was generated (no query of the code under test).

Each example is built inside a transaction that is rolled back, so examples never see each other's rows. Checked:
every table of the summary (per unit, materials, per type with its "其中" line, late units, unreported units), the
separate exposure line, the publicity figures, the snapshot (JSON round trip, totals = sums of rows), and the same
tables as the PDF's HTML and the workbook print them (every 合计 equals the sum of its rows)."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import openpyxl
import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns import documents
from campaigns.documents import build_campaign_summary
from campaigns.figures import DRILL_TRAINING_TYPES, TYPE_COUNTED, SummaryFigures, summary_figures
from campaigns.models import (
    DRILL_TRAINING_FIELDS,
    FIGURE_FIELDS,
    MATERIALS,
    ActivityReturn,
    ActivityType,
    Recurrence,
    ReturnStatus,
)
from campaigns.summaries import summary_workbook
from inspections.models import CaseStatus
from publicity.models import ItemKind
from safetyportal.documents.context import engine_context
from safetyportal.documents.models import GeneratedDocument
from tests.campaigns.factories import CampaignFactory, CampaignSummaryFactory, CampaignTaskFactory
from tests.core.factories import CommunityFactory, CountyFactory, JurisdictionFactory, MemberUnitFactory
from tests.inspections.factories import ExposureCaseFactory
from tests.publicity.factories import PublicityItemFactory, VideoFactory

pytestmark = pytest.mark.django_db

BASE = dt.date(2024, 6, 1)
TYPES = [choice.value for choice in ActivityType]
STATUSES = [choice.value for choice in ReturnStatus]
COUNTED_CASES = (CaseStatus.PUBLISHED, CaseStatus.EXPIRED)

# --- Strategies: plain data, turned into rows in the test ------------------------------------------------------------

small = st.integers(min_value=0, max_value=40)
figures_strategy = st.fixed_dictionaries(
    {
        "sessions": st.integers(min_value=0, max_value=30),
        "participants": st.integers(min_value=0, max_value=5000),
        **{name: small for name in FIGURE_FIELDS if name not in ("sessions", "participants")},
    }
)
task_strategy = st.fixed_dictionaries(
    {
        "recurrence": st.sampled_from([Recurrence.ONCE, Recurrence.WEEKLY, Recurrence.MONTHLY]),
        "child": st.booleans(),  # a task of a campaign derived from the summarised one
        "start_shift": st.integers(min_value=-10, max_value=10),
        "overrun": st.integers(min_value=-5, max_value=80),  # a task may run past the campaign (monthly exposures)
        "units": st.sets(st.integers(min_value=0, max_value=4), max_size=5),
        "members": st.sets(st.integers(min_value=0, max_value=1), max_size=2),
        # A derived campaign's units (issue 12): 社区 below the subdistricts, a subdistrict's own member units.
        "communities": st.sets(st.integers(min_value=0, max_value=2), max_size=3),
        "locals": st.sets(st.integers(min_value=0, max_value=1), max_size=2),
    }
)
return_strategy = st.fixed_dictionaries(
    {
        "task": st.integers(min_value=0, max_value=9),
        # j: a subdistrict, m: a city member unit, c: a community, l: a subdistrict's own member unit
        "unit": st.tuples(st.sampled_from("jjjmcl"), st.integers(min_value=0, max_value=4)),
        "period": st.integers(min_value=0, max_value=20),
        "status": st.sampled_from(STATUSES),
        "type": st.sampled_from(TYPES),
        "figures": figures_strategy,
        # Drill and training parts (issue 12), cut down below to fit within the return's totals.
        "parts": st.tuples(*(st.integers(min_value=0, max_value=3000) for _ in range(4))),
        "desks": st.integers(min_value=0, max_value=5),
        "late_days": st.sampled_from([0, 0, 0, 1, 3, 9]),
    }
)
case_strategy = st.fixed_dictionaries(
    {
        "where": st.one_of(
            st.tuples(st.just("unit"), st.integers(min_value=0, max_value=4)),
            st.tuples(st.sampled_from(["county", "stranger"]), st.just(0)),
        ),
        "status": st.sampled_from([CaseStatus.PUBLISHED, CaseStatus.EXPIRED, CaseStatus.WITHDRAWN]),
        "day": st.integers(min_value=-3, max_value=70),
        "hour": st.sampled_from([0, 9, 23]),
    }
)
publicity_strategy = st.fixed_dictionaries(
    {
        "campaign": st.sampled_from(["this", "this", "child", "other", None]),
        "kind": st.sampled_from([ItemKind.WECHAT_ARTICLE, ItemKind.SHORT_VIDEO]),
        "count": st.integers(min_value=0, max_value=100_000),
    }
)
scenario_strategy = st.fixed_dictionaries(
    {
        "start_shift": st.integers(min_value=0, max_value=15),
        "length": st.integers(min_value=0, max_value=45),
        "units": st.integers(min_value=1, max_value=5),
        "members": st.integers(min_value=0, max_value=2),
        "communities": st.lists(st.integers(min_value=0, max_value=4), max_size=3),  # each one's subdistrict
        "locals": st.lists(st.integers(min_value=0, max_value=4), max_size=2),  # each one's subdistrict
        "tasks": st.lists(task_strategy, min_size=1, max_size=3),
        "returns": st.lists(return_strategy, max_size=25),
        "cases": st.lists(case_strategy, max_size=6),
        "publicity": st.lists(publicity_strategy, max_size=4),
    }
)


# --- Building the rows ---------------------------------------------------------------------------------------------


@dataclass
class Built:
    campaign: Any
    units: list[Any]  # jurisdictions (subdistricts), by index
    members: list[Any]
    expected: dict[str, Any]


def build(data: dict[str, Any]) -> Built:
    county = CountyFactory()
    starts_on = BASE + dt.timedelta(days=data["start_shift"])
    ends_on = starts_on + dt.timedelta(days=data["length"])
    campaign = CampaignFactory(starts_on=starts_on, ends_on=ends_on, jurisdiction=county)
    child = CampaignFactory(starts_on=starts_on, ends_on=ends_on, parent=campaign)
    other = CampaignFactory(starts_on=starts_on, ends_on=ends_on)
    units = [JurisdictionFactory(parent=county) for _ in range(data["units"])]
    members = [MemberUnitFactory(jurisdiction=county) for _ in range(data["members"])]
    stranger = JurisdictionFactory(parent=county)  # a unit no task of the campaign is assigned to
    communities = [CommunityFactory(parent=units[i % len(units)]) for i in data["communities"]]
    locals_ = [MemberUnitFactory(jurisdiction=units[i % len(units)]) for i in data["locals"]]

    tasks = []
    assigned: set[tuple[str, int]] = set()
    for spec in data["tasks"]:
        task_start = starts_on + dt.timedelta(days=spec["start_shift"])
        task_end = max(task_start, ends_on + dt.timedelta(days=spec["overrun"]))
        task = CampaignTaskFactory(
            campaign=child if spec["child"] else campaign,
            recurrence=spec["recurrence"],
            starts_on=task_start,
            ends_on=task_end,
            due_on=task_end if spec["recurrence"] == Recurrence.ONCE else None,
            units=[units[i] for i in spec["units"] if i < len(units)]
            + [communities[i] for i in spec["communities"] if i < len(communities)],
            members=[members[i] for i in spec["members"] if i < len(members)]
            + [locals_[i] for i in spec["locals"] if i < len(locals_)],
        )
        tasks.append(task)
        if spec["child"]:
            continue  # a derived campaign's units are not the summary's table units: they roll up into them
        assigned |= {("j", units[i].pk) for i in spec["units"] if i < len(units)}
        assigned |= {("j", communities[i].pk) for i in spec["communities"] if i < len(communities)}
        assigned |= {("m", members[i].pk) for i in spec["members"] if i < len(members)}
        assigned |= {("m", locals_[i].pk) for i in spec["locals"] if i < len(locals_)}

    rows: list[ActivityReturn] = []
    counted: list[tuple[tuple[str, int], ActivityReturn]] = []  # accepted, in the campaign's period
    late: list[tuple[tuple[str, int], ActivityReturn]] = []  # late, in the period, any status
    for spec in data["returns"]:
        task = tasks[spec["task"] % len(tasks)]
        periods = task.periods()
        if not periods:
            continue
        period = periods[spec["period"] % len(periods)]
        kind, index = spec["unit"]
        # (its own key, the keys above it from the nearest: where the return rolls up)
        if kind == "m" and members:
            member = members[index % len(members)]
            key, jurisdiction, member_unit = ("m", member.pk), county, member
            chain = [key]
        elif kind == "c" and communities:
            community = communities[index % len(communities)]
            key, jurisdiction, member_unit = ("j", community.pk), community, None
            chain = [key, ("j", community.parent_id)]
        elif kind == "l" and locals_:
            local = locals_[index % len(locals_)]
            key, jurisdiction, member_unit = ("m", local.pk), local.jurisdiction, local
            chain = [key, ("j", local.jurisdiction_id)]
        else:
            unit = units[index % len(units)]
            key, jurisdiction, member_unit = ("j", unit.pk), unit, None
            chain = [key]
        submitted = spec["status"] != ReturnStatus.DRAFT
        sessions, participants = spec["figures"]["sessions"], spec["figures"]["participants"]
        drill_sessions = min(spec["parts"][0], sessions)
        training_sessions = min(spec["parts"][1], sessions - drill_sessions)
        drill_participants = min(spec["parts"][2], participants)
        training_participants = min(spec["parts"][3], participants - drill_participants)
        row = ActivityReturn(
            task=task,
            jurisdiction=jurisdiction,
            member_unit=member_unit,
            period_due=period.due,
            activity_type=spec["type"],
            title="活动",
            activity_date=period.due,
            place="广场",
            description="做法",
            status=spec["status"],
            first_submitted_at=timezone.now() if submitted else None,
            is_late=submitted and spec["late_days"] > 0,
            late_days=spec["late_days"] if submitted else 0,
            drill_sessions=drill_sessions,
            drill_participants=drill_participants,
            training_sessions=training_sessions,
            training_participants=training_participants,
            consultation_desks=spec["desks"],
            **spec["figures"],
        )
        rows.append(row)
        in_period = period.start <= ends_on  # periods starting after the campaign are not its (plans before are)
        if in_period and row.status == ReturnStatus.ACCEPTED:
            # The nearest table unit above it (its own row if none: outside every table unit's subtree).
            counted.append((next((k for k in chain if k in assigned), key), row))
        if in_period and row.is_late:
            late.append((key, row))
    ActivityReturn.objects.bulk_create(rows)

    # Exposure cases: in the period (local days, both ends included) and not withdrawn count.
    cases_by_jurisdiction: dict[int, int] = defaultdict(int)
    for spec in data["cases"]:
        where, index = spec["where"]
        jurisdiction = units[index % len(units)] if where == "unit" else county if where == "county" else stranger
        day = starts_on + dt.timedelta(days=spec["day"])
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(spec["hour"], 30)))
        ExposureCaseFactory(jurisdiction=jurisdiction, status=spec["status"], published_at=at)
        if spec["status"] in COUNTED_CASES and starts_on <= day <= ends_on:
            cases_by_jurisdiction[jurisdiction.pk] += 1

    publicity = {"articles": 0, "reads": 0, "videos": 0, "plays": 0}
    pushes: set[int] = set()
    for spec in data["publicity"]:
        target = {"this": campaign, "child": child, "other": other, None: None}[spec["campaign"]]
        if spec["kind"] == ItemKind.WECHAT_ARTICLE:
            item = PublicityItemFactory(campaign=target, reads=spec["count"])
            if target == campaign:
                publicity["articles"] += 1
                publicity["reads"] += spec["count"]
                pushes.add(item.push_id)
        else:
            VideoFactory(campaign=target, plays=spec["count"])
            if target == campaign:
                publicity["videos"] += 1
                publicity["plays"] += spec["count"]
    publicity["pushes"] = len(pushes)  # articles of one day's push count one push

    # The independent aggregation.
    names = {("j", unit.pk): (f"0{unit.code}", unit.name) for unit in [*units, *communities]}
    names |= {("m", member.pk): (f"1{member.name}", member.name) for member in [*members, *locals_]}
    table_keys = assigned | {key for key, _row in counted}
    order = sorted(table_keys, key=lambda key: names[key][0])
    per_unit = {key: dict.fromkeys(("returns", *FIGURE_FIELDS), 0) for key in order}
    for key, row in counted:
        per_unit[key]["returns"] += 1
        for name in FIGURE_FIELDS:
            per_unit[key][name] += getattr(row, name)
    per_type: dict[str, dict[str, int]] = defaultdict(lambda: {"returns": 0, "sessions": 0, "participants": 0})
    for _key, row in counted:
        per_type[row.activity_type]["returns"] += 1
        per_type[row.activity_type]["sessions"] += row.sessions
        per_type[row.activity_type]["participants"] += row.participants
    apart = {
        name: sum(getattr(row, name) for _key, row in counted)
        for name in (*DRILL_TRAINING_FIELDS, "consultation_desks")
    }
    apart["returns"] = sum(1 for _key, row in counted if any(getattr(row, name) for name in DRILL_TRAINING_FIELDS))
    late_units: dict[tuple[str, int], list[int]] = {}
    for key, row in late:
        late_units.setdefault(key, []).append(row.late_days)
    in_table = {key[1] for key in order if key[0] == "j"}
    expected = {
        "units": [
            (names[key][1], per_unit[key], cases_by_jurisdiction.get(key[1], 0) if key[0] == "j" else 0)
            for key in order
        ],
        "types": dict(per_type),
        "apart": apart,
        "late": {names.get(key, ("", "?"))[1]: (len(days), max(days)) for key, days in late_units.items()},
        "unreported": [names[key][1] for key in order if per_unit[key]["returns"] == 0],
        "outside": sum(n for jurisdiction, n in cases_by_jurisdiction.items() if jurisdiction not in in_table),
        "all_cases": sum(cases_by_jurisdiction.values()),
        "publicity": {key: value for key, value in publicity.items() if value},
    }
    return Built(campaign, units, members, expected)


# --- Reading the tables back out of the HTML and the workbook ------------------------------------------------------


class Tables(HTMLParser):
    """The summary tables of the PDF's HTML by class ("units", "materials", ...): rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.notes: list[str] = []
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._note: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and "summary-table" in classes:
            self._table = classes[-1]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "p" and "separate" in classes:
            self._note = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag == "tr" and self._table and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "p" and self._note is not None:
            self.notes.append("".join(self._note))
            self._note = None

    def handle_data(self, data: str) -> None:
        for collector in (self._cell, self._note):
            if collector is not None:
                collector.append(data)


def number(text: Any) -> int:
    return int(str(text).replace(",", "")) if str(text).strip() else 0


def assert_total_is_sum(rows: list[list[Any]], total: list[Any], columns: range) -> None:
    for column in columns:
        assert number(total[column]) == sum(number(row[column]) for row in rows), (column, rows, total)


def check_html(figures: SummaryFigures, built: Built) -> None:
    summary = CampaignSummaryFactory(campaign=built.campaign)
    document = GeneratedDocument(
        kind="campaign_summary", title=summary.title, source_id=summary.pk, is_preview=True, authority=summary.authority
    )
    spec = build_campaign_summary(document)
    parser = Tables()
    parser.feed(render_to_string(spec.template_name, {**engine_context(document), **spec.context}))
    units = parser.tables["units"][1:]  # without the header
    body, total = units[:-1], units[-1]
    assert total[0] == "合计"
    if figures.units:
        assert [row[1] for row in body] == [name for name, _values, _cases in built.expected["units"]]
        assert_total_is_sum([row[1:] for row in body], total, range(1, 7))
    materials = parser.tables["materials"][1:]
    if figures.units:
        assert_total_is_sum([row[1:] for row in materials[:-1]], materials[-1], range(1, len(MATERIALS) + 1))
    types = parser.tables["types"][1:]
    type_rows, type_total, of_which = types[:-2], types[-2], types[-1]
    assert type_total[0] == "合计" and of_which[0] == "其中"
    if figures.types:
        assert_total_is_sum(type_rows, type_total, range(2, 5))
    # The "其中" line: the returns' own drill and training counts (issue 12), never more than the 合计 line.
    apart = built.expected["apart"]
    dt_expected = [
        apart["returns"],
        apart["drill_sessions"] + apart["training_sessions"],
        apart["drill_participants"] + apart["training_participants"],
    ]
    assert [number(cell) for cell in of_which[2:]] == dt_expected
    assert all(number(of_which[c]) <= number(type_total[c]) for c in (2, 3, 4))
    # The per-type table adds up to the per-unit table's sessions and participants (合计 spans 序号 and 单位 there).
    assert number(type_total[3]) == number(total[2]) and number(type_total[4]) == number(total[3])
    if "late" in parser.tables:
        late = parser.tables["late"][1:]
        assert_total_is_sum(late[:-1], late[-1], range(1, 2))
    outside = built.expected["outside"]
    assert len(parser.notes) == (1 if outside else 0)
    if outside:
        assert f"典型案例{outside:,}个" in parser.notes[0] and "未计入上表" in parser.notes[0]


def check_workbook(figures: SummaryFigures) -> None:
    book = openpyxl.load_workbook(io.BytesIO(summary_workbook(figures)))
    assert str(book["汇总"]["A1"].value).startswith("预览稿")
    sheet = list(book["各单位统计"].iter_rows(min_row=3, values_only=True))
    outside = figures.exposure_cases_outside
    rows, total = sheet[: len(figures.units)], sheet[len(figures.units)]
    assert total[0] == "合计"
    assert_total_is_sum(rows, total, range(2, len(total)))
    assert sheet[len(figures.units) + 1 :] == ([(figures.exposure_outside_text(),) + (None,) * 13] if outside else [])
    types = list(book["按活动类型"].iter_rows(min_row=3, values_only=True))
    assert_total_is_sum(types[:-2], types[-2], range(2, 5))
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=3, values_only=True)}
    assert summary["开展场次（场）"] == figures.totals["sessions"]
    label = "其中：应急救援演练和知识技能培训"
    assert summary[f"{label}（场）"] == summary["其中：应急演练（场）"] + summary["其中：培训（场）"]
    assert summary[f"{label}（人次）"] == summary["其中：应急演练（人次）"] + summary["其中：培训（人次）"]
    assert summary[f"{label}（场）"] <= summary["开展场次（场）"]
    assert summary["咨询台（个）"] == figures.consultation_desks
    assert (
        summary["市曝光台公开典型案例（个）"]
        == summary["其中：统计表所列单位（个）"] + summary["其中：市级及未列入统计表单位（个）"]
    )


# --- The property ----------------------------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=scenario_strategy)
def test_every_summary_table_matches_an_independent_aggregation(
    db, media_root, monkeypatch, data: dict[str, Any]
) -> None:
    monkeypatch.setattr(documents, "svg_bar_chart", lambda *args, **kwargs: "<svg></svg>")  # charts are no tables
    with transaction.atomic():
        built = build(data)
        figures = summary_figures(built.campaign, photo_limit=0)
        expected = built.expected

        # Per unit (and the materials table, which has the same rows), with the 曝光台 column.
        assert [(row.unit, {"returns": row.returns, **row.values}, row.exposure_cases) for row in figures.units] == (
            expected["units"]
        )
        for name in ("returns", *FIGURE_FIELDS):
            assert figures.totals[name] == sum(values[name] for _unit, values, _cases in expected["units"])
        assert figures.material_totals == [figures.totals[name] for name, _label, _unit in MATERIALS]
        # Exposure cases: the column plus the separate line is every case the platform published in the period.
        assert figures.exposure_cases_outside == expected["outside"]
        assert figures.unit_exposure_cases + figures.exposure_cases_outside == expected["all_cases"]
        # Per type, drills and training apart.
        by_type = {row.activity_type: {name: getattr(row, name) for name in TYPE_COUNTED} for row in figures.types}
        assert by_type == expected["types"]
        assert figures.type_totals == {key: figures.totals[key] for key in ("returns", "sessions", "participants")}
        # Drills and training (the "其中" figure) from the returns' own counts, parts of the totals.
        apart = expected["apart"]
        drill_training = figures.drill_training
        assert {name: getattr(drill_training, name) for name in DRILL_TRAINING_FIELDS} == {
            name: apart[name] for name in DRILL_TRAINING_FIELDS
        }
        assert drill_training.returns == apart["returns"]
        assert drill_training.sessions == apart["drill_sessions"] + apart["training_sessions"]
        assert drill_training.participants == apart["drill_participants"] + apart["training_participants"]
        assert drill_training.sessions <= figures.totals["sessions"]
        assert drill_training.participants <= figures.totals["participants"]
        assert drill_training.returns <= figures.totals["returns"]
        assert figures.consultation_desks == apart["consultation_desks"]
        # Late and unreported units, publicity.
        assert {row.unit: (row.returns, row.days) for row in figures.late_units} == expected["late"]
        assert figures.unreported_units == expected["unreported"]
        assert {row.key: row.value for row in figures.publicity} == expected["publicity"]

        # The snapshot: JSON, totals that are the sums of its rows, and the same tables read back.
        snapshot = json.loads(json.dumps(figures.to_snapshot()))
        assert snapshot["campaign"]["starts_on"] == built.campaign.starts_on.isoformat()
        for name in ("returns", *FIGURE_FIELDS):
            assert snapshot["totals"][name] == sum(row[name] for row in snapshot["units"])
        assert snapshot["type_totals"]["sessions"] == sum(row["sessions"] for row in snapshot["types"])
        frozen = SummaryFigures.from_snapshot(snapshot)
        assert frozen.frozen and frozen.units == figures.units and frozen.types == figures.types
        assert frozen.late_units == figures.late_units and frozen.publicity == figures.publicity
        assert frozen.exposure_cases_outside == figures.exposure_cases_outside
        assert frozen.drill_training == drill_training and frozen.consultation_desks == figures.consultation_desks
        # A summary issued before the separate counts (snapshot version 1) keeps the figure it was issued with:
        # the drill and training types' sessions and participants.
        legacy = {key: value for key, value in snapshot.items() if key not in ("apart",)}
        legacy["version"] = 1
        old = SummaryFigures.from_snapshot(legacy)
        drills = [values for kind, values in expected["types"].items() if kind in DRILL_TRAINING_TYPES]
        assert old.drill_training.sessions == sum(values["sessions"] for values in drills)
        assert old.drill_training.participants == sum(values["participants"] for values in drills)
        assert old.consultation_desks == 0

        # The same tables as the PDF's HTML and the workbook print them.
        check_html(figures, built)
        check_workbook(figures)
        transaction.set_rollback(True)
