"""Staff pages hung on the publicity admins (custom admin URLs): figures and charts, their xlsx export and PDF
report, the WeChat statistics import, the screen calendar and cover images. Each parses input, calls one selector or
service and renders."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyportal.documents.admin import status_widget
from safetyportal.images import image_response
from safetyportal.spreadsheets import SpreadsheetRejected

from . import selectors, services
from .charts import figures_charts
from .exports import figures_workbook
from .forms import FiguresFilterForm, MonthForm, WechatImportForm
from .models import PublicityItem, ScreenPlacement
from .wechat import COLUMNS, WechatImportError

CARDS = ("pushes", "articles", "reads", "videos", "plays", "screens_on_air", "visit_batches", "visitors")


class AdminPage:
    """A custom page of a ModelAdmin: permission check, admin context, allowed methods."""

    permissions: tuple[str, ...] = ("publicity.view_publicityitem",)
    methods: tuple[str, ...] = ("GET",)

    def __init__(self, model_admin: admin.ModelAdmin) -> None:
        self.model_admin = model_admin

    def __call__(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if request.method not in self.methods:
            return HttpResponseNotAllowed(self.methods)
        if not request.user.has_perms(self.permissions):
            raise PermissionDenied
        return self.handle(request, **kwargs)

    def handle(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        raise NotImplementedError

    def context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        return {**self.model_admin.admin_site.each_context(request), "opts": self.model_admin.model._meta, **extra}


def _filters(request: HttpRequest) -> tuple[FiguresFilterForm, int, int | None]:
    years = selectors.figure_years()
    form = FiguresFilterForm(request.GET or None, years=years, campaigns=selectors.campaign_choices())
    year, campaign_id = form.filters(selectors.default_year(years))
    return form, year, campaign_id


def _query(year: int, campaign_id: int | None) -> str:
    return urlencode({"year": year, **({"campaign": campaign_id} if campaign_id else {})})


def _campaign_name(form: FiguresFilterForm, campaign_id: int | None) -> str:
    return dict(form.fields["campaign"].choices).get(campaign_id, "") if campaign_id else ""


class FiguresView(AdminPage):
    def handle(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form, year, campaign_id = _filters(request)
        figures = selectors.publicity_figures(year=year, campaign_id=campaign_id)
        query = _query(year, campaign_id)
        reports = [(document, status_widget(document)) for document in selectors.recent_reports()]
        context = self.context(
            request,
            title=_("宣传工作统计"),
            form=form,
            figures=figures,
            campaign_name=_campaign_name(form, campaign_id),
            cards=[(label, figures.totals[key], unit) for key, label, unit in selectors.MEASURES if key in CARDS],
            headers=[(label, unit) for _key, label, unit in selectors.MEASURES],
            month_rows=[
                (label, [month[key] for key in selectors.MEASURE_KEYS])
                for label, month in zip(figures.month_labels, figures.months, strict=True)
            ],
            total_row=[figures.totals[key] for key in selectors.MEASURE_KEYS],
            campaign_rows=[(row, [row.values[key] for key in selectors.MEASURE_KEYS]) for row in figures.campaigns],
            charts=figures_charts(figures),
            export_url=reverse("admin:publicity_publicityitem_figures_export") + "?" + query,
            can_export=request.user.has_perm("publicity.change_publicityitem"),
            reports=reports,
            year=year,
            campaign_id=campaign_id,
        )
        return TemplateResponse(request, "admin/publicity/figures.html", context)


class FiguresExportView(AdminPage):
    permissions = ("publicity.view_publicityitem", "publicity.change_publicityitem")

    def handle(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form, year, campaign_id = _filters(request)
        figures = selectors.publicity_figures(year=year, campaign_id=campaign_id)
        data = figures_workbook(figures, campaign_name=_campaign_name(form, campaign_id))
        response = FileResponse(
            io.BytesIO(data),
            as_attachment=True,
            filename=f"{year}年宣传工作统计.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class FiguresReportView(AdminPage):
    permissions = ("publicity.view_publicityitem", "publicity.change_publicityitem")
    methods = ("POST",)

    def handle(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        years = selectors.figure_years()
        form = FiguresFilterForm(request.POST, years=years, campaigns=selectors.campaign_choices())
        year, campaign_id = form.filters(selectors.default_year(years))
        document = services.request_report(year=year, campaign_id=campaign_id, by=request.user)
        messages.success(request, _("已提交“%(title)s”，生成完成后可在本页下载。") % {"title": document.title})
        return HttpResponseRedirect(reverse("admin:publicity_publicityitem_figures") + "?" + _query(year, campaign_id))


class WechatImportView(AdminPage):
    permissions = ("publicity.add_publicityitem", "publicity.change_publicityitem")
    methods = ("GET", "POST")

    def handle(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = WechatImportForm(request.POST or None, request.FILES or None)
        problems: list[Any] = []
        if request.method == "POST" and form.is_valid():
            channel = form.cleaned_data["channel"]
            try:
                result = services.import_wechat_stats(
                    data=form.cleaned_data["file"], channel=channel, create_missing=form.cleaned_data["create_missing"]
                )
            except SpreadsheetRejected as error:
                form.add_error("file", str(error))
            except WechatImportError as error:
                problems = error.problems
                messages.error(
                    request,
                    _("导入失败，未导入任何数据。共%(count)s处错误，请修改后重新导入。") % {"count": len(problems)},
                )
            else:
                upload = request.FILES["file"]
                self.model_admin.log_change(
                    request,
                    channel,
                    _("导入公众号统计文件“%(name)s”：%(summary)s")
                    % {
                        "name": upload.name[:100],
                        "summary": result.summary(),
                    },
                )
                messages.success(request, _("导入完成。") + result.summary())
                return HttpResponseRedirect(reverse("admin:publicity_publicityitem_changelist"))
        context = self.context(
            request,
            title=_("导入公众号后台统计"),
            form=form,
            problems=problems[:200],
            problem_count=len(problems),
            columns=[(aliases[0], aliases[1:]) for aliases in COLUMNS.values()],
        )
        return TemplateResponse(request, "admin/publicity/wechat_import.html", context)


class CoverView(AdminPage):
    def handle(self, request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        item = PublicityItem.objects.filter(pk=pk).values_list("cover", "cover_thumb").first()
        if item is None:
            raise Http404
        cover, thumb = item
        return image_response(thumb if request.GET.get("size") != "full" else cover, download_name="cover.jpg")


class CalendarView(AdminPage):
    permissions = ("publicity.view_screenplacement",)

    def handle(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        today = timezone.localdate()
        default = today
        if (
            "month" not in request.GET
            and not ScreenPlacement.objects.filter(starts_on__lte=today, ends_on__gte=today).exists()
        ):
            latest = ScreenPlacement.objects.order_by("-starts_on").values_list("starts_on", flat=True).first()
            default = latest or today
        year, month = MonthForm(request.GET).month_value(default)
        grid = selectors.screen_calendar(year=year, month=month)
        context = self.context(
            request,
            title=_("屏幕投放日历：%(year)s年%(month)s月") % {"year": year, "month": month},
            grid=grid,
            previous=f"{grid.previous[0]}-{grid.previous[1]:02d}",
            next=f"{grid.next[0]}-{grid.next[1]:02d}",
            weekdays=["一", "二", "三", "四", "五", "六", "日"],
        )
        return TemplateResponse(request, "admin/publicity/calendar.html", context)
