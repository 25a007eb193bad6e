"""The office's screens for training and certificates. Actions and custom views call services."""

from __future__ import annotations

from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetyportal.charts import bar_chart
from safetyportal.documents.admin import DocumentStatusMedia, status_widget
from safetyportal.history_admin import HistoryPanelMixin
from safetyportal.spreadsheets import SafeImportExportAdmin

from . import exports, selectors, services
from .forms import (
    PUBLICITY_FORM_FIELDS,
    BatchAdminForm,
    BatchPublicityForm,
    ImportUploadForm,
    InstitutionAdminForm,
    VoidForm,
)
from .importing import template_workbook
from .models import (
    REVIEW_NOTICE_DAYS,
    Certificate,
    CertificateReview,
    Enrolment,
    FakeCertificateReport,
    ImportJob,
    ImportKind,
    ImportStatus,
    PublicationBatch,
    ReviewResult,
    TrainingInstitution,
    TrainingSession,
)
from .resources import CertificateResource, TrainingInstitutionResource, TrainingSessionResource

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@admin.register(TrainingInstitution)
class TrainingInstitutionAdmin(SafeImportExportAdmin):
    form = InstitutionAdminForm
    resource_classes = [TrainingInstitutionResource]
    list_display = ("name", "filing_number", "credit_code", "status", "valid_until", "certificate_type_labels")
    list_filter = ("status",)
    search_fields = ("name", "credit_code", "filing_number")
    list_per_page = 50

    @admin.display(description=gettext_lazy("可培训的操作项目"))
    def certificate_type_labels(self, obj: TrainingInstitution) -> str:
        return obj.certificate_type_labels


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    fields = ("person", "enterprise", "attended", "theory_score", "practical_score", "result", "certificate")
    readonly_fields = ("certificate",)
    autocomplete_fields = ("person", "enterprise")
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("person", "enterprise", "certificate")


@admin.register(TrainingSession)
class TrainingSessionAdmin(SafeImportExportAdmin):
    resource_classes = [TrainingSessionResource]
    list_display = ("name", "category", "operation_item", "institution", "starts_on", "ends_on", "hours", "capacity")
    list_filter = ("category", "operation_item", "starts_on")
    search_fields = ("name", "place", "trainers")
    list_select_related = ("institution",)
    autocomplete_fields = ("institution", "jurisdiction")
    date_hierarchy = "starts_on"
    inlines = [EnrolmentInline]
    actions = ["issue_certificates"]
    list_per_page = 50

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)

        class SessionForm(form):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                data = super().clean()
                if data.get("category") in ("special_initial", "special_review") and not data.get("operation_item"):
                    self.add_error("operation_item", _("特种作业培训班须填写操作项目。"))
                if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
                    self.add_error("ends_on", _("结束日期不能早于开始日期。"))
                return data

        return SessionForm

    @admin.action(description=gettext_lazy("为考核合格的学员发证或办理复审"), permissions=["change"])
    def issue_certificates(self, request: HttpRequest, queryset: QuerySet) -> None:
        for session in queryset:
            if not session.is_special_operation:
                self.message_user(
                    request, _("“%(name)s”不是特种作业培训班，已跳过。") % {"name": session.name}, messages.WARNING
                )
                continue
            done, problems = services.apply_session_results(session=session, by=request.user)
            self.message_user(
                request, _("“%(name)s”：已发证或复审%(count)s人。") % {"name": session.name, "count": done}
            )
            for problem in problems[:50]:
                self.message_user(request, problem, messages.ERROR)


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ("person", "session", "enterprise", "attended", "theory_score", "practical_score", "result")
    list_filter = ("result", "attended", "session__category")
    search_fields = ("person__name", "=person__id_number", "session__name", "enterprise__name")
    search_help_text = gettext_lazy("按姓名、培训班或单位名称搜索，或输入完整的身份证号精确查找。")
    list_select_related = ("person", "session", "enterprise")
    autocomplete_fields = ("session", "person", "enterprise")
    readonly_fields = ("certificate",)
    list_per_page = 50


