"""Cascade (issue 12): a county's or subdistrict's office runs its own campaign below the one above.

- ``derive_campaign``: a campaign derived from a higher one (``Campaign.parent``): theme, key days and the tasks the
  higher campaign gave this unit are carried down as editable copies;
- ``save_task``: the office's own tasks, assigned to its communities (its children in the tree) and its own member
  units (``MemberUnit.jurisdiction`` = the office's unit), with one-step "全部社区（村）"/"全部成员单位";
- ``save_notice``: the office's own numbered notices, under its own authority (``UnitAuthority``), issued through the
  one ``safetyportal.documents.services.issue()``; ``officer_may_issue`` is the permission ``Notice.may_issue`` asks;
- ``may_review``: the returns to a campaign are reviewed by the officers of the unit that owns it.

Writes here take keyword arguments, run in a transaction and check the officer's unit themselves: a view cannot
widen what an officer reaches."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from safetyportal.documents.models import IssuingAuthority
from safetyportal.models import Jurisdiction, MemberUnit
from safetyportal.scoping import officer_unit

from .models import (
    ActivityReturn,
    Campaign,
    CampaignStatus,
    CampaignTask,
    KeyDay,
    Notice,
    NoticeStatus,
    UnitAuthority,
)

if TYPE_CHECKING:
    from safetyportal.types import User, UserOrAnonymous


# --- Who --------------------------------------------------------------------------------------------------------------


def office_jurisdiction(user: UserOrAnonymous | None) -> Jurisdiction | None:
    """The jurisdiction of an officer of a county's or subdistrict/town's office; None for community and member-unit
    officers, staff and anyone else."""
    unit = officer_unit(user)
    if unit is None or unit.kind != "office":
        return None
    return unit.jurisdiction


def require_office(user: UserOrAnonymous | None) -> Jurisdiction:
    jurisdiction = office_jurisdiction(user)
    if jurisdiction is None:
        raise PermissionDenied
    return jurisdiction


def own_authority(jurisdiction: Jurisdiction) -> IssuingAuthority | None:
    link = UnitAuthority.objects.select_related("authority").filter(jurisdiction=jurisdiction).first()
    return link.authority if link is not None and link.authority.is_active else None


def officer_may_issue(by: UserOrAnonymous | None, notice: Notice) -> bool:
    """An office officer issues under their own unit's authority only, never another's, a draft their own unit wrote
    (``office_notices``), and only to units of their own tree: communities below the office and member units of the
    office itself. A draft made another way (staff in the admin, a correction, a draft from before the authority was
    linked) naming any other unit is not theirs to issue. ``documents.services.issue`` asks this again on the locked
    row, so the addressees checked are the ones the receipts go to."""
    jurisdiction = office_jurisdiction(by)
    if jurisdiction is None or notice.authority_id is None or notice.pk is None:
        return False
    if not office_notices(jurisdiction).filter(pk=notice.pk, authority__is_active=True).exists():
        return False
    return addressees_inside(jurisdiction, notice)


def addressees_inside(jurisdiction: Jurisdiction, notice: Notice) -> bool:
    """Every addressed unit of ``notice`` is inside the office's tree (its communities below it, its own member
    units)."""
    outside_j = notice.recipient_jurisdictions.exclude(
        Q(path__startswith=jurisdiction.path) & ~Q(pk=jurisdiction.pk)
    ).exists()
    outside_m = notice.recipient_units.exclude(jurisdiction=jurisdiction).exists()
    return not outside_j and not outside_m


def may_review(by: UserOrAnonymous | None, activity_return: ActivityReturn) -> bool:
    """An officer reviews a return when their office owns the return's campaign (``campaign.jurisdiction``) and the
    return is one of a unit below it (a community, a member unit of the office): never their own unit's return, never
    another office's campaign."""
    jurisdiction = office_jurisdiction(by)
    if jurisdiction is None:
        return False
    if activity_return.task.campaign.jurisdiction_id != jurisdiction.pk:
        return False
    if activity_return.member_unit_id is None and activity_return.jurisdiction_id == jurisdiction.pk:
        return False
    return activity_return.jurisdiction.path.startswith(jurisdiction.path)


