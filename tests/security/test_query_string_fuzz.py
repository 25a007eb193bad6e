"""T55: only declared filters are accepted and no query string gives a 5xx (issue 10, P1).

Every changelist of the admin registry is fuzzed as a superuser with the lookups the outside review used and more
(regex on every field, relation traversal to phones and passwords, ordering and paging garbage, NUL and control
characters, SQL fragments, very long values, impossible dates); every declared filter parameter gets hostile values
too. A request may be refused (400, or Django's redirect to ``?e=1``) or answered; when it is answered, a parameter
that no filter declares has had no effect (the result count equals the unfiltered one). The officer portal's and the
public site's lists get the same treatment for ``o``/``order``/``sort``/``page``/``q`` and their own filters.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ERROR_FLAG
from django.db import models
from django.test import Client
from django.urls import reverse

from safetyportal.admin_base import StrictQueryStringMixin
from safetyportal.demo.builder import build_demo
from safetyportal.models import OfficerProfile
from tests.core.factories import UserFactory
from tests.security.routes import PORTAL, PUBLIC, routes_in

pytestmark = pytest.mark.django_db

LONG = "长" * 3000 + "x" * 3000
SQL = ["1' OR '1'='1", "1); DROP TABLE auth_user; --", "' UNION SELECT password FROM auth_user --", "1 OR 1=1"]
CONTROL = ["\x00", "a\x00b", "%00", "\x01\x02\x1b[31m", "\r\n", "\t", "\u202e", b"\xed\xa0\x80\xff", "\ufeff"]

# Lookups the review tried, and their relatives; none is a declared filter of any changelist.
UNDECLARED: list[tuple[str, str]] = [
    ("description__regex", "["),
    ("description__iregex", "("),
    ("description__regex", "^$"),
    ("pk__in", "a,b"),
    ("pk__in", "0"),
    ("pk", "0"),
    ("id__gt", "x"),
    ("id__lt", "0"),
    ("id", "99999999999999999999999"),
    ("id", "1; DROP TABLE auth_user"),
    ("reporter__phone__startswith", "1"),
    ("reporter_identity__name", ""),
    ("reporter_identity__phone__regex", "["),
    ("identity__phone__startswith", "1"),
    ("password__startswith", ""),
    ("password__startswith", "a"),
    ("user__password__startswith", "pbkdf2"),
    ("user__password__regex", "["),
    ("holder__id_number__startswith", "35"),
    ("id_number__startswith", "35"),
    ("person__id_number__regex", "["),
    ("jurisdiction__path__startswith", "350582/"),
    ("created_by__password__startswith", "a"),
    ("filter", "status"),
    ("\x00", "1"),
    ("a" * 3000, "1"),
    ("名称", "值"),
    ("\x1b[31m", "\r\n"),
    ("__proto__", "1"),
    ("", "1"),
]
# Django's own parameters with hostile values: parsed by Django, never a 5xx.
DJANGO_PARAMS: list[tuple[str, str]] = [
    ("o", "99"),
    ("o", "-reporter__phone"),
    ("o", "password"),
    ("o", "1.2.3"),
    ("o", "1" * 400),
    ("o", "0; DROP TABLE x"),
    ("p", "-1"),
    ("p", "99999999"),
    ("p", "abc"),
    ("p", "9" * 40),
    ("q", "x" * 5000),
    ("q", " ".join(["词"] * 600)),
    ("q", "'\""),
    ("q", '"'),
    ("q", "%_"),
    ("q", "\\"),
    ("q", "电力 安全"),
    ("e", "1"),
    ("all", ""),
    ("_popup", "1"),
    ("_to_field", "password"),
    ("_to_field", "id"),
    ("_facets", "1"),
    ("_changelist_filters", "status__exact=x"),
    *(("q", value) for value in SQL[:2] + CONTROL[:5] + CONTROL[-2:]),
    ("o", "\x00"),
]
# Values for the parameters a changelist does declare (filters and date hierarchy).
DECLARED_VALUES = [
    "[",
    "abc",
    "99999999999999999999999",
    "0001-01-01",
    "9999-12-31 23:59:59",
    LONG,
    SQL[0],
    "\x00",
]
# ``__isnull`` and ``__isempty`` read a truth value: fewer cases.
FLAG_VALUES = ["", "abc", "\x00"]
DATE_HIERARCHY_VALUES = [
    {"year": "9999"},
    {"year": "9998", "month": "12", "day": "31"},
    {"year": "0"},
    {"year": "1"},
    {"year": "10000"},
    {"year": "-1"},
    {"year": "2024", "month": "13"},
    {"year": "2024", "month": "2", "day": "30"},
    {"year": "2024", "month": "0"},
    {"year": "abc"},
    {"month": "3"},
    {"day": "99999999999999999999"},
    {"year": "9" * 30},
]


def registered_admins() -> list[tuple[type[models.Model], admin.ModelAdmin]]:
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def changelist_url(model: type[models.Model]) -> str:
    return reverse(f"{admin.site.name}:{model._meta.app_label}_{model._meta.model_name}_changelist")


def per_model_lookups(model: type[models.Model]) -> list[tuple[str, str]]:
    """A regex on every field of the model, and a lookup through every relation to the far side's fields."""
    lookups: list[tuple[str, str]] = []
    for field in model._meta.get_fields():
        if field.auto_created and not field.concrete:
            continue  # reverse relations: covered by the forward traversal of the other model
        lookups.append((f"{field.name}__regex", "["))
        if field.is_relation and field.related_model is not None:
            for far in field.related_model._meta.concrete_fields[1:3]:
                lookups.append((f"{field.name}__{far.name}__startswith", "1"))
    return lookups


