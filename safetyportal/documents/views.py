from __future__ import annotations

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods

from safetyportal.throttle import hit, too_many_requests

from .compare import Comparison, compare_upload, max_compare_bytes
from .models import GeneratedDocument
from .selectors import status_payload, verifiable_document

# Comparing an uploaded PDF costs reading and hashing up to 20 MB: limited like the other public forms.
COMPARE_RATES = ["10/m", "100/d"]


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: is this document genuine? Shows what the office issued and lets the reader choose the PDF they hold:
    the page says in words whether it is the issued original. The browser hashes the file itself
    (static/documents/verify.js); without JavaScript the form posts it and it is hashed here, never kept
    (documents/compare.py). CSRF-protected by the middleware like every form."""
    if request.method == "POST" and hit(request, "document-compare", COMPARE_RATES):
        return too_many_requests(request)
    document = verifiable_document(token)
    if document is None:
        return render(request, "documents/verify_not_found.html", status=404)
    comparison: Comparison | None = None
    if request.method == "POST":
        # Any other file part is never read; Django closes (and deletes, if spooled) every upload at the end.
        comparison = compare_upload(document, request.FILES.get("file"))
    context = {
        "document": document,
        "site_url": settings.SITE_URL,
        "comparison": comparison,
        "max_mb": max_compare_bytes(document) // (1024 * 1024),
    }
    return render(request, "documents/verify.html", context)


def _staff_document(request: HttpRequest, pk: int) -> GeneratedDocument:
    if not request.user.has_perm("safetyportal.view_generateddocument"):
        raise Http404
    return get_object_or_404(GeneratedDocument, pk=pk)


@require_GET
@staff_member_required
def document_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(status_payload(_staff_document(request, pk)))
