from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetyportal.documents.admin import DocumentStatusMedia, status_widget
from safetyportal.documents.selectors import documents_for

from . import services
from .models import Campaign, Notice

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
RECORD_FIELDS = ("status", "number", "issued_on", "issued_by", "issued_at", "supersedes_link", "documents_panel")


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("title", "number", "authority", "status", "issued_on", "created_at")
    list_filter = ("status", "authority", "issued_on")
    search_fields = ("title", "number", "body")
    list_select_related = ("authority",)
    autocomplete_fields = ("recipient_jurisdictions", "recipient_units")
    date_hierarchy = "created_at"
    change_form_template = "admin/campaigns/notice/change_form.html"
    list_per_page = 50
    Media = DocumentStatusMedia

    def get_fieldsets(self, request: HttpRequest, obj: Notice | None = None) -> Any:
        fieldsets = [(None, {"fields": CONTENT_FIELDS})]
        if obj is not None:
            fieldsets.append((gettext_lazy("印发与文件"), {"fields": RECORD_FIELDS}))
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Notice | None = None) -> Any:
        if obj is not None and not obj.is_editable:
            return CONTENT_FIELDS + RECORD_FIELDS
        return RECORD_FIELDS

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # notices are legal records: superseded, never deleted

    @admin.display(description=gettext_lazy("更正的原通知"))
    def supersedes_link(self, obj: Notice) -> str:
        if not obj.supersedes_id:
            return "—"
        url = reverse("admin:campaigns_notice_change", args=[obj.supersedes_id])
        return format_html('<a href="{}">{}</a>', url, obj.supersedes)

    @admin.display(description=gettext_lazy("生成的文件"))
    def documents_panel(self, obj: Notice) -> str:
        documents = documents_for(obj)
        if not documents:
            return _("尚未生成文件。")
        return format_html(
            "<ul class='doc-list'>{}</ul>",
            format_html_join(
                "",
                "<li>{}：{}</li>",
                ((_("预览稿") if d.is_preview else d.number or _("正式文件"), status_widget(d)) for d in documents),
            ),
        )

    def save_model(self, request: HttpRequest, obj: Notice, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_change(self, request: HttpRequest, obj: Notice) -> HttpResponse:
        here = HttpResponseRedirect(request.path)
        try:
            if "_preview" in request.POST:
                services.preview_notice(notice=obj, by=request.user)
                self.message_user(request, _("已提交预览，生成完成后可在下方下载。"))
                return here
            if "_issue" in request.POST:
                notice = services.issue_notice(notice=obj, by=request.user)
                self.message_user(
                    request, _("通知已印发，发文字号：%(number)s。正式文件生成中。") % {"number": notice.number}
                )
                return here
            if "_correct" in request.POST:
                correction = services.draft_correction(notice=obj, by=request.user)
                self.message_user(request, _("已创建更正通知草稿，印发后将替代原通知。"))
                return HttpResponseRedirect(reverse("admin:campaigns_notice_change", args=[correction.pk]))
        except PermissionDenied:
            self.message_user(request, _("您没有印发通知的权限。"), messages.ERROR)
            return here
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return here
        if not obj.is_editable:  # a plain save posted to an issued notice: nothing was saved, say so
            self.message_user(request, _("已印发的通知不能修改，如需更正请创建更正通知。"), messages.ERROR)
            return here
        return super().response_change(request, obj)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        notice = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "notice_is_draft": notice is not None and notice.is_editable,
            "can_issue": request.user.has_perm("campaigns.issue_notice"),
        }
        # Buttons on an issued (read-only) notice post without form fields: handle them before the form.
        if request.method == "POST" and notice is not None and not notice.is_editable:
            if not self.has_change_permission(request, notice) or (
                "_correct" in request.POST and not self.has_add_permission(request)
            ):
                raise PermissionDenied
            return self.response_change(request, notice)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "kind", "edition", "starts_on", "ends_on", "jurisdiction", "status")
    list_filter = ("kind", "year", "status")
    search_fields = ("name", "national_theme", "local_theme")
    list_select_related = ("jurisdiction", "parent")
    autocomplete_fields = ("jurisdiction", "parent")
