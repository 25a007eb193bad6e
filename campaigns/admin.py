from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter, helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetyportal.documents.admin import DocumentStatusMedia
from safetyportal.documents.issuing_admin import IssuingAdminMixin
from safetyportal.images import image_response
from safetyportal.spreadsheets import SafeImportExportAdmin
from safetyportal.types import signed_in_user

from . import selectors, services
from .assign import CampaignTaskAssignForm, NoticeAssignForm, QuickAssignAdminMixin
from .attachment_admin import NoticeAttachmentAdminMixin, ReturnAttachmentInline
from .figures import figures_for_summary
from .inbox_admin import NoticeSignBoardMixin
from .models import (
    AWAITING_REVIEW,
    COUNT_FIELDS,
    MATERIAL_FIELDS,
    ActivityReturn,
    Campaign,
    CampaignSummary,
    CampaignTask,
    KeyDay,
    Notice,
    NoticeStatus,
    Reminder,
    ReturnPhoto,
    ReturnStatus,
)
from .resources import ActivityReturnResource, CampaignTaskResource
from .review_changes import changes_since_returned
from .summaries import board_workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CONTENT_FIELDS = (
    "authority",
    "title",
    "urgency",
    "recipient_jurisdictions",
    "recipient_units",
    "recipients_text",
    "body",
    "attachments_text",
    "contact_note",
    "copy_to",
)
RECORD_FIELDS = (
    "is_public",
    "status",
    "number",
    "issued_on",
    "issued_by",
    "issued_at",
    "supersedes_link",
    "documents_panel",
    "sign_status",
)


