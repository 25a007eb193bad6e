"""Public pages: the campaign publicity citizens can read (published articles, videos and news reports)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safetyportal.images import image_response

from . import selectors
from .forms import PublicSearchForm


def _list(request: HttpRequest, campaign: selectors.PublicCampaign | None) -> HttpResponse:
    form = PublicSearchForm(request.GET or None)
    filters = form.filters()
    page = selectors.public_items(campaign_id=campaign.pk if campaign else None, **filters)
    context = {
        "form": form,
        "page": page,
        "campaign": campaign,
        "campaigns": selectors.public_campaigns() if campaign is None else [],
        "totals": selectors.campaign_publicity_totals(campaign_id=campaign.pk) if campaign else None,
        "kind": filters["kind"],
        "query": filters["query"],
    }
    return render(request, "publicity/public_list.html", context)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _list(request, None)


@require_GET
def campaign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    found = selectors.public_campaign(campaign_id)
    if found is None:
        raise Http404
    return _list(request, found)


@require_GET
def cover(request: HttpRequest, pk: int) -> HttpResponse:
    name = selectors.public_cover(pk)
    if name is None:
        raise Http404
    response = image_response(name, download_name="cover.jpg")
    response["Cache-Control"] = "public, max-age=3600"
    return response
