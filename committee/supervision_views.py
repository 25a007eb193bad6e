"""Supervision pages: the unit's portal (/portal/committee/supervision/: its supervisions, a detail page with the
progress form, the extension request form, attachment downloads) and the public listing (/supervision/).

Portal reads are scoped (``for_user``): another unit's supervision is "not found" (404) and nothing changes. Writes
are POST-only with CSRF, through ``supervision_services``; only the responsible unit itself writes."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns.attachment_views import officer_or_staff_required
from safetyportal import workdays
from safetyportal.uploads import AttachmentField, MultipleFileInput, attachment_response
from safetyportal.views import officer_required

from . import supervision_selectors as selectors
from . import supervision_services as services
from .supervision_models import ExtensionStatus, Supervision

PAGE_SIZE = 20
PUBLIC_PAGE_SIZE = 20


class ProgressForm(forms.Form):
    text = forms.CharField(
        label=_("整改进展"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4, "maxlength": 5000})
    )
    photos = AttachmentField(
        label=_("整改现场照片"),
        required=False,
        max_files=services.MAX_PROGRESS_FILES,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=_("可直接拍照上传（JPEG/PNG）。"),
    )
    files = AttachmentField(
        label=_("附件"),
        required=False,
        max_files=services.MAX_PROGRESS_FILES,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx"}),
        help_text=_("PDF、Word、Excel文件；现场图片请在上一栏上传，两栏合计一次最多10个。"),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        uploads = [*(data.get("photos") or []), *(data.get("files") or [])]
        if len(uploads) > services.MAX_PROGRESS_FILES:
            raise forms.ValidationError(_("照片与附件合计一次最多上传10个。"))
        data["uploads"] = uploads
        return data


class ExtensionForm(forms.Form):
    requested_deadline = forms.DateField(
        label=_("申请延期至"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("须晚于当前整改期限")
    )
    reason = forms.CharField(
        label=_("延期理由"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4, "maxlength": 4000})
    )


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isascii() and value.isdigit() and 0 < len(value) < 7 else 1


def _hazard_infos(supervisions: list[Supervision]) -> dict[int, object]:
    from inspections.supervision_bridge import hazard_infos

    return hazard_infos(s.hazard_id for s in supervisions if s.hazard_id)  # type: ignore[return-value]


def _deadline_texts(supervision: Supervision) -> dict[str, str]:
    try:
        last_request = services.extension_request_last_day(supervision.deadline)
    except ValidationError as error:
        last_request_text = "；".join(error.messages)
        last_request = None
    else:
        last_request_text = f"{last_request:%Y-%m-%d}"
    return {
        "deadline": f"{supervision.deadline:%Y-%m-%d}（{workdays.rule_label(supervision.working_days)}）",
        "last_request": last_request_text,
        "last_request_passed": bool(last_request and timezone.localdate() > last_request),
    }  # type: ignore[dict-item]


@require_GET
@officer_required
def supervision_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    page = Paginator(selectors.supervisions_for(request.user), PAGE_SIZE).get_page(_page_number(request))
    items = list(page.object_list)
    hazards = _hazard_infos(items)
    rows = [
        {
            "s": s,
            "overdue": s.is_overdue(today),
            "hazard": hazards.get(s.hazard_id) if s.hazard_id else None,
            "mine": services.may_report(request.user, s),
        }
        for s in items
    ]
    return render(
        request,
        "committee/supervision_list.html",
        {"page": page, "rows": rows, "counts": selectors.unit_counts(request.user, today)},
    )


def _detail_context(request: HttpRequest, supervision: Supervision) -> dict[str, object]:
    hazards = _hazard_infos([supervision])
    requests_ = selectors.extension_requests(supervision)
    return {
        "s": supervision,
        "hazard": hazards.get(supervision.hazard_id) if supervision.hazard_id else None,
        "overdue": supervision.is_overdue(),
        "mine": services.may_report(request.user, supervision),
        "reports": selectors.progress_reports(supervision),
        "extensions": requests_,
        "pending": any(r.status == ExtensionStatus.PENDING for r in requests_),
        "events": selectors.events(supervision),
        "texts": _deadline_texts(supervision),
    }


@require_GET
@officer_required
def supervision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supervision = selectors.supervision_for(request.user, pk)
    context = _detail_context(request, supervision)
    context["form"] = ProgressForm()
    return render(request, "committee/supervision_detail.html", context)


@require_POST
@officer_required
def supervision_progress(request: HttpRequest, pk: int) -> HttpResponse:
    supervision = selectors.supervision_for(request.user, pk)
    if not services.may_report(request.user, supervision):
        raise Http404
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.file_progress(
                supervision=supervision,
                by=request.user,  # type: ignore[arg-type]
                text=form.cleaned_data["text"],
                files=form.cleaned_data["uploads"],
            )
        except ValidationError as error:
            _field_errors(form, error)
        else:
            messages.success(request, _("整改进展已报送。"))
            return redirect("committee:supervision_detail", pk=supervision.pk)
    context = _detail_context(request, supervision)
    context["form"] = form
    return render(request, "committee/supervision_detail.html", context, status=400)


@require_http_methods(["GET", "POST"])
@officer_required
def supervision_extension(request: HttpRequest, pk: int) -> HttpResponse:
    supervision = selectors.supervision_for(request.user, pk)
    if not services.may_report(request.user, supervision):
        raise Http404
    form = ExtensionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.request_extension(
                    supervision=supervision,
                    by=request.user,  # type: ignore[arg-type]
                    reason=form.cleaned_data["reason"],
                    requested_deadline=form.cleaned_data["requested_deadline"],
                )
            except ValidationError as error:
                _field_errors(form, error)
            else:
                messages.success(request, _("延期申请已提交，请等待批复。"))
                return redirect("committee:supervision_detail", pk=supervision.pk)
        status = 400
    return render(
        request,
        "committee/supervision_extension.html",
        {"s": supervision, "form": form, "texts": _deadline_texts(supervision)},
        status=status,
    )


def _field_errors(form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_GET
@officer_or_staff_required
def supervision_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    attachment = selectors.attachment_for(request.user, pk, attachment_pk)
    return attachment_response(
        attachment.stored_name, display_name=attachment.display_name, content_type=attachment.content_type
    )


@require_GET
@officer_or_staff_required
def supervision_evidence(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    evidence = selectors.evidence_for(request.user, pk, evidence_pk)
    return attachment_response(
        evidence.stored_name, display_name=evidence.display_name, content_type=evidence.content_type
    )


# --- Public listing ----------


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_supervisions(), PUBLIC_PAGE_SIZE).get_page(_page_number(request))
    rows = [selectors.public_row(s) for s in page.object_list]
    return render(
        request,
        "committee/supervision_public_list.html",
        {"page": page, "rows": rows, "counts": selectors.public_counts()},
    )
