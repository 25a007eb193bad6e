"""``python -m benchmarks``: set up a throwaway environment, run the document benchmarks, print the table.

Exit status: 0 the report was printed, every target with its value and PASS or MISS (a report, not a test); 2 the
benchmark could not measure (HarfBuzz subsetting missing, a worker that never started...). ``--child ...`` is
internal: the parent runs itself in a fresh process for the cold-start and memory measurements, with the
environment it set up."""

from __future__ import annotations

import time

STARTED_AT = time.time()  # first thing a child does: the cold-start measurement splits process start from imports

import argparse  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import traceback  # noqa: E402
from pathlib import Path  # noqa: E402

# Variables that would point the benchmark at a real database, real media or a running deployment's broker folders.
_SCRUBBED = ("DATABASE_URL", "TESTING", "MEDIA_ROOT", "STATIC_ROOT", "CELERY_FS_BROKER_DIR", "CELERY_FS_RESULTS_DIR")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--warm", type=int, default=10, help="warm renders of the notice (median); default 10")
    parser.add_argument("--report-warm", type=int, default=3, help="warm renders of the report (median); default 3")
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh processes for the notice's cold start")
    parser.add_argument("--jobs", type=int, default=30, help="notices requested from the worker; default 30")
    parser.add_argument("--memory-renders", type=int, default=100, help="renders in the memory run; default 100")
    parser.add_argument(
        "--only",
        action="append",
        choices=["notice", "report", "worker", "memory"],
        help="run only these sections (repeatable); default all",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (PDFs, worker log)")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def prepare_environment() -> Path:
    """Before django.setup(): a temporary VAR_DIR holds the SQLite file, broker folders, cache, media and logs."""
    var_dir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    for name in _SCRUBBED:
        os.environ.pop(name, None)
    os.environ["VAR_DIR"] = str(var_dir)
    os.environ["DEBUG"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "safetyportal.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    return var_dir


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child is not None:  # a fresh process started by the parent, in the parent's environment
        from . import documents

        return documents.child_main(args.child, started_at=STARTED_AT)

    var_dir = prepare_environment()
    try:
        from . import documents

        try:
            documents.setup_django(migrate=True)
        except Exception:
            traceback.print_exc()
            print("benchmarks: could not set up Django and the throwaway database (see above)", file=sys.stderr)
            return 2
        return documents.run(args, var_dir=var_dir)
    finally:
        if args.keep:
            print(f"\nkept: {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
