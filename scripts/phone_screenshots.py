"""Screenshots at 390 px of the front page, the office desk and an officer's dashboard (docs/screenshots/), and the
desk's timing, on a database with the demo data.

    .venv/bin/python manage.py seed_demo                           # once, on the database named by DATABASE_URL
    .venv/bin/python manage.py runserver 127.0.0.1:8708 &          # a server on the same database
    .venv/bin/python scripts/phone_screenshots.py http://127.0.0.1:8708

The accounts are the demo's ``staff`` (desk) and ``lingyuan`` (灵源街道); sessions are made verified as the code step
would (tests/otp.py), so no code is typed. The PNGs are reduced to 64 colours to stay small.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyportal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from PIL import Image  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.otp import verify_session  # noqa: E402

SHOTS = [
    ("front-page", None, "/", None),
    ("desk", "staff", "/admin/", 1250),
    ("officer-dashboard", "lingyuan", "/portal/", 2300),
]


def verified_client(username: str) -> Client:
    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    verify_session(client, user)
    return client


def time_desk(client: Client, runs: int = 25) -> None:
    wall, cpu = [], []
    for _ in range(runs):
        start, cpu_start = time.perf_counter(), time.process_time()
        if client.get("/admin/").status_code != 200:
            raise SystemExit("the staff account cannot open /admin/ (seed_demo run on this database?)")
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - cpu_start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get("/admin/")
    print(
        f"admin index (desk): median {statistics.median(wall[5:]):.0f} ms wall, "
        f"{statistics.median(cpu[5:]):.0f} ms Python CPU, {len(queries)} queries; load average {os.getloadavg()[0]:.1f}"
    )


def main(base: str) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    clients = {name: verified_client(name) for name in ("staff", "lingyuan")}
    time_desk(clients["staff"])
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for name, username, path, height in SHOTS:
            context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
            if username:
                cookie = clients[username].cookies[settings.SESSION_COOKIE_NAME].value
                context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
            page = context.new_page()
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            raw = out / f"{name}-raw.png"
            page.screenshot(path=str(raw), full_page=True)
            context.close()
            image = Image.open(raw).convert("RGB")
            raw.unlink()
            if height:
                image = image.crop((0, 0, image.width, min(height, image.height)))
            image = image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
            image.save(out / f"{name}-390.png", optimize=True)
            print(out / f"{name}-390.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
