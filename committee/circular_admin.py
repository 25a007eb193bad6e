"""Admin of the circulars (通报): "按数据生成通报草稿" (a form: kind, period, addressees), the draft's sections edited
as text (keep/drop, order, heading, paragraphs), preview (live data, says so), confirmation and issue through the
documents engine (``IssuingAdminMixin``), the receipts (who opened). Imported by committee/admin.py."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from safetyportal.admin_base import PortalModelAdmin
from safetyportal.documents.admin import DocumentStatusMedia
from safetyportal.documents.issuing_admin import IssuingAdminMixin
from safetyportal.documents.models import IssuingAuthority
from safetyportal.history_admin import HistoryPanelMixin
from safetyportal.models import Jurisdiction, JurisdictionLevel, MemberUnit
from safetyportal.types import signed_in_user
from safetyportal.unit_figures import JURISDICTION, MEMBER_UNIT, Period, UnitKey, month_period, quarter, year_period

from . import circular_services as services
from .circular_documents import circular_context
from .circular_models import Circular, CircularKind, CircularReceipt

MODEL_FIELDS = [
    "authority",
    "title",
    "period_starts_on",
    "period_ends_on",
    "as_of",
    "recipient_jurisdictions",
    "recipient_units",
    "recipients_text",
    "opening",
    "closing",
    "contact_note",
    "copy_to",
]

AUTO_KINDS = [
    (k, label)
    for k, label in CircularKind.choices
    if k in ("returns", "never_reported", "hazards", "supervision", "exposure_duty", "combined")
]


class CircularForm(forms.ModelForm):
    """The model's fields plus, per section of the draft: keep, order, heading and paragraphs (one per line)."""

    class Meta:
        model = Circular
        fields = MODEL_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section_names: list[list[str]] = []
        instance = self.instance
        if instance is None or instance.pk is None or not instance.is_editable:
            return
        for index, section in enumerate(instance.sections):
            prefix = f"section_{index}"
            self.fields[f"{prefix}_keep"] = forms.BooleanField(label=_("保留此部分"), required=False, initial=True)
            self.fields[f"{prefix}_order"] = forms.IntegerField(
                label=_("顺序"), min_value=1, max_value=99, initial=index + 1
            )
            self.fields[f"{prefix}_heading"] = forms.CharField(
                label=_("部分标题"), max_length=100, initial=section.get("heading", "")
            )
            self.fields[f"{prefix}_paragraphs"] = forms.CharField(
                label=_("段落（每段一行）"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 5, "cols": 90}),
                initial="\n".join(section.get("paragraphs", [])),
            )
            self.section_names.append([f"{prefix}_{n}" for n in ("keep", "order", "heading", "paragraphs")])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        edits = []
        for index, section in enumerate(self.instance.sections if self.section_names else []):
            prefix = f"section_{index}"
            if not data.get(f"{prefix}_keep"):
                continue
            paragraphs = [line.strip() for line in (data.get(f"{prefix}_paragraphs") or "").splitlines()]
            edits.append(
                (
                    data.get(f"{prefix}_order") or index + 1,
                    index,
                    {
                        "key": section["key"],
                        "heading": data.get(f"{prefix}_heading") or "",
                        "paragraphs": [p for p in paragraphs if p],
                    },
                )
            )
        self.section_edits = [edit for _order, _index, edit in sorted(edits, key=lambda e: (e[0], e[1]))]
        return data


class CircularReceiptInline(admin.TabularInline):
    model = CircularReceipt
    extra = 0
    fields = ("jurisdiction", "member_unit", "created_at", "first_opened_at", "first_opened_by")
    readonly_fields = fields
    verbose_name_plural = _("收文与阅读情况")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("jurisdiction", "member_unit", "first_opened_by")


def _default_month() -> tuple[int, int]:
    first = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