def declared_lookups(model_admin: admin.ModelAdmin, request) -> list[tuple[str, str]]:
    names = sorted(model_admin.allowed_lookup_parameters(request))
    flags = ("__isnull", "__isempty")
    return [(name, value) for name in names for value in (FLAG_VALUES if name.endswith(flags) else DECLARED_VALUES)]


def date_hierarchy_queries(model_admin: admin.ModelAdmin) -> list[str]:
    field = model_admin.date_hierarchy
    if not field:
        return []
    return [urlencode({f"{field}__{part}": value for part, value in combo.items()}) for combo in DATE_HIERARCHY_VALUES]


def query(pairs: Iterable[tuple[str, str]]) -> str:
    return urlencode(list(pairs))


def result_count(response) -> int | None:
    context = getattr(response, "context_data", None) or {}
    changelist = context.get("cl")
    return None if changelist is None else changelist.result_count


def is_refusal(response) -> bool:
    if response.status_code == 400:
        return True
    return response.status_code == 302 and response["Location"].endswith(f"?{ERROR_FLAG}=1")


@pytest.fixture
def demo_city():
    build_demo()


@pytest.fixture
def quiet_refusals():
    """Thousands of refused requests are each logged with a traceback (django.security, django.request): only the
    outcome matters here, and the logging would double the run time."""
    loggers = [logging.getLogger(name) for name in ("django.security", "django.request")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture
def superuser_client() -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="fuzz-root", is_staff=True, is_superuser=True))
    return client


def test_every_registered_admin_has_the_strict_query_string_mixin():
    missing = [type(a).__qualname__ for a in admin.site._registry.values() if not isinstance(a, StrictQueryStringMixin)]
    assert missing == []


def test_hazard_changelist_refuses_an_invalid_regex_instead_of_a_500(superuser_client):
    from inspections.models import Hazard
    from tests.inspections.factories import HazardFactory

    HazardFactory()
    response = superuser_client.get(changelist_url(Hazard) + "?description__regex=[")
    assert response.status_code == 400


def test_declared_filters_search_paging_and_date_hierarchy_still_work(superuser_client):
    from inspections.models import Hazard
    from tests.inspections.factories import HazardFactory

    hazard = HazardFactory()
    url = changelist_url(Hazard)
    assert result_count(superuser_client.get(url)) == 1
    assert result_count(superuser_client.get(f"{url}?status__exact={hazard.status}")) == 1
    assert result_count(superuser_client.get(f"{url}?status__exact=no-such-status")) == 0
    year = hazard.created_at.year
    assert result_count(superuser_client.get(f"{url}?created_at__year={year}")) == 1
    assert result_count(superuser_client.get(f"{url}?created_at__year={year - 1}")) == 0
    assert result_count(superuser_client.get(f"{url}?q={hazard.description[:4]}&o=-2&p=1")) == 1


def test_refused_query_shows_djangos_incorrect_lookup_page(superuser_client):
    from inspections.models import Hazard

    url = changelist_url(Hazard)
    response = superuser_client.get(f"{url}?created_at__year=9999")
    assert response.status_code == 302 and response["Location"] == f"{url}?{ERROR_FLAG}=1"
    assert superuser_client.get(response["Location"]).status_code == 200


def test_no_admin_changelist_query_string_gives_a_5xx_or_applies_an_undeclared_filter(
    demo_city, superuser_client, quiet_refusals
):
    failures: list[str] = []
    requests = 0
    for model, model_admin in registered_admins():
        url = changelist_url(model)
        baseline = superuser_client.get(url)
        assert baseline.status_code == 200, url
        unfiltered = result_count(baseline)
        request = baseline.wsgi_request
        undeclared = [
            (name, value)
            for name, value in UNDECLARED + per_model_lookups(model)
            if name not in model_admin.allowed_lookup_parameters(request)
        ]
        cases = (
            [(query([pair]), True) for pair in undeclared]
            + [(query([pair]), False) for pair in DJANGO_PARAMS + declared_lookups(model_admin, request)]
            + [(qs, False) for qs in date_hierarchy_queries(model_admin)]
            + [(query(undeclared[:5] + DJANGO_PARAMS[:3]), True)]
        )
        for query_string, must_not_filter in cases:
            response = superuser_client.get(f"{url}?{query_string}")
            requests += 1
            label = f"{model._meta.label} ?{query_string[:120]}"
            if response.status_code >= 500:
                failures.append(f"{response.status_code} {label}")
            elif must_not_filter and not is_refusal(response):
                count = result_count(response)
                if response.status_code != 200 or count != unfiltered:
                    failures.append(f"undeclared filter took effect ({count} of {unfiltered}) {label}")
    assert failures == [], f"{len(failures)} of {requests} requests:\n" + "\n".join(failures[:50])
    assert requests > 2000


