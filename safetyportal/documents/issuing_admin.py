"""One admin for every issued record (notice, campaign summary, rectification order...): preview, confirm, issue.

``IssuingAdminMixin`` goes before ``admin.ModelAdmin`` (or the app's own admin base). It gives the change form the
buttons (``admin/documents/change_form.html``), the "生成的文件" panel with live status, and two pages drawn by one
template (``admin/documents/issue.html``):

- ``<pk>/pdf-preview/``: a preview PDF (and companions) of the live data; GET shows the button, POST requests it;
- ``<pk>/issue/``: GET is the confirmation page: the number that will be taken (it may change if another paper is
  issued first: the page's number goes back as ``expected_number`` and ``services.issue`` refuses a different one),
  the addressees, the page count of the latest finished preview; POST issues.

Both pages answer POST only with Django's CSRF check (the admin's), and need the change permission on the record;
issuing also needs the model's ``issue_permission`` (checked again by the service)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetyportal.types import signed_in_user

from . import services
from .context import chinese_date
from .issuing import IssuedRecord, IssueStatus
from .models import DocumentStatus, GeneratedDocument
from .numbering import next_number
from .registry import get_kind, kind_label
from .selectors import documents_for

ISSUE_TEMPLATE = "admin/documents/issue.html"


def _posted_date(value: str) -> dt.date | None:
    """The 成文日期 the confirmation page showed (ISO), or None if absent or garbled (then only the number guards)."""
    try:
        return dt.date.fromisoformat(value.strip()[:10]) if value.strip() else None
    except ValueError:
        return None


def _names(record: IssuedRecord | type[IssuedRecord]) -> dict[str, Any]:
    return {"name": record._meta.verbose_name, "verb": record.ISSUE_VERB, "label": record.number_label()}


def document_list(documents: list[GeneratedDocument]) -> str:
    """The documents of a record, each with its live status widget (see admin.status_widget)."""
    from .admin import status_widget

    def label(document: GeneratedDocument) -> str:
        which = _("预览稿") if document.is_preview else document.number or _("正式文件")
        return f"{kind_label(document.kind)}·{which}"

    return format_html(
        "<ul class='doc-list'>{}</ul>",
        format_html_join("", "<li>{}：{}</li>", ((label(d), status_widget(d)) for d in documents)),
    )


def latest_preview(record: IssuedRecord) -> GeneratedDocument | None:
    """The newest finished preview PDF of the record (what the confirmation page counts the pages of)."""
    return (
        GeneratedDocument.objects.filter(
            source_type=ContentType.objects.get_for_model(record),
            source_id=record.pk,
            kind=record.DOCUMENT_KIND,
            is_preview=True,
            status=DocumentStatus.DONE,
        )
        .order_by("-finished_at", "-pk")
        .first()
    )


if TYPE_CHECKING:
    _IssuingAdminBase = admin.ModelAdmin[IssuedRecord]
else:
    _IssuingAdminBase = object  # mixed in before the admin's own base (see the module's docstring)


class IssuingAdminMixin(_IssuingAdminBase):
    change_form_template = "admin/documents/change_form.html"
    # Extra buttons of the change form, as (name, label): on a draft, and on an issued record.
    draft_buttons: tuple[tuple[str, Any], ...] = ()
    issued_buttons: tuple[tuple[str, Any], ...] = ()
    preview_label: Any = gettext_lazy("保存并预览PDF")
    repreview_label: Any = gettext_lazy("预览PDF")
    preview_submitted: Any = gettext_lazy("已提交预览，生成完成后可在下方下载。")

    def get_urls(self) -> list[Any]:
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/issue/", view(self.issue_view), name="{}_{}_issue".format(*info)),
            path("<path:object_id>/pdf-preview/", view(self.preview_view), name="{}_{}_pdfpreview".format(*info)),
            *super().get_urls(),
        ]

    def _url(self, record: IssuedRecord, view: str) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}", args=[record.pk])

    def _record(self, request: HttpRequest, object_id: str) -> IssuedRecord:
        record = self.get_object(request, object_id)
        if record is None:
            raise Http404
        if not self.has_change_permission(request, record):
            raise PermissionDenied
        return record

    def _errors(self, request: HttpRequest, error: ValidationError) -> None:
        for message in error.messages:
            self.message_user(request, message, messages.ERROR)

    # The change form ---------------------------------------------------------------------------------------------

    @staticmethod
    def issue_label(model: type[IssuedRecord]) -> str:
        return _("%(verb)s（分配%(label)s并锁定）") % _names(model)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        record = self.get_object(request, object_id)
        model = self.model  # (self.opts.model is the same class, typed by the stubs as any model)
        extra_context = {
            **(extra_context or {}),
            "record_is_draft": record is not None and record.is_editable,
            "can_issue": request.user.has_perm(model.issue_permission),
            "issue_label": self.issue_label(model),
            "preview_label": self.preview_label,
            "repreview_label": self.repreview_label,
            "draft_buttons": self.draft_buttons,
            "issued_buttons": self.get_issued_buttons(record),
        }
        # Buttons on an issued (read-only) record post without form fields: handle them before the form.
        if request.method == "POST" and record is not None and not record.is_editable:
            if not self.has_change_permission(request, record):
                raise PermissionDenied
            return self.response_change(request, record)
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        here = HttpResponseRedirect(request.path)
        if "_issue" in request.POST:
            return HttpResponseRedirect(self._url(obj, "issue"))  # the confirmation page (it refuses an issued one)
        if "_preview" in request.POST:
            services.preview(obj, by=signed_in_user(request))
            self.message_user(request, self.preview_submitted)
            return here
        response = self.response_record_button(request, obj)
        if response is not None:
            return response
        if not obj.is_editable:  # a plain save posted to an issued record: nothing was saved, say so
            self.message_user(request, obj.locked_message, messages.ERROR)
            return here
        return super().response_change(request, obj)

    def get_issued_buttons(self, record: Any) -> Any:
        """The extra buttons of an issued record (a subclass may vary them with the record)."""
        return self.issued_buttons

    def response_record_button(self, request: HttpRequest, obj: Any) -> HttpResponse | None:
        """The admin's own extra buttons (``draft_buttons``, ``issued_buttons``); None if none was pressed."""
        return None

    @admin.display(description=gettext_lazy("生成的文件"))
    def documents_panel(self, obj: IssuedRecord) -> str:
        documents = documents_for(obj)
        return document_list(documents) if documents else _("尚未生成文件。")

    # The preview and confirmation pages --------------------------------------------------------------------------

    def _page(self, request: HttpRequest, record: IssuedRecord, **context: Any) -> TemplateResponse:
        return TemplateResponse(
            request,
            ISSUE_TEMPLATE,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": record,
                "companions": [get_kind(kind).label for _field, kind in record.COMPANIONS],
                **context,
            },
        )

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        record = self._record(request, object_id)
        if request.method == "POST":
            services.preview(record, by=signed_in_user(request))
            self.message_user(request, self.preview_submitted)
            return HttpResponseRedirect(self._url(record, "change"))
        return self._page(request, record, mode="preview", title=_("生成预览稿"))

    def issue_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        record = self._record(request, object_id)
        names = _names(record)
        change = HttpResponseRedirect(self._url(record, "change"))
        if not request.user.has_perm(record.issue_permission):
            self.message_user(request, _("您没有%(verb)s%(name)s的权限。") % names, messages.ERROR)
            return change
        if not record.is_editable:
            refusal = (
                _("该%(name)s已%(verb)s，不能重复%(verb)s。")
                if record.status != IssueStatus.DRAFT
                else (_("已作废的%(name)s不能%(verb)s。"))
            )
            self.message_user(request, refusal % names, messages.ERROR)
            return change
        if request.method == "POST":
            try:
                issued = services.issue(
                    record,
                    by=signed_in_user(request),
                    expected_number=request.POST.get("expected_number", "")[:64] or None,
                    expected_issued_on=_posted_date(request.POST.get("expected_issued_on", "")),
                )
            except PermissionDenied:
                self.message_user(request, _("您没有%(verb)s%(name)s的权限。") % names, messages.ERROR)
                return change
            except ValidationError as error:
                if getattr(error, "code", None) not in ("number_changed", "date_changed"):
                    # Refused (the record's own checks): the page says why, nothing was numbered.
                    return self._confirm_page(request, record, names, refusals=error.messages)
                self._errors(request, error)
                # The number or the date moved on (midnight passed): show the page again with the new ones.
            else:
                done = _("%(name)s已%(verb)s，%(label)s：%(number)s。正式文件生成中。")
                self.message_user(request, done % {**names, "number": issued.number})
                return change
        try:
            record.check_issuable(timezone.localdate())
        except ValidationError as error:
            return self._confirm_page(request, record, names, refusals=error.messages)
        return self._confirm_page(request, record, names)

    def _confirm_page(
        self, request: HttpRequest, record: IssuedRecord, names: dict[str, Any], refusals: list[str] | None = None
    ) -> TemplateResponse:
        """The confirmation page; with ``refusals`` (why the record cannot be issued now) it offers no issue button."""
        today = timezone.localdate()
        _serial, number = next_number(authority=record.authority, year=today.year)
        return self._page(
            request,
            record,
            mode="issue",
            refusals=refusals or [],
            title=_("确认%(verb)s：%(name)s") % names,
            names=names,
            expected_number=number,
            issued_on=today,
            issued_on_label=record._meta.get_field("issued_on").verbose_name,
            issued_on_text=chinese_date(today),
            addressees=record.addressees(),
            preview=latest_preview(record),
            submit_label=_("确认%(verb)s，使用%(number)s") % {**names, "number": number},
        )
