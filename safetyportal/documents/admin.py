from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from safetyportal.types import signed_in_user

from . import views
from .forms import NextSerialForm, ReserveForm
from .models import (
    DocumentNumberSequence,
    DocumentStatus,
    GeneratedDocument,
    IssuingAuthority,
    RegisterEntry,
    RegisterOrigin,
)
from .numbering import REGISTER_PERMISSION, reserve_number, set_next_serial, update_reserved_entry
from .registry import CONTENT_TYPES, kind_label, kind_output, registered_kinds
from .seals import AuthorityForm, AuthoritySealForm, seal_preview_html, set_seal


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
        '<a class="doc-download" href="{}"{}>{}</a><span class="doc-error">{}</span></span>',
        status_url,
        download_url,
        "1" if document.status in (DocumentStatus.DONE, DocumentStatus.FAILED) else "0",
        document.progress,
        document.get_status_display(),
        download_url,
        "" if document.status == DocumentStatus.DONE else " hidden",
        DOWNLOAD_LABELS[kind_output(document.kind)],
        document.error,
    )


DOWNLOAD_LABELS = {"pdf": _("下载PDF"), "xlsx": _("下载Excel")}


@require_GET
@staff_member_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """A finished document's file (PDF or xlsx) for staff who may view documents."""
    document = views._staff_document(request, pk)
    if document.status != DocumentStatus.DONE or not document.file:
        raise Http404
    output = kind_output(document.kind)
    filename = f"{document.number or document.title}.{output}".replace("/", "-")
    response = FileResponse(
        document.file.open("rb"), content_type=CONTENT_TYPES[output], as_attachment=True, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


class KindFilter(admin.SimpleListFilter):
    """文书类型 by the registered kinds' Chinese names (the stored codes are notice, campaign_summary …)."""

    title = _("文书类型")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(kind, str(label)) for kind, label in registered_kinds()]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "kind_name",
        "number",
        "is_preview",
        "live_status",
        "page_count",
        "created_at",
        "requested_by",
    )
    list_filter = ("status", KindFilter, "is_preview")
    search_fields = ("title", "number")
    list_select_related = ("requested_by",)
    date_hierarchy = "created_at"
    list_per_page = 50
    readonly_fields = (
        "file_code",
        "kind_name",
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
    exclude = ("file", "source_type", "source_id", "status", "progress", "kind", "uuid")
    Media = DocumentStatusMedia

    @admin.display(description=_("状态"))
    def live_status(self, obj: GeneratedDocument) -> str:
        return status_widget(obj)

    @admin.display(description=_("文书类型"), ordering="kind")
    def kind_name(self, obj: GeneratedDocument) -> str:
        return kind_label(obj.kind)

    @admin.display(description=_("文件识别码"))
    def file_code(self, obj: GeneratedDocument) -> str:
        return str(obj.uuid)

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
                self.admin_site.admin_view(document_download),
                name="safetyportal_generateddocument_download",
            ),
        ]
        return extra + super().get_urls()


@admin.register(IssuingAuthority)
class IssuingAuthorityAdmin(admin.ModelAdmin):
    """Authorities; only a superuser uploads or removes the electronic seal (documents/seals.py)."""

    list_display = ("name", "code", "header", "has_seal", "is_active")
    search_fields = ("name", "code")
    readonly_fields = ("seal_preview",)

    @admin.display(description=_("电子印章"), boolean=True)
    def has_seal(self, obj: IssuingAuthority) -> bool:
        return bool(obj.seal)

    @admin.display(description=_("电子印章"))
    def seal_preview(self, obj: IssuingAuthority) -> str:
        return seal_preview_html(obj)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = ("name", "header", "code", "contact", "is_active", "seal_preview")
        return (*fields, "seal_upload", "remove_seal") if request.user.is_superuser else fields

    def get_readonly_fields(self, request: HttpRequest, obj: IssuingAuthority | None = None) -> Any:
        # the code is in every number of the register: fixed once it has a row (IssuingAuthority.check_code_unchanged)
        locked = ("code",) if obj is not None and obj.has_register_entries() else ()
        return (*self.readonly_fields, *locked)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = AuthoritySealForm if request.user.is_superuser else AuthorityForm
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request: HttpRequest, obj: IssuingAuthority, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not (request.user.is_superuser and isinstance(form, AuthoritySealForm)):
            return
        if form.cleaned_data.get("seal_upload"):
            set_seal(obj, form.cleaned_data["seal_upload"], by=signed_in_user(request))
        elif form.cleaned_data.get("remove_seal") and obj.seal:
            set_seal(obj, None, by=signed_in_user(request))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


SEQUENCES_SHOWN = 20  # the latest authority-years above the register list

# The number register (发文登记簿) ------------------------------------------------------------------------------------


