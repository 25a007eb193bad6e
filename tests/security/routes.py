"""Every URL pattern of the project, read from the resolver, so that security tests cover routes nobody listed.

``all_routes()`` walks ``get_resolver().url_patterns`` recursively and returns one ``Route`` per pattern, with the
full route string, the namespaced name, the keyword arguments it captures and the area it belongs to:

- ``admin``: anything under Django's admin site (staff only; scoped by the admin's own permissions, see T15);
- ``portal``: the officer portal (``/portal/…`` or the ``portal`` namespace);
- ``public``: everything else.

A route "takes an object" when it captures any keyword argument at all (pk, id, token, object_id, slug, …): such a
route must be in ``tests/security/idor_registry.py`` (T12). ``Route.url()`` builds a concrete URL, filling int
converters with 1 and other converters with a dummy value, or with the values a test passes in.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib import admin
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter, UUIDConverter
from django.urls.resolvers import RegexPattern, RoutePattern

ADMIN = "admin"
PORTAL = "portal"
PUBLIC = "public"

DUMMY_INT = 1
DUMMY_STR = "dummy"
DUMMY_UUID = uuid.UUID("00000000-0000-4000-8000-000000000001")


@dataclass(frozen=True)
class Route:
    route: str  # the full route string, e.g. "portal/returns/<int:pk>/edit/" (regex source for re_path)
    name: str | None  # the namespaced name, e.g. "portal:return_detail"; None when the pattern has no name
    area: str  # ADMIN, PORTAL or PUBLIC
    converters: dict[str, Any] = field(hash=False, compare=False)  # kwarg name -> converter (None for a regex group)
    callback: Any = field(hash=False, compare=False, repr=False)
    is_regex: bool = False

    @property
    def kwargs(self) -> tuple[str, ...]:
        return tuple(self.converters)

    @property
    def takes_object(self) -> bool:
        """Whether the route captures an argument (pk, id, token, object_id, slug, …) that selects something."""
        return bool(self.converters)

    @property
    def label(self) -> str:
        """How a failure message names this route."""
        return f"{self.name or '<unnamed>'} (/{self.route})"

    def dummy_kwargs(self, **values: Any) -> dict[str, Any]:
        kwargs = {}
        for name, converter in self.converters.items():
            if name in values:
                kwargs[name] = values[name]
            elif isinstance(converter, IntConverter):
                kwargs[name] = DUMMY_INT
            elif isinstance(converter, UUIDConverter):
                kwargs[name] = DUMMY_UUID
            elif isinstance(converter, (StringConverter, SlugConverter, PathConverter)) or converter is None:
                # Admin object ids are <path:…> but integer primary keys: "1" resolves to a row when one exists.
                kwargs[name] = str(DUMMY_INT) if name in {"object_id", "pk", "id"} else DUMMY_STR
            else:  # a project converter: ask it for a value if it offers one
                kwargs[name] = getattr(converter, "example", DUMMY_STR)
        return kwargs

    def url(self, **values: Any) -> str | None:
        """A concrete path for this route (None if it cannot be built, e.g. an unnamed regex pattern)."""
        kwargs = self.dummy_kwargs(**values)
        if not self.is_regex:
            return "/" + _fill_route(self.route, self.converters, kwargs)
        if self.name is None:
            return None
        try:
            return reverse(self.name, kwargs=kwargs)
        except NoReverseMatch:
            return None


_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")


def _fill_route(route: str, converters: dict[str, Any], kwargs: dict[str, Any]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group("parameter")
        return converters[name].to_url(kwargs[name])

    return _ROUTE_PARAM.sub(replace, route)


def _pattern_parts(pattern: Any) -> tuple[str, dict[str, Any], bool]:
    if isinstance(pattern, RoutePattern):
        return str(pattern), dict(pattern.converters), False
    if isinstance(pattern, RegexPattern):
        regex = pattern._regex
        source = regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
        return source, dict.fromkeys(pattern.regex.groupindex), True
    # LocalePrefixPattern and the like: no arguments, their string is the prefix.
    return str(pattern), {}, False


def _walk(
    patterns: Iterable[Any],
    prefix: str,
    inherited: dict[str, Any],
    namespace: str | None,
    area: str | None,
    regex: bool,
) -> Iterator[Route]:
    for entry in patterns:
        part, own, is_regex = _pattern_parts(entry.pattern)
        route = prefix + part
        converters = {**inherited, **own}
        if isinstance(entry, URLResolver):
            child_namespace = namespace
            if entry.namespace:
                child_namespace = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            child_area = area
            if child_area is None and admin.site.name in {entry.app_name, entry.namespace}:
                child_area = ADMIN
            yield from _walk(entry.url_patterns, route, converters, child_namespace, child_area, regex or is_regex)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if (namespace and entry.name) else entry.name
            yield Route(
                route=route,
                name=name,
                area=area or _area_of(route, namespace),
                converters=converters,
                callback=entry.callback,
                is_regex=regex or is_regex,
            )


def _area_of(route: str, namespace: str | None) -> str:
    if route.startswith("admin/"):
        return ADMIN
    if route.startswith("portal/") or (namespace or "").split(":")[0] == PORTAL:
        return PORTAL
    return PUBLIC


def all_routes() -> list[Route]:
    """Every URL pattern of the current ROOT_URLCONF, in resolver order."""
    return list(_walk(get_resolver().url_patterns, "", {}, None, None, False))


def routes_in(*areas: str) -> list[Route]:
    return [route for route in all_routes() if route.area in areas]


def object_routes(include_admin: bool = False) -> list[Route]:
    """Routes that take an object argument: the IDOR inventory (admin excluded unless asked)."""
    return [route for route in all_routes() if route.takes_object and (include_admin or route.area != ADMIN)]


def crawl_urls(*areas: str, **values: Any) -> list[str]:
    """One concrete URL per buildable route of the given areas (default: public and portal), without duplicates.

    Object arguments are filled with dummy values (1, "dummy"), or with ``values`` by kwarg name: the crawl then
    sees the "not found" page of an object route, which must carry the same headers as any other page."""
    urls: list[str] = []
    for route in routes_in(*(areas or (PUBLIC, PORTAL))):
        url = route.url(**values)
        if url is not None and url not in urls:
            urls.append(url)
    return urls


SAMPLE_ADMIN_MODEL = "safetyportal.enterprise"


def _first_admin_model() -> type:
    """The model whose changelist and add page the admin sample uses: SAMPLE_ADMIN_MODEL if registered, else the
    first project model registered in the admin (by app and model name)."""
    from safetyportal.roles import PROJECT_APPS

    for model in admin.site._registry:
        if model._meta.label_lower == SAMPLE_ADMIN_MODEL:
            return model
    models = sorted(
        (model for model in admin.site._registry if model._meta.app_label in PROJECT_APPS),
        key=lambda model: (PROJECT_APPS.index(model._meta.app_label), model._meta.model_name),
    )
    if not models:
        models = sorted(admin.site._registry, key=lambda model: model._meta.label)
    return models[0]


def admin_sample_urls() -> list[str]:
    """A sample of the admin for header and CSRF crawls: index, login, one changelist and one add page."""
    model = _first_admin_model()
    opts = model._meta
    site = admin.site.name
    return [
        reverse(f"{site}:index"),
        reverse(f"{site}:login"),
        reverse(f"{site}:{opts.app_label}_{opts.model_name}_changelist"),
        reverse(f"{site}:{opts.app_label}_{opts.model_name}_add"),
    ]


def all_admin_urls(**values: Any) -> list[str]:
    """Every buildable admin URL (object ids filled with ``values`` or "1"), for staff GET crawls."""
    return crawl_urls(ADMIN, **values)
