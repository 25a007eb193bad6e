"""The officer portal's activity returns (/portal/returns/): thin views over the selectors and services.

Every object is loaded through the officer's scope (selectors.officer_return / officer_photo / task_for_officer):
another unit's return, photo or task is "not found" (404), exactly like one that does not exist. Writes take the
narrower rule (services.may_write_return, via ``_writable_return``): an office reads its communities' and member
units' returns but writes only its own; any other write is 404 too."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safetyportal.images import image_response
from safetyportal.masking import mask_personal
from safetyportal.spreadsheets import attachment_response, export_filename
from safetyportal.views import officer_required

from . import selectors, services
from .forms import ActivityReturnForm, ReturnFilterForm
from .models import ActivityReturn
from .resources import ActivityReturnResource

PAGE_SIZE = 20


class OfficerReturnExport(ActivityReturnResource):
    """The officer's spreadsheet of returns: the free-text columns masked exactly as the portal pages show them (ID,
    phone and card numbers, names after role words), so a file passed around a unit office carries no personal data
    that the page did not show. The office's admin export (for re-import) stays unmasked."""

    MASKED_FIELDS = ("title", "place", "description")

    def export_field(self, field: Any, instance: Any, **kwargs: Any) -> Any:
        value = super().export_field(field, instance, **kwargs)
        if field.attribute in self.MASKED_FIELDS and isinstance(value, str) and value:
            return mask_personal(value)
        return value


def _filters(request: HttpRequest) -> tuple[ReturnFilterForm, dict[str, Any]]:
    form = ReturnFilterForm(request.GET or None)
    values: dict[str, Any] = {"q": "", "status": "", "task": None}
    if form.is_valid():
        values.update(q=form.cleaned_data["q"], status=form.cleaned_data["status"])
    if request.GET.get("task"):
        values["task"] = selectors.unit_task(request.user, request.GET["task"])  # another unit's task: 404
    return form, values


@require_GET
@officer_required
def return_list(request: HttpRequest) -> HttpResponse:
    form, values = _filters(request)
    returns = selectors.officer_returns(request.user, **values)
    page = Paginator(returns, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "campaigns/portal/return_list.html",
        {"form": form, "page": page, "task": values["task"], "query": query.urlencode()},
    )


@require_GET
@officer_required
def return_export(request: HttpRequest) -> HttpResponse:
    _form, values = _filters(request)
    returns = selectors.officer_returns(request.user, **values).select_related("member_unit")
    data = OfficerReturnExport(user=request.user).export(queryset=returns).export("xlsx")
    return attachment_response(
        data,
        filename=export_filename(ActivityReturn._meta.verbose_name_plural, "xlsx"),  # 活动报送-2026-12-06.xlsx
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _writable_return(request: HttpRequest, pk: int) -> ActivityReturn:
    """A return of the officer's own unit (services.may_write_return), or 404 (a community's return seen by its office
    included)."""
    activity_return = selectors.officer_return(request.user, pk)
    if not services.may_write_return(request.user, activity_return):
        raise Http404
    return activity_return


def _form_response(request: HttpRequest, form: ActivityReturnForm, **context: Any) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    context["requirements"] = context["task"].requirement_texts()
    return render(request, "campaigns/portal/return_form.html", {"form": form, **context}, status=status)


def _submit_after_save(request: HttpRequest, activity_return: ActivityReturn) -> HttpResponse:
    try:
        services.submit_return(activity_return=activity_return, by=request.user)
    except ValidationError as error:
        messages.error(request, _("已保存为草稿，但暂不能报送：") + " ".join(error.messages))
        return redirect("portal:return_edit", pk=activity_return.pk)
    messages.success(request, _("已报送，等待安委办审核。"))
    return redirect("portal:return_detail", pk=activity_return.pk)


@require_http_methods(["GET", "POST"])
@officer_required
def return_create(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.task_for_officer(request.user, task_id)
    unit = services.return_unit(request.user)
    if unit is None:  # officer_required let them in: cannot happen, fail closed all the same
        raise Http404
    initial = {}
    if request.GET.get("period"):
        initial["period_due"] = request.GET["period"][:10]
    form = ActivityReturnForm(request.POST or None, request.FILES or None, task=task, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activity_return = services.create_return(
                task=task,
                jurisdiction=unit[0],
                member_unit=unit[1],
                period_due=form.cleaned_data["period_due"],
                fields=form.content(),
                photos=form.cleaned_data["photos"],
                attachments=form.attachments_to_add(),
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if "_submit" in request.POST:
                return _submit_after_save(request, activity_return)
            messages.success(request, _("已保存草稿。"))
            return redirect("portal:return_detail", pk=activity_return.pk)
    return _form_response(request, form, task=task, activity_return=None)


@require_GET
@officer_required
def return_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity_return = selectors.officer_return(request.user, pk)
    editable = activity_return.is_editable and services.may_write_return(request.user, activity_return)
    return render(
        request,
        "campaigns/portal/return_detail.html",
        {
            "activity_return": activity_return,
            "missing": services.missing_requirements(activity_return) if editable else [],
            "editable": editable,  # the unit's own draft or returned return: the write buttons are shown
        },
    )


@require_http_methods(["GET", "POST"])
@officer_required
def return_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity_return = _writable_return(request, pk)
    if not activity_return.is_editable:
        messages.error(request, _("只有草稿或被退回的报送可以修改。"))
        return redirect("portal:return_detail", pk=pk)
    form = ActivityReturnForm(
        request.POST or None,
        request.FILES or None,
        instance=activity_return,
        task=activity_return.task,
        existing_photos=len(activity_return.photos.all()),
        existing_attachments=len(activity_return.attachments.all()),
    )
    if request.method == "POST" and form.is_valid():
        period = form.cleaned_data.get("period_due") if not form.fields["period_due"].disabled else None
        try:
            services.update_return(
                activity_return=activity_return,
                fields=form.content(),
                photos=form.cleaned_data["photos"],
                attachments=form.attachments_to_add(),
                period_due=period,
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if "_submit" in request.POST:
                return _submit_after_save(request, activity_return)
            messages.success(request, _("已保存。"))
            return redirect("portal:return_detail", pk=pk)
    return _form_response(request, form, task=activity_return.task, activity_return=activity_return)


@require_POST
@officer_required
def return_submit(request: HttpRequest, pk: int) -> HttpResponse:
    activity_return = _writable_return(request, pk)
    return _submit_after_save(request, activity_return)


@require_POST
@officer_required
def return_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity_return = _writable_return(request, pk)
    try:
        services.delete_return(activity_return=activity_return, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("portal:return_detail", pk=pk)
    messages.success(request, _("草稿已删除。"))
    return redirect("portal:return_list")


@require_GET
@officer_required
def return_photo(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    photo = selectors.officer_photo(request.user, pk, photo_id)
    return image_response(photo.image, download_name=f"photo-{photo.pk}.jpg")


@require_GET
@officer_required
def return_photo_thumbnail(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    photo = selectors.officer_photo(request.user, pk, photo_id)
    return image_response(photo.thumbnail, download_name=f"photo-{photo.pk}-thumb.jpg")


@require_POST
@officer_required
def return_photo_delete(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    _writable_return(request, pk)
    photo = selectors.officer_photo(request.user, pk, photo_id)
    try:
        services.delete_photo(photo=photo, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("portal:return_detail", pk=pk)
    messages.success(request, _("照片已删除。"))
    return redirect("portal:return_edit", pk=pk)


@require_POST
@officer_required
def reminders_read(request: HttpRequest) -> HttpResponse:
    services.mark_reminders_read(officer=request.user)
    return redirect(reverse("portal:home"))
