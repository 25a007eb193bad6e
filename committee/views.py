"""Portal pages (/portal/committee/): the hub (a unit's committee matters on one page), a unit's own interviews and
commitments; it reports a commitment done. Another unit's commitment is "not found" (404), never "forbidden"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from safetyportal.views import officer_required

from . import hub, selectors, services
from .forms import CommitmentDoneForm

PAGE_SIZE = 20


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isascii() and value.isdigit() and 0 < len(value) < 7 else 1


@require_GET
@officer_required
def hub_page(request: HttpRequest) -> HttpResponse:
    """安委会: the unit's own committee matters on one page (committee.hub)."""
    today = timezone.localdate()
    return render(request, "committee/hub.html", {"today": today, "parts": hub.hub(request.user, today)})


@require_GET
@officer_required
def interview_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    page = Paginator(selectors.interviews_for(request.user), PAGE_SIZE).get_page(_page_number(request))
    rows = []
    for interview in page.object_list:
        commitments = [
            (c, c.current_status(today), services.may_report_commitment(request.user, c))  # type: ignore[arg-type]
            for c in interview.commitments.all()
        ]
        rows.append((interview, commitments))
    return render(
        request,
        "committee/interview_list.html",
        {
            "page": page,
            "rows": rows,
            "counts": selectors.commitment_counts(request.user, today),
            "form": CommitmentDoneForm(),
        },
    )


@require_POST
@officer_required
def commitment_done(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = selectors.commitment_for(request.user, pk)
    if not services.may_report_commitment(request.user, commitment):  # type: ignore[arg-type]
        raise Http404
    form = CommitmentDoneForm(request.POST)
    if form.is_valid():
        try:
            services.report_commitment_done(
                commitment=commitment,
                by=request.user,  # type: ignore[arg-type]
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "已报告完成。")
    else:
        messages.error(request, "请填写完成情况说明。")
    return redirect("committee:interviews")
