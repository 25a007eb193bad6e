"""SECURITY.md section C for the activity returns of the officer portal.

T11: for every officer, every other unit's return (and its photos and task) and every portal route taking an object
id, GET and POST answer 404 (or 405), and neither the database nor the media storage changes.
T13: fields posted to the form (unit, status, reviewer, task…) are ignored: no row ends up owned by another unit or
with an escalated status.
T14: lists, search, pagination, export and dashboard counts contain no foreign row."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import ActivityReturn, ReturnStatus
from tests.campaigns.factories import (
    ActivityReturnFactory,
    CampaignTaskFactory,
    ReturnAttachmentFactory,
    ReturnPhotoFactory,
)
from tests.core.factories import JurisdictionFactory, OfficerProfileFactory
from tests.security.crawl import checksum_diff, db_checksum
from tests.security.routes import PORTAL, object_routes

pytestmark = pytest.mark.django_db

UNITS = 6
RETURNS_PER_UNIT = 4
# Every portal route of the returns taking an object, and which ids it takes. A new route must be added here (and to
# tests/security/idor_registry.py): test_every_returns_route_is_probed fails otherwise.
RETURN_ROUTES = {
    "portal:return_create": ("task_id",),
    "portal:return_detail": ("pk",),
    "portal:return_edit": ("pk",),
    "portal:return_submit": ("pk",),
    "portal:return_delete": ("pk",),
    "portal:return_photo": ("pk", "photo_id"),
    "portal:return_photo_thumbnail": ("pk", "photo_id"),
    "portal:return_photo_delete": ("pk", "photo_id"),
    "portal:return_attachment": ("pk", "attachment_id"),
    "portal:return_attachment_delete": ("pk", "attachment_id"),
}


def storage_checksum(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def city(campaign):
    """UNITS subdistricts, each with an officer, its own task and RETURNS_PER_UNIT returns in every status, each
    with a photo."""
    statuses = [ReturnStatus.DRAFT, ReturnStatus.SUBMITTED, ReturnStatus.RETURNED, ReturnStatus.ACCEPTED]
    units = []
    for index in range(UNITS):
        unit = JurisdictionFactory(name=f"第{index}街道")
        officer = OfficerProfileFactory(jurisdiction=unit).user
        task = CampaignTaskFactory(campaign=campaign, units=[unit], title=f"第{index}街道专属任务")
        returns = []
        for number in range(RETURNS_PER_UNIT):
            status = statuses[number % len(statuses)]
            first = timezone.now() if status != ReturnStatus.DRAFT else None
            activity_return = ActivityReturnFactory(
                task=task,
                jurisdiction=unit,
                status=status,
                first_submitted_at=first,
                title=f"第{index}街道活动{number}",
            )
            ReturnPhotoFactory(activity_return=activity_return)
            ReturnAttachmentFactory(activity_return=activity_return)
            returns.append(activity_return)
        units.append({"unit": unit, "officer": officer, "task": task, "returns": returns})
    return units


def probe_urls(route_name: str, foreign: ActivityReturn, own: ActivityReturn) -> list[str]:
    """The URLs by which an officer owning ``own`` could reach ``foreign`` through this route."""
    photo = foreign.photos.first()
    own_photo = own.photos.first()
    if route_name == "portal:return_create":
        return [reverse(route_name, kwargs={"task_id": foreign.task_id})]
    if "photo_id" in RETURN_ROUTES[route_name]:
        return [
            reverse(route_name, kwargs={"pk": foreign.pk, "photo_id": photo.pk}),  # both foreign
            reverse(route_name, kwargs={"pk": own.pk, "photo_id": photo.pk}),  # own return, foreign photo
            reverse(route_name, kwargs={"pk": foreign.pk, "photo_id": own_photo.pk}),  # foreign return, own photo
        ]
    if "attachment_id" in RETURN_ROUTES[route_name]:
        attachment, own_attachment = foreign.attachments.first(), own.attachments.first()
        return [
            reverse(route_name, kwargs={"pk": foreign.pk, "attachment_id": attachment.pk}),
            reverse(route_name, kwargs={"pk": own.pk, "attachment_id": attachment.pk}),
            reverse(route_name, kwargs={"pk": foreign.pk, "attachment_id": own_attachment.pk}),
        ]
    return [reverse(route_name, kwargs={"pk": foreign.pk})]


def test_every_returns_route_is_probed():
    routes = {route.name for route in object_routes() if route.area == PORTAL and "return" in (route.name or "")}
    assert routes == set(RETURN_ROUTES)


def test_officer_gets_404_on_every_route_of_other_units_returns(city, media_root):
    before_db, before_files = db_checksum(), storage_checksum(media_root)
    probes = 0
    unexpected = []
    for mine in city:
        client = Client()
        client.force_login(mine["officer"])
        own = mine["returns"][0]
        for theirs in city:
            if theirs is mine:
                continue
            for foreign in theirs["returns"]:
                for route_name in RETURN_ROUTES:
                    for url in probe_urls(route_name, foreign, own):
                        for method in ("get", "post"):
                            response = getattr(client, method)(url, {"status": "accepted", "title": "x"})
                            probes += 1
                            if response.status_code not in (404, 405):
                                unexpected.append(f"{method.upper()} {url} -> {response.status_code}")
        for url in (reverse("portal:return_list"), reverse("portal:return_export")):  # filtering by a foreign task
            response = client.get(url, {"task": city[(city.index(mine) + 1) % UNITS]["task"].pk})
            probes += 1
            if response.status_code != 404:
                unexpected.append(f"GET {url}?task=<foreign> -> {response.status_code}")
    assert not unexpected, unexpected[:20]
    assert probes >= UNITS * (UNITS - 1) * RETURNS_PER_UNIT * len(RETURN_ROUTES) * 2
    assert checksum_diff(before_db, db_checksum()) == {}
    assert storage_checksum(media_root) == before_files


def test_own_unit_reaches_the_same_routes(city):
    """The matrix above is not vacuous: the owner gets 200 (or a redirect) on the same URLs."""
    mine = city[0]
    client = Client()
    client.force_login(mine["officer"])
    draft = mine["returns"][0]
    photo = draft.photos.first()
    assert client.get(reverse("portal:return_detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("portal:return_edit", args=[draft.pk])).status_code == 200
    assert client.get(reverse("portal:return_create", args=[mine["task"].pk])).status_code == 200
    response = client.get(reverse("portal:return_photo", args=[draft.pk, photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client.get(reverse("portal:return_photo_thumbnail", args=[draft.pk, photo.pk])).status_code == 200
    attachment = draft.attachments.first()
    response = client.get(reverse("portal:return_attachment", args=[draft.pk, attachment.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")


# --- T13: write-IDOR through fields ---------------------------------------------------------------------------------

ESCALATING_FIELDS = {
    "status": "accepted",
    "reviewed_by": "1",
    "reviewed_at": "2024-06-20 10:00",
    "is_late": "",
    "late_days": "0",
    "first_submitted_at": "2024-06-01 10:00",
    "return_reason": "",
}


def form_data(task, **overrides):
    data = {
        "period_due": task.periods()[0].due.isoformat(),
        "activity_type": "consultation",
        "title": "宣传咨询活动",
        "activity_date": "2024-06-16",
        "place": "文化广场",
        "sessions": "1",
        "participants": "100",
        "description": "现场宣传咨询。",
        **dict.fromkeys(("leaflets", "booklets", "wall_charts", "boards", "banners", "giveaways"), "0"),
        "media_reports": "0",
        "exposures": "0",
    }
    data.update(overrides)
    return data


def test_posting_another_unit_or_an_escalated_status_changes_nothing_of_the_kind(
    officer_a, unit_a, unit_b, task, staff_user, campaign
):
    b_task = CampaignTaskFactory(campaign=campaign, units=[unit_b])
    client = Client()
    client.force_login(officer_a)
    hostile = {
        **ESCALATING_FIELDS,
        "reviewed_by": str(staff_user.pk),
        "jurisdiction": str(unit_b.pk),
        "unit": str(unit_b.pk),
        "subdistrict": str(unit_b.pk),
        "member_unit": "1",
        "task": str(b_task.pk),
        "campaign": str(campaign.pk),
        "created_by": str(staff_user.pk),
    }
    # Create, with "save and submit": a draft then submitted, in unit A, for A's task, never accepted.
    response = client.post(
        reverse("portal:return_create", args=[task.pk]), {**form_data(task), **hostile, "_submit": "1"}
    )
    assert response.status_code == 302
    created = ActivityReturn.objects.get()
    assert (created.jurisdiction, created.task, created.member_unit) == (unit_a, task, None)
    assert created.status == ReturnStatus.SUBMITTED and created.reviewed_by is None and created.reviewed_at is None
    assert created.created_by == officer_a

    # Edit a draft posting the same: content changes, nothing else.
    draft = ActivityReturnFactory(task=task, jurisdiction=unit_a)
    response = client.post(reverse("portal:return_edit", args=[draft.pk]), {**form_data(task, title="改过"), **hostile})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "改过" and draft.jurisdiction == unit_a and draft.task == task
    assert draft.status == ReturnStatus.DRAFT and draft.reviewed_by is None and draft.first_submitted_at is None

    # Submit posting status=accepted: submitted, not accepted.
    response = client.post(reverse("portal:return_submit", args=[draft.pk]), hostile)
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.SUBMITTED and draft.reviewed_by is None

    assert not ActivityReturn.objects.filter(jurisdiction=unit_b).exists()
    assert not ActivityReturn.objects.filter(status=ReturnStatus.ACCEPTED).exists()


# --- T14: lists, search, export and dashboard counts -----------------------------------------------------------------


def all_listed_ids(client: Client, **params: str) -> set[int]:
    ids: set[int] = set()
    page = 1
    while True:
        response = client.get(reverse("portal:return_list"), {**params, "page": page})
        assert response.status_code == 200
        ids |= {r.pk for r in response.context["page"].object_list}
        if not response.context["page"].has_next():
            return ids
        page += 1


def test_lists_search_export_and_counts_hold_only_own_rows(city):
    for mine in city:
        client = Client()
        client.force_login(mine["officer"])
        own_ids = set(ActivityReturn.objects.filter(jurisdiction=mine["unit"]).values_list("pk", flat=True))
        assert all_listed_ids(client) == own_ids
        # A search for another unit's titles finds nothing; for one's own, only one's own.
        other = city[(city.index(mine) + 1) % UNITS]
        assert all_listed_ids(client, q=other["returns"][0].title) == set()
        assert all_listed_ids(client, q="街道活动") == own_ids
        for status in ReturnStatus.values:
            expected = set(
                ActivityReturn.objects.filter(jurisdiction=mine["unit"], status=status).values_list("pk", flat=True)
            )
            assert all_listed_ids(client, status=status) == expected

        export = client.get(reverse("portal:return_export"))
        sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
        header = [cell.value for cell in sheet[1]]
        exported = {row[header.index("报送编号")] for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert exported == own_ids
        assert {row[header.index("报送单位")] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
            mine["unit"].name
        }

        counts = client.get(reverse("portal:home")).context["sections"]["campaigns"]["counts"]
        own = ActivityReturn.objects.filter(jurisdiction=mine["unit"])
        assert counts["total"] == own.count() == RETURNS_PER_UNIT
        assert counts["accepted"] == own.filter(status=ReturnStatus.ACCEPTED).count()
        assert counts["drafts"] == own.filter(status=ReturnStatus.DRAFT).count()


# Issue 12: member units (成员单位) and communities have their own accounts ---------------------------------------


@pytest.fixture
def member_units(campaign, unit_a):
    """Two member units of the city, each with an officer, its own task and returns (every status, with a photo);
    and unit A's officer. Member units' returns keep jurisdiction = the member unit's own."""
    from tests.core.factories import MemberUnitFactory

    statuses = [ReturnStatus.DRAFT, ReturnStatus.SUBMITTED, ReturnStatus.RETURNED, ReturnStatus.ACCEPTED]
    result = []
    for index in range(2):
        member = MemberUnitFactory(jurisdiction=unit_a.parent, name=f"市第{index}局")
        officer = OfficerProfileFactory(jurisdiction=None, member_unit=member).user
        task = CampaignTaskFactory(campaign=campaign, members=[member], title=f"市第{index}局专属任务")
        returns = []
        for number, status in enumerate(statuses):
            activity_return = ActivityReturnFactory(
                task=task,
                jurisdiction=member.jurisdiction,
                member_unit=member,
                status=status,
                first_submitted_at=timezone.now() if status != ReturnStatus.DRAFT else None,
                title=f"市第{index}局活动{number}",
            )
            ReturnPhotoFactory(activity_return=activity_return)
            ReturnAttachmentFactory(activity_return=activity_return)
            returns.append(activity_return)
        result.append({"unit": member, "officer": officer, "task": task, "returns": returns})
    subdistrict_task = CampaignTaskFactory(campaign=campaign, units=[unit_a], title="甲街道任务")
    own = ActivityReturnFactory(task=subdistrict_task, jurisdiction=unit_a, title="甲街道活动")
    ReturnPhotoFactory(activity_return=own)
    ReturnAttachmentFactory(activity_return=own)
    office = OfficerProfileFactory(jurisdiction=unit_a).user
    result.append({"unit": unit_a, "officer": office, "task": subdistrict_task, "returns": [own]})
    return result


