"""T01: the lockfile pins patched releases of the packages whose history has security fixes."""

from __future__ import annotations

from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

LOCK = Path(__file__).resolve().parents[2] / "requirements.txt"

FLOORS = {
    "django": Version("5.2.19"),
    "pillow": Version("12.3.0"),
    "weasyprint": Version("70.0"),
    "celery": Version("5.4"),
    "defusedxml": Version("0.7.1"),
    "django-import-export": Version("4.4"),
}


def pinned() -> dict[str, Version]:
    pins = {}
    for line in LOCK.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        specifier = next(iter(requirement.specifier))
        assert specifier.operator == "==", f"{line}: the lockfile pins exact versions"
        pins[requirement.name.lower().replace("_", "-")] = Version(specifier.version)
    return pins


def test_lockfile_pins_every_package_exactly():
    assert len(pinned()) > 20


def test_security_sensitive_packages_are_at_or_above_their_floor():
    pins = pinned()
    for name, floor in FLOORS.items():
        assert name in pins, f"{name} missing from requirements.txt"
        assert pins[name] >= floor, f"{name} {pins[name]} is below {floor}"


def test_django_stays_on_the_52_lts_line():
    assert pinned()["django"].release[:2] == (5, 2)
