"""What a process that renders documents imports at start-up (a fresh worker's first document: ``make bench``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.contrib import admin
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

# Libraries a worker does not need to start and render: the admin modules and what django-import-export pulls in.
NOT_AT_WORKER_START = ("import_export.admin", "tablib", "openpyxl", "numpy", "campaigns.admin", "segno", "weasyprint")

PROBE = """
import json, sys
import django
django.setup()
from safetyportal.documents.context import verify_url
from safetyportal.documents.models import GeneratedDocument
from safetyportal.documents.registry import registered_kinds
from django.contrib import admin
started = sorted(name for name in {names} if name in sys.modules)
link = verify_url(GeneratedDocument(kind="notice", title="t", verify_token="abc"))
print(json.dumps({{"started": started, "after_link": sorted(n for n in {names} if n in sys.modules), "link": link,
                   "kinds": [kind for kind, _label in registered_kinds()], "admin_models": len(admin.site._registry)}}))
"""


def start(role: str) -> dict:
    env = {**os.environ, "PORTAL_ROLE": role, "DJANGO_SETTINGS_MODULE": "safetyportal.settings", "TESTING": "1"}
    code = PROBE.format(names=repr(NOT_AT_WORKER_START))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_worker_starts_without_the_admin_and_spreadsheet_libraries_and_still_knows_every_document_kind() -> None:
    worker = start("worker")
    assert worker["started"] == []
    assert worker["after_link"] == []  # the verification link does not load the whole URLconf
    assert worker["link"].endswith("/verify/abc/")
    assert {"notice", "sample_report"} <= set(worker["kinds"])
    assert worker["admin_models"] == 0


def test_every_other_process_loads_the_admin_as_before() -> None:
    assert len(admin.site._registry) > 20  # this test process (no PORTAL_ROLE)
    web = start("web")
    assert web["admin_models"] == len(admin.site._registry)
    assert set(web["kinds"]) == set(start("worker")["kinds"])


def test_the_verification_link_is_the_same_from_the_documents_urlconf() -> None:
    assert reverse("verify", args=["abc"], urlconf="safetyportal.documents.urls") == reverse("verify", args=["abc"])


LIBRARIES_PROBE = """
import re, sys
if sys.argv[1] == "portal":
    from safetyportal.documents.rendering import load_weasyprint
    load_weasyprint()
else:
    import weasyprint
from weasyprint.text import ffi
names = ("gobject", "pango", "harfbuzz", "harfbuzz_subset", "harfbuzz_vector", "fontconfig", "pangoft2")
wanted = re.compile(r"lib(pango|harfbuzz|gobject|fontconfig)")
loaded = sorted({line.split()[-1] for line in open("/proc/self/maps") if wanted.search(line)})
print([getattr(ffi, name) is None for name in names], loaded)
"""


def test_weasyprint_loads_the_same_libraries_without_starting_a_process_per_name() -> None:
    if not Path("/proc/self/maps").exists():
        return
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "safetyportal.settings", "TESTING": "1"}
    outputs = []
    for how in ("portal", "weasyprint"):
        done = subprocess.run([sys.executable, "-c", LIBRARIES_PROBE, how], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert "libharfbuzz-subset" in outputs[0]


def test_the_attachment_caps_repeat_the_spreadsheet_import_caps() -> None:
    # safetyportal.uploads repeats them so that a worker does not import the spreadsheet stack (openpyxl, numpy)
    from safetyportal import spreadsheets, uploads

    assert uploads.MAX_ZIP_ENTRIES == spreadsheets.MAX_XLSX_ENTRIES
    assert uploads.MAX_ZIP_UNCOMPRESSED == spreadsheets.MAX_XLSX_UNCOMPRESSED