# The officer portal and the public site -----------------------------------------------------------------------------
LIST_PARAMS = ("o", "order", "sort", "ordering", "page", "q", "filter", "status", "year", "month", "kind", "category")
LIST_VALUES = [
    "-reporter__phone",
    "password",
    "-id_number",
    "-1",
    "1.2.3",
    "99999999",
    "9" * 40,
    LONG,
    "电力",
    SQL[0],
    SQL[2],
    *CONTROL[:3],
    CONTROL[-2],
]
NOT_LISTS = {"portal:logout", "portal:login", "portal:reminders_read", "inspections:report"}


def list_urls() -> list[tuple[str, str]]:
    """(area, path) for every portal and public route that takes no object: the lists, feeds and searches."""
    return [
        (route.area, route.url())
        for route in routes_in(PORTAL, PUBLIC)
        if not route.takes_object and route.name not in NOT_LISTS
    ]


def test_no_portal_or_public_list_query_string_gives_a_5xx(demo_city, quiet_refusals):
    anonymous = Client(raise_request_exception=False)
    officer = Client(raise_request_exception=False)
    officer.force_login(OfficerProfile.objects.select_related("user").first().user)
    urls = list_urls()
    assert len(urls) >= 10
    failures: list[str] = []
    requests = 0
    for area, url in urls:
        client = officer if area == PORTAL else anonymous
        queries = [query([(name, value)]) for name in LIST_PARAMS for value in LIST_VALUES]
        queries += [query([(name, value) for name in LIST_PARAMS]) for value in LIST_VALUES[:6]]
        for query_string in queries:
            # One client address per request: the public throttles would otherwise answer 429 before parsing.
            address = f"10.{requests >> 16 & 255}.{requests >> 8 & 255}.{requests & 255}"
            response = client.get(f"{url}?{query_string}", REMOTE_ADDR=address)
            requests += 1
            if response.status_code >= 500:
                failures.append(f"{response.status_code} {url}?{query_string[:120]}")
    assert failures == [], f"{len(failures)} of {requests} requests:\n" + "\n".join(failures[:50])


def test_portal_hazard_list_orders_only_by_its_allowlisted_sorts(unit_a, officer_a):
    from django.http import QueryDict

    from inspections.selectors import PORTAL_SORTS, HazardFilters
    from tests.inspections.factories import HazardFactory

    for value in [*LIST_VALUES, "-created_at", "pk", "status"]:
        assert HazardFilters.from_query(QueryDict(urlencode({"sort": value}))).sort == "new"
    for value in PORTAL_SORTS:
        assert HazardFilters.from_query(QueryDict(urlencode({"sort": value}))).sort == value
    HazardFactory.create_batch(3, jurisdiction=unit_a)
    officer = Client()
    officer.force_login(officer_a)
    url = reverse("hazards:list")
    default = [hazard.pk for hazard in officer.get(url).context["page"]]
    assert len(default) == 3
    for value in ("-reporter__phone", "reporter__phone", "-id_number", "password", "1.2.3"):
        assert [hazard.pk for hazard in officer.get(f"{url}?{urlencode({'sort': value})}").context["page"]] == default


# Other admin pages that read the query string (add forms, reports, figures) -----------------------------------------
ADMIN_PAGE_PARAMS = (
    *("year", "month", "page", "p", "format", "size", "q", "o", "_changelist_filters"),
    *("campaign", "task", "enterprise", "jurisdiction", "person", "holder", "session", "channel", "base", "hazard"),
)
ADMIN_PAGE_VALUES = ["abc", "-1", "0", "13", "9" * 40, "0001", "9999", LONG, SQL[0], "\x00", "csv", "\u202e"]


def test_no_other_admin_page_query_string_gives_a_5xx(demo_city, superuser_client, quiet_refusals):
    changelists = {changelist_url(model) for model in admin.site._registry}
    urls = [
        route.url()
        for route in routes_in("admin")
        if not route.takes_object and route.url() and route.url() not in changelists
    ]
    failures: list[str] = []
    for url in urls:
        # Every parameter at once, one value at a time; a failure is then narrowed down to its parameter.
        for value in ADMIN_PAGE_VALUES:
            response = superuser_client.get(f"{url}?{query((name, value) for name in ADMIN_PAGE_PARAMS)}")
            if response.status_code >= 500:
                culprits = [
                    name
                    for name in ADMIN_PAGE_PARAMS
                    if superuser_client.get(f"{url}?{query([(name, value)])}").status_code >= 500
                ]
                failures.append(f"{response.status_code} {url} {value[:40]!r} in {culprits}")
    assert len(urls) > 20
    assert failures == [], "\n".join(failures[:50])