def reviewable_returns(user: UserOrAnonymous | None) -> QuerySet[ActivityReturn]:
    """The returns an office officer reviews (the ``may_review`` rule as a query): 404 for every other return."""
    jurisdiction = office_jurisdiction(user)
    if jurisdiction is None:
        return ActivityReturn.objects.none()
    return ActivityReturn.objects.filter(
        task__campaign__jurisdiction=jurisdiction, jurisdiction__path__startswith=jurisdiction.path
    ).exclude(member_unit__isnull=True, jurisdiction=jurisdiction)


# --- The office's units: its communities (children) and its own member units --------------------------------------


def child_units(jurisdiction: Jurisdiction) -> QuerySet[Jurisdiction]:
    return Jurisdiction.objects.filter(parent=jurisdiction).order_by("code")


def own_member_units(jurisdiction: Jurisdiction) -> QuerySet[MemberUnit]:
    return MemberUnit.objects.filter(jurisdiction=jurisdiction, is_active=True).order_by("name")


@dataclass(frozen=True)
class Assignment:
    """Who a task or notice goes to: "all children" / "all member units" in one step, or lists."""

    all_children: bool = False
    all_members: bool = False
    jurisdictions: tuple[int, ...] = ()
    member_units: tuple[int, ...] = ()


def resolve_assignment(jurisdiction: Jurisdiction, assignment: Assignment) -> tuple[list[int], list[int]]:
    """The ids of the office's children and member units named by ``assignment``; a unit outside the office
    (another office's community, a city member unit) is refused."""
    children = set(child_units(jurisdiction).values_list("pk", flat=True))
    members = set(own_member_units(jurisdiction).values_list("pk", flat=True))
    wanted_j = set(assignment.jurisdictions)
    wanted_m = set(assignment.member_units)
    if not wanted_j <= children or not wanted_m <= members:
        raise ValidationError(_("只能分配给本单位所辖的社区（村）和本单位的成员单位。"), code="outside_unit")
    if assignment.all_children:
        wanted_j = children
    if assignment.all_members:
        wanted_m = members
    return sorted(wanted_j), sorted(wanted_m)


# --- Campaigns --------------------------------------------------------------------------------------------------------


def ancestor_paths(jurisdiction: Jurisdiction) -> list[str]:
    """The paths of the units above ``jurisdiction`` ("350582/" for "350582/350582005/")."""
    parts = [part for part in jurisdiction.path.split("/") if part]
    return ["".join(f"{code}/" for code in parts[:n]) for n in range(1, len(parts))]


def parent_candidates(jurisdiction: Jurisdiction) -> QuerySet[Campaign]:
    """The campaigns an office may derive its own from: launched (not drafts) by a unit above it, or giving it tasks."""
    return (
        Campaign.objects.filter(
            Q(jurisdiction__path__in=ancestor_paths(jurisdiction)) | Q(tasks__jurisdictions=jurisdiction)
        )
        .exclude(status=CampaignStatus.DRAFT)
        .select_related("jurisdiction")
        .distinct()
        .order_by("-year", "-starts_on", "pk")
    )


def office_campaigns(jurisdiction: Jurisdiction) -> QuerySet[Campaign]:
    return Campaign.objects.filter(jurisdiction=jurisdiction).select_related("parent").order_by("-year", "-starts_on")


def office_campaign(user: UserOrAnonymous | None, pk: int) -> Campaign:
    """The office's own campaign, or 404 (another unit's, a higher one, none)."""
    jurisdiction = office_jurisdiction(user)
    campaign = (
        Campaign.objects.filter(pk=pk, jurisdiction=jurisdiction).select_related("parent", "jurisdiction").first()
        if jurisdiction is not None
        else None
    )
    if campaign is None:
        raise Http404
    return campaign


# The task fields a copy carries (every concrete field but the identity, the campaign and the timestamps), so that a
# field added later (a due time) is carried down too.
_TASK_SKIPPED = {"id", "campaign", "created_at", "updated_at"}


