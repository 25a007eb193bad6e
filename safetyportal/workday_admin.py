"""Admin of the working-day calendar's overrides (节假日调整) and years (节假日安排年度), with spreadsheet import of a
year's list (columns 日期, 工作日 (上班/放假), 名称, 备注)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export import widgets

from . import workdays
from .admin_base import StrictQueryStringMixin
from .spreadsheets import SafeImportExportAdmin, SafeModelResource
from .workday_models import WorkdayOverride, WorkdayYear

WORKING = {"上班", "工作日", "是", "1", "true", "True", "TRUE", "y", "Y"}
OFF = {"放假", "休息", "休息日", "否", "0", "false", "False", "FALSE", "n", "N"}


class WorkingDayWidget(widgets.Widget):
    """A 工作日 cell: 上班/是/1 or 放假/否/0 (exported as 上班/放假)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, bool):
            return value
        text = str(value).strip() if value is not None else ""
        if text in WORKING:
            return True
        if text in OFF:
            return False
        raise ValueError(_("请填写“上班”或“放假”。"))

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return "上班" if value else "放假"


class WorkdayOverrideResource(SafeModelResource):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields["is_working_day"].widget = WorkingDayWidget()

    def instance_in_scope(self, instance: Any) -> bool:
        return True  # the calendar belongs to no jurisdiction: whoever may add and change overrides imports them

    class Meta:
        model = WorkdayOverride
        fields = ("date", "is_working_day", "name", "note")
        import_id_fields = ("date",)
        skip_unchanged = True


class YearListFilter(admin.SimpleListFilter):
    title = _("年度")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        this_year = timezone.localdate().year
        return [(str(y), f"{y}年") for y in range(this_year + 1, this_year - 4, -1)]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        value = self.value()
        if value and value.isascii() and value.isdigit() and 2000 <= int(value) <= 2100:
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(SafeImportExportAdmin):
    """Days that differ from the package: when the State Council publishes next year's arrangement (usually in
    November), enter its holidays on weekdays and its make-up working days, or import the list, then mark the year
    complete under 节假日安排年度."""

    resource_classes = [WorkdayOverrideResource]
    list_display = ("date", "weekday", "is_working_day", "name", "note", "updated_at")
    list_filter = (YearListFilter, "is_working_day")
    search_fields = ("name", "note")
    date_hierarchy = None
    list_per_page = 100

    @admin.display(description=_("星期"))
    def weekday(self, obj: WorkdayOverride) -> str:
        return workdays.WEEKDAY_NAMES[obj.date.weekday()]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        extra_context = {**(extra_context or {}), "calendar_warnings": workdays.calendar_warnings()}
        for warning in extra_context["calendar_warnings"]:
            self.message_user(request, warning, level="warning")
        return super().changelist_view(request, extra_context)


@admin.register(WorkdayYear)
class WorkdayYearAdmin(StrictQueryStringMixin, admin.ModelAdmin):
    list_display = ("year", "complete", "covered", "override_count", "note", "updated_at")
    list_filter = ("complete",)

    @admin.display(description=_("日历已覆盖"), boolean=True)
    def covered(self, obj: WorkdayYear) -> bool:
        return workdays.calendar_covers(obj.year)

    def get_queryset(self, request: HttpRequest) -> Any:
        overrides = (
            WorkdayOverride.objects.filter(date__year=OuterRef("year"))
            .order_by()
            .values("date__year")
            .annotate(n=Count("pk"))
        )
        return super().get_queryset(request).annotate(override_total=Subquery(overrides.values("n")))

    @admin.display(description=_("调整天数"))
    def override_count(self, obj: WorkdayYear) -> str:
        url = reverse("admin:safetyportal_workdayoverride_changelist") + f"?year={obj.year}"
        return format_html('<a href="{}">{}</a>', url, getattr(obj, "override_total", None) or 0)