@admin.register(RegisterEntry)
class RegisterEntryAdmin(admin.ModelAdmin):
    """Every number, issued here or reserved for a paper issued outside the portal: one row each, no gap. Rows are
    written by the numbering services only; staff may complete the title and note of a reserved number."""

    list_display = (
        "number",
        "authority",
        "origin",
        "kind_display",
        "title",
        "source_link",
        "created_by",
        "created_at",
        "note",
    )
    list_filter = ("authority", "year", "origin")
    search_fields = ("number", "title", "note")
    list_select_related = ("authority", "created_by", "source_type")
    list_per_page = 100
    ordering = ("-year", "authority", "-serial")
    change_list_template = "admin/documents/register_change_list.html"
    fields = (
        "number",
        "authority",
        "year",
        "serial",
        "origin",
        "kind_display",
        "title",
        "source_link",
        "created_by",
        "created_at",
        "note",
    )

    @admin.display(description=_("文书类型"), ordering="kind")
    def kind_display(self, obj: RegisterEntry) -> str:
        return kind_label(obj.kind) if obj.kind else "—"

    @admin.display(description=_("文书"))
    def source_link(self, obj: RegisterEntry) -> str:
        if obj.source_type_id is None or obj.source_id is None:
            return "—"
        content_type = obj.source_type
        if content_type is None:  # (never, with source_type_id set)
            return "—"
        try:
            url = reverse(f"admin:{content_type.app_label}_{content_type.model}_change", args=[obj.source_id])
        except NoReverseMatch:
            return "—"
        return format_html('<a href="{}">{}</a>', url, gettext("查看"))

    def get_readonly_fields(self, request: HttpRequest, obj: RegisterEntry | None = None) -> Any:
        if obj is not None and obj.origin == RegisterOrigin.RESERVED:
            return [name for name in self.fields if name not in ("title", "note")]
        return self.fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if "note" in form.base_fields:
            form.base_fields["note"].required = True  # a reserved number says what it was used for
        return form

    def save_model(self, request: HttpRequest, obj: RegisterEntry, form: Any, change: bool) -> None:
        """The title and note of a reserved number, through the numbering service (history row)."""
        if not change:
            raise PermissionDenied
        update_reserved_entry(entry=obj, by=signed_in_user(request), title=obj.title, note=obj.note)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # numbers are taken by issuing, by reserving or by setting the next serial (the pages below)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        sequences = DocumentNumberSequence.objects.select_related("authority").order_by("-year", "authority__name")
        extra_context = {
            **(extra_context or {}),
            "sequences": sequences[:SEQUENCES_SHOWN],
            "can_register": request.user.has_perm(REGISTER_PERMISSION),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("next-serial/", view(self.next_serial_view), name="safetyportal_registerentry_next_serial"),
            path("reserve/", view(self.reserve_view), name="safetyportal_registerentry_reserve"),
            *super().get_urls(),
        ]

    def _register_page(
        self,
        request: HttpRequest,
        form_class: type[forms.Form],
        act: Callable[[dict[str, Any], Any], str],
        texts: tuple[str, str, str],
    ) -> HttpResponse:
        """A register page (set the next serial, reserve): the form, then ``act(cleaned_data, user)`` whose answer
        is the success message; a refusal of the service shows on the form. ``texts``: title, intro, button."""
        if not request.user.has_perm(REGISTER_PERMISSION):
            raise PermissionDenied
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                done = act(data, signed_in_user(request))
            except ValidationError as error:
                for field, messages in getattr(error, "message_dict", {None: error.messages}).items():
                    form.add_error(field if field in form.fields else None, messages)
            else:
                self.message_user(request, done)
                url = reverse("admin:safetyportal_registerentry_changelist")
                return HttpResponseRedirect(f"{url}?authority__id__exact={data['authority'].pk}&year={data['year']}")
        title, intro, submit = texts
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "form": form,
            "intro": intro,
            "submit_label": submit,
        }
        return TemplateResponse(request, "admin/documents/register_form.html", context)

    def next_serial_view(self, request: HttpRequest) -> HttpResponse:
        def act(data: dict[str, Any], by: Any) -> str:
            skipped = set_next_serial(
                authority=data["authority"],
                year=data["year"],
                next_serial=data["next_serial"],
                by=by,
                note=data["note"],
            )
            return gettext(
                "已设定%(code)s〔%(year)s〕下一序号为%(serial)s号，%(skipped)s个序号登记为门户外已编号。"
            ) % {
                "code": data["authority"].code,
                "year": data["year"],
                "serial": data["next_serial"],
                "skipped": skipped,
            }

        intro = gettext(
            "用于与本单位原有的发文登记簿衔接：门户下一次印发将使用设定的序号。设定值必须大于已使用或预留的序号。"
        )
        return self._register_page(request, NextSerialForm, act, (gettext("设定下一序号"), intro, gettext("确认设定")))

    def reserve_view(self, request: HttpRequest) -> HttpResponse:
        def act(data: dict[str, Any], by: Any) -> str:
            entry = reserve_number(
                authority=data["authority"],
                year=data["year"],
                by=by,
                note=data["note"],
                title=data["title"],
                serial=data["serial"],
            )
            return gettext("已预留%(number)s。") % {"number": entry.number}

        intro = gettext("为门户外印发的文件（纸质发文等）预留一个文号，门户印发时将跳过该文号。")
        return self._register_page(request, ReserveForm, act, (gettext("预留文号"), intro, gettext("确认预留")))
