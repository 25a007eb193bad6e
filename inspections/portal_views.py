"""Officer portal pages (/portal/hazards/): officers file and handle the hazards of their own jurisdiction and see
only those; another unit's hazard is "not found" (404), never "forbidden"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safetyportal.images import image_response
from safetyportal.scoping import get_scoped_object_or_404, officer_member_unit
from safetyportal.views import officer_required

from . import selectors, services
from .forms import OfficerHazardForm, TransitionForm
from .models import HazardCategory, HazardPhoto, HazardStatus, PhotoStage

PAGE_SIZE = 20


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isascii() and value.isdigit() and 0 < len(value) < 7 else 1


@require_GET
@officer_required
def hazard_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.HazardFilters.from_query(request.GET)
    paginator = Paginator(selectors.hazards_for(request.user, filters), PAGE_SIZE)
    page = paginator.get_page(_page_number(request))
    return render(
        request,
        "inspections/portal/hazard_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": [*HazardStatus.choices, ("overdue", _("已逾期")), ("due_soon", _("7日内到期"))],
            "categories": HazardCategory.choices,
            "counts": selectors.hazard_counts(request.user),
            "notifications": selectors.recent_notifications(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@officer_required
def hazard_create(request: HttpRequest) -> HttpResponse:
    if officer_member_unit(request.user) is not None:
        raise Http404  # a member unit handles the hazards assigned to it; hazards are filed by place
    form = OfficerHazardForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hazard = services.create_hazard(
                by=request.user,
                source=data["source"],
                category=data["category"],
                level=data["level"],
                jurisdiction=data["jurisdiction"],
                enterprise=data["enterprise"],
                address=data["address"],
                description=data["description"],
                external_ticket=data["external_ticket"],
                deadline=data["deadline"],
                photos=data["photos"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"隐患已登记，编号{hazard.number}。")
            return redirect("hazards:detail", pk=hazard.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "inspections/portal/hazard_form.html", {"form": form}, status=status)


def _add_errors(form, error: ValidationError) -> None:  # type: ignore[no-untyped-def]
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _detail_context(request: HttpRequest, hazard, form: TransitionForm | None = None) -> dict:  # type: ignore[no-untyped-def]
    targets = services.allowed_targets(request.user, hazard)
    photos = list(hazard.photos.all())
    return {
        "hazard": hazard,
        "events": selectors.hazard_timeline(hazard),
        "photos": {stage.label: [p for p in photos if p.stage == stage] for stage in PhotoStage},
        "form": form or (TransitionForm(targets=targets, user=request.user) if targets else None),
        "is_public_report": hazard.source == "public",
    }


@require_GET
@officer_required
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.hazard_for(request.user, pk)
    return render(request, "inspections/portal/hazard_detail.html", _detail_context(request, hazard))


@require_POST
@officer_required
def hazard_transition(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.hazard_for(request.user, pk)
    targets = services.allowed_targets(request.user, hazard)
    if not targets:
        raise PermissionDenied
    form = TransitionForm(request.POST, request.FILES, targets=targets, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.transition_hazard(
                hazard=hazard,
                to_status=data["to_status"],
                by=request.user,
                reason=data["reason"],
                deadline=data["deadline"],
                responsible_unit=data["responsible_unit"],
                rectification_note=data["rectification_note"],
                duplicate_of=data["duplicate_of"],
                photos=data["photos"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "办理结果已保存。")
            return redirect("hazards:detail", pk=hazard.pk)
    return render(request, "inspections/portal/hazard_detail.html", _detail_context(request, hazard, form), status=400)


@require_GET
@officer_required
def hazard_photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    photo = get_scoped_object_or_404(HazardPhoto, request.user, pk=photo_pk, hazard_id=pk)
    thumb = request.GET.get("size") == "thumb"
    return image_response(photo.thumbnail if thumb else photo.image, download_name=f"hazard-{pk}-{photo.pk}.jpg")


@require_GET
@officer_required
def due_inspections(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.due_inspections(request.user), PAGE_SIZE)
    page = paginator.get_page(_page_number(request))
    for enterprise in page.object_list:
        enterprise.next_due = selectors.next_due_date(enterprise)
    return render(
        request,
        "inspections/portal/due_inspections.html",
        {"page": page, "intervals": sorted(selectors.inspection_interval_days().items())},
    )
