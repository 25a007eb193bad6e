"""Public pages: certificate verification, the QR-code result page, fake-certificate reports, published lists."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safetyportal.documents.models import DocumentStatus
from safetyportal.throttle import hit, too_many_requests

from . import selectors, services
from .forms import BatchFilterForm, FakeReportForm, VerifyForm

VERIFY_RATES = ["10/m", "100/d"]
TOKEN_RATES = ["30/m", "300/d"]
REPORT_RATES = ["5/h", "20/d"]
LIST_PAGE_SIZE = 100
BATCHES_PAGE_SIZE = 20


@sensitive_post_parameters("q", "name")
@sensitive_variables()
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Lookup by certificate number or ID number, plus the holder's name, sent by POST.

    The values never travel in a URL (access logs, browser history, Referer): a GET shows the empty form, even with
    ?q=…&name=… (nothing is looked up). Every miss (unknown number, wrong name, malformed input) renders the same
    template with the same context, the form refilled with what was typed: for the same input the answers are
    byte-identical whether the certificate exists or not (except the CSRF token, which differs on every page).
    Results and misses are marked no-store."""
    if request.method != "POST":
        return render(request, "training/verify.html", {"form": VerifyForm(), "searched": False})
    if hit(request, "certificate-verify", VERIFY_RATES):
        return _no_store(too_many_requests(request))
    form = VerifyForm(request.POST)
    query = form.query() if form.is_valid() else None
    certificates = selectors.verify_certificates(query) if query is not None else []
    # After a match the form is emptied (the page shows the masked ID only); after a miss it keeps what was typed.
    context = {"form": VerifyForm() if certificates else form, "searched": True, "certificates": certificates}
    context["show_name"] = bool(certificates)
    return _no_store(render(request, "training/verify.html", context))


def _no_store(response: HttpResponse) -> HttpResponse:
    """Personal data answered to one person: never kept by the browser, its history or a proxy."""
    patch_cache_control(response, no_store=True, private=True)
    return response


@require_GET
def token_result(request: HttpRequest, token: str) -> HttpResponse:
    """Where a certificate's QR code leads: its masked result (the holder's name masked too)."""
    if hit(request, "certificate-token", TOKEN_RATES):
        return too_many_requests(request)
    certificate = selectors.certificate_by_token(token)
    if certificate is None:
        return render(request, "training/token_not_found.html", status=404)
    return _no_store(render(request, "training/token_result.html", {"certificates": [certificate], "show_name": False}))


@require_POST
@sensitive_post_parameters("contact")
@sensitive_variables()
def report_fake(request: HttpRequest, token: str) -> HttpResponse:
    certificate = selectors.certificate_by_token(token)
    if certificate is None:
        return render(request, "training/token_not_found.html", status=404)
    if hit(request, "certificate-report", REPORT_RATES):
        return too_many_requests(request)
    form = FakeReportForm(request.POST)
    if not form.is_valid():
        return render(request, "training/report.html", {"form": form, "token": token}, status=400)
    services.report_suspected_fake(certificate=certificate, **form.cleaned_data)
    return render(request, "training/report_thanks.html")


@require_GET
def lists(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.published_batches(), BATCHES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/lists.html", {"page": page})


@require_GET
def list_detail(request: HttpRequest, code: str) -> HttpResponse:
    batch = selectors.published_batch(code)
    if batch is None:
        raise Http404
    form = BatchFilterForm(request.GET)
    item = form.cleaned_data["item"] if form.is_valid() else ""
    page = Paginator(selectors.batch_entries(batch, operation_item=item), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    has_pdf = batch.document is not None and batch.document.status == DocumentStatus.DONE
    return render(
        request,
        "training/list_detail.html",
        {"batch": batch, "page": page, "form": form, "item": item, "has_pdf": has_pdf},
    )


@require_GET
def list_pdf(request: HttpRequest, code: str) -> FileResponse:
    batch = selectors.published_batch(code)
    if batch is None or batch.document is None or batch.document.status != DocumentStatus.DONE:
        raise Http404
    response = FileResponse(
        batch.document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{batch.title}.pdf".replace("/", "-"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
