"""Admin side of the cascade: the offices' own issuing authorities (UnitAuthority) and the roll-up of a campaign at any
level of the tree with drill-down (``CampaignAdmin`` routes ``<id>/rollup/`` here)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from safetyportal.models import Jurisdiction

from .models import UnitAuthority
from .rollup import STATE_LABELS, ancestor_chain, campaign_root, level_board


@admin.register(UnitAuthority)
class UnitAuthorityAdmin(admin.ModelAdmin):
    list_display = ("jurisdiction", "authority", "created_at")
    list_select_related = ("jurisdiction", "authority")
    search_fields = ("jurisdiction__name", "authority__code", "authority__name")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the link names who issued the register's numbers; an office's authority is replaced, not removed


def rollup_view(model_admin: Any, request: HttpRequest, object_id: str) -> HttpResponse:
    """The campaign's figures and completeness at one unit (``?unit=<id>``, default the unit that runs it), a row per
    child with a link one level down."""
    campaign = model_admin._board_campaign(request, object_id)
    unit = campaign_root(campaign)
    if request.GET.get("unit"):
        try:
            unit = Jurisdiction.objects.filter(pk=int(request.GET["unit"])).first()
        except ValueError:
            unit = None
    if unit is None:
        raise Http404
    level = level_board(campaign, unit)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": campaign,
        "title": _("%(campaign)s · 分级汇总（%(unit)s）") % {"campaign": campaign, "unit": unit.name},
        "level": level,
        "chain": ancestor_chain(level),
        "states": STATE_LABELS,
        "drill_url": request.path,
    }
    return TemplateResponse(request, "admin/campaigns/campaign/rollup.html", context)
