"""Benchmark of the photo pipeline (safetyportal/images.py, SECURITY.md T67): peak memory per maximal photo and the
time of one anonymous /report/ POST carrying five of them.

Run: ``make bench-images`` or ``.venv/bin/python -m benchmarks.images`` (about a minute). Every measurement runs in a
fresh child process (``--child``) with a throwaway ``VAR_DIR`` (SQLite database migrated there, media, cache), so that
nothing touches ``var/`` or a configured database and one photo's heap does not hide the next one's.

Memory: the child imports Django and the pipeline, processes a small photo once (so that libjpeg, zlib and the
encoders are loaded), resets the kernel's high-water mark (``/proc/self/clear_refs``), notes VmRSS, processes the
photo and reads VmHWM: the growth is the peak the photo added to a web process. ``ru_maxrss`` is given as well.
Photos: the issue's 7000 × 7000 PNG (190 KB, flat colour), the largest PNG and WebP the pipeline accepts, and the
largest JPEG (baseline, multi-picture "MPO" and progressive, ≤ 10 MB). Report: the view through Django's test
client, with five photos of one kind each time. Targets: ≤ 150 MB per photo, ≤ 3 s per report. Exit status 0 all
met, 1 one missed, 2 the benchmark could not run.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHOTO_MB_MAX = 150
REPORT_SECONDS_MAX = 3.0
_SCRUBBED = ("DATABASE_URL", "REDIS_URL", "TESTING", "MEDIA_ROOT", "STATIC_ROOT")


def _status(field: str) -> int:
    """A /proc/self/status figure in bytes (VmRSS, VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(field)


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS (Linux ≥ 4.0)


# --- fixtures --------------------------------------------------------------------------------------------------------


def make_photos(folder: Path) -> dict[str, Path]:
    """The photos measured, written once into ``folder``; sizes follow the pipeline's caps."""
    from PIL import Image

    from safetyportal import images

    caps = getattr(images, "FULL_DECODE_CAPS", {})  # absent before the fix: every format had MAX_PIXELS
    jpeg_edge = math.isqrt(images.MAX_PIXELS)
    lossless_edge = math.isqrt(caps.get("PNG", images.MAX_PIXELS))
    progressive_edge = math.isqrt(caps.get("JPEG-progressive", images.MAX_PIXELS))
    webp_edge = math.isqrt(caps.get("WEBP", images.MAX_PIXELS))
    photos: dict[str, Path] = {}

    def save(name: str, image: Image.Image, fmt: str, **options: object) -> None:
        path = folder / name
        image.save(path, fmt, **options)
        photos[name] = path

    flat = Image.new("RGBA", (7000, 7000), (40, 120, 200, 255))
    save("issue-7000x7000.png", flat, "PNG", optimize=True)
    del flat
    # A photo-like picture: smooth gradients with texture, so that JPEG and PNG sizes are realistic (≤ 10 MB).
    tile = Image.effect_noise((512, 512), 24).convert("L")
    base = Image.merge(
        "RGB", [Image.linear_gradient("L").resize((512, 512)), tile, tile.transpose(Image.Transpose.ROTATE_90)]
    )
    jpeg = base.resize((jpeg_edge, jpeg_edge), Image.Resampling.BILINEAR)
    save(f"max-{jpeg_edge}x{jpeg_edge}.jpg", jpeg, "JPEG", quality=70)
    # The same as a multi-picture JPEG (phones write them; Pillow opens them as "MPO"), with a small second picture.
    second = jpeg.resize((jpeg_edge // 8, jpeg_edge // 8), Image.Resampling.BILINEAR)
    save(f"max-{jpeg_edge}x{jpeg_edge}-mpo.jpg", jpeg, "MPO", quality=70, save_all=True, append_images=[second])
    del jpeg, second
    progressive = base.resize((progressive_edge, progressive_edge), Image.Resampling.BILINEAR)
    save(
        f"max-{progressive_edge}x{progressive_edge}-progressive.jpg", progressive, "JPEG", quality=70, progressive=True
    )
    del progressive
    lossless = base.resize((lossless_edge, lossless_edge), Image.Resampling.NEAREST).convert("RGBA")
    save(f"max-{lossless_edge}x{lossless_edge}.png", lossless, "PNG", compress_level=9)
    del lossless
    webp = base.resize((webp_edge, webp_edge), Image.Resampling.NEAREST)
    save(f"max-{webp_edge}x{webp_edge}.webp", webp, "WEBP", quality=40, method=0)
    for path in photos.values():
        if path.stat().st_size > images.MAX_UPLOAD_BYTES:
            raise RuntimeError(f"{path.name} is {path.stat().st_size} bytes, above the upload limit")
    return photos


# --- children --------------------------------------------------------------------------------------------------------


def _setup_django(var_dir: Path, *, migrate: bool = False) -> None:
    os.environ["VAR_DIR"] = str(var_dir)
    os.environ["DEBUG"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyportal.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def child_photo(path: Path, var_dir: Path) -> dict:
    _setup_django(var_dir)
    from django.core.exceptions import ValidationError
    from PIL import Image

    from safetyportal.images import process_image

    warm = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(warm, "JPEG")
    process_image(io.BytesIO(warm.getvalue()))
    warm = io.BytesIO()
    Image.new("RGBA", (64, 64), "red").save(warm, "PNG")
    process_image(io.BytesIO(warm.getvalue()))
    data = path.read_bytes()
    maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    _reset_peak()
    rss_before = _status("VmRSS")
    started = time.perf_counter()
    outcome = "stored"
    try:
        processed = process_image(io.BytesIO(data))
        outcome = f"stored {processed.width}x{processed.height}"
    except ValidationError as error:
        outcome = "refused: " + " ".join(error.messages)
    seconds = time.perf_counter() - started
    peak = _status("VmHWM")
    maxrss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {
        "growth_mb": (peak - rss_before) / 2**20,
        "maxrss_growth_mb": max(0, maxrss_after - maxrss_before) / 2**20,
        "seconds": seconds,
        "outcome": outcome,
    }


def child_report(path: Path, var_dir: Path) -> dict:
    _setup_django(var_dir, migrate=True)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from safetyportal.models import Jurisdiction, JurisdictionLevel

    county = Jurisdiction.objects.create(code="350582", name="晋江市", level=JurisdictionLevel.COUNTY)
    town = Jurisdiction.objects.create(
        code="350582001", name="青阳街道", level=JurisdictionLevel.SUBDISTRICT, parent=county
    )
    data = path.read_bytes()
    client = Client()
    client.get("/report/", HTTP_HOST="127.0.0.1")  # warm: templates, URL resolver
    content_type = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}[path.suffix[1:]]
    photos = [SimpleUploadedFile(f"p{i}{path.suffix}", data, content_type=content_type) for i in range(5)]
    form = {
        "category": "fire",
        "jurisdiction": town.pk,
        "place": "某某路88号一楼楼道",
        "description": "楼道堆放大量纸箱和电动车，堵塞安全出口。",
        "anonymous": "on",
        "photos": photos,
    }
    _reset_peak()
    rss_before = _status("VmRSS")
    started = time.perf_counter()
    response = client.post("/report/", form, REMOTE_ADDR="198.51.100.77", HTTP_HOST="127.0.0.1")
    seconds = time.perf_counter() - started
    peak = _status("VmHWM")
    from inspections.models import PublicReport

    body = response.content.decode()
    outcome = f"HTTP {response.status_code}, {PublicReport.objects.count()} report(s) stored"
    errors = re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', body, re.S)
    if errors:
        outcome += ", form error: " + re.sub(r"<[^>]+>", " ", " ".join(errors)).strip()[:90]
    return {"seconds": seconds, "growth_mb": (peak - rss_before) / 2**20, "outcome": outcome}


def _run_child(kind: str, path: Path, work: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    var_dir = Path(tempfile.mkdtemp(dir=work, prefix=f"{kind}-"))
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.images", "--child", kind, str(path), str(var_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"child {kind} {path.name} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.images", description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=3, metavar=("KIND", "PHOTO", "VAR_DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="write the figures to this file as well")
    args = parser.parse_args(argv)
    if args.child:
        kind, photo, var_dir = args.child
        figures = (child_photo if kind == "photo" else child_report)(Path(photo), Path(var_dir))
        print(json.dumps(figures))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-images-") as tmp:
        work = Path(tmp)
        try:
            env_before = dict(os.environ)
            for name in _SCRUBBED:
                os.environ.pop(name, None)
            _setup_django(work / "fixtures")
            photos = make_photos(work)
            os.environ.clear()
            os.environ.update(env_before)
            rows = []
            for name, path in photos.items():
                rows.append(("photo", name, path.stat().st_size, _run_child("photo", path, work)))
            for name, path in photos.items():
                rows.append(("report ×5", name, path.stat().st_size, _run_child("report", path, work)))
        except Exception as error:
            print(f"benchmark could not run: {error}", file=sys.stderr)
            return 2
    missed = False
    print(f"{'measure':<10} {'photo':<34} {'file':>9} {'peak RSS +':>11} {'time':>8}  status  outcome")
    for kind, name, size, figures in rows:
        limit_ok = figures["growth_mb"] <= PHOTO_MB_MAX if kind == "photo" else figures["seconds"] <= REPORT_SECONDS_MAX
        missed |= not limit_ok
        print(
            f"{kind:<10} {name:<34} {size / 1024:>7.0f}KB {figures['growth_mb']:>8.0f} MB {figures['seconds']:>7.2f}s"
            f"  {'ok' if limit_ok else 'MISS':<6}  {figures['outcome']}"
        )
    print(
        f"targets: peak RSS growth per photo <= {PHOTO_MB_MAX} MB;"
        f" five photos in one /report/ POST <= {REPORT_SECONDS_MAX} s"
    )
    if args.json:
        args.json.write_text(
            json.dumps([{"measure": r[0], "photo": r[1], "bytes": r[2], **r[3]} for r in rows], indent=2)
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
