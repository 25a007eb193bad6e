"""Benchmark of the campaigns app: the campaign summary over 100,000 accepted returns across 20 units, the
completeness board and the officer dashboard.

Run ``python -m benchmarks.campaigns`` (``--returns N`` to change the size, ``--keep`` to keep the temporary
directory). It builds a throwaway SQLite database in a temporary VAR_DIR (as ``python -m benchmarks`` does), bulk-
creates the returns and measures, each in the same run:

- the summary's aggregation in the database (totals, per unit, per activity type, late units) against the same sums
  done in Python over ``values_list`` (the trap PERFORMANCE.md measures), and its query count at 1,000 returns and at
  full size (it must not grow);
- the summary PDF (builder + WeasyPrint, the worker's work less the status rows) and the xlsx;
- the completeness board and an officer's dashboard: time and queries at both sizes.

Exit status: 0 every target met, 1 a target missed, 2 the benchmark could not run."""

from __future__ import annotations

import argparse
import datetime as dt
import io
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

from benchmarks.documents import BenchmarkError, Row, check_harfbuzz, print_table, setup_django  # noqa: E402

UNITS = 20
SMALL = 1_000
AGGREGATION_MAX_S = 2.0
RENDER_MAX_S = 15.0  # "renders in seconds": builder, figures, charts and WeasyPrint layout together
XLSX_MAX_S = 5.0
BOARD_MAX_S = 2.0
DASHBOARD_MAX_S = 0.5


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.campaigns", description=__doc__.splitlines()[0])
    parser.add_argument("--returns", type=int, default=100_000, help="accepted returns to create; default 100000")
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing (median); default 5")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (PDF, xlsx, database)")
    return parser.parse_args(argv)


def timed(function: Callable[[], Any], repeat: int) -> tuple[Any, float, list[float]]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return result, statistics.median(times), times