class CircularDraftForm(forms.Form):
    """按数据生成通报草稿."""

    kind = forms.ChoiceField(label=_("通报类型"), choices=AUTO_KINDS)
    period_type = forms.ChoiceField(
        label=_("统计期"),
        choices=[("month", _("月度")), ("quarter", _("季度")), ("year", _("年度")), ("dates", _("自定义起止日期"))],
        initial="month",
    )
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    month = forms.TypedChoiceField(
        label=_("月份"), coerce=int, required=False, choices=[(m, f"{m}月") for m in range(1, 13)]
    )
    quarter = forms.TypedChoiceField(
        label=_("季度"), coerce=int, required=False, choices=[(q, f"第{'一二三四'[q - 1]}季度") for q in range(1, 5)]
    )
    starts_on = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    as_of = forms.DateField(
        label=_("数据截至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空则取统计期末与今天中较早的一天。"),
    )
    addressees = forms.ChoiceField(
        label=_("主送单位"),
        choices=[
            ("towns", _("全部街道（镇）")),
            ("members", _("全部成员单位")),
            ("both", _("全部街道（镇）和成员单位")),
            ("chosen", _("下列选定的单位")),
        ],
        initial="towns",
    )
    jurisdictions = forms.ModelMultipleChoiceField(
        label=_("选定的区划"),
        required=False,
        queryset=Jurisdiction.objects.filter(level__in=[JurisdictionLevel.COUNTY, JurisdictionLevel.SUBDISTRICT]),
    )
    member_units = forms.ModelMultipleChoiceField(
        label=_("选定的成员单位"), required=False, queryset=MemberUnit.objects.filter(is_active=True)
    )
    campaign_id = forms.IntegerField(
        label=_("限定活动编号（可选）"),
        required=False,
        min_value=1,
        help_text=_("只统计该活动的报送任务；留空为全部活动。"),
    )
    authority = forms.ModelChoiceField(label=_("发文机关"), queryset=IssuingAuthority.objects.filter(is_active=True))
    title = forms.CharField(label=_("标题"), required=False, max_length=200, help_text=_("留空则按类型和统计期生成。"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("period_type")
        year = data.get("year")
        try:
            if kind == "month":
                if not data.get("month") or not year:
                    raise ValidationError(_("请选择年份和月份。"))
                self.period = month_period(year, data["month"])
            elif kind == "quarter":
                if not data.get("quarter") or not year:
                    raise ValidationError(_("请选择年份和季度。"))
                self.period = quarter(year, data["quarter"])
            elif kind == "year":
                if not year:
                    raise ValidationError(_("请填写年份。"))
                self.period = year_period(year)
            elif kind == "dates":
                if not data.get("starts_on") or not data.get("ends_on"):
                    raise ValidationError(_("请填写起始日期和截止日期。"))
                if data["ends_on"] < data["starts_on"]:
                    raise ValidationError(_("截止日期不能早于起始日期。"))
                self.period = Period(data["starts_on"], data["ends_on"])
        except ValueError as error:
            raise ValidationError(str(error)) from error
        choice = data.get("addressees")
        keys: list[UnitKey] = []
        if choice in ("towns", "both"):
            towns = Jurisdiction.objects.filter(level=JurisdictionLevel.SUBDISTRICT).values_list("pk", flat=True)
            keys += [(JURISDICTION, pk) for pk in towns]
        if choice in ("members", "both"):
            keys += [(MEMBER_UNIT, pk) for pk in MemberUnit.objects.filter(is_active=True).values_list("pk", flat=True)]
        if choice == "chosen":
            keys += [(JURISDICTION, j.pk) for j in data.get("jurisdictions") or []]
            keys += [(MEMBER_UNIT, m.pk) for m in data.get("member_units") or []]
        if not keys:
            raise ValidationError(_("请至少选择一个主送单位。"))
        self.addressee_keys = keys
        return data


@admin.register(Circular)
class CircularAdmin(IssuingAdminMixin, HistoryPanelMixin, PortalModelAdmin):
    form = CircularForm
    list_display = ("__str__", "kind", "period_text", "status", "issued_on", "receipt_totals")
    list_filter = ("status", "kind", "authority")
    search_fields = ("title", "number")
    list_select_related = ("authority",)
    list_per_page = 50
    filter_horizontal = ("recipient_jurisdictions", "recipient_units")
    inlines = [CircularReceiptInline]
    change_list_template = "committee/circular_admin_change_list.html"
    draft_buttons = (("_redraft", _("按最新数据重新起草段落")),)
    readonly_fields = (
        "kind",
        "status",
        "number",
        "issued_on",
        "issued_by",
        "snapshot_taken_at",
        "tables_panel",
        "documents_panel",
        "history_panel",
    )
    Media = DocumentStatusMedia

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.draft_view)
        return [path("draft-from-data/", view, name="committee_circular_draft"), *super().get_urls()]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:committee_circular_draft"))

    def get_queryset(self, request: HttpRequest) -> Any:
        from django.db.models import Count, Q

        return (
            super()
            .get_queryset(request)
            .annotate(
                receipt_count=Count("receipts", distinct=True),
                opened_count=Count("receipts", filter=Q(receipts__first_opened_at__isnull=False), distinct=True),
            )
        )

    @admin.display(description=_("统计期"))
    def period_text(self, obj: Circular) -> str:
        return f"{obj.period_starts_on:%Y-%m-%d}至{obj.period_ends_on:%Y-%m-%d}"

    @admin.display(description=_("已读/收文单位"))
    def receipt_totals(self, obj: Circular) -> str:
        if obj.is_editable:
            return "—"
        return f"{getattr(obj, 'opened_count', 0)}/{getattr(obj, 'receipt_count', 0)}"

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        head = (None, {"fields": ["kind", "authority", "title", ("period_starts_on", "period_ends_on"), "as_of"]})
        recipients = (_("主送"), {"fields": ["recipient_jurisdictions", "recipient_units", "recipients_text"]})
        fieldsets: list[Any] = [head, recipients, (_("导语"), {"fields": ["opening"]})]
        if obj is not None and obj.is_editable:
            form = self.form(instance=obj)
            for index, names in enumerate(form.section_names):
                heading = obj.sections[index].get("heading", "")
                label = _("第%(n)s部分：%(h)s") % {"n": index + 1, "h": heading}
                fieldsets.append((label, {"fields": [tuple(names[:3]), names[3]]}))
        fieldsets.append((_("工作要求及版记"), {"fields": ["closing", "contact_note", "copy_to"]}))
        issued = ["status", "number", "issued_on", "issued_by", "snapshot_taken_at"]
        fieldsets.append((_("统计表与文件"), {"fields": ["tables_panel", *issued, "documents_panel", "history_panel"]}))
        return fieldsets

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        readonly = set(self.get_readonly_fields(request, obj))
        kwargs["fields"] = [name for name in MODEL_FIELDS if name not in readonly]
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and not obj.is_editable:
            return [*MODEL_FIELDS, *self.readonly_fields]
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if getattr(form, "section_names", None):
            services.save_sections(obj, form.section_edits)
        super().save_model(request, obj, form, change)

    def response_record_button(self, request: HttpRequest, obj: Any) -> HttpResponse | None:
        if "_redraft" not in request.POST:
            return None
        try:
            services.redraft(obj, by=signed_in_user(request))
        except ValidationError as error:
            self._errors(request, error)
        else:
            self.message_user(request, _("已按最新数据重新起草各部分段落，请核对后再预览、印发。"))
        return HttpResponseRedirect(request.path)

    @admin.display(description=_("统计表"))
    def tables_panel(self, obj: Circular) -> str:
        """The tables as the paper will show them: frozen once issued, live for a draft (said so)."""
        if obj is None or obj.pk is None:
            return "—"
        try:
            context = circular_context(obj)
        except ValidationError as error:
            return "；".join(error.messages)
        parts = [format_html("<p><strong>{}</strong></p>", context["figures_note"])]
        for section in context["sections"]:
            table = section["table"]
            if not table:
                continue
            head = format_html_join("", "<th>{}</th>", ((c,) for c in table["columns"]))
            rows = [
                format_html("<tr>{}</tr>", format_html_join("", "<td>{}</td>", ((c,) for c in row)))
                for row in table["rows"]
            ]
            if table.get("total_row"):
                total = format_html_join("", "<td><strong>{}</strong></td>", ((c,) for c in table["total_row"]))
                rows.append(format_html("<tr>{}</tr>", total))
            note = format_html("<p>{}</p>", table["note"]) if table.get("note") else ""
            parts.append(
                format_html(
                    "<h4>{}</h4><table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>{}",
                    section["table_title"],
                    head,
                    format_html_join("", "{}", ((r,) for r in rows)),
                    note,
                )
            )
        return format_html_join("", "{}", ((p,) for p in parts))

    def draft_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        year, month = _default_month()
        initial = {"year": year, "month": month, "quarter": (month - 1) // 3 + 1}
        with contextlib.suppress(ValidationError):
            initial["authority"] = services.default_authority().pk
        form = CircularDraftForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                circular = services.draft_from_data(
                    kind=data["kind"],
                    period=form.period,
                    addressees=form.addressee_keys,
                    by=signed_in_user(request),
                    authority=data["authority"],
                    as_of=data.get("as_of"),
                    campaign_id=data.get("campaign_id"),
                    title=data.get("title") or "",
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                self.message_user(request, _("已生成通报草稿，请修改正文后预览、印发。"), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:committee_circular_change", args=[circular.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("按数据生成通报草稿"),
            "form": form,
        }
        return TemplateResponse(request, "committee/circular_admin_draft.html", context)