def _task_values(task: CampaignTask) -> dict[str, Any]:
    return {
        field.attname: getattr(task, field.attname)
        for field in CampaignTask._meta.concrete_fields
        if field.name not in _TASK_SKIPPED
    }


CAMPAIGN_FIELDS = ("name", "edition", "local_theme", "starts_on", "ends_on", "status")


def derive_campaign(
    *,
    parent: Campaign,
    by: User,
    fields: dict[str, Any] | None = None,
    copy_tasks: bool = True,
    assign_all_children: bool = True,
) -> Campaign:
    """The office's own campaign below ``parent``: kind, year, edition and themes, the key days and the tasks
    ``parent`` gave this unit are copied (as drafts the office edits); the copies go to all the office's communities
    with ``assign_all_children``, except those the parent task already assigns directly (one slot per unit and
    work). Starts as a draft: the office launches it (status 进行中) when ready."""
    jurisdiction = require_office(by)
    if not parent_candidates(jurisdiction).filter(pk=parent.pk).exists():
        raise PermissionDenied
    fields = dict(fields or {})
    with transaction.atomic():
        campaign = Campaign(
            kind=parent.kind,
            year=parent.year,
            edition=parent.edition,
            name=fields.get("name") or f"{jurisdiction.name}{parent.name.removeprefix('全市').removeprefix('全国')}",
            national_theme=parent.national_theme,
            local_theme=fields.get("local_theme") or parent.local_theme or parent.national_theme,
            starts_on=fields.get("starts_on") or parent.starts_on,
            ends_on=fields.get("ends_on") or parent.ends_on,
            jurisdiction=jurisdiction,
            parent=parent,
            status=fields.get("status") or CampaignStatus.DRAFT,
        )
        campaign.full_clean()
        campaign.save()
        KeyDay.objects.bulk_create(
            KeyDay(campaign=campaign, date=day.date, name=day.name) for day in parent.key_days.all()
        )
        if copy_tasks:
            children = list(child_units(jurisdiction).values_list("pk", flat=True)) if assign_all_children else []
            tasks = parent.tasks.filter(jurisdictions=jurisdiction).prefetch_related("jurisdictions")
            for task in tasks.order_by("order", "pk"):
                copy = CampaignTask.objects.create(campaign=campaign, **_task_values(task))
                # A unit never holds two slots for the same work: the communities the parent task already assigns
                # directly report there, once, and are left out of the copy (review 12 §7).
                direct = {unit.pk for unit in task.jurisdictions.all()}
                if assigned := [pk for pk in children if pk not in direct]:
                    copy.jurisdictions.set(assigned)
    return campaign


def update_campaign(*, campaign: Campaign, by: User, fields: dict[str, Any]) -> Campaign:
    jurisdiction = require_office(by)
    with transaction.atomic():
        current = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if current.jurisdiction_id != jurisdiction.pk:
            raise PermissionDenied
        for name in CAMPAIGN_FIELDS:
            if name in fields:
                setattr(current, name, fields[name])
        current.full_clean()
        current.save()
    return current


TASK_FIELDS = (
    "title",
    "requirements",
    "recurrence",
    "due_on",
    "due_time",
    "due_weekday",
    "starts_on",
    "ends_on",
    "activity_type",
    "min_photos",
    "min_exposures",
    "min_media_reports",
    "order",
)


def save_task(
    *,
    campaign: Campaign,
    by: User,
    fields: dict[str, Any],
    assignment: Assignment,
    task: CampaignTask | None = None,
) -> CampaignTask:
    """Create (or change) a task of the office's own campaign, assigned to its communities and member units."""
    jurisdiction = require_office(by)
    if campaign.jurisdiction_id != jurisdiction.pk or (task is not None and task.campaign_id != campaign.pk):
        raise PermissionDenied
    children, members = resolve_assignment(jurisdiction, assignment)
    with transaction.atomic():
        current = task if task is not None else CampaignTask(campaign=campaign)
        for name in TASK_FIELDS:
            if name in fields:
                setattr(current, name, fields[name])
        current.campaign = campaign
        current.full_clean()
        current.save()
        current.jurisdictions.set(children)
        current.member_units.set(members)
    return current