def queries(function: Callable[[], Any]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


class Fixture:
    """A city of UNITS subdistricts, one campaign with three tasks (weekly, once, monthly) assigned to all of them,
    an officer in the first unit, an issuing authority and four photos."""

    def __init__(self, var_dir: Path) -> None:
        from django.contrib.auth import get_user_model

        from campaigns.models import Campaign, CampaignStatus, CampaignTask, Recurrence
        from safetyportal.documents.models import IssuingAuthority
        from safetyportal.models import Jurisdiction, JurisdictionLevel, OfficerProfile

        self.var_dir = var_dir
        county = Jurisdiction.objects.create(code="350582", name="晋江市", level=JurisdictionLevel.COUNTY, kind="市")
        self.units = [
            Jurisdiction.objects.create(
                code=f"350582{index:03d}",
                name=f"第{index}街道",
                level=JurisdictionLevel.SUBDISTRICT,
                kind="街道",
                parent=county,
            )
            for index in range(1, UNITS + 1)
        ]
        self.authority = IssuingAuthority.objects.create(
            name="晋江市安全生产委员会办公室", header="晋江市安全生产委员会办公室文件", code="晋安办"
        )
        today = dt.date.today()
        self.campaign = Campaign.objects.create(
            kind="safety_month", year=today.year, edition="第23个", name="全市“安全生产月”",
            national_theme="人人讲安全、个个会应急——畅通生命通道", starts_on=today - dt.timedelta(days=60),
            ends_on=today + dt.timedelta(days=30), status=CampaignStatus.RUNNING, jurisdiction=county,
        )  # fmt: skip
        self.tasks = [
            CampaignTask.objects.create(campaign=self.campaign, title="每周活动信息", recurrence=Recurrence.WEEKLY),
            CampaignTask.objects.create(campaign=self.campaign, title="活动方案", due_on=today - dt.timedelta(days=50)),
            CampaignTask.objects.create(campaign=self.campaign, title="典型案例曝光", recurrence=Recurrence.MONTHLY),
        ]
        for task in self.tasks:
            task.jurisdictions.set(self.units)
        self.slots = [(task, period.due) for task in self.tasks for period in task.periods()]
        user = get_user_model().objects.create_user("officer", password="x" * 20)
        OfficerProfile.objects.create(user=user, jurisdiction=self.units[0])
        self.officer = user
        self.created = 0

    def add_returns(self, count: int, seed: int) -> float:
        """Bulk-create ``count`` accepted returns spread over the units and the task periods; returns seconds."""
        from django.utils import timezone

        from campaigns.models import ActivityReturn, ActivityType, ReturnStatus

        rng = random.Random(seed)
        types = [value for value in ActivityType.values if value != ActivityType.OTHER]
        now = timezone.now()
        started = time.perf_counter()
        batch = []
        for index in range(count):
            task, due = self.slots[index % len(self.slots)]
            late = rng.random() < 0.08
            batch.append(
                ActivityReturn(
                    task=task,
                    jurisdiction=self.units[(index // len(self.slots)) % UNITS],
                    period_due=due,
                    activity_type=rng.choice(types),
                    title=f"宣传活动{self.created + index}",
                    activity_date=due - dt.timedelta(days=1),
                    place="文化广场",
                    sessions=rng.randint(1, 5),
                    participants=rng.randint(20, 800),
                    leaflets=rng.randint(0, 900),
                    booklets=rng.randint(0, 200),
                    wall_charts=rng.randint(0, 20),
                    boards=rng.randint(0, 8),
                    banners=rng.randint(0, 4),
                    giveaways=rng.randint(0, 300),
                    media_reports=rng.randint(0, 1),
                    exposures=rng.randint(0, 1),
                    description="现场宣传咨询。",
                    status=ReturnStatus.ACCEPTED,
                    first_submitted_at=now,
                    submitted_at=now,
                    is_late=late,
                    late_days=rng.randint(1, 5) if late else 0,
                )
            )
            if len(batch) == 5_000:
                ActivityReturn.objects.bulk_create(batch)
                batch = []
        ActivityReturn.objects.bulk_create(batch)
        self.created += count
        return time.perf_counter() - started

    def add_photos(self) -> None:
        from PIL import Image

        from campaigns.models import ActivityReturn, ReturnPhoto
        from safetyportal.images import process_image, store_image

        for index, activity_return in enumerate(ActivityReturn.objects.order_by("pk")[:4]):
            buffer = io.BytesIO()
            Image.new("RGB", (800, 600), (180, 40 * index, 60)).save(buffer, "JPEG")
            stored = store_image(process_image(io.BytesIO(buffer.getvalue())), "returns")
            ReturnPhoto.objects.create(
                activity_return=activity_return, image=stored.name, thumbnail=stored.thumbnail_name,
                width=stored.width, height=stored.height, selected_for_summary=True,
            )  # fmt: skip


def python_sums(campaign: Any) -> dict[str, int]:
    """The counterfactual: the same totals added up in Python over values_list (not what the portal does)."""
    from campaigns.models import FIGURE_FIELDS
    from campaigns.selectors import accepted_returns

    totals = dict.fromkeys(FIGURE_FIELDS, 0)
    per_unit: dict[int, dict[str, int]] = {}
    for row in accepted_returns(campaign).values_list("jurisdiction_id", *FIGURE_FIELDS).iterator(chunk_size=5000):
        unit = per_unit.setdefault(row[0], dict.fromkeys(FIGURE_FIELDS, 0))
        for name, value in zip(FIGURE_FIELDS, row[1:], strict=True):
            totals[name] += value
            unit[name] += value
    return totals


def measure(fixture: Fixture, repeat: int) -> dict[str, Any]:
    from campaigns import selectors

    campaign = fixture.campaign
    figures, aggregation, _times = timed(lambda: selectors.summary_figures(campaign), repeat)
    board, board_s, _times = timed(lambda: selectors.completeness_board(campaign), repeat)
    _dashboard, dashboard_s, _times = timed(lambda: selectors.officer_dashboard(fixture.officer), repeat)
    return {
        "figures": figures,
        "aggregation_s": aggregation,
        "aggregation_queries": queries(lambda: selectors.summary_figures(campaign)),
        "board_s": board_s,
        "board_queries": queries(lambda: selectors.completeness_board(campaign)),
        "board": board,
        "dashboard_s": dashboard_s,
        "dashboard_queries": queries(lambda: selectors.officer_dashboard(fixture.officer)),
    }


def render_summary(fixture: Fixture, repeat: int) -> tuple[Any, float, list[float]]:
    from campaigns import services
    from safetyportal.documents.context import engine_context
    from safetyportal.documents.models import GeneratedDocument
    from safetyportal.documents.registry import get_builder
    from safetyportal.documents.rendering import render_template_to_pdf

    summary = services.create_summary(campaign=fixture.campaign, authority=fixture.authority, by=None)
    document = GeneratedDocument.objects.create(
        kind=summary.DOCUMENT_KIND, title=summary.title, source_type_id=_content_type_id(summary),
        source_id=summary.pk, authority=fixture.authority, number="晋安办〔2024〕9号", issued_on=dt.date.today(),
        verify_token="benchmark-token",  # noqa: S106 - not a secret
    )  # fmt: skip

    def once() -> Any:
        spec = get_builder(document.kind)(document)
        return render_template_to_pdf(spec.template_name, {**engine_context(document), **spec.context})

    rendered, median, times = timed(once, repeat)
    (fixture.var_dir / "summary.pdf").write_bytes(rendered.data)
    return rendered, median, times


def _content_type_id(instance: Any) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(instance).pk


def run(args: argparse.Namespace, var_dir: Path) -> int:
    from django.db import reset_queries

    from campaigns.models import CampaignSummary
    from safetyportal.documents import services as document_services

    message = check_harfbuzz()
    if message:
        print(f"benchmarks.campaigns: {message}", file=sys.stderr)
        return 2
    if args.returns <= SMALL:
        raise BenchmarkError(f"--returns must be more than {SMALL}")
    print(
        f"campaigns benchmark — {args.returns:,} accepted returns across {UNITS} units, SQLite in {var_dir}", flush=True
    )
    fixture = Fixture(var_dir)
    fixture.add_returns(SMALL, seed=1)
    fixture.add_photos()
    small = measure(fixture, args.repeat)
    insert_s = fixture.add_returns(args.returns - SMALL, seed=2)
    reset_queries()
    large = measure(fixture, args.repeat)
    figures = large["figures"]
    if figures.totals["returns"] != args.returns:
        raise BenchmarkError(f"{figures.totals['returns']} accepted returns counted, {args.returns} created")
    python_totals, python_s, _times = timed(lambda: python_sums(fixture.campaign), max(1, args.repeat // 2))
    if any(python_totals[name] != figures.totals[name] for name in python_totals):
        raise BenchmarkError("the database totals differ from the Python sums")
    rendered, render_s, render_times = render_summary(fixture, max(1, args.repeat // 2))
    summary = CampaignSummary.objects.get()
    workbook = document_services.request_document(kind="campaign_summary_workbook", title=summary.title, source=summary)
    _built, xlsx_s, _times = timed(lambda: document_services.render(document_id=workbook.pk), 1)

    rows = [
        Row(
            "insert: bulk_create of the returns",
            f"{insert_s:.1f} s",
            note=f"{args.returns - SMALL:,} rows, 5,000 a batch",
        ),
        Row(
            f"summary: aggregation in the database, median of {args.repeat}",
            f"{large['aggregation_s'] * 1000:.0f} ms",
            f"< {AGGREGATION_MAX_S:.0f} s",
            large["aggregation_s"] < AGGREGATION_MAX_S,
            f"{figures.totals['sessions']:,} sessions, {figures.totals['participants']:,} participants over "
            f"{len(figures.units)} units; {small['aggregation_s'] * 1000:.0f} ms at {SMALL:,} returns",
        ),
        Row(
            "summary: same totals summed in Python (values_list)",
            f"{python_s * 1000:.0f} ms",
            note=f"{python_s / large['aggregation_s']:.1f}x the database aggregation (which also groups by unit, "
            "type and lateness)",
        ),
        Row(
            "summary: queries at 1,000 and at full size",
            f"{small['aggregation_queries']} / {large['aggregation_queries']}",
            "equal",
            small["aggregation_queries"] == large["aggregation_queries"],
        ),
        Row(
            "summary: PDF (figures + charts + photos + WeasyPrint)",
            f"{render_s:.2f} s",
            f"< {RENDER_MAX_S:.0f} s",
            render_s < RENDER_MAX_S,
            f"{rendered.page_count} pages, {len(rendered.data) / 1024:.0f} KB; runs "
            + ", ".join(f"{t:.2f}" for t in render_times),
        ),
        Row("summary: xlsx (documents engine)", f"{xlsx_s:.2f} s", f"< {XLSX_MAX_S:.0f} s", xlsx_s < XLSX_MAX_S),
        Row(
            f"board: {len(large['board'].rows)} units x {len(large['board'].columns)} periods, median",
            f"{large['board_s'] * 1000:.0f} ms",
            f"< {BOARD_MAX_S:.0f} s",
            large["board_s"] < BOARD_MAX_S,
            f"{small['board_s'] * 1000:.0f} ms at {SMALL:,} returns",
        ),
        Row(
            "board: queries at 1,000 and at full size",
            f"{small['board_queries']} / {large['board_queries']}",
            "equal",
            small["board_queries"] == large["board_queries"],
        ),
        Row(
            f"dashboard: one officer ({args.returns // UNITS:,} returns in the unit), median",
            f"{large['dashboard_s'] * 1000:.0f} ms",
            f"< {DASHBOARD_MAX_S * 1000:.0f} ms",
            large["dashboard_s"] < DASHBOARD_MAX_S,
            f"{small['dashboard_s'] * 1000:.0f} ms at {SMALL:,} returns",
        ),
        Row(
            "dashboard: queries at 1,000 and at full size",
            f"{small['dashboard_queries']} / {large['dashboard_queries']}",
            "equal",
            small["dashboard_queries"] == large["dashboard_queries"],
        ),
    ]
    print()
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
    try:
        setup_django(migrate=True)
        return run(args, var_dir)
    except BenchmarkError as error:
        print(f"benchmarks.campaigns: {error}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"\nkept: {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
