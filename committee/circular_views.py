"""Portal pages of the circulars (/portal/committee/circulars/): the unit's list, one circular (its sections and
frozen tables, the PDF), opening recorded. A circular not addressed to the unit is "not found" (404)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safetyportal.documents.models import DocumentStatus
from safetyportal.types import signed_in_user
from safetyportal.views import officer_required

from . import circular_selectors as selectors
from . import circular_services as services
from .circular_documents import circular_context

PAGE_SIZE = 20


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isascii() and value.isdigit() and 0 < len(value) < 7 else 1


@require_GET
@officer_required
def circular_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.circulars_for(request.user), PAGE_SIZE).get_page(_page_number(request))
    return render(
        request,
        "committee/circular_list.html",
        {"page": page, "counts": selectors.circular_counts(request.user)},
    )


@require_GET
@officer_required
def circular_detail(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = selectors.receipt_for(request.user, pk)
    services.open_receipt(receipt=receipt, by=signed_in_user(request))
    circular = receipt.circular
    document = circular.document
    return render(
        request,
        "committee/circular_detail.html",
        {
            "receipt": receipt,
            **circular_context(circular),
            "has_pdf": document is not None and document.status == DocumentStatus.DONE and bool(document.file),
            "pdf_pending": document is not None
            and document.status in (DocumentStatus.QUEUED, DocumentStatus.RENDERING),
        },
    )


@require_GET
@officer_required
def circular_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The issued PDF, to the addressed units only (downloading it counts as opening it)."""
    receipt = selectors.receipt_for(request.user, pk)
    document = receipt.circular.document
    if document is None or document.status != DocumentStatus.DONE or not document.file:
        raise Http404
    services.open_receipt(receipt=receipt, by=signed_in_user(request))
    filename = f"{receipt.circular.number or receipt.circular.title}.pdf".replace("/", "-")
    response = FileResponse(
        document.file.open("rb"), content_type="application/pdf", as_attachment=True, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
