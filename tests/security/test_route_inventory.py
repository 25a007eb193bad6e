"""T12: every non-admin route that takes an object argument has IDOR coverage, and the registry has no stale entry."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings
from django.test import override_settings

from tests.security.idor_registry import COVERED_OBJECT_ROUTES
from tests.security.routes import ADMIN, PORTAL, PUBLIC, all_routes, object_routes


def test_every_route_with_an_object_argument_is_covered_by_an_idor_test() -> None:
    missing = [route.label for route in object_routes() if route.name not in COVERED_OBJECT_ROUTES]
    assert not missing, (
        "Routes taking an object argument without IDOR coverage (add a cross-unit probe to the IDOR matrix and "
        f"register it in tests/security/idor_registry.py; unnamed routes need a name): {missing}"
    )


def test_the_idor_registry_names_only_routes_that_exist_and_take_an_object() -> None:
    routes = {route.name: route for route in all_routes() if route.name}
    stale = sorted(name for name in COVERED_OBJECT_ROUTES if name not in routes)
    assert not stale, f"tests/security/idor_registry.py names routes that no longer exist: {stale}"
    not_object = sorted(name for name in COVERED_OBJECT_ROUTES if not routes[name].takes_object)
    assert not not_object, f"Registered routes that take no object argument (remove them): {not_object}"
    admin = sorted(name for name in COVERED_OBJECT_ROUTES if routes[name].area == ADMIN)
    assert not admin, f"Admin routes do not belong in the IDOR registry (T15 covers the admin): {admin}"


def _defined_tests(path: Path) -> set[str]:
    """Node-id suffixes ("test_x", "TestY::test_x") of the tests defined in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    names.add(f"{node.name}::{item.name}")
    return names


def test_every_registry_entry_points_to_an_existing_test() -> None:
    base = Path(settings.BASE_DIR)
    broken = []
    for name, node_id in COVERED_OBJECT_ROUTES.items():
        file_part, _sep, test_part = node_id.partition("::")
        path = base / file_part
        if not (test_part and path.is_file() and test_part.split("[")[0] in _defined_tests(path)):
            broken.append(f"{name} -> {node_id}")
    assert not broken, f"Registry entries whose test does not exist: {broken}"


def test_the_route_inventory_sees_the_known_routes_of_each_area() -> None:
    """Guards the enumeration itself: if it silently found nothing, the coverage test above would pass vacuously."""
    by_name = {route.name: route for route in all_routes()}
    assert by_name["index"].area == PUBLIC
    assert by_name["portal:login"].area == PORTAL
    assert by_name["portal:home"].area == PORTAL
    assert by_name["admin:index"].area == ADMIN
    change = next(
        route for route in all_routes() if route.name and route.name.endswith("_change") and "<" in route.route
    )
    assert change.area == ADMIN
    assert change.takes_object
    assert change.kwargs == ("object_id",)
    assert change.url() == "/" + change.route.replace("<path:object_id>", "1")


@override_settings(ROOT_URLCONF="tests.security.urlconf_probe")
def test_a_new_object_route_without_idor_coverage_is_reported_by_name() -> None:
    routes = {route.name: route for route in object_routes()}
    assert set(routes) >= {"probe_object", "probe_year", "probe:probe_token"}
    assert routes["probe_object"].area == PUBLIC
    assert routes["probe:probe_token"].area == PORTAL
    assert routes["probe_object"].url() == "/probe/1/"
    assert routes["probe:probe_token"].url(token="abc") == "/portal/probe/abc/"
    assert routes["probe_year"].is_regex
    assert routes["probe_year"].url(year="2024") == "/probe/year/2024/"
    missing = [route.name for route in object_routes() if route.name not in COVERED_OBJECT_ROUTES]
    assert {"probe_object", "probe_year", "probe:probe_token"} <= set(missing)
