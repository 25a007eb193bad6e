"""Who writes a return (issue 12 follow-up): only the unit that owns it.

An office (街道) reads its communities' and its own member units' returns (``for_user`` covers its subtree) and
reviews them through the cascade, but never creates, edits, submits or deletes them, nor adds or removes their
photos and attachments. Every such write route answers the office 404 and changes nothing; the owners still write.
The rule lives in ``campaigns.services.may_write_return`` (``writable_returns`` is the same rule as a query)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from campaigns import attachments, services
from campaigns.models import ActivityReturn, ReturnAttachment, ReturnPhoto, ReturnStatus
from safetyportal.images import process_image
from safetyportal.uploads import check_attachment
from tests.campaigns.factories import (
    ActivityReturnFactory,
    CampaignTaskFactory,
    ReturnAttachmentFactory,
    ReturnPhotoFactory,
    jpeg_bytes,
)
from tests.campaigns.test_idor import form_data, storage_checksum
from tests.core.attachment_files import pdf_bytes
from tests.core.factories import CommunityFactory, MemberUnitFactory, OfficerProfileFactory, StaffUserFactory
from tests.security.crawl import checksum_diff, db_checksum

pytestmark = pytest.mark.django_db


def _draft(task: Any, jurisdiction: Any, member_unit: Any = None, title: str = "") -> ActivityReturn:
    activity_return = ActivityReturnFactory(
        task=task, jurisdiction=jurisdiction, member_unit=member_unit, title=title, status=ReturnStatus.DRAFT
    )
    ReturnPhotoFactory(activity_return=activity_return)
    ReturnAttachmentFactory(activity_return=activity_return)
    return activity_return


@pytest.fixture
def office_tree(campaign, unit_a) -> dict[str, Any]:
    """甲街道 (office) with its community 甲一社区 and its own member unit 甲街道派出所, an officer each, and a draft
    return of each unit (with a photo and an attachment), plus a returned (sent back) return of the community."""
    community = CommunityFactory(parent=unit_a, name="甲一社区")
    member = MemberUnitFactory(jurisdiction=unit_a, name="甲街道派出所")
    task = CampaignTaskFactory(campaign=campaign, units=[unit_a, community], members=[member], title="写入范围任务")
    returned = _draft(task, community, title="社区被退回的活动")
    ActivityReturn.objects.filter(pk=returned.pk).update(status=ReturnStatus.RETURNED, return_reason="请补充照片")
    return {
        "task": task,
        "office": OfficerProfileFactory(jurisdiction=unit_a).user,
        "community_officer": OfficerProfileFactory(jurisdiction=community).user,
        "member_officer": OfficerProfileFactory(jurisdiction=None, member_unit=member).user,
        "own": _draft(task, unit_a, title="街道自己的活动"),
        "community": _draft(task, community, title="社区的活动"),
        "member": _draft(task, unit_a, member, title="派出所的活动"),
        "community_returned": ActivityReturn.objects.get(pk=returned.pk),
    }


def _write_probes(activity_return: ActivityReturn) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, url, data) of every portal route that writes the return, its photos or its attachments."""
    photo = activity_return.photos.get()
    attachment = activity_return.attachments.get()
    data = form_data(activity_return.task, title="被改写", _submit="1")
    return [
        ("get", reverse("portal:return_edit", args=[activity_return.pk]), {}),
        ("post", reverse("portal:return_edit", args=[activity_return.pk]), data),
        ("post", reverse("portal:return_submit", args=[activity_return.pk]), {}),
        ("post", reverse("portal:return_delete", args=[activity_return.pk]), {}),
        ("post", reverse("portal:return_photo_delete", args=[activity_return.pk, photo.pk]), {}),
        ("post", reverse("portal:return_attachment_delete", args=[activity_return.pk, attachment.pk]), {}),
    ]


