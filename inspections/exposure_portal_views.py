"""Portal pages of the exposure submissions (镇街报送曝光案例) and the unit's monthly media duty (媒体曝光月度任务).

Only office officers of a county or subdistrict/town submit (``exposure_submissions.submitting_jurisdiction``); they
see their own unit's submissions (scoped with ``for_user``: another unit's is 404 and changes nothing)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from safetyportal.scoping import get_scoped_object_or_404
from safetyportal.unit_figures import Period
from safetyportal.views import officer_required

from . import exposure_submissions as services
from .media_duty import media_duty_board
from .models import ExposureSubmission, SubmissionStatus

PAGE_SIZE = 20


class SubmissionForm(forms.ModelForm):
    media_url = forms.URLField(
        label=gettext_lazy("媒体报道链接"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=gettext_lazy("已在本地媒体报道的，填写报道链接"),
    )

    class Meta:
        model = ExposureSubmission
        fields = ExposureSubmission.FORM_FIELDS
        widgets = {
            "case_date": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 6}),
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
            "penalty_text": forms.Textarea(attrs={"rows": 2}),
            "warning": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "display_name": gettext_lazy("填写全称或“某某有限公司”；发布前由安委办审核"),
            "principal_person": gettext_lazy("一案双罚时填写；公开时自动遮盖"),
        }


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isascii() and value.isdigit() and 0 < len(value) < 7 else 1


def _unit_or_404(request: HttpRequest):  # type: ignore[no-untyped-def]
    jurisdiction = services.submitting_jurisdiction(request.user)
    if jurisdiction is None:
        raise Http404  # communities and member units do not submit exposure cases
    return jurisdiction


def _errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@require_GET
@officer_required
def submission_list(request: HttpRequest) -> HttpResponse:
    jurisdiction = _unit_or_404(request)
    submissions = (
        ExposureSubmission.objects.for_user(request.user)
        .filter(jurisdiction=jurisdiction)
        .select_related("case")
        .order_by("-submitted_at", "-pk")
    )
    page = Paginator(submissions, PAGE_SIZE).get_page(_page_number(request))
    return render(
        request,
        "inspections/portal/exposure_submission_list.html",
        {"page": page, "jurisdiction": jurisdiction},
    )


@require_http_methods(["GET", "POST"])
@officer_required
def submission_create(request: HttpRequest) -> HttpResponse:
    jurisdiction = _unit_or_404(request)
    form = SubmissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.submit(by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("已报送，等待安委办审核。"))
            return redirect("hazards:exposure_submission_detail", pk=submission.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "inspections/portal/exposure_submission_form.html",
        {"form": form, "jurisdiction": jurisdiction, "submission": None},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@officer_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The submission and its state; a returned one can be revised and resubmitted here (POST)."""
    jurisdiction = _unit_or_404(request)
    submission = get_scoped_object_or_404(
        ExposureSubmission.objects.select_related("case"), request.user, pk=pk, jurisdiction=jurisdiction
    )
    editable = submission.status == SubmissionStatus.RETURNED
    form = SubmissionForm(request.POST or None, instance=submission) if editable else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("只有退回修改的报送可以修改后重新报送。"))
            return redirect("hazards:exposure_submission_detail", pk=submission.pk)
        if form.is_valid():
            try:
                services.resubmit(submission=submission, by=request.user, data=form.cleaned_data)
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("已重新报送，等待安委办审核。"))
                return redirect("hazards:exposure_submission_detail", pk=submission.pk)
        submission.refresh_from_db()
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "inspections/portal/exposure_submission_detail.html",
        {"submission": submission, "form": form, "jurisdiction": jurisdiction},
        status=status,
    )


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    today = timezone.localdate()
    if value.isascii() and value.isdigit() and len(value) == 4 and 2000 <= int(value) <= today.year:
        return int(value)
    return today.year


@require_GET
@officer_required
def media_duty(request: HttpRequest) -> HttpResponse:
    """The officer's own unit (and, for a county, its towns) × the months of a year: met, missed, 篇 and 起."""
    jurisdiction = _unit_or_404(request)
    year = _year(request)
    today = timezone.localdate()
    ends_on = dt.date(year, 12, 31) if year < today.year else today
    board = media_duty_board(Period(dt.date(year, 1, 1), ends_on), root=jurisdiction, today=today)
    return render(
        request,
        "inspections/portal/media_duty.html",
        {
            "board": board,
            "year": year,
            "years": list(range(today.year, today.year - 3, -1)),
            "jurisdiction": jurisdiction,
        },
    )
