"""Admin of the towns' exposure submissions (review: accept into a draft case, or return with a reason), the media
articles (篇) with the cases they carry (起), and the monthly media duty board. Imported by inspections/admin.py.
See docs/exposure_submissions.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetyportal.unit_figures import Period

from . import exposure_submissions
from .admin import AuditedAdmin, _admin_url, _form_errors
from .forms import ReasonForm
from .media_duty import media_duty_board
from .models import MEDIA_LEVEL_POINTS, ExposureSubmission, MediaArticle, SubmissionStatus


@admin.register(ExposureSubmission)
class ExposureSubmissionAdmin(AuditedAdmin):
    """Read-only: the office reviews a submission, it does not edit the unit's text (it edits the case made of it)."""

    list_display = ("title", "jurisdiction", "kind", "status", "submitted_at", "times_submitted", "case_link")
    list_filter = ("status", "kind", ("jurisdiction", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "display_name")
    list_select_related = ("jurisdiction", "case")
    date_hierarchy = "submitted_at"
    list_per_page = 50
    fieldsets = (
        (gettext_lazy("审核"), {"fields": ("review_panel", "status", "return_reason", "reviewed_by", "reviewed_at")}),
        (
            gettext_lazy("报送内容"),
            {
                "fields": (
                    "jurisdiction",
                    "submitted_by",
                    "submitted_at",
                    "times_submitted",
                    *ExposureSubmission.FORM_FIELDS,
                )
            },
        ),
        (gettext_lazy("操作记录"), {"fields": ("history_panel",)}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [name for fieldset in self.fieldsets for name in fieldset[1]["fields"]]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # submitted from the towns' portal

    @admin.display(description=gettext_lazy("采用为案例"))
    def case_link(self, obj: ExposureSubmission) -> str:
        if obj.case_id is None:
            return "—"
        return format_html('<a href="{}">{}</a>', _admin_url(obj.case, "change"), obj.case.get_status_display())

    @admin.display(description=gettext_lazy("审核操作"))
    def review_panel(self, obj: ExposureSubmission) -> str:
        if obj.status == SubmissionStatus.PENDING:
            return format_html(
                '<a class="button" href="{}">{}</a> <a class="button" href="{}">{}</a>',
                _admin_url(obj, "accept"),
                _("采用（生成曝光案例草稿）"),
                _admin_url(obj, "return"),
                _("退回修改"),
            )
        if obj.case_id is not None:
            return format_html(
                '{} <a href="{}">{}</a>', obj.state_label, _admin_url(obj.case, "change"), _("编辑、遮盖并发布案例")
            )
        return obj.state_label

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/accept/", view(self.accept_view), name="inspections_exposuresubmission_accept"),
            path("<path:object_id>/return/", view(self.return_view), name="inspections_exposuresubmission_return"),
            *super().get_urls(),
        ]

    def _submission(self, request: HttpRequest, object_id: str) -> ExposureSubmission:
        submission = self.get_object(request, object_id)
        if submission is None:
            raise Http404
        if not request.user.has_perm("inspections.review_exposuresubmission"):
            raise PermissionDenied
        return submission

    def accept_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        submission = self._submission(request, object_id)
        form = forms.Form(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                case = exposure_submissions.accept(submission=submission, by=request.user)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                self.message_user(request, _("已采用，已生成曝光案例草稿：请编辑、预览遮盖后的文本并发布。"))
                return HttpResponseRedirect(_admin_url(case, "change"))
        return self.action_page(
            request,
            _("采用报送的曝光案例"),
            original=submission,
            form=form,
            submit_label=_("确认采用"),
            intro=_("采用后生成一条曝光案例草稿（不会自动发布），报送单位可看到“已采用”。"),
        )

    def return_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        submission = self._submission(request, object_id)
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                exposure_submissions.return_submission(
                    submission=submission, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                self.message_user(request, _("已退回报送单位修改。"))
                return HttpResponseRedirect(_admin_url(submission, "change"))
        return self.action_page(
            request,
            _("退回修改"),
            original=submission,
            form=form,
            submit_label=_("确认退回"),
            intro=_("退回理由会通知报送单位；报送记录不会删除。"),
        )


@admin.register(MediaArticle)
class MediaArticleAdmin(AuditedAdmin):
    """Media articles (篇) and the cases (起) each carries. Voided, never deleted."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("title", "media_name", "media_level", "published_on", "jurisdiction", "case_count", "record_status")
    list_filter = ("media_level", "record_status", ("jurisdiction", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "media_name")
    list_select_related = ("jurisdiction",)
    autocomplete_fields = ("jurisdiction", "cases")
    date_hierarchy = "published_on"
    list_per_page = 50
    m2m_fields = ("cases",)
    readonly_fields = ("points", "documents_panel", "history_panel")
    fields = (
        "title",
        "media_name",
        "media_level",
        "points",
        "published_on",
        "url",
        "jurisdiction",
        "cases",
        "note",
        "documents_panel",
        "history_panel",
    )

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(n_cases=Count("cases", distinct=True))

    @admin.display(description=gettext_lazy("案例（起）"), ordering="n_cases")
    def case_count(self, obj: MediaArticle) -> int:
        return getattr(obj, "n_cases", 0)

    @admin.display(description=gettext_lazy("媒体级别分值"))
    def points(self, obj: MediaArticle) -> str:
        return str(MEDIA_LEVEL_POINTS.get(obj.media_level, "—")) if obj and obj.pk else "—"

    @admin.display(description=gettext_lazy("作废"))
    def documents_panel(self, obj: MediaArticle) -> str:
        if obj is None or obj.pk is None or obj.is_voided:
            return "—"
        return format_html('<a href="{}">{}</a>', _admin_url(obj, "void"), _("作废"))

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("duty/", view(self.duty_view), name="inspections_mediaarticle_duty"),
            *self.void_urls(),
            *super().get_urls(),
        ]

    def duty_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        value = request.GET.get("year", "")
        year = (
            int(value) if value.isascii() and value.isdigit() and 2000 <= int(value or 0) <= today.year else today.year
        )
        ends_on = dt.date(year, 12, 31) if year < today.year else today
        board = media_duty_board(Period(dt.date(year, 1, 1), ends_on), today=today)
        return TemplateResponse(
            request,
            "admin/inspections/media_duty_board.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("媒体曝光月度任务（每月至少1个典型案例在本地主流媒体曝光）"),
                "board": board,
                "year": year,
                "years": list(range(today.year, today.year - 5, -1)),
            },
        )
