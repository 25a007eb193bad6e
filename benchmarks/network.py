"""Benchmark of the committee network (issue 12): a prefecture-level city of 10 counties × 15 towns × 20 communities
(3,150 units below the city) and 60 member units, a campaign with 10 weekly periods assigned to all of them, the
counties' derived campaigns, about 29,000 returns and a notice addressed to every unit.

Run ``python -m benchmarks.network`` (``--counties/--towns/--communities`` to change the size, ``--database-url`` to
run on PostgreSQL, an empty database of your own; default a throwaway SQLite file as ``python -m benchmarks`` uses).
It measures, each at full size and on a small network built the same way (1 × 3 × 4) for the query counts:

- the roll-up/completeness board (``campaigns.rollup.level_board``) at the city, a county and a town: time (median)
  and queries, which must not grow with the network;
- the roll-up against the same sums added up in Python over ``values_list`` (the counterfactual), and that both agree;
- the portal's board page (view and template) for a city officer and a town officer;
- the 签收 board of the notice (``campaigns.inbox_selectors.sign_board`` and ``sign_totals``).

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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.documents import BenchmarkError, Row, print_table, setup_django  # noqa: E402

PAGE_MAX_S = 1.0
PERIODS = 10
MEMBERS_CITY = 20
MEMBERS_PER_COUNTY = 4


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.network", description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=10)
    parser.add_argument("--towns", type=int, default=15, help="towns (街道/镇) per county; default 15")
    parser.add_argument("--communities", type=int, default=20, help="communities per town; default 20")
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing (median); default 5")
    parser.add_argument("--database-url", help="an empty PostgreSQL database to use instead of a SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return parser.parse_args(argv)


def timed(function: Callable[[], Any], repeat: int) -> tuple[Any, float]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return result, statistics.median(times)


def queries(function: Callable[[], Any]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


class Network:
    """The city, its counties, towns and communities (bulk-created with their paths), member units, the city's
    campaign (one weekly task of PERIODS periods for every unit and member unit), each county's derived campaign with
    a task for its towns, returns for ~90 % of the slots and a notice with a receipt for every addressee."""

    def __init__(self, prefix: str, counties: int, towns: int, communities: int, seed: int) -> None:
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.utils import timezone

        from campaigns.models import (
            ActivityReturn,
            ActivityType,
            Campaign,
            CampaignStatus,
            CampaignTask,
            Notice,
            NoticeReceipt,
            Recurrence,
            ReturnStatus,
        )
        from safetyportal.documents.models import IssuingAuthority
        from safetyportal.models import Jurisdiction, JurisdictionLevel, MemberUnit, OfficerProfile

        rng = random.Random(seed)
        started = time.perf_counter()
        city = Jurisdiction.objects.create(code=f"{prefix}00", name=f"{prefix}市", level=JurisdictionLevel.COUNTY)
        rows: list[Any] = []
        county_codes, town_codes = [], []
        for c in range(1, counties + 1):
            code = f"{prefix}{c:02d}"
            county_codes.append(code)
            rows.append(
                Jurisdiction(
                    code=code, name=f"第{c}县", level="county", kind="县", parent=city, path=f"{city.path}{code}/"
                )
            )
        Jurisdiction.objects.bulk_create(rows)
        by_code = {j.code: j for j in Jurisdiction.objects.filter(code__in=county_codes)}
        rows = []
        for code in county_codes:
            for t in range(1, towns + 1):
                town = f"{code}{t:03d}"
                town_codes.append(town)
                rows.append(
                    Jurisdiction(
                        code=town,
                        name=f"{code}第{t}镇",
                        level="subdistrict",
                        kind="镇",
                        parent=by_code[code],
                        path=f"{by_code[code].path}{town}/",
                    )
                )
        Jurisdiction.objects.bulk_create(rows, batch_size=2000)
        by_code.update({j.code: j for j in Jurisdiction.objects.filter(code__in=town_codes)})
        rows = []
        for town in town_codes:
            for n in range(1, communities + 1):
                code = f"{town}{n:03d}"
                rows.append(
                    Jurisdiction(
                        code=code,
                        name=f"{town}第{n}社区",
                        level="community",
                        kind="社区",
                        parent=by_code[town],
                        path=f"{by_code[town].path}{code}/",
                    )
                )
        Jurisdiction.objects.bulk_create(rows, batch_size=2000)
        units = list(Jurisdiction.objects.filter(path__startswith=city.path).exclude(pk=city.pk))
        members = [MemberUnit(name=f"{prefix}市成员单位{m}", jurisdiction=city) for m in range(MEMBERS_CITY)]
        for code in county_codes:
            members += [
                MemberUnit(name=f"{code}成员单位{m}", jurisdiction=by_code[code]) for m in range(MEMBERS_PER_COUNTY)
            ]
        MemberUnit.objects.bulk_create(members)
        members = list(MemberUnit.objects.filter(jurisdiction__path__startswith=city.path))

        today = timezone.localdate()
        start = today - dt.timedelta(days=7 * (PERIODS - 3))  # seven periods due, three to come
        self.campaign = Campaign.objects.create(
            kind="safety_month",
            year=today.year,
            name=f"{prefix}全市“安全生产月”",
            starts_on=start,
            ends_on=start + dt.timedelta(days=7 * PERIODS - 1),
            status=CampaignStatus.RUNNING,
            jurisdiction=city,
        )
        task = CampaignTask.objects.create(  # due on the seventh day of each week: exactly PERIODS periods
            campaign=self.campaign,
            title="每周活动信息",
            recurrence=Recurrence.WEEKLY,
            due_weekday=(start.weekday() + 6) % 7,
        )
        task.jurisdictions.set(units)
        task.member_units.set(members)
        periods = task.periods()
        derived_tasks = []
        for code in county_codes:
            county = by_code[code]
            derived = Campaign.objects.create(
                kind="safety_month",
                year=today.year,
                name=f"{county.name}“安全生产月”",
                starts_on=start,
                ends_on=self.campaign.ends_on,
                status=CampaignStatus.RUNNING,
                jurisdiction=county,
                parent=self.campaign,
            )
            derived_task = CampaignTask.objects.create(
                campaign=derived, title="县级方案", due_on=start + dt.timedelta(3)
            )
            derived_task.jurisdictions.set([u for u in units if u.parent_id == county.pk])
            derived_tasks.append((derived_task, [u for u in units if u.parent_id == county.pk]))

        now = timezone.now()
        returns = []
        statuses = [ReturnStatus.ACCEPTED] * 8 + [ReturnStatus.SUBMITTED, ReturnStatus.RETURNED]
        slots = [(task, period.due, u, None) for period in periods for u in units]
        slots += [(task, period.due, m.jurisdiction, m) for period in periods for m in members]
        slots += [(t, t.due_on, u, None) for t, towns_of in derived_tasks for u in towns_of]
        for task_, due, jurisdiction, member in slots:
            if due >= today or rng.random() < 0.1:
                continue
            late = rng.random() < 0.1
            returns.append(
                ActivityReturn(
                    task=task_,
                    jurisdiction=jurisdiction,
                    member_unit=member,
                    period_due=due,
                    activity_type=ActivityType.CONSULTATION,
                    title="活动",
                    activity_date=due,
                    place="广场",
                    description="说明",
                    status=rng.choice(statuses),
                    first_submitted_at=now,
                    submitted_at=now,
                    is_late=late,
                    sessions=rng.randint(1, 5),
                    participants=rng.randint(20, 500),
                    leaflets=rng.randint(0, 500),
                    media_reports=rng.randint(0, 1),
                )
            )
        ActivityReturn.objects.bulk_create(returns, batch_size=5000)
        self.returns = len(returns)

        authority = IssuingAuthority.objects.create(
            name=f"{prefix}市安委办", header=f"{prefix}市安委办文件", code=f"{prefix}安办"
        )
        self.notice = Notice.objects.create(authority=authority, title="关于开展“安全生产月”活动的通知", body="正文")
        receipts = [NoticeReceipt(notice=self.notice, jurisdiction=u) for u in units]
        receipts += [NoticeReceipt(notice=self.notice, member_unit=m) for m in members]
        for receipt in receipts:
            roll = rng.random()
            if roll < 0.7:
                receipt.first_opened_at = now
            if roll < 0.5:
                receipt.signed_at, receipt.signer_name = now, "签收人"
        NoticeReceipt.objects.bulk_create(receipts, batch_size=5000)

        User = get_user_model()
        self.city_officer = User.objects.create_user(f"city{prefix}", password="x" * 20)
        OfficerProfile.objects.create(user=self.city_officer, jurisdiction=city)
        self.town = by_code[town_codes[0]]
        self.town_officer = User.objects.create_user(f"town{prefix}", password="x" * 20)
        OfficerProfile.objects.create(user=self.town_officer, jurisdiction=self.town)
        self.city, self.county = city, by_code[county_codes[0]]
        self.units, self.members, self.periods = len(units), len(members), len(periods)
        with connection.cursor() as cursor:  # the planner's statistics after a bulk load, as autovacuum keeps them
            cursor.execute("ANALYZE")
        self.build_s = time.perf_counter() - started


def board_page(user: Any, campaign: Any, unit: Any | None = None) -> int:
    """The portal's board page (view and template) as the officer gets it, without the login middleware."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.signed_cookies import SessionStore
    from django.test import RequestFactory

    from campaigns import portal_campaign_views

    view = portal_campaign_views.board.__wrapped__.__wrapped__  # type: ignore[attr-defined]  (require_GET, officer)
    request = RequestFactory().get("/", {"unit": unit.pk} if unit is not None else {})
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    response = view(request, campaign.pk)
    assert response.status_code == 200, response.status_code
    return len(response.content)


