"""Benchmark of the assessment (考核, issue 15): scoring a year for 3,150 units with 100,000 returns and 50,000 hazards.

A prefecture-level city of 10 counties × 15 towns × 20 communities (150 towns + 3,000 communities = 3,150 units) and
60 member units (20 of the city, 4 per county), bulk-created; one 2024 campaign with a weekly task of 52 periods
assigned to every town, community and member unit (166,920 slots) and 100,000 returns filed for a random sample of
them (about 15 % late by 1–10 days); 50,000 hazards whose rectification deadline falls in 2024 (70 % closed, a fifth
of those late; a fifth with a responsible member unit); three 2024 schemes of the city (towns, communities, member
units) with the six kinds of items (逾期扣分, 完整率, 隐患按期整改, 典型案例曝光, 培训, 人工评分) and a manual
score for every town. It measures, for the year (``compute_scores(scheme, 0)``), each scheme and the three together:

- the queries, on the full network and on a small one built the same way (1 × 3 × 4): they must not grow;
- the time (median of ``--repeat``), wall and CPU: the year of all 3,210 units must take < 2 s — CPU time of the
  process on SQLite (the database runs in the process: the figure does not depend on what else the shared machine
  runs), wall time on PostgreSQL (the work is in the server);
- the providers alone (the share of the time that is package G's and E's aggregations);
- publishing the communities' year (the frozen rows written in bulk), for information.

Run ``python -m benchmarks.committee`` (``make bench-committee``); ``--database-url postgresql://…`` (or
``DATABASE_URL`` set) runs it on an empty PostgreSQL database of your own, otherwise a throwaway SQLite file.
Exit status: 0 every target met, 1 a target missed, 2 the benchmark could not run."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.documents import BenchmarkError, Row, print_table, setup_django  # noqa: E402

YEAR = 2024
AS_OF = dt.date(2025, 1, 10)
YEAR_MAX_S = 2.0
MEMBERS_CITY = 20
MEMBERS_PER_COUNTY = 4


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.committee", description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=10)
    parser.add_argument("--towns", type=int, default=15, help="towns (街道/镇) per county; default 15")
    parser.add_argument("--communities", type=int, default=20, help="communities per town; default 20")
    parser.add_argument("--returns", type=int, default=100_000)
    parser.add_argument("--hazards", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing (median); default 5")
    parser.add_argument("--database-url", help="an empty PostgreSQL database to use instead of a SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return parser.parse_args(argv)


def timed(function: Callable[[], Any], repeat: int) -> tuple[Any, float, float]:
    """The result, the median wall time and the median CPU time of this process (on SQLite the database works in
    the process, so CPU time is what the scoring costs whatever else the machine runs)."""
    times, cpus, result = [], [], None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = function()
        times.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return result, statistics.median(times), statistics.median(cpus)


def queries(function: Callable[[], Any]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


class Network:
    """The city and its units, the year's returns and hazards, and the three schemes."""

    def __init__(
        self, prefix: str, counties: int, towns: int, communities: int, returns: int, hazards: int, seed: int
    ) -> None:
        from django.db import connection

        from campaigns.models import ActivityReturn, ActivityType, Campaign, CampaignStatus, CampaignTask, Recurrence
        from committee.assessment_models import AssessedLevel, AssessmentItem, AssessmentScheme, ManualScore
        from inspections.models import Hazard, HazardCategory, HazardSource, HazardStatus
        from safetyportal.models import Jurisdiction, JurisdictionLevel, MemberUnit
        from safetyportal.unit_figures import year_period

        rng = random.Random(seed)
        started = time.perf_counter()
        city = Jurisdiction.objects.create(code=f"{prefix}00", name=f"{prefix}市", level=JurisdictionLevel.COUNTY)
        self.city = city
        county_rows = [
            Jurisdiction(
                code=f"{prefix}{c:02d}",
                name=f"第{c}县",
                level="county",
                kind="县",
                parent=city,
                path=f"{city.path}{prefix}{c:02d}/",
            )
            for c in range(1, counties + 1)
        ]
        Jurisdiction.objects.bulk_create(county_rows)
        county_list = list(Jurisdiction.objects.filter(parent=city).order_by("code"))
        town_rows = []
        for county in county_list:
            for t in range(1, towns + 1):
                code = f"{county.code}{t:03d}"
                town_rows.append(
                    Jurisdiction(
                        code=code, name=f"{county.name}第{t}镇", level="subdistrict", kind="镇", parent=county,
                        path=f"{county.path}{code}/",
                    )
                )  # fmt: skip
        Jurisdiction.objects.bulk_create(town_rows, batch_size=2000)
        town_list = list(Jurisdiction.objects.filter(path__startswith=city.path, level="subdistrict"))
        community_rows = []
        for town in town_list:
            for n in range(1, communities + 1):
                code = f"{town.code}{n:03d}"
                community_rows.append(
                    Jurisdiction(
                        code=code, name=f"{town.name}第{n}社区", level="community", kind="社区", parent=town,
                        path=f"{town.path}{code}/",
                    )
                )  # fmt: skip
        Jurisdiction.objects.bulk_create(community_rows, batch_size=2000)
        community_list = list(Jurisdiction.objects.filter(path__startswith=city.path, level="community"))
        members = [MemberUnit(name=f"{prefix}市成员单位{m}", jurisdiction=city) for m in range(MEMBERS_CITY)]
        for county in county_list:
            members += [
                MemberUnit(name=f"{county.code}成员单位{m}", jurisdiction=county) for m in range(MEMBERS_PER_COUNTY)
            ]
        MemberUnit.objects.bulk_create(members)
        member_list = list(MemberUnit.objects.filter(jurisdiction__path__startswith=city.path))
        self.units = len(town_list) + len(community_list)
        self.members = len(member_list)

        # Returns: a weekly task over 2024 for every town, community and member unit; a random sample filed.
        start = dt.date(YEAR, 1, 1)
        campaign = Campaign.objects.create(
            kind="safety_month", year=YEAR, name=f"{prefix}全市每周安全生产信息报送", starts_on=start,
            ends_on=dt.date(YEAR, 12, 29), status=CampaignStatus.RUNNING, jurisdiction=city,
        )  # fmt: skip
        task = CampaignTask.objects.create(
            campaign=campaign, title="每周安全生产信息", recurrence=Recurrence.WEEKLY, due_weekday=4
        )
        units = [*town_list, *community_list]
        task.jurisdictions.set(units)
        task.member_units.set(member_list)
        periods = [p for p in task.periods() if p.due.year == YEAR]
        slots = [(p.due, u, None) for p in periods for u in units] + [
            (p.due, m.jurisdiction, m) for p in periods for m in member_list
        ]
        self.slots = len(slots)
        chosen = rng.sample(slots, min(returns, len(slots)))
        tz = dt.timezone(dt.timedelta(hours=8))
        rows = []
        for due, jurisdiction, member in chosen:
            late = rng.random() < 0.15
            day = due + dt.timedelta(days=rng.randint(1, 10)) if late else due - dt.timedelta(days=rng.randint(0, 2))
            at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=tz)
            rows.append(
                ActivityReturn(
                    task=task, jurisdiction=jurisdiction, member_unit=member, period_due=due,
                    activity_type=ActivityType.CONSULTATION, title="活动", activity_date=due, place="广场",
                    description="说明", status="accepted", first_submitted_at=at, submitted_at=at, is_late=late,
                    sessions=1, participants=rng.randint(20, 500),
                )
            )  # fmt: skip
        ActivityReturn.objects.bulk_create(rows, batch_size=5000)
        self.returns = len(rows)

        # Hazards: deadlines over 2024, by towns and communities, some with a responsible member unit.
        hazard_rows = []
        for n in range(hazards):
            deadline = start + dt.timedelta(days=rng.randrange(366))
            roll = rng.random()
            status, closed_at = HazardStatus.RECTIFYING, None
            if roll < 0.7:
                status = HazardStatus.CLOSED
                offset = rng.randint(1, 20) if rng.random() < 0.2 else -rng.randint(0, 10)
                closed_at = dt.datetime.combine(deadline + dt.timedelta(days=offset), dt.time(15, 0), tzinfo=tz)
            elif roll < 0.8:
                status = HazardStatus.ACCEPTED
            hazard_rows.append(
                Hazard(
                    source=HazardSource.ROUTINE, category=HazardCategory.FIRE, jurisdiction=rng.choice(units),
                    address="某路1号", description=f"隐患{n}", rectification_deadline=deadline, status=status,
                    closed_at=closed_at,
                    responsible_unit=rng.choice(member_list) if rng.random() < 0.2 else None,
                )
            )  # fmt: skip
        Hazard.objects.bulk_create(hazard_rows, batch_size=5000)
        self.hazards = len(hazard_rows)
        self.hazards_of_members = sum(1 for h in hazard_rows if h.responsible_unit is not None)

        # The schemes: the same six items for towns, communities and member units.
        self.schemes = {}
        for level, label in (
            (AssessedLevel.SUBDISTRICT, "towns"),
            (AssessedLevel.COMMUNITY, "communities"),
            (AssessedLevel.MEMBER_UNIT, "member units"),
        ):
            scheme = AssessmentScheme.objects.create(
                year=YEAR, name=f"{label}考核", jurisdiction=city, assessed_level=level, min_sample=10
            )
            AssessmentItem.objects.bulk_create(
                [
                    AssessmentItem(scheme=scheme, order=1, name="信息报送及时", points=20, rule="late_days"),
                    AssessmentItem(scheme=scheme, order=2, name="信息报送完整", points=20, rule="completeness"),
                    AssessmentItem(
                        scheme=scheme, order=3, name="隐患按期整改", points=30, rule="hazard_closure_on_time"
                    ),
                    AssessmentItem(scheme=scheme, order=4, name="典型案例曝光", points=15, rule="exposure_duty"),
                    AssessmentItem(
                        scheme=scheme, order=5, name="培训开展", points=5, rule="training_delivered", target=2
                    ),
                    AssessmentItem(scheme=scheme, order=6, name="会议部署", points=10, rule="manual"),
                ]
            )  # fmt: skip
            self.schemes[label] = scheme
        manual = AssessmentItem.objects.get(scheme=self.schemes["towns"], rule="manual")
        ManualScore.objects.bulk_create(
            [
                ManualScore(item=manual, quarter=0, jurisdiction=t, points=Decimal(rng.randint(5, 10)), evidence="台账")
                for t in town_list
            ]
        )
        with connection.cursor() as cursor:  # the planner's statistics after a bulk load, as autovacuum keeps them
            cursor.execute("ANALYZE")
        self.period = year_period(YEAR)
        self.build_s = time.perf_counter() - started


