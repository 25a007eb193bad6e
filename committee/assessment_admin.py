"""Admin of the committee's assessment part (issue 15). Imported by committee/admin.py.

- 考核评分表 (scheme) with its items inline; from a scheme, the 评分结果 page of each quarter and of the year: the
  ranking (live until published, frozen afterwards), a chart, the xlsx export, 发布 and 起草排名通报;
- 人工评分: a unit's score on a manual item for a period, with its evidence;
- 已发布考核结果: read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from safetyportal.admin_base import PortalModelAdmin
from safetyportal.charts import bar_chart

from . import assessment_export, assessment_selectors, assessment_services
from .assessment_models import (
    PERIOD_CHOICES,
    AssessmentItem,
    AssessmentResult,
    AssessmentScheme,
    ManualScore,
)

CHART_UNITS = 40
PUBLISH_PERM = "committee.publish_assessmentresult"


def circulars_available() -> bool:
    """Whether package B's ``draft_circular`` exists (the 起草排名通报 button is shown only then)."""
    try:
        from .circular_services import draft_circular  # noqa: F401
    except ImportError:
        return False
    return True


class AssessmentItemInline(admin.TabularInline):
    model = AssessmentItem
    extra = 0
    fields = ("order", "name", "points", "rule", "per_day", "target", "criteria")


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(PortalModelAdmin):
    list_display = ("__str__", "jurisdiction", "assessed_level", "min_sample", "results_links")
    list_filter = ("year", "assessed_level")
    search_fields = ("name",)
    autocomplete_fields = ("jurisdiction",)
    fields = ("year", "name", "jurisdiction", "assessed_level", "min_sample", "note", "results_links")
    readonly_fields = ("results_links",)
    inlines = [AssessmentItemInline]

    @admin.display(description=_("评分结果"))
    def results_links(self, obj: AssessmentScheme | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:committee_assessmentscheme_results", args=[obj.pk, q]), label)
                for q, label in PERIOD_CHOICES
            ),
        )

    def get_urls(self) -> list[Any]:
        def view(function: Any) -> Any:
            return self.admin_site.admin_view(function)

        return [
            path(
                "<path:object_id>/results/<int:quarter>/",
                view(self.results_view),
                name="committee_assessmentscheme_results",
            ),
            path(
                "<path:object_id>/results/<int:quarter>/export/",
                view(self.export_view),
                name="committee_assessmentscheme_export",
            ),
            path(
                "<path:object_id>/results/<int:quarter>/publish/",
                view(require_POST(self.publish_view)),
                name="committee_assessmentscheme_publish",
            ),
            path(
                "<path:object_id>/results/<int:quarter>/circular/",
                view(require_POST(self.circular_view)),
                name="committee_assessmentscheme_circular",
            ),
            *super().get_urls(),
        ]

    def _scheme(self, request: HttpRequest, object_id: str, quarter: int) -> AssessmentScheme:
        if not self.has_view_permission(request):
            raise PermissionDenied
        if quarter not in dict(PERIOD_CHOICES):
            raise Http404
        scheme = self.get_object(request, object_id)
        if scheme is None:
            raise Http404
        return scheme

    def _back(self, scheme: AssessmentScheme, quarter: int) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:committee_assessmentscheme_results", args=[scheme.pk, quarter]))

    def results_view(self, request: HttpRequest, object_id: str, quarter: int) -> HttpResponse:
        scheme = self._scheme(request, object_id, quarter)
        scoring = assessment_selectors.scores_for(scheme, quarter)
        ranked = [row for row in scoring.rows if row.ranked][:CHART_UNITS]
        chart = bar_chart(
            _t("%(label)s考核得分") % {"label": scoring.label},
            [row.name for row in reversed(ranked)],
            {_t("总分"): [float(row.total) for row in reversed(ranked)]},
            horizontal=True,
            integer=False,
        )
        period = assessment_selectors.period_of(scheme.year, quarter)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": scheme,
            "title": _t("%(scheme)s · %(label)s评分结果") % {"scheme": scheme, "label": scoring.label},
            "scoring": scoring,
            "quarter": quarter,
            "periods": PERIOD_CHOICES,
            "chart": chart,
            "chart_height": f"{max(240, 28 * len(ranked) + 100)}px",
            "may_publish": request.user.has_perm(PUBLISH_PERM),
            "period_over": timezone.localdate() > period.ends_on,
            "circulars_available": circulars_available(),
        }
        return TemplateResponse(request, "committee/assessment_results_admin.html", context)

    def export_view(self, request: HttpRequest, object_id: str, quarter: int) -> HttpResponse:
        scheme = self._scheme(request, object_id, quarter)
        return assessment_export.xlsx_response(assessment_selectors.scores_for(scheme, quarter))

    def publish_view(self, request: HttpRequest, object_id: str, quarter: int) -> HttpResponse:
        scheme = self._scheme(request, object_id, quarter)
        if not request.user.has_perm(PUBLISH_PERM):
            raise PermissionDenied
        try:
            assessment_services.publish(scheme=scheme, quarter=quarter, by=request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, _t("考核结果已发布，分数已冻结，各单位可在门户查看本单位得分。"))
        return self._back(scheme, quarter)

    def circular_view(self, request: HttpRequest, object_id: str, quarter: int) -> HttpResponse:
        scheme = self._scheme(request, object_id, quarter)
        if not request.user.has_perm(PUBLISH_PERM) or not circulars_available():
            raise PermissionDenied
        result = assessment_selectors.published_result(scheme, quarter)
        if result is None:
            messages.error(request, _t("请先发布考核结果，再起草排名通报。"))
            return self._back(scheme, quarter)
        try:
            circular = assessment_services.draft_ranking_circular(result=result, by=request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return self._back(scheme, quarter)
        messages.success(request, _t("已起草排名通报，请核对后印发。"))
        try:
            url = reverse("admin:committee_circular_change", args=[circular.pk])
        except Exception:
            return self._back(scheme, quarter)
        return HttpResponseRedirect(url)


@admin.register(ManualScore)
class ManualScoreAdmin(PortalModelAdmin):
    list_display = ("item", "quarter", "unit", "points", "scored_by", "scored_at")
    list_filter = ("item__scheme", "quarter")
    list_select_related = ("item", "item__scheme", "jurisdiction", "member_unit", "scored_by")
    search_fields = ("jurisdiction__name", "member_unit__name", "evidence")
    autocomplete_fields = ("jurisdiction", "member_unit")
    fields = ("item", "quarter", "jurisdiction", "member_unit", "points", "evidence")

    @admin.display(description=_("被考核单位"))
    def unit(self, obj: ManualScore) -> str:
        return str(obj.jurisdiction or obj.member_unit or "—")

    def has_change_permission(self, request: HttpRequest, obj: ManualScore | None = None) -> bool:
        if (
            obj is not None
            and AssessmentResult.objects.filter(scheme_id=obj.item.scheme_id, quarter=obj.quarter).exists()
        ):
            return False  # the period is published: its scores are frozen
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: ManualScore | None = None) -> bool:
        return self.has_change_permission(request, obj) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ManualScore, form: Any, change: bool) -> None:
        obj.scored_by = request.user  # type: ignore[assignment]
        obj.scored_at = timezone.now()
        # The admin's change form runs in a transaction: take the scheme lock ``publish`` takes and re-check, so a
        # score is never saved after (and left out of) a result published since the form was validated.
        AssessmentScheme.objects.select_for_update().filter(pk=obj.item.scheme_id).first()
        if AssessmentResult.objects.filter(scheme_id=obj.item.scheme_id, quarter=obj.quarter).exists():
            raise PermissionDenied(_t("该考核期的结果已发布，不能再修改评分。"))
        super().save_model(request, obj, form, change)


@admin.register(AssessmentResult)
class AssessmentResultAdmin(PortalModelAdmin):
    list_display = ("scheme", "quarter", "unit_count", "ranked_count", "published_at", "published_by", "results_link")
    list_filter = ("scheme__year", "quarter")
    list_select_related = ("scheme", "published_by")
    fields = (
        "scheme",
        "quarter",
        "starts_on",
        "ends_on",
        "as_of",
        "min_sample",
        "unit_count",
        "ranked_count",
        "published_at",
        "published_by",
        "circular_id",
        "results_link",
    )
    readonly_fields = fields

    @admin.display(description=_("评分结果"))
    def results_link(self, obj: AssessmentResult) -> str:
        url = reverse("admin:committee_assessmentscheme_results", args=[obj.scheme_id, obj.quarter])
        return format_html('<a href="{}">{}</a>', url, _("查看排名"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