def python_rollup(campaign: Any, unit: Any) -> dict[str, int]:
    """The counterfactual: the unit's accepted figures summed in Python over values_list (not what the portal does)."""
    from campaigns.models import ActivityReturn
    from campaigns.rollup import campaign_family, rollup_fields

    fields = rollup_fields()
    totals = dict.fromkeys(fields, 0)
    rows = ActivityReturn.objects.filter(
        task__campaign_id__in=campaign_family(campaign), status="accepted", jurisdiction__path__startswith=unit.path
    ).values_list(*fields)
    for row in rows.iterator(chunk_size=5000):
        for name, value in zip(fields, row, strict=True):
            totals[name] += value
    return totals


def sql_rollup(campaign: Any, unit: Any) -> dict[str, Any]:
    """The same sums as python_rollup, by the database (what the board's GROUP BY does, without the slots)."""
    from django.db.models import Sum

    from campaigns.models import ActivityReturn
    from campaigns.rollup import campaign_family, rollup_fields

    return ActivityReturn.objects.filter(
        task__campaign_id__in=campaign_family(campaign), status="accepted", jurisdiction__path__startswith=unit.path
    ).aggregate(**{name: Sum(name) for name in rollup_fields()})


def run(args: argparse.Namespace) -> int:
    from campaigns.inbox_selectors import sign_board, sign_totals
    from campaigns.rollup import level_board

    small = Network("3598", 1, 3, 4, seed=1)
    net = Network("3505", args.counties, args.towns, args.communities, seed=2)
    print(
        f"network: {args.counties} counties × {args.towns} towns × {args.communities} communities = "
        f"{net.units - args.counties:,} towns and communities ({net.units:,} units below the city with the counties), "
        f"{net.members} member units, {net.periods} periods, "
        f"{net.returns:,} returns, {net.units + net.members:,} receipts; built in {net.build_s:.1f} s\n"
    )
    rows: list[Row] = []

    def level(name: str, unit_small: Any, unit_full: Any) -> Any:
        few = queries(lambda: level_board(small.campaign, unit_small))
        many = queries(lambda: level_board(net.campaign, unit_full))
        board, seconds = timed(lambda: level_board(net.campaign, unit_full), args.repeat)
        rows.append(
            Row(
                f"board/roll-up at {name}: queries",
                f"{many} (small network {few})",
                "constant",
                many <= few,
                f"{len(board.rows)} rows",
            )
        )
        rows.append(
            Row(
                f"board/roll-up at {name}: time",
                f"{seconds * 1000:.0f} ms",
                "< 1 s",
                seconds < PAGE_MAX_S,
                f"due {board.total.due:,}, missing {board.total.slots['missing']:,}, accepted {board.total.accepted:,}",
            )
        )
        return board

    city_board = level("the city", small.city, net.city)
    level("a county", small.county, net.county)
    level("a town", small.town, net.town)

    expected, python_s = timed(lambda: python_rollup(net.campaign, net.city), args.repeat)
    _sums, sums_s = timed(lambda: sql_rollup(net.campaign, net.city), args.repeat)
    got = {name: city_board.total.figures[name] for name in expected}
    _board, sql_s = timed(lambda: level_board(net.campaign, net.city), args.repeat)
    rows.append(
        Row(
            "roll-up = Python sums over values_list",
            "yes" if got == expected else "NO",
            "equal",
            got == expected,
            f"participants {got['participants']:,}",
        )
    )
    rows.append(
        Row(
            "roll-up: Python loop over the returns",
            f"{python_s * 1000:.0f} ms",
            "",
            None,
            f"{python_s / sums_s:.1f}× the same sums in SQL ({sums_s * 1000:.0f} ms); "
            f"the whole board with its slots: {sql_s * 1000:.0f} ms",
        )
    )

    for name, user, unit in (("city officer", net.city_officer, None), ("town officer", net.town_officer, None)):
        small_user = small.city_officer if name == "city officer" else small.town_officer
        few = queries(lambda: board_page(small_user, small.campaign, unit))  # noqa: B023
        many = queries(lambda: board_page(user, net.campaign, unit))  # noqa: B023
        size, seconds = timed(lambda: board_page(user, net.campaign, unit), args.repeat)  # noqa: B023
        rows.append(
            Row(
                f"portal board page, {name}",
                f"{seconds * 1000:.0f} ms, {many} queries",
                f"< 1 s, constant ({few})",
                seconds < PAGE_MAX_S and many <= few,
                f"{size:,} bytes",
            )
        )

    few = queries(lambda: (sign_board(small.notice), sign_totals(small.notice)))
    many = queries(lambda: (sign_board(net.notice), sign_totals(net.notice)))
    board, seconds = timed(lambda: sign_board(net.notice), args.repeat)
    rows.append(
        Row(
            "签收 board (sign_board + sign_totals)",
            f"{seconds * 1000:.0f} ms, {many} queries",
            f"< 1 s, constant ({few})",
            seconds < PAGE_MAX_S and many <= few,
            f"{board.total:,} addressees, {len(board.signed):,} signed",
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
    from benchmarks.__main__ import prepare_environment

    var_dir = prepare_environment()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    try:
        setup_django(migrate=True)
        return run(args)
    except BenchmarkError as error:
        print(f"benchmarks.network: {error}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"\nkept: {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
