"""The public 通知公告 pages: issued notices staff published on the portal (``Notice.is_public``).

Anonymous, read-only; a draft, a non-public or a superseded notice answers 404. The body is shown with the public
masking (numbers and names, safetyportal.masking.mask_public_text) even though staff are told to publish nothing
personal; the issued PDF is served as a download only while the notice stays issued and public."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safetyportal.documents.models import DocumentStatus
from safetyportal.masking import mask_public_text
from safetyportal.uploads import content_disposition

from . import selectors

PAGE_SIZE = 20


@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_notices(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaigns/public/notice_list.html", {"page": page})


@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.public_notice(pk)
    document = notice.document
    paragraphs = [line for line in mask_public_text(notice.body).text.splitlines() if line.strip()]
    return render(
        request,
        "campaigns/public/notice_detail.html",
        {
            "notice": notice,
            "paragraphs": paragraphs,
            "has_pdf": document is not None and document.status == DocumentStatus.DONE and bool(document.file),
        },
    )


@require_GET
def notice_pdf(request: HttpRequest, pk: int) -> FileResponse:
    notice = selectors.public_notice(pk)
    document = notice.document
    if document is None or document.status != DocumentStatus.DONE or not document.file:
        raise Http404
    response = FileResponse(document.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"{notice.number or notice.title}.pdf".replace("/", "-"))
    response["X-Content-Type-Options"] = "nosniff"
    return response
