from __future__ import annotations

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods

from safetyportal.throttle import hit, too_many_requests

from .compare import Comparison, Outcome, compare_upload, max_compare_bytes
from .models import GeneratedDocument
from .selectors import status_payload, verifiable_document

# Comparing an uploaded PDF costs reading and hashing up to 20 MB: limited like the other public forms.
COMPARE_RATES = ["10/m", "100/d"]


def refuse_early(request: HttpRequest, token: str) -> HttpResponse | None:
    """A POST's refusals that need no body: over the client's limit, or declaring more bytes than the cap (the
    verdict page says so in words). Run by safetyportal.middleware.EarlyRefusalMiddleware before the CSRF check
    parses the multipart body (up to 21 MB), and by the view itself when that middleware did not."""
    if request.method != "POST" or getattr(request, "_verify_checked", False):
        return None
    request._verify_checked = True  # type: ignore[attr-defined]  # counted once, whoever checks first
    if hit(request, "document-compare", COMPARE_RATES):
        return too_many_requests(request)
    document = request._verify_document = verifiable_document(token)  # type: ignore[attr-defined]  # read once
    if document is None:
        return None  # the CSRF check, then the view's 404, as for any other POST
    declared = _content_length(request)
    if declared > max_compare_bytes(document) + MULTIPART_OVERHEAD_BYTES:
        return _verify_page(request, document, Comparison(Outcome.TOO_LARGE, "", declared))
    return None


# A multipart body carries the file plus its boundaries, part headers and the CSRF token: well under this.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


def _content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: is this document genuine? Shows what the office issued and lets the reader choose the PDF they hold:
    the page says in words whether it is the issued original. The browser hashes the file itself
    (static/documents/verify.js); without JavaScript the form posts it and it is hashed here, never kept
    (documents/compare.py). CSRF-protected by the middleware like every form; the limit and the size cap are
    checked before (``refuse_early``)."""
    refused = refuse_early(request, token)
    if refused is not None:
        return refused
    document = request.__dict__.get("_verify_document") or verifiable_document(token)
    if document is None:
        return render(request, "documents/verify_not_found.html", status=404)
    comparison: Comparison | None = None
    if request.method == "POST":
        # Any other file part is never read; Django closes (and deletes, if spooled) every upload at the end.
        comparison = compare_upload(document, request.FILES.get("file"))
    return _verify_page(request, document, comparison)


verify.refuse_early = refuse_early  # type: ignore[attr-defined]  # EarlyRefusalMiddleware's hook


def _verify_page(request: HttpRequest, document: GeneratedDocument, comparison: Comparison | None) -> HttpResponse:
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
