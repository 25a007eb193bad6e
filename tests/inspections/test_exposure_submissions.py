"""Towns and subdistricts submit exposure case drafts from their portal; the office accepts them into a draft
ExposureCase (edited, masked and published with the existing flow) or returns them with a reason (package E)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.test import Client

from inspections import exposure_submissions as services
from inspections import services as case_services
from inspections.models import CaseStatus, ExposureCase, ExposureSubmission, SubmissionStatus
from safetyportal.history import RecordHistory
from safetyportal.roles import STAFF_GROUP
from tests.core.factories import (
    CommunityFactory,
    CountyFactory,
    MemberUnitFactory,
    OfficerProfileFactory,
    StaffUserFactory,
)
from tests.inspections.factories_articles import ExposureSubmissionFactory

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "penalty",
    "category": "industry",
    "case_date": "2024-06-03",
    "title": "晋江市某鞋业有限公司未落实安全培训案",
    "display_name": "晋江市某鞋业有限公司",
    "principal_person": "陈建国",
    "summary": "未按规定开展安全生产教育和培训",
    "body": "6月3日，执法人员检查发现该公司主要负责人陈建国（电话13905951234）未组织从业人员安全培训。",
    "legal_basis": "《安全生产法》第二十八条、第九十七条",
    "penalty_text": "罚款2万元",
    "warning": "企业须落实全员安全培训。",
    "media_url": "https://www.ijjnews.com/2024/0610/1.html",
}


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reviewer(db):
    return StaffUserFactory(groups=[Group.objects.get(name=STAFF_GROUP)])


def test_an_officer_submits_a_draft_for_their_own_unit(officer_a, unit_a, unit_b):
    client = client_for(officer_a)
    assert client.get("/portal/hazards/exposure/new/").status_code == 200
    # A posted unit, status or case is ignored: the unit is the officer's, the state is the service's.
    response = client.post(
        "/portal/hazards/exposure/new/",
        {**FORM, "jurisdiction": unit_b.pk, "status": "accepted", "case": 1},
    )
    assert response.status_code == 302
    submission = ExposureSubmission.objects.get()
    assert submission.jurisdiction == unit_a and submission.status == SubmissionStatus.PENDING
    assert submission.submitted_by == officer_a and submission.case is None
    html = client.get("/portal/hazards/exposure/").content.decode()
    assert FORM["title"] in html and "待审核" in html
    assert RecordHistory.objects.filter(object_id=submission.pk, action="create").exists()


def test_an_empty_title_or_body_is_refused(officer_a):
    response = client_for(officer_a).post("/portal/hazards/exposure/new/", {**FORM, "body": " "})
    assert response.status_code == 400 and not ExposureSubmission.objects.exists()


def test_another_units_submission_is_not_found_and_unchanged(officer_a, officer_b, unit_a):
    submission = ExposureSubmissionFactory(jurisdiction=unit_a, status=SubmissionStatus.RETURNED)
    other = client_for(officer_b)
    url = f"/portal/hazards/exposure/{submission.pk}/"
    assert other.get(url).status_code == 404
    assert other.post(url, {**FORM, "title": "篡改"}).status_code == 404
    submission.refresh_from_db()
    assert submission.title != "篡改" and submission.status == SubmissionStatus.RETURNED
    assert submission.title not in other.get("/portal/hazards/exposure/").content.decode()
    assert client_for(officer_a).get(url).status_code == 200


def test_a_county_officer_does_not_see_a_towns_submission_as_their_own(unit_a):
    """The list and detail pages show the officer's own unit's submissions (a county's towns submit their own)."""
    submission = ExposureSubmissionFactory(jurisdiction=unit_a)
    county_officer = OfficerProfileFactory(jurisdiction=CountyFactory()).user
    client = client_for(county_officer)
    assert client.get(f"/portal/hazards/exposure/{submission.pk}/").status_code == 404
    assert client.get("/portal/hazards/exposure/").status_code == 200


@pytest.mark.parametrize("kind", ["community", "member"])
def test_communities_and_member_units_do_not_submit(kind):
    profile = (
        OfficerProfileFactory(jurisdiction=CommunityFactory())
        if kind == "community"
        else OfficerProfileFactory(jurisdiction=None, member_unit=MemberUnitFactory())
    )
    client = client_for(profile.user)
    for url in ("/portal/hazards/exposure/", "/portal/hazards/exposure/new/", "/portal/hazards/media-duty/"):
        assert client.get(url).status_code == 404
    assert client.post("/portal/hazards/exposure/new/", FORM).status_code == 404
    assert not ExposureSubmission.objects.exists()


def test_anonymous_and_staff_cannot_use_the_portal_pages(reviewer, unit_a):
    submission = ExposureSubmissionFactory(jurisdiction=unit_a)
    for url in ("/portal/hazards/exposure/", f"/portal/hazards/exposure/{submission.pk}/"):
        response = Client().get(url)
        assert response.status_code == 302 and "login" in response["Location"]
        assert client_for(reviewer).get(url).status_code == 403


def test_returned_then_resubmitted_then_accepted_and_published(officer_a, unit_a, reviewer):
    submission = services.submit(by=officer_a, data=FORM)
    office = client_for(reviewer)

    # The office returns it with a reason (in the admin).
    change = f"/admin/inspections/exposuresubmission/{submission.pk}/change/"
    assert office.get(change).status_code == 200
    assert office.post(change.replace("change/", "return/"), {"reason": ""}).status_code == 200  # reason required
    response = office.post(change.replace("change/", "return/"), {"reason": "请补充处罚决定书文号"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED and submission.return_reason == "请补充处罚决定书文号"

    # The unit sees the reason, revises and resubmits.
    unit = client_for(officer_a)
    url = f"/portal/hazards/exposure/{submission.pk}/"
    html = unit.get(url).content.decode()
    assert "退回修改" in html and "请补充处罚决定书文号" in html and "重新报送" in html
    assert unit.post(url, {**FORM, "penalty_text": "罚款2万元（晋应急罚〔2024〕12号）"}).status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PENDING and submission.times_submitted == 2
    assert "12号" in submission.penalty_text
    # A pending submission cannot be edited from the portal.
    unit.post(url, {**FORM, "title": "改过的标题"})
    submission.refresh_from_db()
    assert submission.title == FORM["title"]

    # The office accepts: a draft case, not published.
    assert office.get(change.replace("change/", "accept/")).status_code == 200
    response = office.post(change.replace("change/", "accept/"))
    assert response.status_code == 302
    submission.refresh_from_db()
    case = submission.case
    assert submission.status == SubmissionStatus.ACCEPTED and case.status == CaseStatus.DRAFT
    assert case.jurisdiction == unit_a and case.title == FORM["title"] and case.created_by == reviewer
    assert response["Location"].endswith(f"/exposurecase/{case.pk}/change/")
    assert f"{unit_a.name}报送" in office.get(response["Location"]).content.decode()  # the case names its source
    assert "已采用（待发布）" in unit.get(url).content.decode()
    assert office.post(change.replace("change/", "accept/")).status_code == 200  # not pending any more
    assert ExposureCase.objects.count() == 1

    # Published with the existing flow: the text is masked; the unit sees 已发布.
    case_services.publish_case(case=case, by=reviewer)
    case.refresh_from_db()
    assert "陈建国" not in case.public_body and "13905951234" not in case.public_body
    html = unit.get(url).content.decode()
    assert "已发布" in html and "查看公开页面" in html


def test_only_reviewers_review(officer_a, unit_a):
    submission = ExposureSubmissionFactory(jurisdiction=unit_a)
    plain_staff = StaffUserFactory()
    with pytest.raises(PermissionDenied):
        services.accept(submission=submission, by=plain_staff)
    with pytest.raises(PermissionDenied):
        services.return_submission(submission=submission, by=officer_a, reason="x")
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PENDING


def test_submissions_are_never_deleted_in_the_admin(reviewer, unit_a):
    submission = ExposureSubmissionFactory(jurisdiction=unit_a)
    office = client_for(reviewer)
    assert office.get(f"/admin/inspections/exposuresubmission/{submission.pk}/delete/").status_code in (302, 403)
    assert office.get("/admin/inspections/exposuresubmission/add/").status_code == 403
    assert ExposureSubmission.objects.filter(pk=submission.pk).exists()
    assert office.get("/admin/inspections/exposuresubmission/").status_code == 200


@pytest.mark.parametrize("count", [1, 25])
def test_the_list_runs_a_constant_number_of_queries(officer_a, unit_a, count, django_assert_max_num_queries):
    ExposureSubmissionFactory.create_batch(count, jurisdiction=unit_a)
    client = client_for(officer_a)
    with django_assert_max_num_queries(14):
        response = client.get("/portal/hazards/exposure/")
    assert response.status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/portal/hazards/exposure/?page=2").status_code == 200
