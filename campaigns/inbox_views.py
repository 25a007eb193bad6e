"""The unit's notice inbox in the officer portal (/portal/inbox/, 收文): list, notice page, PDF and 签收.

Every receipt is loaded through the officer's own unit (inbox_selectors.inbox_receipt): another unit's receipt is
"not found" (404), exactly like one that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safetyportal.documents.models import DocumentStatus
from safetyportal.views import officer_required

from . import inbox_selectors as selectors
from . import inbox_services as services
from .inbox_forms import InboxFilterForm

PAGE_SIZE = 20


@require_GET
@officer_required
def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    q = show = ""
    if form.is_valid():
        q, show = form.cleaned_data["q"], form.cleaned_data["show"]
    page = Paginator(selectors.inbox(request.user, q=q, show=show), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "campaigns/portal/inbox_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "counts": selectors.inbox_counts(request.user)},
    )


@require_GET
@officer_required
def inbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = selectors.inbox_receipt(request.user, pk)
    services.open_receipt(receipt=receipt, by=request.user)
    notice = receipt.notice
    document = notice.document
    return render(
        request,
        "campaigns/portal/inbox_detail.html",
        {
            "receipt": receipt,
            "notice": notice,
            "has_pdf": document is not None and document.status == DocumentStatus.DONE and bool(document.file),
            "pdf_pending": document is not None
            and document.status in (DocumentStatus.QUEUED, DocumentStatus.RENDERING),
            "attachments": selectors.notice_attachments(notice),
        },
    )


@require_GET
@officer_required
def inbox_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The issued PDF of a notice addressed to the unit (downloading it counts as opening it)."""
    receipt = selectors.inbox_receipt(request.user, pk)
    document = receipt.notice.document
    if document is None or document.status != DocumentStatus.DONE or not document.file:
        raise Http404
    services.open_receipt(receipt=receipt, by=request.user)
    filename = f"{receipt.notice.number or receipt.notice.title}.pdf".replace("/", "-")
    response = FileResponse(
        document.file.open("rb"), content_type="application/pdf", as_attachment=True, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@officer_required
def inbox_sign(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = selectors.inbox_receipt(request.user, pk)
    already = receipt.is_signed
    services.sign_receipt(receipt=receipt, by=request.user)
    if already:
        messages.info(request, _("该通知已由%(name)s签收。") % {"name": receipt.signer_name})
    else:
        messages.success(request, _("已签收。"))
    return redirect("portal:inbox_detail", pk=pk)