class DueWithinFilter(admin.SimpleListFilter):
    title = gettext_lazy("复审提醒")
    parameter_name = "due"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("60", _("%(days)s天内应复审") % {"days": REVIEW_NOTICE_DAYS})]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "60":
            ids = selectors.review_due_soon().values("pk")
            return queryset.filter(pk__in=ids)
        return queryset


class CertificateAddForm(forms.ModelForm):
    class Meta:
        model = Certificate
        fields = ("holder", "operation_item", "first_issued_on", "authority", "employer", "institution")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        holder, item, issued_on = data.get("holder"), data.get("operation_item"), data.get("first_issued_on")
        if holder and item and Certificate.objects.filter(holder=holder, operation_item=item).in_force().exists():
            raise forms.ValidationError(_("该人员已持有此操作项目的有效证书，请办理复审而不是重新发证。"))
        if issued_on and issued_on > timezone.localdate():
            self.add_error("first_issued_on", _("发证日期不能晚于今天。"))
        return data

    def validate_constraints(self) -> None:
        """The service sets status and number; the form checks the in-force rule itself (above)."""


class ReviewInline(admin.TabularInline):
    model = CertificateReview
    extra = 0
    fields = ("reviewed_on", "result", "due_before", "next_due_on", "notes", "recorded_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=gettext_lazy("复审日期"), widget=forms.DateInput(attrs={"type": "date"}))
    result = forms.ChoiceField(label=gettext_lazy("复审结果"), choices=ReviewResult.choices)
    notes = forms.CharField(label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(Certificate)
class CertificateAdmin(HistoryPanelMixin, SafeImportExportAdmin):
    resource_classes = [CertificateResource]
    list_display = (
        "masked_number",
        "holder_name",
        "operation_item",
        "status",
        "first_issued_on",
        "review_due_on",
        "valid_until",
        "employer",
    )
    list_filter = ("status", DueWithinFilter, "category", "operation_item", "source")
    search_fields = ("=number", "holder__name", "=holder__id_number")
    search_help_text = gettext_lazy(
        "按持证人姓名搜索，或输入完整的证号、身份证号精确查找（号码加密保存，不能按部分号码查找）。"
    )
    list_select_related = ("holder", "employer")
    autocomplete_fields = ("holder", "employer", "institution")
    date_hierarchy = "first_issued_on"
    inlines = [ReviewInline]
    list_per_page = 50
    change_form_template = "admin/training/certificate/change_form.html"
    change_list_template = "admin/training/certificate/change_list.html"
    readonly_fields = (
        "number",
        "holder",
        "category",
        "operation_item",
        "first_issued_on",
        "valid_from",
        "valid_until",
        "review_due_on",
        "last_reviewed_on",
        "status",
        "source",
        "institution",
        "authority",
        "voided_at",
        "voided_by",
        "void_reason",
        "history_panel",
    )

    def has_import_permission(self, request: HttpRequest) -> bool:
        return False  # bulk imports go through 批量导入任务 (training.importing)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # legal records: cancelled or revoked, never deleted

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = CertificateAddForm
            kwargs["fields"] = CertificateAddForm.Meta.fields
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return CertificateAddForm.Meta.fields
        return (*self.readonly_fields[:11], "extended_review", "employer", *self.readonly_fields[11:])

    def get_inlines(self, request: HttpRequest, obj: Any) -> list:
        return [ReviewInline] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Certificate, form: Any, change: bool) -> None:
        if change:
            services.change_certificate(certificate=obj, by=request.user)
            return
        issued = services.issue_certificate(
            person=form.cleaned_data["holder"],
            operation_item=form.cleaned_data["operation_item"],
            issued_on=form.cleaned_data["first_issued_on"],
            by=request.user,
            employer=form.cleaned_data.get("employer"),
            institution=form.cleaned_data.get("institution"),
            authority=form.cleaned_data.get("authority"),
        )
        # The admin goes on with the object it built: hand it the issued row.
        obj.__dict__.update({k: v for k, v in issued.__dict__.items() if k != "_state"})
        obj._state.adding = False

    @admin.display(description=gettext_lazy("证号"), ordering="number")
    def masked_number(self, obj: Certificate) -> str:
        return obj.masked_number

    @admin.display(description=gettext_lazy("持证人"), ordering="holder__name")
    def holder_name(self, obj: Certificate) -> str:
        return obj.holder.name

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("statistics/", wrap(self.statistics_view), name="training_certificate_statistics"),
            path("statistics/export/", wrap(self.statistics_export), name="training_certificate_statistics_export"),
            path("<int:pk>/qr/", wrap(self.qr_view), name="training_certificate_qr"),
            path("<int:pk>/void/", wrap(self.void_view), name="training_certificate_void"),
            path("<int:pk>/review/", wrap(self.review_view), name="training_certificate_review"),
            *super().get_urls(),
        ]

    def _certificate(self, request: HttpRequest, pk: int) -> Certificate:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Certificate.objects.select_related("holder"), pk=pk)

    def qr_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        certificate = self._certificate(request, pk)
        url = settings.SITE_URL + reverse("certificates:token", args=[certificate.verify_token])
        context = {
            **self.admin_site.each_context(request),
            "title": _("证书核验二维码"),
            "certificate": certificate,
            "verify_url": url,
            "qr_svg": segno.make(url, error="m").svg_inline(scale=5),
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/training/certificate/qr.html", context)

    def void_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        certificate = self._certificate(request, pk)
        if not request.user.has_perm("training.revoke_certificate"):
            raise PermissionDenied
        form = VoidForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.void_certificate(
                    certificate=certificate,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    status=form.cleaned_data["status"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("证书已%(action)s。")
                    % {"action": dict(form.fields["status"].choices)[form.cleaned_data["status"]]},
                )
                return HttpResponseRedirect(reverse("admin:training_certificate_change", args=[pk]))
        return self._form_page(request, certificate, form, _("注销或吊销证书"))

    def review_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        certificate = self._certificate(request, pk)
        if not self.has_change_permission(request, certificate):
            raise PermissionDenied
        form = ReviewForm(
            request.POST or None, initial={"reviewed_on": timezone.localdate(), "result": ReviewResult.PASSED}
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.record_review(certificate=certificate, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _("复审记录已保存。"))
                return HttpResponseRedirect(reverse("admin:training_certificate_change", args=[pk]))
        return self._form_page(request, certificate, form, _("记录复审"))

    def _form_page(self, request: HttpRequest, certificate: Certificate, form: forms.Form, title: str) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "certificate": certificate,
            "form": form,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/training/certificate/action_form.html", context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        extra_context = {
            **(extra_context or {}),
            "can_void": request.user.has_perm("training.revoke_certificate"),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _year(self, request: HttpRequest) -> int:
        try:
            year = int(request.GET.get("year", ""))
        except ValueError:
            year = timezone.localdate().year
        return min(max(year, 1990), timezone.localdate().year + 1)

    def statistics_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = self._year(request)
        stats = selectors.yearly_statistics(year)
        labels = [row["label"] for row in stats["items"]]
        item_chart = bar_chart(
            _("%(year)s年特种作业取证和复审（人）") % {"year": year},
            labels,
            {
                _("新取证"): [row["new"] for row in stats["items"]],
                _("复审合格"): [row["reviewed"] for row in stats["items"]],
            },
            horizontal=True,
        )
        session_chart = bar_chart(
            _("%(year)s年培训班和参训人次") % {"year": year},
            [row["label"] for row in stats["categories"]],
            {
                _("培训班（场）"): [row["sessions"] for row in stats["categories"]],
                _("参训（人次）"): [row["attended"] for row in stats["categories"]],
            },
            horizontal=True,
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("培训与持证统计"),
            "stats": stats,
            "years": selectors.statistics_years(),
            "item_chart": item_chart,
            "session_chart": session_chart,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/training/statistics.html", context)

    def statistics_export(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = self._year(request)
        if request.GET.get("format") == "csv":
            response = HttpResponse(exports.statistics_csv(year), content_type="text/csv; charset=utf-8")
            filename = f"{year}年培训统计.csv"
        else:
            response = HttpResponse(exports.statistics_xlsx(year), content_type=XLSX_TYPE)
            filename = f"{year}年培训统计.xlsx"
        response["Content-Disposition"] = content_disposition_header(True, filename)  # Chinese name (RFC 5987)
        return response


@admin.register(CertificateReview)
class CertificateReviewAdmin(admin.ModelAdmin):
    list_display = ("certificate", "reviewed_on", "result", "next_due_on", "recorded_by")
    list_filter = ("result", "reviewed_on")
    search_fields = ("=certificate__number", "certificate__holder__name")
    list_select_related = ("certificate__holder", "recorded_by")
    date_hierarchy = "reviewed_on"
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # recorded from the certificate (记录复审) or a session's results

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PublicationBatch)
class PublicationBatchAdmin(admin.ModelAdmin):
    list_display = ("title", "code", "kind", "issued_on", "entry_count", "is_published", "published_at")
    list_filter = ("kind", "is_published")
    search_fields = ("title", "code")
    actions = ["publish", "withdraw"]
    Media = DocumentStatusMedia
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        from django.db.models import Count

        return super().get_queryset(request).annotate(entry_count=Count("entries"))

    @admin.display(description=gettext_lazy("人数"), ordering="entry_count")
    def entry_count(self, obj: PublicationBatch) -> int:
        return obj.entry_count

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = BatchAdminForm
            kwargs["fields"] = None
        elif not obj.is_published:
            kwargs["form"] = BatchPublicityForm  # the 公示期 and objection contact are checked before publication
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("code", "title", "kind", "issued_on", "date_from", "date_to", *PUBLICITY_FORM_FIELDS)
        return (
            "code",
            "title",
            "kind",
            "issued_on",
            *PUBLICITY_FORM_FIELDS,
            "is_published",
            "published_at",
            "document_panel",
            "public_link",
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        fixed = ("code", "kind", "issued_on", "is_published", "published_at", "document_panel", "public_link")
        # Once published, the PDF carries the period and the contact: they change only after withdrawing the list.
        return (*fixed, "title", *PUBLICITY_FORM_FIELDS) if obj.is_published else fixed

    @admin.display(description=gettext_lazy("PDF文件"))
    def document_panel(self, obj: PublicationBatch) -> str:
        return status_widget(obj.document) if obj.document_id else "—"

    @admin.display(description=gettext_lazy("公开页面"))
    def public_link(self, obj: PublicationBatch) -> str:
        if not obj.is_published:
            return _("未公示")
        url = reverse("certificates:list_detail", args=[obj.code])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)

    def save_model(self, request: HttpRequest, obj: PublicationBatch, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        batch = services.create_batch(
            code=data["code"],
            title=data["title"],
            kind=data["kind"],
            issued_on=data["issued_on"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            **{name: data.get(name) for name in PUBLICITY_FORM_FIELDS},
        )
        obj.__dict__.update({k: v for k, v in batch.__dict__.items() if k != "_state"})
        obj._state.adding = False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # withdrawn, not deleted

    @admin.action(description=gettext_lazy("公示（并生成PDF）"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        for batch in queryset:
            try:
                services.publish_batch(batch=batch, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{batch.title}：{'；'.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("“%(title)s”已公示，PDF生成中。") % {"title": batch.title})

    @admin.action(description=gettext_lazy("撤回公示"), permissions=["change"])
    def withdraw(self, request: HttpRequest, queryset: QuerySet) -> None:
        for batch in queryset:
            services.withdraw_batch(batch=batch)
        self.message_user(request, _("已撤回公示。"))


@admin.register(FakeCertificateReport)
class FakeCertificateReportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "certificate", "where_seen", "status", "finding", "handled_by")
    list_filter = ("status", "finding")
    search_fields = ("=certificate__number", "certificate__holder__name", "where_seen")
    list_select_related = ("certificate__holder", "handled_by")
    readonly_fields = ("certificate", "description", "where_seen", "contact", "created_at", "handled_by")
    fields = (
        "certificate",
        "description",
        "where_seen",
        "contact",
        "created_at",
        "status",
        "finding",
        "handling_notes",
        "handled_by",
    )
    date_hierarchy = "created_at"
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports come from the public verification page

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: FakeCertificateReport, form: Any, change: bool) -> None:
        obj.handled_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = (
        "original_name",
        "kind",
        "status",
        "progress",
        "total_rows",
        "error_count",
        "created_by",
        "created_at",
    )
    list_filter = ("kind", "status")
    search_fields = ("original_name",)
    list_select_related = ("created_by",)
    list_per_page = 50

    class Media:
        js = ("js/training-import.js",)
        css = {"all": ("training/admin.css",)}

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _can_import(self, request: HttpRequest, kind: str) -> bool:
        target = "training.add_certificate" if kind == ImportKind.CERTIFICATES else "training.add_enrolment"
        return request.user.has_perm("training.add_importjob") and request.user.has_perm(target)

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/status/", wrap(self.status_view), name="training_importjob_status"),
            path("<int:pk>/confirm/", wrap(self.confirm_view), name="training_importjob_confirm"),
            path("template/<str:kind>/", wrap(self.template_view), name="training_importjob_template"),
            *super().get_urls(),
        ]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if not self._can_import(request, data["kind"]):
                raise PermissionDenied
            job = services.create_import_job(
                kind=data["kind"],
                uploaded_file=data["file"],
                by=request.user,
                default_jurisdiction=data["default_jurisdiction"],
                session=data.get("session"),
                institution=data.get("institution"),
            )
            return HttpResponseRedirect(reverse("admin:training_importjob_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("批量导入（证书、培训考核结果）"),
            "form": form,
            "opts": self.opts,
            "kinds": ImportKind.choices,
        }
        return TemplateResponse(request, "admin/training/importjob/upload.html", context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ImportJob, pk=object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("批量导入任务"),
            "job": job,
            "opts": self.opts,
            "status_url": reverse("admin:training_importjob_status", args=[job.pk]),
            "can_confirm": job.status == ImportStatus.READY and self._can_import(request, job.kind),
        }
        return TemplateResponse(request, "admin/training/importjob/detail.html", context)

    def status_view(self, request: HttpRequest, pk: int) -> JsonResponse:
        if not self.has_view_permission(request):
            raise Http404
        job = get_object_or_404(ImportJob, pk=pk)
        return JsonResponse(
            {
                "status": job.status,
                "status_label": str(job.get_status_display()),
                "progress": job.progress,
                "finished": job.finished,
                "message": job.message,
            }
        )

    def confirm_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            raise Http404
        job = get_object_or_404(ImportJob, pk=pk)
        if not self._can_import(request, job.kind):
            raise PermissionDenied
        try:
            job = services.confirm_import(job=job, by=request.user)
        except ValidationError as error:
            self.message_user(request, "；".join(error.messages), messages.ERROR)
        else:
            if job.status == ImportStatus.DONE:
                self.message_user(request, _("导入完成。"))
            elif job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING):
                self.message_user(request, _("已提交后台导入，请等待进度完成。"))
            else:
                self.message_user(request, job.message, messages.ERROR)
        return HttpResponseRedirect(reverse("admin:training_importjob_change", args=[pk]))

    def template_view(self, request: HttpRequest, kind: str) -> HttpResponse:
        if kind not in ImportKind.values or not self.has_view_permission(request):
            raise Http404
        response = HttpResponse(template_workbook(kind), content_type=XLSX_TYPE)
        filename = f"{ImportKind(kind).label}导入模板.xlsx"
        response["Content-Disposition"] = content_disposition_header(True, filename)  # Chinese name (RFC 5987)
        return response