def test_member_units_and_subdistricts_get_404_on_each_others_returns(member_units, media_root):
    """member unit ↔ member unit and member unit ↔ subdistrict, every returns route, GET and POST."""
    before_db, before_files = db_checksum(), storage_checksum(media_root)
    unexpected = []
    probes = 0
    for mine in member_units:
        client = Client()
        client.force_login(mine["officer"])
        own = mine["returns"][0]
        for theirs in member_units:
            if theirs is mine:
                continue
            for foreign in theirs["returns"]:
                for route_name in RETURN_ROUTES:
                    if route_name.startswith("portal:return_attachment"):
                        continue  # no attachments in this fixture (tests/security/test_unit_matrix.py has them)
                    for url in probe_urls(route_name, foreign, own):
                        for method in ("get", "post"):
                            response = getattr(client, method)(url, {"status": "accepted", "title": "x"})
                            probes += 1
                            if response.status_code not in (404, 405):
                                unexpected.append(f"{method.upper()} {url} -> {response.status_code}")
    assert not unexpected, unexpected[:20]
    assert probes > 0
    assert checksum_diff(before_db, db_checksum()) == {}
    assert storage_checksum(media_root) == before_files


def test_member_unit_officer_lists_and_exports_only_its_own_returns(member_units):
    mine, _other, office = member_units
    client = Client()
    client.force_login(mine["officer"])
    assert all_listed_ids(client) == {r.pk for r in mine["returns"]}
    response = client.get(reverse("portal:return_export"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    text = " ".join(str(cell) for row in workbook.active.iter_rows(values_only=True) for cell in row)
    assert "市第0局活动" in text and "市第1局活动" not in text and "甲街道活动" not in text
    # The subdistrict office sees none of the city's member units' returns.
    office_client = Client()
    office_client.force_login(office["officer"])
    assert all_listed_ids(office_client) == {office["returns"][0].pk}


def test_member_unit_returns_filed_through_the_service_keep_their_unit(member_units):
    """campaigns.services.create_return: a member-unit officer files for their unit only, on their unit's task."""
    from django.core.exceptions import PermissionDenied

    from campaigns import services

    mine, other, office = member_units
    member = mine["unit"]
    fields = {"activity_type": "consultation", "title": "新报送", "activity_date": mine["task"].due_on}
    fields.update(place="市第0局", description="开展活动。")
    created = services.create_return(
        task=mine["task"],
        jurisdiction=member.jurisdiction,
        member_unit=member,
        period_due=mine["task"].due_on,
        fields=fields,
        by=mine["officer"],
    )
    assert (created.jurisdiction, created.member_unit) == (member.jurisdiction, member)
    for task, jurisdiction, unit in (
        (other["task"], member.jurisdiction, member),  # another member unit's task
        (mine["task"], member.jurisdiction, other["unit"]),  # another member unit
        (mine["task"], member.jurisdiction, None),  # as the city's office
        (office["task"], office["unit"], None),  # as a subdistrict
    ):
        with pytest.raises(PermissionDenied):
            services.create_return(
                task=task,
                jurisdiction=jurisdiction,
                member_unit=unit,
                period_due=task.due_on,
                fields=fields,
                by=mine["officer"],
            )