@pytest.mark.parametrize("target", ["community", "member", "community_returned"])
def test_office_gets_404_on_every_write_route_of_its_units_returns(office_tree, target, media_root):
    """office → community, office → own member unit: every write route 404, database and files unchanged."""
    client = Client()
    client.force_login(office_tree["office"])
    activity_return = office_tree[target]
    assert client.get(reverse("portal:return_detail", args=[activity_return.pk])).status_code == 200  # reads
    before_db, before_files = db_checksum(), storage_checksum(media_root)
    unexpected = []
    for method, url, data in _write_probes(activity_return):
        response = getattr(client, method)(url, data)
        if response.status_code != 404:
            unexpected.append(f"{method.upper()} {url} -> {response.status_code}")
    assert not unexpected
    assert checksum_diff(before_db, db_checksum()) == {}
    assert storage_checksum(media_root) == before_files


@pytest.mark.parametrize("target", ["community", "member"])
def test_office_cannot_create_a_return_for_its_units(office_tree, target):
    """The office files on the shared task for itself only: a create never lands on a community or member unit."""
    client = Client()
    client.force_login(office_tree["office"])
    task = office_tree["task"]
    response = client.post(reverse("portal:return_create", args=[task.pk]), form_data(task, title="新建的活动"))
    assert response.status_code == 302
    created = ActivityReturn.objects.get(title="新建的活动")
    assert (created.jurisdiction, created.member_unit) == (office_tree["own"].jurisdiction, None)
    unit = office_tree[target]
    with pytest.raises(PermissionDenied):
        services.create_return(
            task=task,
            jurisdiction=unit.jurisdiction,
            member_unit=unit.member_unit,
            period_due=task.periods()[0].due,
            fields={"title": "替社区填报"},
            by=office_tree["office"],
        )
    assert not ActivityReturn.objects.filter(title="替社区填报").exists()


def test_office_detail_page_of_a_community_draft_offers_no_write_button(office_tree):
    client = Client()
    client.force_login(office_tree["office"])
    activity_return = office_tree["community"]
    page = client.get(reverse("portal:return_detail", args=[activity_return.pk])).content.decode()
    for route in ("portal:return_edit", "portal:return_submit", "portal:return_delete"):
        assert reverse(route, args=[activity_return.pk]) not in page
    assert "return-photo-delete" not in page and "/delete/" not in page
    own = client.get(reverse("portal:return_detail", args=[office_tree["own"].pk])).content.decode()
    assert reverse("portal:return_edit", args=[office_tree["own"].pk]) in own


def test_office_dashboard_lists_only_its_own_returns_sent_back(office_tree, unit_a):
    own = office_tree["own"]
    ActivityReturn.objects.filter(pk=own.pk).update(status=ReturnStatus.RETURNED, return_reason="请补充")
    client = Client()
    client.force_login(office_tree["office"])
    page = client.get(reverse("portal:home")).content.decode()  # the campaigns section lists returns sent back
    assert reverse("portal:return_edit", args=[own.pk]) in page
    assert reverse("portal:return_edit", args=[office_tree["community_returned"].pk]) not in page


def _photo() -> Any:
    return process_image(io.BytesIO(jpeg_bytes()))


def _pdf() -> Any:
    return check_attachment(io.BytesIO(pdf_bytes()), name="签到表.pdf")


