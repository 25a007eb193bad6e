from __future__ import annotations

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import DocumentStatus, GeneratedDocument
from .selectors import status_payload, verifiable_document


@require_GET
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: is this notice genuine? Shows what the office issued, with the PDF's SHA-256."""
    document = verifiable_document(token)
    if document is None:
        return render(request, "documents/verify_not_found.html", status=404)
    return render(request, "documents/verify.html", {"document": document, "site_url": settings.SITE_URL})


def _staff_document(request: HttpRequest, pk: int) -> GeneratedDocument:
    if not request.user.has_perm("safetyportal.view_generateddocument"):
        raise Http404
    return get_object_or_404(GeneratedDocument, pk=pk)


@require_GET
@staff_member_required
def document_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(status_payload(_staff_document(request, pk)))


@require_GET
@staff_member_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = _staff_document(request, pk)
    if document.status != DocumentStatus.DONE or not document.file:
        raise Http404
    filename = f"{document.number or document.title}.pdf".replace("/", "-")
    response = FileResponse(
        document.file.open("rb"), content_type="application/pdf", as_attachment=True, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