def run(args: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from committee.assessment_selectors import compute_scores, compute_scores_many, fetch_figures
    from committee.assessment_services import publish

    small = Network("3598", 1, 3, 4, 400, 200, seed=1)
    net = Network("3505", args.counties, args.towns, args.communities, args.returns, args.hazards, seed=2)
    print(
        f"database: {connection.vendor}; network: {args.counties} counties × {args.towns} towns × "
        f"{args.communities} communities = {net.units:,} units, {net.members} member units; {net.slots:,} return "
        f"slots in {YEAR}, {net.returns:,} returns, {net.hazards:,} hazards; built in {net.build_s:.1f} s\n"
    )
    rows: list[Row] = []

    def score_all(network: Network) -> list[Any]:
        return compute_scores_many(list(network.schemes.values()), 0, as_of=AS_OF)

    sqlite = connection.vendor == "sqlite"
    judged = "CPU" if sqlite else "wall"
    for label in net.schemes:
        few = queries(lambda: compute_scores(small.schemes[label], 0, as_of=AS_OF))  # noqa: B023
        many = queries(lambda: compute_scores(net.schemes[label], 0, as_of=AS_OF))  # noqa: B023
        scoring, wall, cpu = timed(lambda: compute_scores(net.schemes[label], 0, as_of=AS_OF), args.repeat)  # noqa: B023
        rows.append(
            Row(
                f"year {YEAR}, {label}: {scoring.unit_count:,} units",
                f"{wall * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms), {many} queries",
                f"constant ({few} on 1×3×4)",
                many <= few,
                f"{scoring.ranked_count:,} ranked; top {scoring.rows[0].total if scoring.rows else '—'}",
            )
        )
    rules = {"late_days", "completeness", "hazard_closure_on_time", "exposure_duty", "training_delivered"}
    _figures, wall, cpu = timed(lambda: fetch_figures(net.period, rules, as_of=AS_OF), args.repeat)
    rows.append(
        Row(
            "of which the providers (returns, hazards, duty, training)",
            f"{wall * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms)",
            "",
            None,
            "package G's and E's aggregations, called once per scoring",
        )
    )
    few = queries(lambda: score_all(small))
    many = queries(lambda: score_all(net))
    scorings, wall, cpu = timed(lambda: score_all(net), args.repeat)
    units = sum(s.unit_count for s in scorings)
    seconds = cpu if sqlite else wall
    rows.append(
        Row(
            f"year {YEAR}, the three schemes together: {units:,} units",
            f"{wall * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms), {many} queries",
            f"< {YEAR_MAX_S:.0f} s ({judged}), constant ({few})",
            seconds < YEAR_MAX_S and many <= few,
            f"{units / wall:,.0f} units/s wall",
        )
    )
    due = sum(row.sample for s in scorings for row in s.rows)
    expected = net.slots + net.hazards + net.hazards_of_members
    rows.append(
        Row(
            "samples add up (returns due + hazards due)",
            f"{due:,}",
            f"= {expected:,}",
            due == expected,
            "slots + hazards (a hazard with a responsible member unit counts for it too)",
        )
    )
    staff = get_user_model().objects.create_user("bench-staff", password="x" * 20, is_staff=True)
    started = time.perf_counter()
    result = publish(scheme=net.schemes["communities"], quarter=0, by=staff, as_of=AS_OF)
    publish_s = time.perf_counter() - started
    rows.append(
        Row(
            "publish the communities' year (frozen rows)",
            f"{publish_s * 1000:.0f} ms",
            "",
            None,
            f"{result.unit_count:,} rows written",
        )
    )
    print_table(rows)
    missed = [row for row in rows if row.ok is False]
    if missed:
        print(f"\n{len(missed)} target(s) missed: " + "; ".join(row.measure for row in missed), file=sys.stderr)
        return 1
    print("\nall targets met")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    database_url = args.database_url or os.environ.get("DATABASE_URL")
    from benchmarks.__main__ import prepare_environment

    var_dir = prepare_environment()
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    try:
        setup_django(migrate=True)
        return run(args)
    except BenchmarkError as error:
        print(f"benchmarks.committee: {error}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"\nkept: {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
