"""Benchmark of the working-day calendar: 100,000 deadline computations over ten years.

``python -m benchmarks.workdays [--n 100000]`` (``make bench-workdays``). Builds the calendar the way a process
does on first use (the ``chinese-calendar`` tables for every year the package covers, no overrides: the database is
not needed), then times, through the public functions (``safetyportal.workdays``), ``--n`` computations on random
days of 2016-2025 (seeded): a third "N working days after D" (N in 5, 10, 20: the rules of DOMAIN.md), a third
"working days between" two days up to a year apart, a third "20 working days before a deadline".

Target: all of them in < 0.5 s (wall time, the best of ``--repeat`` runs, default 3: the machine is shared). Exit
status 0 when met, 1 when missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 0.5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.workdays", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="computations (default 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best counts (default 3)")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyportal.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from safetyportal import workdays

    started = time.perf_counter()
    calendar = workdays.Calendar.build(package=workdays.package_years(), overrides={}, complete_years=())
    build = time.perf_counter() - started
    # Install it as the process's calendar (as calendar() would after loading the overrides) for the whole run.
    workdays._calendar, workdays._checked_at, workdays._recheck = calendar, time.monotonic(), 3600.0

    rng = random.Random(15)
    first, span = dt.date(2016, 1, 1).toordinal(), (dt.date(2025, 12, 31) - dt.date(2016, 1, 1)).days
    days = [dt.date.fromordinal(first + rng.randrange(span)) for _ in range(args.n)]
    others = [day + dt.timedelta(days=rng.randrange(-365, 366)) for day in days]
    counts = [rng.choice((5, 10, 20)) for _ in range(args.n)]
    add, between, subtract = workdays.add_working_days, workdays.working_days_between, workdays.subtract_working_days

    def run() -> tuple[float, float]:
        started, cpu = time.perf_counter(), time.process_time()
        for index in range(args.n):
            kind = index % 3
            if kind == 0:
                add(days[index], counts[index])
            elif kind == 1:
                between(days[index], others[index])
            else:
                subtract(days[index], 20)
        return time.perf_counter() - started, time.process_time() - cpu

    runs = [run() for _ in range(args.repeat)]
    elapsed, cpu = min(runs)

    years = f"{calendar.first_year}-{calendar.last_year}"
    print(f"calendar build ({years}, {len(calendar.working):,} days): {build * 1000:.1f} ms")
    print(
        f"{args.n:,} deadline computations over 2016-2025: {elapsed:.3f} s wall, {cpu:.3f} s CPU, best of {args.repeat}"
        f" ({elapsed / args.n * 1e6:.2f} µs each; all runs: {', '.join(f'{w:.3f}' for w, _c in runs)} s)"
    )
    met = elapsed < TARGET_SECONDS * args.n / 100_000
    print(f"target < {TARGET_SECONDS} s per 100,000: {'PASS' if met else 'MISS'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