@pytest.mark.parametrize("target", ["community", "member"])
def test_every_write_service_refuses_the_office(office_tree, target, media_root):
    """The services hold the rule too (an import, a task or a future view calls them directly)."""
    office = office_tree["office"]
    activity_return = office_tree[target]
    before_db, before_files = db_checksum(), storage_checksum(media_root)
    writes = [
        lambda: services.update_return(activity_return=activity_return, fields={"title": "改"}, by=office),
        lambda: services.update_return(activity_return=activity_return, fields={}, photos=[_photo()], by=office),
        lambda: services.submit_return(activity_return=activity_return, by=office),
        lambda: services.delete_return(activity_return=activity_return, by=office),
        lambda: services.delete_photo(photo=activity_return.photos.get(), by=office),
        lambda: attachments.add_return_attachments(
            activity_return=activity_return, files=[_pdf()], kind="plan", by=office
        ),
        lambda: attachments.delete_return_attachment(attachment=activity_return.attachments.get(), by=office),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()
    assert checksum_diff(before_db, db_checksum()) == {}
    assert storage_checksum(media_root) == before_files


@pytest.mark.parametrize(("target", "officer"), [("community", "community_officer"), ("member", "member_officer")])
def test_owner_still_writes_its_return_through_every_route(office_tree, target, officer):
    client = Client()
    client.force_login(office_tree[officer])
    activity_return = office_tree[target]
    photo, attachment = activity_return.photos.get(), activity_return.attachments.get()
    assert client.get(reverse("portal:return_edit", args=[activity_return.pk])).status_code == 200
    response = client.post(reverse("portal:return_photo_delete", args=[activity_return.pk, photo.pk]))
    assert response.status_code == 302 and not ReturnPhoto.objects.filter(pk=photo.pk).exists()
    response = client.post(reverse("portal:return_attachment_delete", args=[activity_return.pk, attachment.pk]))
    assert response.status_code == 302 and not ReturnAttachment.objects.filter(pk=attachment.pk).exists()
    data = form_data(activity_return.task, title="本单位改过的活动")
    response = client.post(reverse("portal:return_edit", args=[activity_return.pk]), data)
    assert response.status_code == 302
    assert ActivityReturn.objects.get(pk=activity_return.pk).title == "本单位改过的活动"
    response = client.post(reverse("portal:return_submit", args=[activity_return.pk]))
    assert response.status_code == 302
    assert ActivityReturn.objects.get(pk=activity_return.pk).status == ReturnStatus.SUBMITTED
    # A fresh draft of the owner is deleted by the owner.
    draft = _draft(activity_return.task, activity_return.jurisdiction, activity_return.member_unit, "再建的草稿")
    assert client.post(reverse("portal:return_delete", args=[draft.pk])).status_code == 302
    assert not ActivityReturn.objects.filter(pk=draft.pk).exists()


def test_office_still_writes_its_own_return(office_tree):
    office, own = office_tree["office"], office_tree["own"]
    services.update_return(activity_return=own, fields={"title": "街道改过的活动"}, photos=[_photo()], by=office)
    attachments.add_return_attachments(activity_return=own, files=[_pdf()], kind="plan", by=office)
    assert own.photos.count() == 2 and own.attachments.count() == 2
    services.delete_photo(photo=own.photos.first(), by=office)
    attachments.delete_return_attachment(attachment=own.attachments.first(), by=office)
    services.submit_return(activity_return=own, by=office)
    assert ActivityReturn.objects.get(pk=own.pk).status == ReturnStatus.SUBMITTED


def test_community_and_member_unit_do_not_write_each_other_or_the_office(office_tree):
    for officer, others in (
        ("community_officer", ("own", "member")),
        ("member_officer", ("own", "community")),
    ):
        for other in others:
            assert not services.may_write_return(office_tree[officer], office_tree[other])


def test_may_write_return_and_writable_returns_agree(office_tree):
    staff = StaffUserFactory()
    users = [office_tree[key] for key in ("office", "community_officer", "member_officer")] + [staff, None]
    returns = list(ActivityReturn.objects.all())
    for user in users:
        writable = set(services.writable_returns(user).values_list("pk", flat=True))
        assert writable == {r.pk for r in returns if services.may_write_return(user, r)}
    assert set(services.writable_returns(office_tree["office"])) == {office_tree["own"]}
    assert set(services.writable_returns(office_tree["member_officer"])) == {office_tree["member"]}
    assert set(services.writable_returns(office_tree["community_officer"])) == {
        office_tree["community"],
        office_tree["community_returned"],
    }
