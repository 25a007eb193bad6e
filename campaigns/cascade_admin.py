"""Admin side of the cascade: the offices' own issuing authorities (UnitAuthority) and the roll-up of a campaign at any
level of the tree with drill-down (``CampaignAdmin`` routes ``<id>/rollup/`` here)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from safetyportal import audit
from safetyportal.documents.models import IssuingAuthority, RegisterEntry
from safetyportal.models import Jurisdiction, RoleChangeKind
from safetyportal.roles import is_administrator

from .models import Notice, UnitAuthority
from .rollup import STATE_LABELS, ancestor_chain, campaign_root, level_board


def _link_text(jurisdiction_id: int, authority_id: int) -> str:
    authority = IssuingAuthority.objects.filter(pk=authority_id).values("name", "code").first()
    label = f"{authority['name']}（{authority['code']}）" if authority else f"#{authority_id}"
    unit = Jurisdiction.objects.filter(pk=jurisdiction_id).values_list("name", flat=True).first()
    return _("%(unit)s的发文机关：%(authority)s") % {"unit": unit or audit.NONE, "authority": label}


class UnitAuthorityForm(forms.ModelForm):
    class Meta:
        model = UnitAuthority
        fields = ("jurisdiction", "authority")

    def clean(self) -> dict[str, Any]:
        """An authority already numbering papers of someone else (the city's own 晋安办, another office's code) is not
        given to a unit: its officers would issue in that register and list under that name."""
        data: dict[str, Any] = super().clean() or {}
        authority, jurisdiction = data.get("authority"), data.get("jurisdiction")
        if authority is None or jurisdiction is None:
            return data
        if (self.instance.authority_id, self.instance.jurisdiction_id) == (authority.pk, jurisdiction.pk):
            return data
        others = ~Q(created_by__officer_profile__jurisdiction=jurisdiction)
        if (
            RegisterEntry.objects.filter(authority=authority).filter(others).exists()
            or Notice.objects.filter(authority=authority).filter(others).exists()
        ):
            raise ValidationError(
                _("该发文机关已有其他单位的发文或登记（如市安委办本级的发文），不能设为%(unit)s的发文机关。")
                % {"unit": jurisdiction.name},
                code="authority_in_use",
            )
        return data


@admin.register(UnitAuthority)
class UnitAuthorityAdmin(admin.ModelAdmin):
    """Which authority an office issues under. The link gives the office's officers the right to number notices under
    it (``Notice.may_issue``), so, like an officer's unit (T63), only administrators (superuser or 安委办管理员) add or
    change it, and every change is a ``RoleChange`` row (kind 行政区划（组织架构）, before → after): the role audit is
    the log of who may reach what, which administrators review, rather than a record's own history."""

    form = UnitAuthorityForm
    list_display = ("jurisdiction", "authority", "created_at")
    list_select_related = ("jurisdiction", "authority")
    search_fields = ("jurisdiction__name", "authority__code", "authority__name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the link names who issued the register's numbers; an office's authority is replaced, not removed

    def save_model(self, request: HttpRequest, obj: UnitAuthority, form: Any, change: bool) -> None:
        if not is_administrator(request.user):  # the permission methods already refuse; a crafted POST too
            raise PermissionDenied
        before = (
            UnitAuthority.objects.filter(pk=obj.pk).values_list("jurisdiction_id", "authority_id").first()
            if change and obj.pk is not None
            else None
        )
        super().save_model(request, obj, form, change)
        after = (obj.jurisdiction_id, obj.authority_id)
        if before == after:
            return
        with audit.acting_as(request.user):  # type: ignore[arg-type]
            if before is not None and before[0] != after[0]:  # the authority moved to another unit
                audit.record(
                    kind=RoleChangeKind.JURISDICTION,
                    target_id=None,
                    target_name=_tree_target(before[0]),
                    before=_link_text(*before),
                    after=audit.NONE,
                )
                before = None
            audit.record(
                kind=RoleChangeKind.JURISDICTION,
                target_id=None,
                target_name=_tree_target(obj.jurisdiction_id),
                before=_link_text(*before) if before is not None else audit.NONE,
                after=_link_text(*after),
            )


def _tree_target(jurisdiction_id: int) -> str:
    name = Jurisdiction.objects.filter(pk=jurisdiction_id).values_list("name", flat=True).first()
    return _("行政区划：%(name)s") % {"name": name or audit.NONE}


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
