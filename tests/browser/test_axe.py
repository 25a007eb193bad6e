"""axe-core (from the npm registry, node_modules/axe-core) on every public and portal page and on the admin pages
staff use most (the desk, the returns and hazard changelists, a return's review page, a hazard's and a notice's
change pages): no violation of any impact.

axe is injected with Playwright's evaluate (not a <script> tag, which the CSP would refuse) after each page loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.pages import build_world, discover, seed_urls
from tests.security.routes import PORTAL, PUBLIC

pytestmark = pytest.mark.browser

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " " + n.html.slice(0, 120)),
  }));
}"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (scripts/setup.sh installs it).", pytrace=False)
    return AXE.read_text()


def violations(page, axe_source: str) -> list[dict]:
    page.wait_for_load_state("load")
    page.evaluate(axe_source)
    return page.evaluate(RUN_AXE)


def report(found: dict[str, list[dict]]) -> str:
    lines = []
    for url, items in found.items():
        for item in items:
            lines.append(f"{url}: [{item['impact']}] {item['id']} — {item['help']}: {item['nodes']}")
    return "\n".join(lines)


def audit(page, axe_source: str, urls) -> tuple[dict[str, list[dict]], int]:
    found: dict[str, list[dict]] = {}
    count = 0
    for url in urls:
        count += 1
        if items := violations(page, axe_source):
            found[url] = items
    return found, count


def test_public_pages_have_no_accessibility_violation(page, axe_source, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    found, count = audit(page, axe_source, discover(page, (PUBLIC,), seed_urls(world)))
    assert count >= 8
    assert not found, report(found)


def test_portal_pages_have_no_accessibility_violation(page, login, axe_source, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    login(world.officer_username)
    found, count = audit(page, axe_source, discover(page, (PORTAL,), []))
    assert count >= 5
    assert not found, report(found)


def test_the_admin_pages_staff_use_most_have_no_accessibility_violation(page, login, axe_source, settings, tmp_path):
    from tests.core.documents_support import make_notice

    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    notice = make_notice()
    login(world.staff_username, path="/admin/login/?next=/admin/")
    hazard = world.objects["hazard"]
    urls = [
        "/admin/",
        "/admin/campaigns/activityreturn/",
        f"/admin/campaigns/activityreturn/{world.objects['submitted'].pk}/change/",  # the review page
        "/admin/inspections/hazard/",
        f"/admin/inspections/hazard/{hazard.pk}/change/",
        f"/admin/campaigns/notice/{notice.pk}/change/",
    ]

    def visit():
        for url in urls:
            page.goto(url)
            yield url

    found, count = audit(page, axe_source, visit())
    assert count == len(urls)
    assert not found, report(found)
