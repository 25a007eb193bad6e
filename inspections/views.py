"""Public pages: the hazard report form (/report/), the tracking page (/report/track/) and the exposure pages
(/exposure/: list, detail, Atom feed, JSON open data, sitemap). Thin: parse, call a service or selector, render."""

from __future__ import annotations

from html import escape as html_escape
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from safetyportal.throttle import hit, too_many_requests

from . import public_cache, selectors, services
from .forms import PublicReportForm, TrackForm
from .models import CaseKind, ExposureCase, HazardCategory

REPORT_RATES = list(getattr(settings, "HAZARD_REPORT_RATES", ["5/h", "20/d"]))
TRACK_RATES = list(getattr(settings, "HAZARD_TRACK_RATES", ["10/m", "50/d"]))
SEARCH_RATES = ["30/m", "600/d"]
PUBLIC_MAX_AGE = 60


def _no_store(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, no_store=True, private=True)
    return response


def _public(response: HttpResponse) -> HttpResponse:
    if not response.has_header("Cache-Control"):
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


# Hazard reports ---------------------------------------------------------------------------------------------------


@sensitive_post_parameters("name", "phone", "description", "place")
@sensitive_variables()  # every frame below the view: the service's name= and phone= arguments too
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "inspections/report_form.html", {"form": PublicReportForm()})
    if hit(request, "hazard-report", REPORT_RATES):
        return too_many_requests(request)
    form = PublicReportForm(request.POST, request.FILES)
    if form.is_spam:
        # A robot filled the hidden field: answer like a success, keep nothing.
        return _no_store(render(request, "inspections/report_done.html", {"code": services.new_tracking_code()}))
    if not form.is_valid():
        return _no_store(render(request, "inspections/report_form.html", {"form": form}, status=400))
    data = form.cleaned_data
    _report, code = services.submit_public_report(
        category=data["category"],
        jurisdiction=data["jurisdiction"],
        place=data["place"],
        description=data["description"],
        photos=data["photos"],
        name=data["name"],
        phone=data["phone"],
        sms_code=data["sms_code"],
    )
    # Shown once, never in a URL, never stored in clear: hence no redirect.
    return _no_store(render(request, "inspections/report_done.html", {"code": code}))


@sensitive_post_parameters("code")
@sensitive_variables("code")
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "inspections/track.html", {"form": TrackForm()})
    if hit(request, "hazard-track", TRACK_RATES):
        return too_many_requests(request)
    form = TrackForm(request.POST)
    context: dict = {"form": TrackForm()}
    if form.is_valid():
        found = selectors.report_for_code(form.cleaned_data["code"])
        if found is not None:
            context.update(report=found, history=selectors.tracking_history(found))
        else:
            context["not_found"] = True
    else:
        context["not_found"] = True
    return _no_store(render(request, "inspections/track.html", context))


# Exposure pages ---------------------------------------------------------------------------------------------------
# Every response below is cached and served to everyone: the builders never touch ``request`` (render_page).


def _labels(choices: type) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _options(choices: list[tuple], selected: object) -> SafeString:
    """``<option>`` elements of a filter select, built in Python (the template loop cost more than the rows)."""
    return mark_safe(  # noqa: S308 (every value and label is escaped here)
        "".join(
            f'<option value="{html_escape(str(value))}"{" selected" if value == selected else ""}>'
            f"{html_escape(str(label))}</option>"
            for value, label in choices
        )
    )


def _case_rows(cases: list, kinds: dict[str, str], categories: dict[str, str]) -> SafeString:
    """The ``<li>`` of each case on a list page (named tuples of ``selectors._ROW_FIELDS``). Built in one pass with the
    standard library's ``html.escape`` (what Django's ``escape`` calls, without its lazy-string wrapper) instead of a
    template loop: on an uncached page the per-row template work (variable lookups, the date filter, the labels) was
    most of the render. Labels and unit names are escaped once per page. Dates are local (Asia/Shanghai); the texts
    are the masked ``public_*`` copies frozen at publishing."""
    tz = timezone.get_current_timezone()
    kind_html = {value: html_escape(label) for value, label in kinds.items()}
    category_html = {value: html_escape(label) for value, label in categories.items()}
    unit_html: dict[str, str] = {}
    parts = []
    for case in cases:
        unit = unit_html.get(case.jurisdiction__name)
        if unit is None:
            unit = unit_html[case.jurisdiction__name] = html_escape(case.jurisdiction__name)
        summary = f"<p>{html_escape(case.public_summary)}</p>" if case.public_summary else ""
        parts.append(
            f'<li><h2><a href="/exposure/{int(case.pk)}/">{html_escape(case.public_title)}</a></h2><div class="meta">'
            f'<span class="badge kind">{kind_html.get(case.kind, "")}</span>'
            f'<span class="badge">{category_html.get(case.category, "")}</span>'
            f"{unit} · {case.published_at.astimezone(tz):%Y-%m-%d}</div>{summary}</li>\n"
        )
    return mark_safe("".join(parts))  # noqa: S308 (every text is escaped above)


