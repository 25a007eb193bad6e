"""Every portal and public page on a 390×844 phone (issue 13): nothing scrolls sideways, neither the page nor a part
of it (except a named, focusable pane, ``role="region" tabindex="0" aria-label``, holding a wide board), and every
primary action (``[data-primary-action]``, a submit button or a ``.button`` link in the main
content) lies inside the viewport's width; photo inputs accept images only (a phone then offers the camera) and no
style rule shows or hides anything on hover. Pages are discovered from the URL patterns (tests/browser/pages.py)."""

from __future__ import annotations

import pytest
from django.urls import resolve

from tests.browser.pages import build_world, discover, seed_urls, unvisited
from tests.security.routes import PORTAL, PUBLIC

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# One script returns every layout problem of the loaded page, in words.
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const width = window.innerWidth;
  const doc = document.scrollingElement || document.documentElement;
  if (doc.scrollWidth > width) problems.push(`page is ${doc.scrollWidth} px wide`);
  const visible = el => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.display !== "none" && style.visibility !== "hidden" && box.width > 0 && box.height > 0;
  };
  const name = el => {
    const classes = el.className ? "." + String(el.className).trim().split(/\\s+/).join(".") : "";
    return `${el.tagName.toLowerCase()}${classes} "${(el.textContent || el.value || "").trim().slice(0, 20)}"`;
  };
  for (const el of document.querySelectorAll("main *")) {
    const style = getComputedStyle(el);
    // A wide board may scroll inside a pane the keyboard reaches and a screen reader names (role=region).
    const pane = el.getAttribute("role") === "region" && el.tabIndex >= 0 && el.hasAttribute("aria-label");
    if (["auto", "scroll"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1 && visible(el) && !pane)
      problems.push(`${name(el)} scrolls sideways (${el.scrollWidth} px in ${el.clientWidth} px)`);
  }
  const actions = document.querySelectorAll(
    "[data-primary-action], main button[type=submit], main input[type=submit], main a.button");
  for (const el of actions) {
    if (!visible(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.left < -0.5 || box.right > width + 0.5)
      problems.push(`${name(el)} is outside the viewport (${Math.round(box.left)}..${Math.round(box.right)} px)`);
  }
  // Nothing depends on hover (a finger cannot hover): no style rule shows or hides anything on :hover.
  for (const sheet of document.styleSheets) {
    let rules = [];
    try { rules = Array.from(sheet.cssRules); } catch (error) { continue; }
    for (const rule of rules.flatMap(rule => rule.cssRules ? Array.from(rule.cssRules) : [rule])) {
      const style = rule.style;
      if (rule.selectorText?.includes(":hover") && style && (style.display || style.visibility || style.opacity))
        problems.push(`${rule.selectorText} shows or hides content on hover`);
    }
  }
  // A photo input offers the camera: a phone shows "take a photo" for an input accepting images only.
  for (const input of document.querySelectorAll("input[type=file]")) {
    const accept = (input.getAttribute("accept") || "").split(",").map(part => part.trim()).filter(Boolean);
    if (/photo|image|照片/i.test(input.name + " " + (input.labels?.[0]?.textContent || "")) &&
        !(accept.length && accept.every(type => type.startsWith("image/"))))
      problems.push(`${name(input)} (${input.name}) does not offer the camera (accept="${accept.join(",")}")`);
  }
  return problems;
}"""


def check_pages(page, areas: tuple[str, ...], extra: list[str]) -> tuple[dict[str, list[str]], set[str]]:
    page.set_viewport_size(PHONE)
    failures: dict[str, list[str]] = {}
    routes: set[str] = set()
    for url in discover(page, areas, extra):
        page.wait_for_load_state("load")
        routes.add(resolve(url.split("?")[0]).view_name)
        problems = page.evaluate(LAYOUT_PROBLEMS)
        if problems:
            failures[url] = problems
    return failures, routes


def report(failures: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}: {'; '.join(problems)}" for url, problems in failures.items())


def test_every_public_page_fits_a_phone(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    failures, routes = check_pages(page, (PUBLIC,), seed_urls(world))
    assert {"index", "inspections:report", "certificates:verify", "verify"} <= routes, routes
    print("\npublic routes not visited:", unvisited((PUBLIC,), routes))
    assert not failures, report(failures)


@pytest.mark.parametrize("officer", ["officer_username", "member_officer_username"])
def test_every_portal_page_fits_a_phone(page, login, settings, tmp_path, officer):
    """As a subdistrict's officer and as a committee member unit's (their portal shows other things)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    login(getattr(world, officer))
    failures, routes = check_pages(page, (PORTAL, PUBLIC), [])  # public pages too: signed in, and /accounts/
    assert {"portal:home", "portal:return_list"} <= routes, routes
    if officer == "officer_username":
        expected = {"portal:return_detail", "portal:return_create", "portal:return_edit", "hazards:list"}
        expected |= {"portal:inbox_detail", "portal:campaign_detail", "portal:office_notice_create"}
        assert expected <= routes, routes
    print("\nportal routes not visited:", unvisited((PORTAL,), routes))
    assert not failures, report(failures)


def test_the_check_sees_sideways_scrolling_and_an_action_off_screen(page):
    page.set_viewport_size(PHONE)
    page.goto("/")
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    page.evaluate(
        """() => {
          const wide = document.createElement("div");
          wide.textContent = "宽";
          wide.setAttribute("class", "too-wide");
          document.querySelector("main").append(wide);
          wide.style.setProperty("width", "600px");
          const action = document.createElement("a");
          action.textContent = "填报";
          action.setAttribute("class", "button");
          wide.append(action);
          action.style.setProperty("margin-left", "500px");
        }"""
    )
    problems = page.evaluate(LAYOUT_PROBLEMS)
    assert any("page is" in problem for problem in problems), problems
    assert any("填报" in problem and "outside the viewport" in problem for problem in problems), problems