@admin.register(Notice)
class NoticeAdmin(
    NoticeAttachmentAdminMixin, QuickAssignAdminMixin, NoticeSignBoardMixin, IssuingAdminMixin, admin.ModelAdmin
):
    list_display = ("title", "number", "authority", "status", "issued_on", "created_at")
    list_filter = ("status", "authority", "issued_on")
    search_fields = ("title", "number", "body")
    list_select_related = ("authority",)
    autocomplete_fields = ("recipient_jurisdictions", "recipient_units")
    form = NoticeAssignForm  # quick choices 全部街道（镇）/全部社区（村）/全部成员单位 (campaigns/assign.py)
    quick_after = "recipient_units"
    date_hierarchy = "created_at"
    list_per_page = 50
    issued_buttons = (("_correct", gettext_lazy("创建更正通知")),)
    Media = DocumentStatusMedia

    def get_fieldsets(self, request: HttpRequest, obj: Notice | None = None) -> Any:
        # is_public is not content: on a draft it is a form field; on an issued notice the 公开/撤回公开 buttons
        # change it (services.set_notice_public, with a history row).
        fieldsets = [(None, {"fields": (*CONTENT_FIELDS, "is_public")})]
        if obj is not None:
            fieldsets.append((gettext_lazy("印发与文件"), {"fields": RECORD_FIELDS[1:]}))
        return self.add_quick_assign(request, obj, fieldsets)

    def get_readonly_fields(self, request: HttpRequest, obj: Notice | None = None) -> Any:
        if obj is not None and not obj.is_editable:
            return CONTENT_FIELDS + RECORD_FIELDS
        return RECORD_FIELDS[1:]

    def get_issued_buttons(self, record: Notice | None) -> Any:
        buttons = list(self.issued_buttons)
        if record is not None and record.status == NoticeStatus.ISSUED:
            if record.is_public:
                buttons.append(("_unpublish", gettext_lazy("撤回门户网站公开")))
            else:
                buttons.append(("_publish", gettext_lazy("在门户网站公开")))
        return buttons

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # notices are legal records: superseded, never deleted

    @admin.display(description=gettext_lazy("更正的原通知"))
    def supersedes_link(self, obj: Notice) -> str:
        if not obj.supersedes_id:
            return "—"
        url = reverse("admin:campaigns_notice_change", args=[obj.supersedes_id])
        return format_html('<a href="{}">{}</a>', url, obj.supersedes)

    def save_model(self, request: HttpRequest, obj: Notice, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_record_button(self, request: HttpRequest, obj: Notice) -> HttpResponse | None:
        if "_publish" in request.POST or "_unpublish" in request.POST:
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            public = "_publish" in request.POST
            if public and obj.status != NoticeStatus.ISSUED:
                self.message_user(request, _("只有已印发的通知才能在门户网站公开。"), messages.ERROR)
            else:
                services.set_notice_public(notice=obj, public=public, by=signed_in_user(request))
                self.message_user(request, _("已在门户网站公开。") if public else _("已撤回门户网站公开。"))
            return HttpResponseRedirect(request.path)
        if "_correct" not in request.POST:
            return None
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            correction = services.draft_correction(notice=obj, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.path)
        self.message_user(request, _("已创建更正通知草稿，印发后将替代原通知。"))
        return HttpResponseRedirect(reverse("admin:campaigns_notice_change", args=[correction.pk]))


class KeyDayInline(admin.TabularInline):
    model = KeyDay
    extra = 1


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "kind", "edition", "starts_on", "ends_on", "jurisdiction", "status", "board_link")
    list_filter = ("kind", "year", "status")
    search_fields = ("name", "national_theme", "local_theme")
    list_select_related = ("jurisdiction", "parent")
    autocomplete_fields = ("jurisdiction", "parent", "launch_notice")
    inlines = [KeyDayInline]
    change_form_template = "admin/campaigns/campaign/change_form.html"
    fieldsets = [
        (None, {"fields": ("kind", "year", "edition", "name", "status")}),
        (gettext_lazy("主题与时间"), {"fields": ("national_theme", "local_theme", "starts_on", "ends_on")}),
        (gettext_lazy("层级与部署"), {"fields": ("jurisdiction", "parent", "launch_notice")}),
    ]

    @admin.display(description=gettext_lazy("报送完成情况"))
    def board_link(self, obj: Campaign) -> str:
        return format_html('<a href="{}">{}</a>', reverse("admin:campaigns_campaign_board", args=[obj.pk]), _("查看"))

    def get_urls(self) -> list:
        extra = [
            path(
                "<path:object_id>/completeness/",
                self.admin_site.admin_view(self.board_view),
                name="campaigns_campaign_board",
            ),
            path(
                "<path:object_id>/rollup/",
                self.admin_site.admin_view(lambda request, object_id: rollup_view(self, request, object_id)),
                name="campaigns_campaign_rollup",
            ),
            path(
                "<path:object_id>/completeness/export/",
                self.admin_site.admin_view(self.board_export_view),
                name="campaigns_campaign_board_export",
            ),
        ]
        return extra + super().get_urls()

    def _board_campaign(self, request: HttpRequest, object_id: str) -> Campaign:
        if not (self.has_view_permission(request) and request.user.has_perm("campaigns.view_activityreturn")):
            raise PermissionDenied
        campaign = self.get_object(request, object_id)
        if campaign is None:
            raise Http404
        return campaign

    def board_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        campaign = self._board_campaign(request, object_id)
        board = selectors.completeness_board(campaign)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": campaign,
            "title": _("%(campaign)s · 报送完成情况") % {"campaign": campaign},
            "board": board,
            "chart": board.chart(),
            "states": selectors.SlotState.LABELS,
        }
        return TemplateResponse(request, "admin/campaigns/campaign/completeness.html", context)

    def board_export_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        campaign = self._board_campaign(request, object_id)
        data = board_workbook(selectors.completeness_board(campaign))
        response = HttpResponse(data, content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="completeness-{campaign.pk}.xlsx"'
        return response


@admin.register(CampaignTask)
class CampaignTaskAdmin(QuickAssignAdminMixin, SafeImportExportAdmin):
    resource_classes = [CampaignTaskResource]
    list_display = ("title", "campaign", "recurrence", "due_on", "starts_on", "ends_on", "unit_count", "order")
    list_filter = ("campaign", "recurrence")
    search_fields = ("title", "requirements", "campaign__name")
    list_select_related = ("campaign",)
    autocomplete_fields = ("campaign", "jurisdictions", "member_units")
    form = CampaignTaskAssignForm  # quick choices 全部街道（镇）/全部社区（村）/全部成员单位 (campaigns/assign.py)
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ("campaign", "title", "requirements", "order")}),
        (
            gettext_lazy("报送时间"),
            {"fields": ("recurrence", "due_on", "due_weekday", "due_time", "starts_on", "ends_on")},
        ),
        (
            gettext_lazy("报送内容要求"),
            {"fields": ("activity_type", "min_photos", "min_exposures", "min_media_reports")},
        ),
        (gettext_lazy("承办单位"), {"fields": ("jurisdictions", "member_units")}),
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .annotate(_units=Count("jurisdictions", distinct=True) + Count("member_units", distinct=True))
        )

    @admin.display(description=gettext_lazy("承办单位数"), ordering="_units")
    def unit_count(self, obj: CampaignTask) -> int:
        return obj._units