@require_GET
def exposure_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.ExposureFilters.from_query(request.GET)
    if filters.q and hit(request, "exposure-search", SEARCH_RATES):
        return too_many_requests(request)

    def build() -> HttpResponse:
        page = selectors.exposure_page(filters, rows=True)
        # Labels resolved once per page, not per row: get_FOO_display() re-translates every choice on each call.
        kinds, categories = _labels(CaseKind), _labels(HazardCategory)
        context = {
            "page": page,
            "rows": _case_rows(list(page.items), kinds, categories),
            "filters": filters,
            "search_too_short": selectors.search_too_short(filters.q),
            "search_min_length": selectors.SEARCH_MIN_LENGTH,
            "kind_options": _options(list(kinds.items()), filters.kind),
            "category_options": _options(list(categories.items()), filters.category),
            "township_options": _options(selectors.township_choices(), filters.jurisdiction),
            "next_query": filters.query(after=page.next_cursor) if page.has_next else "",
            "previous_query": filters.query(before=page.previous_cursor) if page.has_previous else "",
        }
        title = f"安全生产曝光台 - {html_escape(settings.OFFICE_NAME)}"
        head = (
            '<link rel="alternate" type="application/atom+xml" title="安全生产曝光台" '
            f'href="{html_escape(reverse("inspections:exposure_feed"))}">'
        )
        return public_cache.render_in_shell("inspections/_exposure_list_content.html", context, title=title, head=head)

    return _public(public_cache.cached_response("list", filters.cache_params(), build))


@require_GET
def exposure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    def build() -> HttpResponse:
        case, gone = selectors.public_case(pk)
        if case is None:
            if gone:
                return public_cache.render_page("inspections/exposure_gone.html", status=410)
            return public_cache.render_page("404.html", status=404)
        title = f"{html_escape(case.public_title)} - 安全生产曝光台"
        return public_cache.render_in_shell(
            "inspections/_exposure_detail_content.html", _detail_context(case), title=title
        )

    return _public(public_cache.cached_response("detail", str(pk), build))


def _detail_context(case: ExposureCase) -> dict:
    return {
        "case": case,
        "kind_label": _labels(CaseKind).get(case.kind, ""),
        "category_label": _labels(HazardCategory).get(case.category, ""),
    }


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


@require_GET
def exposure_feed(request: HttpRequest) -> HttpResponse:
    def build() -> HttpResponse:
        feed = Atom1Feed(
            title=f"{settings.OFFICE_NAME}·安全生产曝光台",
            link=_absolute(reverse("inspections:exposure_list")),
            description="安全生产典型案例曝光",
            feed_url=_absolute(reverse("inspections:exposure_feed")),
            language="zh-hans",
        )
        for case in selectors.feed_cases():
            feed.add_item(
                title=case.public_title,
                link=_absolute(reverse("inspections:exposure_detail", args=[case.pk])),
                description=case.public_summary or case.public_body[:200],
                pubdate=case.published_at,
                unique_id=_absolute(reverse("inspections:exposure_detail", args=[case.pk])),
                categories=[str(case.get_kind_display()), str(case.get_category_display())],
            )
        response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
        feed.write(response, "utf-8")
        return response

    return _public(public_cache.cached_response("feed", "", build))


@require_GET
def exposure_data(request: HttpRequest) -> HttpResponse:
    """Open data: the published cases as JSON, newest first, 100 a page, ``next`` for the following page."""
    filters = selectors.ExposureFilters.from_query(request.GET)
    if filters.q and hit(request, "exposure-search", SEARCH_RATES):
        return too_many_requests(request)

    def build() -> HttpResponse:
        page = selectors.exposure_page(filters, per_page=selectors.DATA_PAGE_SIZE)
        next_url = None
        if page.has_next:
            next_url = _absolute(reverse("inspections:exposure_data")) + "?" + filters.query(after=page.next_cursor)
        payload = {
            "publisher": settings.OFFICE_NAME,
            "generated_on": timezone.localdate().isoformat(),
            "cases": [
                {
                    "id": case.pk,
                    "title": case.public_title,
                    "party": case.public_display_name,
                    "kind": case.kind,
                    "kind_label": str(case.get_kind_display()),
                    "category": case.category,
                    "category_label": str(case.get_category_display()),
                    "jurisdiction": case.jurisdiction.name,
                    "summary": case.public_summary,
                    "published_at": timezone.localtime(case.published_at).isoformat(),
                    "url": _absolute(reverse("inspections:exposure_detail", args=[case.pk])),
                }
                for case in page.items
            ],
            "next": next_url,
        }
        return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})

    return _public(public_cache.cached_response("data", filters.cache_params(), build))


@require_GET
def exposure_sitemap(request: HttpRequest) -> HttpResponse:
    def build() -> HttpResponse:
        entries = "".join(
            "<sitemap><loc>{}</loc></sitemap>".format(
                escape(_absolute(reverse("inspections:exposure_sitemap_month", args=[year, month])))
            )
            for year, month in selectors.sitemap_months()
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{escape(_absolute(reverse('inspections:exposure_list')))}</loc></sitemap>"
            f"{entries}</sitemapindex>"
        )
        return HttpResponse(body, content_type="application/xml; charset=utf-8")

    return _public(public_cache.cached_response("sitemap", "", build))


@require_GET
def exposure_sitemap_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    def build() -> HttpResponse:
        urls = "".join(
            "<url><loc>{}</loc><lastmod>{}</lastmod></url>".format(
                escape(_absolute(reverse("inspections:exposure_detail", args=[pk]))),
                timezone.localtime(updated).date().isoformat(),
            )
            for pk, updated in selectors.sitemap_month_entries(year, month)
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        )
        return HttpResponse(body, content_type="application/xml; charset=utf-8")

    return _public(public_cache.cached_response("sitemap-month", f"{year}-{month}", build))


def case_preview(request: HttpRequest, case, masked: dict[str, str]) -> HttpResponse:  # type: ignore[no-untyped-def]
    """The public detail page rendered for staff with the masked text the case would be published with."""
    preview = type(case)(pk=case.pk, kind=case.kind, category=case.category, jurisdiction=case.jurisdiction)
    for field, value in masked.items():
        setattr(preview, field, value)
    preview.published_at = case.published_at or timezone.now()
    preview.case_date = case.case_date
    preview.media_url = case.media_url
    return render(request, "inspections/exposure_detail.html", {**_detail_context(preview), "is_preview": True})
