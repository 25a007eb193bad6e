"""An office's own campaigns in the portal (/portal/campaigns/): derive a campaign from the one above, its tasks to its
communities and member units, its numbered notices under its own authority (the one preview()/issue()), the review of
the returns to its campaigns, and the roll-up/completeness board of any campaign at any level of its own subtree.

Thin views: objects are loaded through campaigns.cascade (``office_campaign``, ``office_notice``,
``reviewable_returns``) or the board's scope check, so another unit's campaign, notice or return is 404."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safetyportal.documents import services as document_services
from safetyportal.documents.context import chinese_date
from safetyportal.documents.issuing_admin import _posted_date, latest_preview
from safetyportal.documents.models import DocumentStatus, GeneratedDocument
from safetyportal.documents.numbering import next_number
from safetyportal.models import Jurisdiction
from safetyportal.scoping import officer_unit
from safetyportal.types import AuthenticatedRequest
from safetyportal.views import officer_required

from . import cascade, inbox_selectors, inbox_services, services
from .cascade_forms import CampaignForm, DeriveCampaignForm, NoticeForm, SendBackForm, TaskForm
from .models import AWAITING_REVIEW, ActivityReturn, Campaign, CampaignTask, ReturnStatus
from .review_changes import changes_since_returned
from .rollup import STATE_LABELS, ancestor_chain, level_board
from .selectors import completeness_board


def _office(request: HttpRequest) -> Jurisdiction:
    """The office officer's jurisdiction; community and member-unit officers have no office pages (404)."""
    office = cascade.office_jurisdiction(request.user)
    if office is None:
        raise Http404
    return office


# --- Campaigns ---------------------------------------------------------------------------------------------------


@require_GET
@officer_required
def campaign_list(request: AuthenticatedRequest) -> HttpResponse:
    office = _office(request)
    own = list(
        cascade.office_campaigns(office).annotate(
            task_count=Count("tasks", distinct=True),
            waiting=Count("tasks__returns", filter=Q(tasks__returns__status__in=AWAITING_REVIEW), distinct=True),
        )
    )
    derived_from = {campaign.parent_id for campaign in own}
    parents = [c for c in cascade.parent_candidates(office) if c.pk not in derived_from]
    return render(
        request,
        "campaigns/portal/cascade/campaign_list.html",
        {
            "office": office,
            "campaigns": own,
            "parents": parents,
            "authority": cascade.own_authority(office),
        },
    )


