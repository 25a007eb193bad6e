from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import views
from .models import DocumentStatus, GeneratedDocument, IssuingAuthority


class DocumentStatusMedia:
    js = ("js/document-status.js",)
    css = {"all": ("css/admin-extra.css",)}


def status_widget(document: GeneratedDocument) -> str:
    """A progress bar that static/js/document-status.js keeps up to date, and a download link when done."""
    status_url = reverse("admin:safetyportal_generateddocument_status", args=[document.pk])
    download_url = reverse("admin:safetyportal_generateddocument_download", args=[document.pk])
    return format_html(
        '<span class="doc-status" data-status-url="{}" data-download-url="{}" data-finished="{}">'
        '<progress max="100" value="{}"></progress> <span class="doc-label">{}</span> '
        '<a class="doc-download" href="{}"{}>下载PDF</a><span class="doc-error">{}</span></span>',
        status_url,
        download_url,
        "1" if document.status in (DocumentStatus.DONE, DocumentStatus.FAILED) else "0",
        document.progress,
        document.get_status_display(),
        download_url,
        "" if document.status == DocumentStatus.DONE else " hidden",
        document.error,
    )


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "number", "is_preview", "live_status", "page_count", "created_at", "requested_by")
    list_filter = ("status", "kind", "is_preview")
    search_fields = ("title", "number")
    list_select_related = ("requested_by",)
    date_hierarchy = "created_at"
    list_per_page = 50
    readonly_fields = (
        "uuid",
        "kind",
        "title",
        "requested_by",
        "is_preview",
        "live_status",
        "attempts",
        "error",
        "sha256",
        "page_count",
        "size_bytes",
        "authority",
        "number",
        "issued_on",
        "verify_token",
        "created_at",
        "enqueued_at",
        "started_at",
        "finished_at",
    )
    exclude = ("file", "source_type", "source_id", "status", "progress")
    Media = DocumentStatusMedia

    @admin.display(description=_("状态"))
    def live_status(self, obj: GeneratedDocument) -> str:
        return status_widget(obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # issued documents are legal records

    def get_urls(self) -> list:
        extra = [
            path(
                "<int:pk>/status/",
                self.admin_site.admin_view(views.document_status),
                name="safetyportal_generateddocument_status",
            ),
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(views.document_download),
                name="safetyportal_generateddocument_download",
            ),
        ]
        return extra + super().get_urls()


@admin.register(IssuingAuthority)
class IssuingAuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "header", "is_active")
    search_fields = ("name", "code")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
