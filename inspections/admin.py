"""The office's screens for hazards, reports, inspections, penalties, rectification orders and exposure cases.

Every write goes through ``services`` (which write the audit rows); the admin never changes a status, a number or a
published text itself. The reporter's identity appears on exactly one screen — the reveal page, reached with the
``view_reporter_identity`` permission and a stated reason — never in a list, change form, search, filter or export."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields as ie_fields
from import_export.admin import ExportMixin

from safetyportal import workdays
from safetyportal.accounts.services import is_verified
from safetyportal.admin_base import ReadOnlyAdminMixin
from safetyportal.documents.admin import DocumentStatusMedia
from safetyportal.documents.issuing_admin import IssuingAdminMixin
from safetyportal.history_admin import HistoryPanelMixin
from safetyportal.images import PhotoField, image_response
from safetyportal.spreadsheets import SPREADSHEET_FORMATS, ChineseExportForm, SafeModelResource

from . import public_cache, selectors, services
from .forms import ReasonForm, RevealForm, RewardForm, SupervisionForm, TransitionForm
from .models import (
    CaseStatus,
    ExposureCase,
    Hazard,
    HazardLevel,
    HazardPhoto,
    IdentityAccessLog,
    Inspection,
    PenaltyCase,
    PublicReport,
    RecordStatus,
    RectificationOrder,
)
from .views import case_preview

ACTION_TEMPLATE = "admin/inspections/action_form.html"


def _admin_url(obj: Any, view: str) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


def _form_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class ActionPageMixin:
    """A small admin page with a form (a reason, a confirmation...) for one object."""

    def action_page(self, request: HttpRequest, title: str, **context: Any) -> TemplateResponse:
        return TemplateResponse(
            request,
            ACTION_TEMPLATE,
            {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **context},
        )


class AuditedAdmin(HistoryPanelMixin, ActionPageMixin, admin.ModelAdmin):
    """Saves through ``services.save_record`` (one history row per add or change, many-to-many included);
    deleting is refused: legal records are voided."""

    m2m_fields: tuple[str, ...] = ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and getattr(obj, "record_status", RecordStatus.ACTIVE) == RecordStatus.VOIDED:
            return [*self.get_fields(request, obj)]
        return super().get_readonly_fields(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and not form.changed_data:
            return  # a locked record posted back unchanged: nothing to save, nothing to log
        m2m = {name: form.cleaned_data[name] for name in self.m2m_fields if name in form.cleaned_data}
        services.save_record(instance=obj, by=request.user, m2m=m2m)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)  # many-to-many were saved with the history

    def void_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        record = self.get_object(request, object_id)
        if record is None:
            raise Http404
        if not self.has_change_permission(request, record):
            raise PermissionDenied
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.void_record(record=record, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                _form_errors(form, error)
            else:
                self.message_user(request, _("已作废：%(obj)s") % {"obj": record})
                return HttpResponseRedirect(_admin_url(record, "change"))
        return self.action_page(
            request,
            _("作废%(name)s") % {"name": self.opts.verbose_name},
            original=record,
            form=form,
            submit_label=_("确认作废"),
            intro=_("法律文书记录不能删除。作废后记录仍保留，并记下作废人、时间和理由。"),
        )

    def void_urls(self) -> list[Any]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<path:object_id>/void/", self.admin_site.admin_view(self.void_view), name="{}_{}_void".format(*info))
        ]


# Hazards -----------------------------------------------------------------------------------------------------------


class HazardResource(SafeModelResource):
    """The hazard ledger (隐患台账) export. It has no column about the reporter, by design."""

    number = ie_fields.Field(column_name=gettext_lazy("编号"), attribute="number", readonly=True)
    jurisdiction = ie_fields.Field(
        column_name=gettext_lazy("所属镇（街道）"), attribute="jurisdiction__name", readonly=True
    )
    enterprise = ie_fields.Field(column_name=gettext_lazy("涉及单位"), attribute="enterprise__name", readonly=True)
    responsible_unit = ie_fields.Field(
        column_name=gettext_lazy("整改责任单位"), attribute="responsible_unit__name", readonly=True
    )

    class Meta:
        model = Hazard
        fields = (
            "number",
            "source",
            "external_ticket",
            "category",
            "level",
            "status",
            "jurisdiction",
            "enterprise",
            "address",
            "description",
            "responsible_unit",
            "rectification_deadline",
            "supervision_level",
            "created_at",
            "closed_at",
        )
        export_order = fields


class HazardAdminForm(forms.ModelForm):
    new_photos = PhotoField(label=gettext_lazy("上传整改前照片"), max_files=5, required=False)

    class Meta:
        model = Hazard
        fields = (
            "source",
            "external_ticket",
            "category",
            "level",
            "jurisdiction",
            "enterprise",
            "inspection",
            "address",
            "description",
            "responsible_unit",
            "responsible_person",
            "rectification_deadline",
        )


def working_day_deadlines(hazard: Hazard) -> str:
    """The rules' working-day deadlines of a hazard, each shown with its rule (safetyportal.workdays; DOMAIN.md):
    publication of the listing within 5 working days of 挂牌, an extension requested at least 20 working days before
    the rectification deadline."""
    lines = []
    if hazard.supervision_level and hazard.supervised_on:
        lines.append((_("挂牌公示期限"), workdays.due_text(hazard.supervised_on, workdays.LISTING_PUBLICATION.days)))
    if hazard.is_open and hazard.rectification_deadline:
        days = workdays.EXTENSION_REQUEST_NOTICE.days
        lines.append((_("延期申请截止"), workdays.due_text(hazard.rectification_deadline, days, before=True)))
    return format_html_join("", "<p>{}：{}</p>", lines)


@admin.register(Hazard)
class HazardAdmin(ActionPageMixin, ExportMixin, admin.ModelAdmin):
    form = HazardAdminForm
    resource_classes = [HazardResource]
    export_formats = SPREADSHEET_FORMATS
    export_form_class = ChineseExportForm  # the field picker by Chinese column names only
    list_display = (
        "number_link", "category", "level", "status", "jurisdiction", "enterprise", "source",
        "rectification_deadline", "overdue_badge", "created_at",
    )  # fmt: skip
    list_display_links = None
    list_filter = (
        "status",
        "category",
        "level",
        "source",
        "supervision_level",
        ("overdue_flagged_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("description", "address", "enterprise__name", "external_ticket")
    list_select_related = ("jurisdiction", "enterprise")
    autocomplete_fields = ("jurisdiction", "enterprise", "responsible_unit", "inspection")
    date_hierarchy = "created_at"
    list_per_page = 50
    actions = ["draft_exposure_cases"]

    def get_fieldsets(self, request: HttpRequest, obj: Hazard | None = None) -> Any:
        main = [*HazardAdminForm.Meta.fields, "new_photos"]
        if obj is None:
            return [(None, {"fields": main})]
        main = [name for name in main if name not in ("source", "jurisdiction")]
        return [
            (_("办理"), {"fields": ("workflow_panel",)}),
            (None, {"fields": main}),
            (_("照片与记录"), {"fields": ("photos_panel", "events_panel")}),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Hazard | None = None) -> Any:
        return ("workflow_panel", "photos_panel", "events_panel") if obj else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("编号"), ordering="pk")
    def number_link(self, obj: Hazard) -> str:
        return format_html('<a href="{}">{}</a>', _admin_url(obj, "change"), obj.number)

    @admin.display(description=gettext_lazy("逾期"), boolean=True)
    def overdue_badge(self, obj: Hazard) -> bool:
        return obj.is_overdue

    @admin.display(description=gettext_lazy("办理"))
    def workflow_panel(self, obj: Hazard) -> str:
        links = [(_admin_url(obj, "transition"), _("办理（变更状态）"))] if obj.is_open else []
        if obj.level == HazardLevel.MAJOR:
            links.append((_admin_url(obj, "supervision"), _("挂牌督办")))
        report = PublicReport.objects.filter(hazard=obj).first()
        if report is not None:
            links.append((_admin_url(report, "change"), _("举报与奖励")))
        return format_html(
            "<p>{}：<strong>{}</strong>{}</p>{}<p>{}</p>",
            _("当前状态"),
            obj.get_status_display(),
            format_html("（{}）", obj.get_supervision_level_display()) if obj.supervision_level else "",
            working_day_deadlines(obj),
            format_html_join(" | ", '<a href="{}">{}</a>', links) if links else "—",
        )

    @admin.display(description=gettext_lazy("照片"))
    def photos_panel(self, obj: Hazard) -> str:
        photos = list(obj.photos.all())
        if not photos:
            return "—"
        return format_html_join(
            " ",
            '<a href="{}" title="{}"><img src="{}?size=thumb" alt="{}" class="hazard-thumb" height="90"></a>',
            (
                (url, p.get_stage_display(), url, p.get_stage_display())
                for p in photos
                for url in [reverse("admin:inspections_hazard_photo", args=[obj.pk, p.pk])]
            ),
        )

    @admin.display(description=gettext_lazy("办理记录"))
    def events_panel(self, obj: Hazard) -> str:
        events = selectors.hazard_timeline(obj)
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li>{} {} {}{}：{}</li>",
                (
                    (
                        timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"),
                        e.actor or _("系统"),
                        e.get_kind_display(),
                        f"（{e.get_from_status_display()}→{e.get_to_status_display()}）" if e.from_status else "",
                        e.reason or "—",
                    )
                    for e in events
                ),
            ),
        )

    def save_model(self, request: HttpRequest, obj: Hazard, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            hazard = services.create_hazard(
                by=request.user,
                photos=data.get("new_photos") or (),
                deadline=data.get("rectification_deadline"),
                **{name: data.get(name) for name in HazardAdminForm.Meta.fields if name != "rectification_deadline"},
            )
            obj.__dict__.update({k: v for k, v in hazard.__dict__.items() if k != "_state"})
            obj._state.adding = False
            return
        values = {name: data[name] for name in form.changed_data if name in services.HAZARD_EDITABLE}
        with transaction.atomic():
            hazard = services.update_hazard(hazard=obj, by=request.user, values=values)
            if data.get("new_photos"):
                services.add_photos(hazard=hazard, stage="before", photos=data["new_photos"], by=request.user)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        return None  # no many-to-many; everything was saved by the service

    @admin.action(description=gettext_lazy("为所选隐患生成曝光案例草稿"), permissions=["change"])
    def draft_exposure_cases(self, request: HttpRequest, queryset: Any) -> None:
        if not request.user.has_perm("inspections.add_exposurecase"):
            raise PermissionDenied
        for hazard in queryset.select_related("enterprise", "jurisdiction"):
            services.draft_case_from_hazard(hazard=hazard, by=request.user)
        self.message_user(
            request, _("已生成%(n)s个曝光案例草稿，请在“曝光案例”中编辑、预览后发布。") % {"n": queryset.count()}
        )

    # Extra screens ---------------------------------------------------------------------------------------------
    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/transition/", view(self.transition_view), name="inspections_hazard_transition"),
            path("<path:object_id>/supervision/", view(self.supervision_view), name="inspections_hazard_supervision"),
            path("<path:object_id>/photos/<int:photo_pk>/", view(self.photo_view), name="inspections_hazard_photo"),
            *super().get_urls(),
        ]

    def _hazard(self, request: HttpRequest, object_id: str, *, change: bool = True) -> Hazard:
        hazard = self.get_object(request, object_id)
        if hazard is None:
            raise Http404
        allowed = self.has_change_permission(request, hazard) if change else self.has_view_permission(request, hazard)
        if not allowed:
            raise PermissionDenied
        return hazard

    def transition_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        hazard = self._hazard(request, object_id)
        targets = services.allowed_targets(request.user, hazard)
        form = TransitionForm(request.POST or None, request.FILES or None, targets=targets)
        if request.method == "POST" and targets and form.is_valid():
            data = form.cleaned_data
            try:
                services.transition_hazard(
                    hazard=hazard,
                    to_status=data["to_status"],
                    by=request.user,
                    reason=data["reason"],
                    deadline=data["deadline"],
                    responsible_unit=data["responsible_unit"],
                    rectification_note=data["rectification_note"],
                    duplicate_of=data["duplicate_of"],
                    photos=data["photos"],
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                self.message_user(request, _("办理结果已保存。"))
                return HttpResponseRedirect(_admin_url(hazard, "change"))
        return self.action_page(
            request,
            _("办理隐患 %(number)s") % {"number": hazard.number},
            original=hazard,
            form=form if targets else None,
            multipart=True,
            submit_label=_("提交"),
            intro=_("当前状态：%(status)s。") % {"status": hazard.get_status_display()}
            + ("" if targets else _("该隐患已办结，不能再变更状态。")),
        )

    def supervision_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        hazard = self._hazard(request, object_id)
        form = SupervisionForm(request.POST or None, initial={"level": hazard.supervision_level})
        if request.method == "POST" and form.is_valid():
            try:
                services.set_supervision(
                    hazard=hazard, level=form.cleaned_data["level"], by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                self.message_user(request, _("督办信息已保存。"))
                return HttpResponseRedirect(_admin_url(hazard, "change"))
        return self.action_page(
            request,
            _("挂牌督办 %(number)s") % {"number": hazard.number},
            original=hazard,
            form=form,
            submit_label=_("保存"),
        )

    def photo_view(self, request: HttpRequest, object_id: str, photo_pk: int) -> HttpResponse:
        hazard = self._hazard(request, object_id, change=False)
        photo = get_object_or_404(HazardPhoto, pk=photo_pk, hazard=hazard)
        thumb = request.GET.get("size") == "thumb"
        return image_response(
            photo.thumbnail if thumb else photo.image, download_name=f"hazard-{hazard.pk}-{photo.pk}.jpg"
        )


# Public reports and identity -------------------------------------------------------------------------------------


@admin.register(PublicReport)
class PublicReportAdmin(ActionPageMixin, admin.ModelAdmin):
    """Reports without their reporters: no identity field anywhere here (list, form, search, filters)."""

    list_display = ("hazard_link", "submitted_at", "status", "is_anonymous", "reward_amount", "reward_paid_on")
    list_display_links = None
    list_filter = ("is_anonymous", ("reward_amount", admin.EmptyFieldListFilter))
    search_fields = ("place", "hazard__description")
    list_select_related = ("hazard",)
    date_hierarchy = "submitted_at"
    fields = ("hazard_link", "place", "submitted_at", "is_anonymous", "status", "reward_panel", "identity_panel")
    readonly_fields = fields
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("隐患"))
    def hazard_link(self, obj: PublicReport) -> str:
        return format_html('<a href="{}">{}</a>', _admin_url(obj.hazard, "change"), obj.hazard.number)

    @admin.display(description=gettext_lazy("办理状态"))
    def status(self, obj: PublicReport) -> str:
        return obj.hazard.get_status_display()

    @admin.display(description=gettext_lazy("举报奖励"))
    def reward_panel(self, obj: PublicReport) -> str:
        if obj.is_rewarded:
            return format_html("{} 元，{} 发放", obj.reward_amount, obj.reward_paid_on)
        # The reward ledger computes the amount by the rule (docs/rewards.md); the older free-amount page is retired.
        add = reverse("admin:inspections_reward_add") + "?report_number=" + obj.hazard.number
        return format_html('<a href="{}">{}</a>', add, _("提出举报奖励（按规则计算）"))

    @admin.display(description=gettext_lazy("举报人信息"))
    def identity_panel(self, obj: PublicReport) -> str:
        if obj.is_anonymous:
            return _("匿名举报")
        return format_html(
            '{} <a href="{}">{}</a>',
            _("实名举报，信息保密。"),
            _admin_url(obj, "reveal"),
            _("查看（须说明理由，留痕）"),
        )

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/reveal/", view(self.reveal_view), name="inspections_publicreport_reveal"),
            path("<path:object_id>/reward/", view(self.reward_view), name="inspections_publicreport_reward"),
            *super().get_urls(),
        ]

    def reveal_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The one screen that shows a reporter: custodians only, a reason each time, one log row each time."""
        if not (request.user.has_perm("inspections.view_reporter_identity") and is_verified(request.user)):
            raise PermissionDenied  # custodians only, in a session verified by the second factor
        report = self.get_object(request, object_id)
        if report is None:
            raise Http404
        form = RevealForm(request.POST or None)
        identity = None
        if request.method == "POST" and form.is_valid():
            try:
                identity = services.reveal_identity(report=report, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                _form_errors(form, error)
        response = self.action_page(
            request,
            _("查看举报人信息（举报 %(number)s）") % {"number": report.hazard.number},
            original=report,
            form=None if identity or (request.method == "POST" and form.is_valid()) else form,
            submit_label=_("查看"),
            identity=identity,
            revealed=request.method == "POST" and form.is_valid(),
            intro=_(
                "举报人信息依法保密。每次查看都会记录查看人、时间和理由，记录不可修改或删除。不得向被举报单位或无关人员透露。"
            ),
        )
        patch_cache_control(response, no_store=True, private=True)
        return response

    def reward_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        report = self.get_object(request, object_id)
        if report is None:
            raise Http404
        if not self.has_change_permission(request, report):
            raise PermissionDenied
        form = RewardForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.mark_report_rewarded(
                    report=report,
                    amount=form.cleaned_data["reward_amount"],
                    paid_on=form.cleaned_data["reward_paid_on"],
                    by=request.user,
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                self.message_user(request, _("举报奖励已登记。"))
                return HttpResponseRedirect(_admin_url(report, "change"))
        return TemplateResponse(
            request,
            ACTION_TEMPLATE,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": report,
                "form": form,
                "title": _("登记举报奖励（举报 %(number)s）") % {"number": report.hazard.number},
                "submit_label": _("登记"),
                "intro": _("仅经核查属实的举报可以登记奖励（有奖举报）。"),
            },
        )


@admin.register(IdentityAccessLog)
class IdentityAccessLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only: nobody adds, changes or deletes a row here."""

    list_display = ("viewed_at", "user", "report", "reason")
    list_filter = ("user",)
    list_select_related = ("user", "report__hazard")
    date_hierarchy = "viewed_at"


# 操作记录 (RecordHistory) is listed by safetyportal.history_admin, with every other app's legal records.


# Inspections and penalties ---------------------------------------------------------------------------------------


@admin.register(Inspection)
class InspectionAdmin(AuditedAdmin):
    m2m_fields = ("inspectors",)
    list_display = ("inspected_on", "kind", "enterprise", "record_status", "created_by")
    list_filter = ("kind", "record_status")
    search_fields = ("enterprise__name", "summary")
    list_select_related = ("enterprise", "created_by")
    autocomplete_fields = ("enterprise", "inspectors")
    date_hierarchy = "inspected_on"
    fields = (
        "kind",
        "inspected_on",
        "enterprise",
        "inspectors",
        "team_note",
        "summary",
        "findings_panel",
        "history_panel",
    )
    readonly_fields = ("findings_panel", "history_panel")
    list_per_page = 50

    @admin.display(description=gettext_lazy("发现的隐患"))
    def findings_panel(self, obj: Inspection) -> str:
        if obj.pk is None:
            return "—"
        findings = list(obj.findings.all())
        add = (
            reverse("admin:inspections_hazard_add")
            + f"?inspection={obj.pk}&enterprise={obj.enterprise_id}&source=routine"
        )
        return format_html(
            "<ul>{}</ul><a href='{}'>{}</a> | <a href='{}'>{}</a>",
            format_html_join(
                "",
                "<li><a href='{}'>{}</a> {}</li>",
                ((_admin_url(h, "change"), h.number, h.get_status_display()) for h in findings),
            ),
            add,
            _("登记检查发现的隐患"),
            _admin_url(obj, "void"),
            _("作废本记录"),
        )

    def get_urls(self) -> list[Any]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path("due/", self.admin_site.admin_view(self.due_view), name="{}_{}_due".format(*info)),
            *self.void_urls(),
            *super().get_urls(),
        ]

    def due_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        from django.core.paginator import Paginator

        page = Paginator(selectors.due_inspections(request.user), 50).get_page(request.GET.get("page"))
        for enterprise in page.object_list:
            enterprise.next_due = selectors.next_due_date(enterprise)
        return TemplateResponse(
            request,
            "admin/inspections/due_inspections.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("应检未检企业"),
                "page": page,
                "intervals": sorted(selectors.inspection_interval_days().items()),
            },
        )


@admin.register(PenaltyCase)
class PenaltyCaseAdmin(AuditedAdmin):
    list_display = ("decision_number", "enterprise", "fine", "decided_on", "record_status")
    list_filter = ("record_status", "enforcing_body")
    search_fields = ("decision_number", "enterprise__name", "facts")
    list_select_related = ("enterprise",)
    autocomplete_fields = ("enterprise", "hazard", "enforcing_body")
    date_hierarchy = "decided_on"
    readonly_fields = ("history_panel", "void_link")
    fields = (
        "enterprise", "hazard", "facts", "violated_provision", "legal_basis", "decision_number", "fine",
        "other_measures", "principal_person", "principal_fine", "enforcing_body", "decided_on", "void_link",
        "history_panel",
    )  # fmt: skip
    actions = ["draft_exposure_cases"]
    list_per_page = 50

    @admin.display(description=gettext_lazy("作废"))
    def void_link(self, obj: PenaltyCase) -> str:
        if obj.pk is None or obj.record_status == RecordStatus.VOIDED:
            return "—"
        return format_html('<a href="{}">{}</a>', _admin_url(obj, "void"), _("作废本记录"))

    def get_urls(self) -> list[Any]:
        return [*self.void_urls(), *super().get_urls()]

    @admin.action(description=gettext_lazy("为所选处罚生成曝光案例草稿"), permissions=["change"])
    def draft_exposure_cases(self, request: HttpRequest, queryset: Any) -> None:
        if not request.user.has_perm("inspections.add_exposurecase"):
            raise PermissionDenied
        for penalty in queryset.select_related("enterprise", "hazard"):
            services.draft_case_from_penalty(penalty=penalty, by=request.user)
        self.message_user(request, _("已生成%(n)s个曝光案例草稿。") % {"n": queryset.count()})


# Rectification orders --------------------------------------------------------------------------------------------


@admin.register(RectificationOrder)
class RectificationOrderAdmin(IssuingAdminMixin, AuditedAdmin):
    m2m_fields = ("hazards",)
    list_display = ("__str__", "enterprise", "deadline", "status", "issued_on", "record_status")
    list_filter = ("status", "record_status", "authority")
    search_fields = ("number", "enterprise__name")
    list_select_related = ("enterprise", "authority")
    autocomplete_fields = ("enterprise", "hazards", "inspection")
    readonly_fields = ("status", "number", "issued_on", "issued_by", "documents_panel", "history_panel")
    list_per_page = 50
    Media = DocumentStatusMedia

    def get_fields(self, request: HttpRequest, obj: RectificationOrder | None = None) -> Any:
        content = [
            "enterprise",
            "authority",
            "inspection",
            "hazards",
            "findings",
            "requirements",
            "deadline",
            "legal_basis",
        ]
        return content + (
            ["status", "number", "issued_on", "issued_by", "documents_panel", "history_panel"] if obj else []
        )

    def get_readonly_fields(self, request: HttpRequest, obj: RectificationOrder | None = None) -> Any:
        if obj is not None and not obj.is_editable:
            return self.get_fields(request, obj)
        return self.readonly_fields

    @admin.display(description=gettext_lazy("文书"))
    def documents_panel(self, obj: RectificationOrder) -> str:
        panel = super().documents_panel(obj)
        if obj.record_status != RecordStatus.ACTIVE:
            return panel
        return format_html('<p><a href="{}">{}</a></p>{}', _admin_url(obj, "void"), _("作废"), panel)

    def get_urls(self) -> list[Any]:
        return [*self.void_urls(), *super().get_urls()]


# Exposure cases --------------------------------------------------------------------------------------------------


@admin.register(ExposureCase)
class ExposureCaseAdmin(AuditedAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("title", "kind", "category", "jurisdiction", "status", "published_at", "public_until")
    list_filter = ("status", "kind", "category", ("jurisdiction", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "display_name")
    list_select_related = ("jurisdiction",)
    autocomplete_fields = ("jurisdiction", "enterprise", "hazard", "penalty")
    date_hierarchy = "published_at"
    actions = ["publish_selected"]
    list_per_page = 50
    readonly_fields = ("status_panel", "masked_preview", "history_panel", "media_panel")
    fieldsets = (
        (gettext_lazy("发布"), {"fields": ("status_panel", "public_until")}),
        (
            gettext_lazy("案例来源"),
            {
                "fields": (
                    "kind",
                    "category",
                    "jurisdiction",
                    "enterprise",
                    "hazard",
                    "penalty",
                    "case_date",
                    "principal_person",
                )
            },
        ),
        (
            gettext_lazy("公开文本（发布时自动遮盖姓名、身份证号、电话）"),
            {
                "fields": (
                    "title",
                    "display_name",
                    "summary",
                    "body",
                    "legal_basis",
                    "penalty_text",
                    "warning",
                    "media_url",
                )
            },
        ),
        (gettext_lazy("遮盖后预览"), {"fields": ("masked_preview", "history_panel")}),
        (gettext_lazy("镇街报送与媒体报道"), {"fields": ("media_panel",)}),
    )

    @admin.display(description=gettext_lazy("来源与报道"))
    def media_panel(self, obj: ExposureCase) -> str:
        """Package E: the town's submission it was made of, and the media articles (篇) carrying it."""
        if obj is None or obj.pk is None:
            return "—"
        from .models import ExposureSubmission

        submission = ExposureSubmission.objects.filter(case=obj).select_related("jurisdiction").first()
        articles = list(obj.media_articles.filter(record_status=RecordStatus.ACTIVE).order_by("published_on"))
        source = (
            format_html(
                '<p><a href="{}">{}{}</a></p>',
                _admin_url(submission, "change"),
                submission.jurisdiction.name,
                _("报送"),
            )
            if submission
            else ""
        )
        listed = format_html_join(
            "",
            '<li><a href="{}">{}</a> {} {}</li>',
            ((_admin_url(a, "change"), str(a), a.get_media_level_display(), a.published_on) for a in articles),
        )
        return format_html("{}<ul>{}</ul>", source, listed) if (source or articles) else "—"

    def save_model(self, request: HttpRequest, obj: ExposureCase, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.status == CaseStatus.PUBLISHED and "public_until" in form.changed_data:
            public_cache.bump_version_on_commit()
        if obj.status == CaseStatus.PUBLISHED and set(form.changed_data) & set(ExposureCase.EDITABLE_TEXT):
            self.message_user(request, _("已保存。公开页面上的文本在点击“重新发布”后才会更新。"), messages.WARNING)

    @admin.display(description=gettext_lazy("状态"))
    def status_panel(self, obj: ExposureCase) -> str:
        if obj.pk is None:
            return _("保存草稿后可以预览和发布。")
        links = [(_admin_url(obj, "preview"), _("预览公开页面"))]
        if self.can_publish(obj):
            label = _("重新发布") if obj.status == CaseStatus.PUBLISHED else _("发布")
            links.append((_admin_url(obj, "publish"), label))
        if obj.status == CaseStatus.PUBLISHED:
            links.append((_admin_url(obj, "withdraw"), _("撤回")))
            links.append((reverse("inspections:exposure_detail", args=[obj.pk]), _("查看公开页面")))
        return format_html(
            "<strong>{}</strong>{} <p>{}</p>",
            obj.get_status_display(),
            format_html("（{}）", timezone.localtime(obj.published_at).strftime("%Y-%m-%d %H:%M"))
            if obj.published_at
            else "",
            format_html_join(" | ", '<a href="{}">{}</a>', links),
        )

    @staticmethod
    def can_publish(obj: ExposureCase) -> bool:
        return obj.status in (CaseStatus.DRAFT, CaseStatus.PUBLISHED, CaseStatus.WITHDRAWN, CaseStatus.EXPIRED)

    @admin.display(description=gettext_lazy("公开文本预览"))
    def masked_preview(self, obj: ExposureCase) -> str:
        if obj.pk is None:
            return "—"
        masked = services.masked_case_text(obj)
        return format_html(
            "<p><strong>{}</strong></p><p>{}</p><p>{}</p>",
            masked["public_title"],
            masked["public_display_name"],
            masked["public_body"],
        )

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("board/", view(self.board_view), name="inspections_exposurecase_board"),
            path("<path:object_id>/preview/", view(self.preview_view), name="inspections_exposurecase_preview"),
            path("<path:object_id>/publish/", view(self.publish_view), name="inspections_exposurecase_publish"),
            path("<path:object_id>/withdraw/", view(self.withdraw_view), name="inspections_exposurecase_withdraw"),
            *super().get_urls(),
        ]

    def _case(self, request: HttpRequest, object_id: str) -> ExposureCase:
        case = self.get_object(request, object_id)
        if case is None:
            raise Http404
        if not self.has_view_permission(request, case):
            raise PermissionDenied
        return case

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        case = self._case(request, object_id)
        response = case_preview(request, case, services.masked_case_text(case))
        patch_cache_control(response, no_store=True, private=True)
        return response

    def publish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        case = self._case(request, object_id)
        if not request.user.has_perm("inspections.publish_exposurecase"):
            raise PermissionDenied
        form = forms.Form(request.POST or None)
        if request.method == "POST":
            try:
                services.publish_case(case=case, by=request.user)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                self.message_user(request, _("已发布，曝光台即时更新。"))
                return HttpResponseRedirect(_admin_url(case, "change"))
        masked = services.masked_case_text(case)
        return self.action_page(
            request,
            _("发布曝光案例"),
            original=case,
            form=form,
            submit_label=_("确认发布"),
            masked=masked,
            intro=_("请核对下方遮盖后的公开文本（姓名、身份证号和电话已自动遮盖），确认无误后发布。"),
        )

    def withdraw_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        case = self._case(request, object_id)
        if not request.user.has_perm("inspections.publish_exposurecase"):
            raise PermissionDenied
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.withdraw_case(case=case, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                _form_errors(form, error)
            else:
                self.message_user(
                    request, _("已撤回：该案例已从曝光台、订阅和开放数据中移除，原链接返回“已不再公开”。")
                )
                return HttpResponseRedirect(_admin_url(case, "change"))
        return self.action_page(request, _("撤回曝光案例"), original=case, form=form, submit_label=_("确认撤回"))

    def board_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/inspections/exposure_board.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("曝光台月度统计"),
                **selectors.exposure_board(),
            },
        )

    @admin.action(description=gettext_lazy("发布所选案例（自动遮盖个人信息）"))
    def publish_selected(self, request: HttpRequest, queryset: Any) -> None:
        if not request.user.has_perm("inspections.publish_exposurecase"):
            raise PermissionDenied
        done, failed = 0, []
        for case in queryset:
            try:
                services.publish_case(case=case, by=request.user)
                done += 1
            except ValidationError as error:
                failed.append(f"{case.title}：{'；'.join(error.messages)}")
        self.message_user(request, _("已发布%(n)s个案例。") % {"n": done})
        for message in failed:
            self.message_user(request, message, messages.ERROR)


# The reward ledger's admin and (package E) the towns' exposure submissions, media articles (篇/起) and the media
# duty board (registered on import).
from . import exposure_admin, reward_admin  # noqa: E402, F401