@require_http_methods(["GET", "POST"])
@officer_required
def campaign_derive(request: AuthenticatedRequest, parent_id: int) -> HttpResponse:
    office = _office(request)
    parent = cascade.parent_candidates(office).filter(pk=parent_id).first()
    if parent is None:
        raise Http404
    initial = {
        "name": f"{office.name}{parent.name.removeprefix('全市').removeprefix('全国')}",
        "local_theme": parent.local_theme or parent.national_theme,
        "starts_on": parent.starts_on,
        "ends_on": parent.ends_on,
    }
    form = DeriveCampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = cascade.derive_campaign(
                parent=parent,
                by=request.user,
                fields={k: data[k] for k in ("name", "local_theme", "starts_on", "ends_on")},
                copy_tasks=data["copy_tasks"],
                assign_all_children=data["assign_all_children"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已制定本级活动（草稿），请核对工作任务后设为“进行中”。"))
            return redirect("portal:campaign_detail", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "campaigns/portal/cascade/campaign_derive.html",
        {"form": form, "parent": parent, "office": office},
        status=status,
    )


@require_GET
@officer_required
def campaign_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    office = _office(request)
    campaign = cascade.office_campaign(request.user, pk)
    tasks = list(
        campaign.tasks.annotate(
            unit_count=Count("jurisdictions", distinct=True), member_count=Count("member_units", distinct=True)
        ).order_by("order", "pk")
    )
    counts = ActivityReturn.objects.filter(task__campaign=campaign).aggregate(
        waiting=Count("pk", filter=Q(status__in=AWAITING_REVIEW)),
        accepted=Count("pk", filter=Q(status=ReturnStatus.ACCEPTED)),
        returned=Count("pk", filter=Q(status=ReturnStatus.RETURNED)),
    )
    board = completeness_board(campaign)
    return render(
        request,
        "campaigns/portal/cascade/campaign_detail.html",
        {
            "office": office,
            "campaign": campaign,
            "key_days": list(campaign.key_days.all()),
            "tasks": tasks,
            "counts": counts,
            "board": board,
            "states": STATE_LABELS,
            "notices": list(cascade.office_notices(office).filter(launched_campaigns=campaign)[:5]),
        },
    )


@require_http_methods(["GET", "POST"])
@officer_required
def campaign_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _office(request)
    campaign = cascade.office_campaign(request.user, pk)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in cascade.CAMPAIGN_FIELDS}
        try:
            cascade.update_campaign(campaign=Campaign(pk=campaign.pk), by=request.user, fields=fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("portal:campaign_detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "campaigns/portal/cascade/campaign_form.html", {"form": form, "campaign": campaign}, status=status
    )


@require_http_methods(["GET", "POST"])
@officer_required
def task_edit(request: AuthenticatedRequest, pk: int, task_id: int | None = None) -> HttpResponse:
    office = _office(request)
    campaign = cascade.office_campaign(request.user, pk)
    task = None
    if task_id is not None:
        task = CampaignTask.objects.filter(pk=task_id, campaign=campaign).first()
        if task is None:
            raise Http404
    form = TaskForm(request.POST or None, instance=task or CampaignTask(campaign=campaign), office=office)
    if request.method == "POST" and form.is_valid():
        try:
            cascade.save_task(
                campaign=campaign,
                by=request.user,
                fields=form.content(),
                assignment=form.assignment(),
                task=CampaignTask.objects.get(pk=task.pk) if task else None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("工作任务已保存。"))
            return redirect("portal:campaign_detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "campaigns/portal/cascade/task_form.html",
        {"form": form, "campaign": campaign, "task": task},
        status=status,
    )


# --- Review --------------------------------------------------------------------------------------------------------

REVIEW_PAGE = 50


@require_GET
@officer_required
def review_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _office(request)
    campaign = cascade.office_campaign(request.user, pk)
    status = request.GET.get("status", "waiting")
    returns = (
        cascade.reviewable_returns(request.user)
        .filter(task__campaign=campaign)
        .select_related("task", "jurisdiction", "member_unit")
        .order_by("-submitted_at", "-pk")
    )
    if status == "waiting":
        returns = returns.filter(status__in=AWAITING_REVIEW)
    elif status in ReturnStatus.values:
        returns = returns.filter(status=status)
    page = Paginator(returns, REVIEW_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/portal/cascade/review_list.html",
        {
            "campaign": campaign,
            "returns": page.object_list,
            "page": page,
            "status": status,
            "query": urlencode({"status": status}),
        },
    )


def _reviewable(request: HttpRequest, pk: int) -> ActivityReturn:
    activity_return = (
        cascade.reviewable_returns(request.user)
        .select_related("task", "task__campaign", "jurisdiction", "member_unit", "reviewed_by")
        .prefetch_related("photos", "attachments", "events__actor")
        .filter(pk=pk)
        .first()
    )
    if activity_return is None:
        raise Http404
    return activity_return


@require_http_methods(["GET", "POST"])
@officer_required
def review_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    activity_return = _reviewable(request, pk)
    form = SendBackForm(request.POST or None if "_send_back" in request.POST else None)
    if request.method == "POST":
        try:
            if "_accept" in request.POST:
                services.accept_return(activity_return=activity_return, by=request.user)
                messages.success(request, _("已审核通过。"))
                return redirect("portal:campaign_review", pk=activity_return.task.campaign_id)
            if "_send_back" in request.POST and form.is_valid():
                services.send_back_return(
                    activity_return=activity_return, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("已退回修改。"))
                return redirect("portal:campaign_review", pk=activity_return.task.campaign_id)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("portal:campaign_review_detail", pk=pk)
        except PermissionDenied:
            raise Http404 from None
    return render(
        request,
        "campaigns/portal/cascade/review_detail.html",
        {
            "activity_return": activity_return,
            "form": form,
            "awaiting": activity_return.status in AWAITING_REVIEW,
            # A resubmission: what changed since it was sent back (campaigns.review_changes).
            "changes": changes_since_returned(activity_return, activity_return.events.all()),
            "resubmitted": activity_return.status == ReturnStatus.RESUBMITTED,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Roll-up and completeness at any level (own subtree) -----------------------------------------------------


def visible_campaign_unit(request: HttpRequest) -> Jurisdiction:
    """The officer's own jurisdiction (office or community); member-unit officers have no board (404)."""
    unit = officer_unit(request.user)
    if unit is None or unit.jurisdiction is None:
        raise Http404
    return unit.jurisdiction


def visible_campaign(request: HttpRequest, pk: int) -> Campaign:
    """A campaign of the officer's line: national, run by a unit above or by the officer's own unit or one below it."""
    unit = officer_unit(request.user)
    own = unit.jurisdiction if unit is not None else None
    if own is None:
        raise Http404
    campaign = Campaign.objects.select_related("jurisdiction").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    owner = campaign.jurisdiction
    if owner is not None and not (own.path.startswith(owner.path) or owner.path.startswith(own.path)):
        raise Http404
    return campaign


@require_GET
@officer_required
def board(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = visible_campaign(request, pk)
    unit = own = visible_campaign_unit(request)
    if request.GET.get("unit"):
        try:
            chosen = Jurisdiction.objects.filter(pk=int(request.GET["unit"]), path__startswith=own.path).first()
        except ValueError:
            chosen = None
        if chosen is None:
            raise Http404
        unit = chosen
    level = level_board(campaign, unit)
    return render(
        request,
        "campaigns/portal/cascade/board.html",
        {
            "campaign": campaign,
            "level": level,
            "chain": ancestor_chain(level, top=own),
            "states": STATE_LABELS,
        },
    )


# --- Notices under the office's own authority ----------------------------------------------------------------

NOTICE_PAGE = 100


@require_GET
@officer_required
def notice_list(request: AuthenticatedRequest) -> HttpResponse:
    office = _office(request)
    page = Paginator(cascade.office_notices(office).select_related("authority"), NOTICE_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "campaigns/portal/cascade/notice_list.html",
        {"office": office, "notices": page.object_list, "page": page, "authority": cascade.own_authority(office)},
    )


@require_http_methods(["GET", "POST"])
@officer_required
def notice_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    office = _office(request)
    authority = cascade.own_authority(office)
    if authority is None:
        messages.error(request, _("本单位尚未设置发文机关（机关代字），请联系安委办设置。"))
        return redirect("portal:office_notices")
    notice = cascade.office_notice(request.user, pk) if pk is not None else None
    if notice is not None and not notice.is_editable:
        return redirect("portal:office_notice_issue", pk=notice.pk)
    campaign = None
    if request.GET.get("campaign"):
        try:
            campaign = cascade.office_campaign(request.user, int(request.GET["campaign"]))
        except ValueError:
            raise Http404 from None
    form = NoticeForm(request.POST or None, instance=notice, office=office)
    if request.method == "POST" and form.is_valid():
        try:
            saved = cascade.save_notice(
                by=request.user, fields=form.content(), assignment=form.assignment(), notice=notice
            )
            if campaign is not None and campaign.launch_notice_id is None:
                cascade.link_launch_notice(campaign=campaign, notice=saved, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if "_preview" in request.POST:
                document_services.preview(saved, by=request.user)
                messages.success(request, _("已保存，预览稿生成中。"))
            else:
                messages.success(request, _("已保存草稿。"))
            return redirect("portal:office_notice_issue", pk=saved.pk)
    return render(
        request,
        "campaigns/portal/cascade/notice_form.html",
        {"form": form, "notice": notice, "authority": authority, "campaign": campaign},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@officer_required
def notice_preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notice = cascade.office_notice(request.user, pk)
    document_services.preview(notice, by=request.user)
    messages.success(request, _("预览稿生成中，完成后可在本页下载。"))
    return redirect("portal:office_notice_issue", pk=pk)


def _confirmation(notice: Any, refusals: list[str]) -> dict[str, Any]:
    today = timezone.localdate()
    _serial, number = next_number(authority=notice.authority, year=today.year)
    if not refusals:
        try:  # the page says early what issue() would refuse (e.g. no addressed unit), nothing is numbered
            notice.check_issuable(today)
        except ValidationError as error:
            refusals = error.messages
    return {
        "expected_number": number,
        "issued_on": today,
        "issued_on_text": chinese_date(today),
        "addressees": notice.addressees(),
        "receipt_count": len(notice.recipient_keys()),
        "preview": latest_preview(notice),
        "refusals": refusals,
    }


@require_http_methods(["GET", "POST"])
@officer_required
def notice_issue(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The notice's page: a draft shows the confirmation (the number to be taken, the addressees, the preview's page
    count) and issues on POST through documents.services.issue(); an issued notice shows its number and PDF."""
    notice = cascade.office_notice(request.user, pk)
    refusals: list[str] = []
    if request.method == "POST" and notice.is_editable:
        try:
            issued = document_services.issue(
                notice,
                by=request.user,
                expected_number=request.POST.get("expected_number", "")[:64] or None,
                expected_issued_on=_posted_date(request.POST.get("expected_issued_on", "")),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            if getattr(error, "code", None) in ("number_changed", "date_changed"):
                messages.error(request, " ".join(error.messages))
            else:
                refusals = error.messages
        else:
            messages.success(
                request, _("通知已印发，发文字号：%(number)s。正式文件生成中。") % {"number": issued.number}
            )
            return redirect("portal:office_notice_issue", pk=pk)
    documents = list(
        GeneratedDocument.objects.filter(
            source_id=notice.pk, source_type__app_label="campaigns", source_type__model="notice"
        ).order_by("-created_at")[:5]
    )
    context: dict[str, Any] = {"notice": notice, "documents": documents}
    if notice.is_editable:
        context.update(_confirmation(notice, refusals))
    else:
        context["board"] = inbox_selectors.sign_board(notice)  # 签收情况 of the office's own addressees
    return render(
        request,
        "campaigns/portal/cascade/notice_issue.html",
        context,
        status=400 if refusals else 200,
    )


@require_POST
@officer_required
def notice_remind(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """提醒未签收单位 on the office's own issued notice (the admin's service, once a day per unit)."""
    notice = cascade.office_notice(request.user, pk)
    try:
        run = inbox_services.remind_unsigned(notice=notice, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    if run.count:
        messages.success(request, _("已提醒%(n)s个未签收单位。") % {"n": run.count})
    else:
        messages.warning(request, _("没有需要提醒的单位（未签收单位今天已提醒过，或已全部签收）。"))
    return redirect("portal:office_notice_issue", pk=pk)


@require_GET
@officer_required
def notice_document(request: AuthenticatedRequest, pk: int, document_id: int) -> HttpResponse:
    notice = cascade.office_notice(request.user, pk)
    document = GeneratedDocument.objects.filter(
        pk=document_id,
        source_id=notice.pk,
        source_type__app_label="campaigns",
        source_type__model="notice",
        status=DocumentStatus.DONE,
    ).first()
    if document is None or not document.file:
        raise Http404
    name = f"{document.number or notice.title}{'（预览稿）' if document.is_preview else ''}.pdf".replace("/", "-")
    response = FileResponse(document.file.open("rb"), content_type="application/pdf", as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