# --- Notices under the office's own authority ---------------------------------------------------------------------

NOTICE_FIELDS = ("title", "urgency", "recipients_text", "body", "attachments_text", "contact_note", "copy_to")


def office_notices(jurisdiction: Jurisdiction) -> QuerySet[Notice]:
    """The notices the office wrote in the portal under its own authority (drafts and issued): drafted by an officer
    of the office's own unit. A notice staff drafted under the office's authority (admin, correction) is not the
    office's to list, edit or issue."""
    return Notice.objects.filter(
        authority__unit_link__jurisdiction=jurisdiction,
        created_by__officer_profile__jurisdiction=jurisdiction,
    ).order_by("-created_at", "-pk")


def office_notice(user: UserOrAnonymous | None, pk: int) -> Notice:
    jurisdiction = office_jurisdiction(user)
    notice = (
        office_notices(jurisdiction).select_related("authority", "document").filter(pk=pk).first()
        if jurisdiction is not None
        else None
    )
    if notice is None:
        raise Http404
    return notice


def default_recipients(jurisdiction: Jurisdiction, children: Iterable[int], members: Iterable[int]) -> str:
    """主送 as offices write it: "各社区、街道安委会成员单位" when a whole group is addressed; names otherwise."""
    children, members = list(children), list(members)
    all_children = list(child_units(jurisdiction).values_list("pk", "kind", "name"))
    all_members = list(own_member_units(jurisdiction).values_list("pk", "name"))
    parts: list[str] = []
    if children:
        if set(children) == {pk for pk, _kind, _name in all_children}:
            kinds = sorted({kind for _pk, kind, _name in all_children if kind}, key=lambda k: k != "社区")
            parts.append("各" + "、".join(kinds or [_("社区（村）")]))
        else:
            names = {pk: name for pk, _kind, name in all_children}
            parts.append("、".join(names[pk] for pk in children))
    if members:
        if set(members) == {pk for pk, _name in all_members}:
            parts.append(_("%(kind)s安委会成员单位") % {"kind": jurisdiction.kind or jurisdiction.name})
        else:
            names = dict(all_members)
            parts.append("、".join(names[pk] for pk in members))
    return "、".join(parts)[:255]


def save_notice(
    *,
    by: User,
    fields: dict[str, Any],
    assignment: Assignment,
    notice: Notice | None = None,
) -> Notice:
    """Create (or change) a draft notice of the office under its own authority, addressed to its communities and
    member units. Issued through ``safetyportal.documents.services.issue()`` like every numbered paper."""
    jurisdiction = require_office(by)
    authority = own_authority(jurisdiction)
    if authority is None:
        raise ValidationError(_("本单位尚未设置发文机关（机关代字），请联系安委办设置。"), code="no_authority")
    if notice is not None and notice.authority_id != authority.pk:
        raise PermissionDenied
    children, members = resolve_assignment(jurisdiction, assignment)
    with transaction.atomic():
        current = notice if notice is not None else Notice(authority=authority, created_by=by)
        if current.status != NoticeStatus.DRAFT:
            raise ValidationError(current.locked_message)
        for name in NOTICE_FIELDS:
            if name in fields:
                setattr(current, name, fields[name])
        if not current.recipients_text.strip():
            current.recipients_text = default_recipients(jurisdiction, children, members)
        current.full_clean()
        current.save()
        current.recipient_jurisdictions.set(children)
        current.recipient_units.set(members)
    return current


def link_launch_notice(*, campaign: Campaign, notice: Notice, by: User) -> Campaign:
    """The office's campaign is deployed by its notice (本级方案)."""
    jurisdiction = require_office(by)
    if campaign.jurisdiction_id != jurisdiction.pk or not office_notices(jurisdiction).filter(pk=notice.pk).exists():
        raise PermissionDenied
    Campaign.objects.filter(pk=campaign.pk).update(launch_notice=notice)
    campaign.launch_notice = notice
    return campaign