class ReturnPhotoInline(admin.TabularInline):
    model = ReturnPhoto
    extra = 0
    fields = ("preview", "width", "height", "selected_for_summary")
    readonly_fields = ("preview", "width", "height")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("照片"))
    def preview(self, obj: ReturnPhoto) -> str:
        full = reverse("admin:campaigns_activityreturn_photo", args=[obj.pk])
        thumb = reverse("admin:campaigns_activityreturn_photo_thumbnail", args=[obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener"><img src="{}" class="return-thumb" alt=""></a>',
                           full, thumb)  # fmt: skip


REVIEW_FIELDS = ("status", "is_late", "late_days", "first_submitted_at", "submitted_at", "reviewed_by", "reviewed_at",
                 "return_reason", "created_by")  # fmt: skip


class SendBackForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("退回原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ReviewFilter(admin.SimpleListFilter):
    """One "待审核" choice for both submitted and resubmitted returns (issue 13; the office desk links to it)."""

    title = gettext_lazy("审核")
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("waiting", _("待审核（已报送和已重新报送）"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "waiting":
            return queryset.filter(status__in=AWAITING_REVIEW)
        return queryset


@admin.register(ActivityReturn)
class ActivityReturnAdmin(SafeImportExportAdmin):
    resource_classes = [ActivityReturnResource]
    list_display = ("title", "unit", "task", "period_due", "activity_type", "sessions", "participants",
                    "status", "is_late", "first_submitted_at")  # fmt: skip
    list_filter = (
        ReviewFilter,
        "status",
        "is_late",
        "task__campaign",
        "activity_type",
        ("jurisdiction", RelatedOnlyFieldListFilter),
    )
    search_fields = ("title", "place", "description", "jurisdiction__name", "member_unit__name", "task__title")
    list_select_related = ("task", "jurisdiction", "member_unit")
    date_hierarchy = "activity_date"
    list_per_page = 50
    inlines = [ReturnPhotoInline, ReturnAttachmentInline]
    actions = ["accept_selected", "send_back_selected"]
    change_form_template = "admin/campaigns/activityreturn/change_form.html"
    fieldsets = [
        (None, {"fields": ("task", "jurisdiction", "member_unit", "period_due")}),
        (
            gettext_lazy("活动情况"),
            {"fields": ("activity_type", "title", "activity_date", "place", "sessions", "participants", "description")},
        ),
        (gettext_lazy("演练、培训、咨询与经费"), {"fields": COUNT_FIELDS}),
        (gettext_lazy("发放宣传资料"), {"fields": MATERIAL_FIELDS}),
        (gettext_lazy("媒体与曝光"), {"fields": ("media_reports", "media_links", "exposures")}),
        (gettext_lazy("报送与审核"), {"fields": REVIEW_FIELDS}),
    ]

    class Media:
        css = {"all": ("campaigns/admin.css",)}

    @admin.display(description=gettext_lazy("报送单位"), ordering="jurisdiction__code")
    def unit(self, obj: ActivityReturn) -> str:
        return obj.unit_name

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Staff review returns; the content belongs to the unit that filed it.
        return [field.name for field in self.opts.concrete_fields if field.name != "id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # returns are filed in the portal, or imported

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list:
        extra = [
            path("photo/<int:photo_id>/", self.admin_site.admin_view(self.photo_view),
                 name="campaigns_activityreturn_photo"),
            path("photo/<int:photo_id>/thumbnail/", self.admin_site.admin_view(self.photo_view),
                 {"thumbnail": True}, name="campaigns_activityreturn_photo_thumbnail"),
        ]  # fmt: skip
        return extra + super().get_urls()

    def photo_view(self, request: HttpRequest, photo_id: int, thumbnail: bool = False) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        photo = ReturnPhoto.objects.filter(pk=photo_id).first()
        if photo is None:
            raise Http404
        return image_response(photo.thumbnail if thumbnail else photo.image, download_name=f"photo-{photo.pk}.jpg")

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        obj = self.get_object(request, object_id)
        if request.method == "POST" and obj is not None and ("_accept" in request.POST or "_send_back" in request.POST):
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            return self._review_one(request, obj)
        events = list(obj.events.select_related("actor")) if obj is not None else []
        extra_context = {
            **(extra_context or {}),
            "can_review": obj is not None
            and obj.status in AWAITING_REVIEW
            and self.has_change_permission(request, obj),
            "events": events,
            # A resubmission: what changed since it was sent back (None when there is nothing to compare).
            "changes": changes_since_returned(obj, events) if obj is not None else None,
            "resubmitted": obj is not None and obj.status == ReturnStatus.RESUBMITTED,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _review_one(self, request: HttpRequest, obj: ActivityReturn) -> HttpResponse:
        here = HttpResponseRedirect(request.path)
        try:
            if "_accept" in request.POST:
                services.accept_return(activity_return=obj, by=request.user)
                self.message_user(request, _("已审核通过：%(title)s。") % {"title": obj.title})
            else:
                services.send_back_return(
                    activity_return=obj, by=request.user, reason=request.POST.get("return_reason", "")
                )
                self.message_user(request, _("已退回修改：%(title)s。") % {"title": obj.title})
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
        return here

    def _report(self, request: HttpRequest, result: services.BulkResult, done_text: str) -> None:
        if result.done:
            self.message_user(request, done_text % {"n": len(result.done)})
        for pk, reason in result.skipped[:20]:
            self.message_user(
                request, _("报送%(pk)s未处理：%(reason)s") % {"pk": pk, "reason": reason}, messages.WARNING
            )

    @admin.action(description=gettext_lazy("审核通过所选报送"), permissions=["change"])
    def accept_selected(self, request: HttpRequest, queryset: Any) -> None:
        result = services.review_returns(ids=queryset.values_list("pk", flat=True), by=request.user, accept=True)
        self._report(request, result, _("已审核通过%(n)s份报送。"))

    @admin.action(description=gettext_lazy("退回修改所选报送"), permissions=["change"])
    def send_back_selected(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        form = SendBackForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            result = services.review_returns(
                ids=queryset.values_list("pk", flat=True),
                by=request.user,
                accept=False,
                reason=form.cleaned_data["reason"],
            )
            self._report(request, result, _("已退回%(n)s份报送。"))
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("退回修改所选报送"),
            "form": form,
            "returns": queryset.select_related("jurisdiction", "member_unit")[:200],
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action": "send_back_selected",
        }
        return TemplateResponse(request, "admin/campaigns/activityreturn/send_back.html", context)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("date", "officer", "task", "kind", "emailed_at", "read_at")
    list_filter = ("kind", "date")
    search_fields = ("message", "officer__username", "task__title")
    list_select_related = ("officer", "task")
    date_hierarchy = "date"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


SUMMARY_RECORD_FIELDS = ("status", "number", "issued_on", "issued_by", "current_figures", "documents_panel")


@admin.register(CampaignSummary)
class CampaignSummaryAdmin(IssuingAdminMixin, admin.ModelAdmin):
    list_display = ("title", "campaign", "number", "status", "issued_on", "created_at")
    list_filter = ("status", "campaign")
    search_fields = ("title", "number", "narrative")
    list_select_related = ("campaign", "authority")
    autocomplete_fields = ("campaign",)
    draft_buttons = (("_redraft", gettext_lazy("按最新数据重新生成草稿")),)
    preview_label = gettext_lazy("保存并生成预览（PDF和Excel）")
    repreview_label = gettext_lazy("重新生成预览（PDF和Excel）")
    preview_submitted = gettext_lazy("已提交生成预览PDF和统计表Excel，完成后可在下方下载。")
    Media = DocumentStatusMedia

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [(None, {"fields": ("campaign", "authority", "title"), "description": _(
                "保存后系统将根据已审核通过的活动报送生成总结草稿（基本情况、主要做法、特色亮点、存在问题、下一步打算），"
                "请在草稿基础上修改。")})]  # fmt: skip
        return [
            (None, {"fields": ("campaign", "authority", "title", "narrative")}),
            (gettext_lazy("统计、印发与文件"), {"fields": SUMMARY_RECORD_FIELDS}),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        if not obj.is_editable:
            return ("campaign", "authority", "title", "narrative", *SUMMARY_RECORD_FIELDS)
        return ("campaign", *SUMMARY_RECORD_FIELDS)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # summaries are legal records, drafts included

    def save_model(self, request: HttpRequest, obj: CampaignSummary, form: Any, change: bool) -> None:
        if not change:
            drafted = services.create_summary(
                campaign=obj.campaign, authority=obj.authority, by=request.user, title=obj.title
            )
            obj.pk, obj.title, obj.narrative, obj.created_by = (
                drafted.pk,
                drafted.title,
                drafted.narrative,
                request.user,
            )
            obj._state.adding = False
            return
        if not obj.is_editable:
            return
        super().save_model(request, obj, form, change)

    @admin.display(description=gettext_lazy("当前统计（已审核报送）"))
    def current_figures(self, obj: CampaignSummary) -> str:
        """An issued summary's figures as frozen at issue (what its papers say); a draft's live, labelled so."""
        figures = figures_for_summary(obj, photo_limit=0)
        when = {"when": figures.taken_text()}
        if figures.frozen:
            label = _("印发时冻结的数据（截至%(when)s）") % when
        elif figures.issued_unfrozen:
            label = _("实时数据（印发时未保存统计数据，截至%(when)s）") % when
        else:
            label = _("实时数据（截至%(when)s，印发时冻结）") % when
        totals = figures.totals
        return format_html(
            "<strong class='figures-source'>{}</strong>：{}份报送，{}场次，{}人次；发放{}；媒体报道{}条，"
            "曝光典型案例{}个（曝光台公开案例{}个）。",
            label, totals["returns"], totals["sessions"], totals["participants"], figures.materials_text(),
            totals["media_reports"], totals["exposures"], figures.exposure_cases,
        )  # fmt: skip

    def response_record_button(self, request: HttpRequest, obj: CampaignSummary) -> HttpResponse | None:
        if "_redraft" not in request.POST or not obj.is_editable:
            return None
        try:
            services.redraft_narrative(summary=obj)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(request, _("已根据最新的已审核报送重新生成总结草稿。"))
        return HttpResponseRedirect(request.path)


# The cascade's admin (issue 12): the offices' issuing authorities and the roll-up view routed above.
from .cascade_admin import rollup_view  # noqa: E402
