"""Portal page of the assessment: the officer's own unit's published scores, item by item, with its own rank and the
number of ranked units only (never another unit's figures). Only frozen (published) results are shown, so the page
and the ranking circular agree."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safetyportal.scoping import officer_unit
from safetyportal.unit_figures import JURISDICTION, MEMBER_UNIT
from safetyportal.views import officer_required

from . import assessment_selectors as selectors

PAGE_SIZE = 4


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isascii() and value.isdigit() and 0 < len(value) < 7 else 1


@require_GET
@officer_required
def assessment_mine(request: HttpRequest) -> HttpResponse:
    unit = officer_unit(request.user)
    if unit is None or unit.pk is None:  # officer_required lets only officers of a unit through
        raise PermissionDenied
    key = (MEMBER_UNIT, unit.pk) if unit.kind == "member" else (JURISDICTION, unit.pk)
    page = Paginator(selectors.own_rows(key), PAGE_SIZE).get_page(_page_number(request))
    return render(
        request,
        "committee/assessment_mine.html",
        {"page": page, "breakdowns": selectors.breakdowns(page.object_list), "unit": unit},
    )
