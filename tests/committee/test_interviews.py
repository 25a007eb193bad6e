"""Interviews (约谈, issue 15): commitments with working-day deadlines, overdue computed, the unit's own portal page
(scoped; member units by member_scope_path), reporting done, 404 across units, the numbered 约谈通知书."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from committee import selectors, services
from committee.models import Commitment, CommitmentStatus, Interview, InterviewNotice, InterviewReason
from safetyportal.documents import services as document_services
from safetyportal.workdays import add_working_days
from tests.committee.factories import CommitmentFactory, InterviewFactory, InterviewNoticeFactory
from tests.core.factories import (
    CommunityFactory,
    EnterpriseFactory,
    JurisdictionFactory,
    MemberUnitFactory,
    OfficerProfileFactory,
)

pytestmark = pytest.mark.django_db


def _interview(**units) -> Interview:
    values = {
        "head_name": "王某某",
        "head_position": "主任",
        "reason": InterviewReason.OVERDUE_HAZARDS,
        "held_on": dt.date(2026, 9, 30),
        "interviewer": "市安委办副主任",
        **units,
    }
    return services.save_interview(interview=Interview(**values), by=None)


def test_commitment_deadline_counts_working_days_over_the_holiday():
    interview = _interview(jurisdiction=JurisdictionFactory())
    commitment = services.add_commitment(interview=interview, text="完成隐患整改", working_days=3)
    # 30 Sep 2026 (Wed) + 3 working days: 1-7 October is 国庆, 8 and 9 October, then Saturday 10 October (调休).
    assert commitment.due_on == dt.date(2026, 10, 10) == add_working_days(dt.date(2026, 9, 30), 3)


def test_commitment_in_an_uncovered_year_is_refused_not_counted_in_natural_days():
    interview = _interview(jurisdiction=JurisdictionFactory(), held_on=dt.date(2031, 3, 3))
    with pytest.raises(ValidationError) as error:
        services.add_commitment(interview=interview, text="x", working_days=5)
    assert "日历未覆盖2031年" in str(error.value)
    assert not Commitment.objects.exists()


def test_overdue_is_computed():
    commitment = CommitmentFactory(due_on=dt.date(2026, 10, 10))
    assert commitment.current_status(dt.date(2026, 10, 10)) == CommitmentStatus.OPEN
    assert commitment.current_status(dt.date(2026, 10, 11)) == CommitmentStatus.OVERDUE
    commitment.status = CommitmentStatus.DONE
    assert commitment.current_status(dt.date(2026, 10, 11)) == CommitmentStatus.DONE


def test_exactly_one_interviewed_unit():
    with pytest.raises(ValidationError):
        _interview(jurisdiction=JurisdictionFactory(), member_unit=MemberUnitFactory())
    with pytest.raises(ValidationError):
        _interview()


def test_other_reason_needs_a_text():
    with pytest.raises(ValidationError):
        _interview(jurisdiction=JurisdictionFactory(), reason=InterviewReason.OTHER)


def test_scope_follows_the_unit():
    town = JurisdictionFactory()
    assert _interview(jurisdiction=town).scope_jurisdiction == town
    enterprise = EnterpriseFactory(jurisdiction=town)
    assert _interview(enterprise=enterprise).scope_jurisdiction == town
    assert _interview(member_unit=MemberUnitFactory()).scope_jurisdiction is None


@pytest.fixture
def network():
    a = JurisdictionFactory(name="甲街道")
    a1 = CommunityFactory(parent=a, name="甲一社区")
    b = JurisdictionFactory(name="乙街道")
    m1, m2 = MemberUnitFactory(name="市住建局测试"), MemberUnitFactory(name="市交通局测试")
    units = {"A": {"jurisdiction": a}, "A1": {"jurisdiction": a1}, "B": {"jurisdiction": b}}
    units |= {"M1": {"member_unit": m1}, "M2": {"member_unit": m2}}
    world = {}
    for key, unit in units.items():
        interview = _interview(**unit, minutes=f"{key}的约谈纪要")
        commitment = services.add_commitment(interview=interview, text=f"{key}的承诺", working_days=5)
        profile_unit = unit.get("jurisdiction") or unit.get("member_unit")
        field = "jurisdiction" if "jurisdiction" in unit else "member_unit"
        officer = OfficerProfileFactory(**{field: profile_unit, "jurisdiction": unit.get("jurisdiction")}).user
        world[key] = {"interview": interview, "commitment": commitment, "officer": officer}
    return world


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Who sees whose interviews on the page: an office its own and its communities' (path scope); everyone else its own.
VISIBLE = {"A": {"A", "A1"}, "A1": {"A1"}, "B": {"B"}, "M1": {"M1"}, "M2": {"M2"}}


def test_each_unit_sees_only_its_own_interviews(network):
    for viewer, visible in VISIBLE.items():
        page = _client(network[viewer]["officer"]).get(reverse("committee:interviews")).content.decode()
        for owner in network:
            assert (f"{owner}的承诺" in page) == (owner in visible), (viewer, owner)


def test_reporting_another_units_commitment_is_404_and_changes_nothing(network):
    for viewer in network:
        client = _client(network[viewer]["officer"])
        for owner in network:
            if owner == viewer:
                continue
            commitment = network[owner]["commitment"]
            url = reverse("committee:commitment_done", args=[commitment.pk])
            assert client.post(url, {"note": "已完成"}).status_code == 404, (viewer, owner)
            assert client.get(url).status_code == 405
    assert not Commitment.objects.filter(status=CommitmentStatus.DONE).exists()


def test_missing_commitment_is_the_same_404(network):
    client = _client(network["A"]["officer"])
    assert client.post(reverse("committee:commitment_done", args=[999999]), {"note": "x"}).status_code == 404


@pytest.mark.parametrize("key", ["A1", "M1"])
def test_the_unit_reports_its_commitment_done_with_a_note(network, key):
    officer = network[key]["officer"]
    commitment = network[key]["commitment"]
    client = _client(officer)
    response = client.post(reverse("committee:commitment_done", args=[commitment.pk]), {"note": "已整改到位"})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.DONE and commitment.done_by == officer
    assert commitment.done_note == "已整改到位" and commitment.done_at is not None
    page = client.get(reverse("committee:interviews")).content.decode()
    assert "已整改到位" in page
    # Once done, a second report is refused.
    client.post(reverse("committee:commitment_done", args=[commitment.pk]), {"note": "again"})
    commitment.refresh_from_db()
    assert commitment.done_note == "已整改到位"


def test_an_empty_note_is_refused(network):
    commitment = network["B"]["commitment"]
    _client(network["B"]["officer"]).post(reverse("committee:commitment_done", args=[commitment.pk]), {"note": " "})
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.OPEN


def test_enterprise_interviews_are_followed_by_the_office_of_its_place(network):
    town = network["A"]["interview"].jurisdiction
    interview = _interview(enterprise=EnterpriseFactory(jurisdiction=town))
    commitment = services.add_commitment(interview=interview, text="企业承诺", working_days=2)
    assert services.may_report_commitment(network["A"]["officer"], commitment)
    assert not services.may_report_commitment(network["B"]["officer"], commitment)
    assert not services.may_report_commitment(network["M1"]["officer"], commitment)


def test_voided_interviews_leave_the_page(network, staff_user):
    from safetyportal.services import void_record

    void_record(record=network["B"]["interview"], by=staff_user, reason="录入错误")
    page = _client(network["B"]["officer"]).get(reverse("committee:interviews")).content.decode()
    assert "B的承诺" not in page
    url = reverse("committee:commitment_done", args=[network["B"]["commitment"].pk])
    assert _client(network["B"]["officer"]).post(url, {"note": "x"}).status_code == 404


def test_staff_and_anonymous_do_not_use_the_portal_page(staff_user):
    assert Client().get(reverse("committee:interviews")).status_code == 302
    assert _client(staff_user).get(reverse("committee:interviews")).status_code == 403


@pytest.mark.parametrize("count", [1, 15])
def test_interview_page_runs_a_constant_number_of_queries(count, django_assert_max_num_queries):
    town = JurisdictionFactory()
    officer = OfficerProfileFactory(jurisdiction=town).user
    for n in range(count):
        interview = InterviewFactory(jurisdiction=town, held_on=dt.date(2026, 3, 2) + dt.timedelta(days=n))
        CommitmentFactory.create_batch(2, interview=interview)
    client = _client(officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("committee:interviews"))
    assert response.status_code == 200
    assert response.content.decode().count("承诺事项") >= 2 * count


def test_commitment_counts(network):
    today = dt.date(2030, 1, 1)  # every commitment of the network is past its deadline by then
    assert selectors.commitment_counts(network["A"]["officer"], today) == {"open": 0, "overdue": 2, "done": 0}
    assert selectors.commitment_counts(network["M1"]["officer"], today) == {"open": 0, "overdue": 1, "done": 0}


def test_admin_records_an_interview_with_commitments(client, admin_user_office):
    town = JurisdictionFactory()
    client.force_login(admin_user_office)
    response = client.post(
        "/admin/committee/interview/add/",
        {
            "jurisdiction": town.pk,
            "head_name": "李某",
            "head_position": "镇长",
            "reason": InterviewReason.ACCIDENT,
            "reason_text": "",
            "held_on": "2026-09-30",
            "interviewer": "市安委会副主任",
            "minutes": "纪要",
            "commitments-TOTAL_FORMS": "1",
            "commitments-INITIAL_FORMS": "0",
            "commitments-MIN_NUM_FORMS": "0",
            "commitments-MAX_NUM_FORMS": "1000",
            "commitments-0-text": "十日内完成整改",
            "commitments-0-working_days": "3",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    interview = Interview.objects.get(head_name="李某")
    assert interview.scope_jurisdiction == town
    assert interview.commitments.get().due_on == dt.date(2026, 10, 10)
    assert client.get("/admin/committee/interview/").status_code == 200


def test_interview_notice_is_issued_with_a_number(admin_user_office, no_broker):
    notice = InterviewNoticeFactory(interview=_interview(jurisdiction=JurisdictionFactory(name="丙街道")))
    issued = document_services.issue(notice, by=admin_user_office)
    issued = InterviewNotice.objects.get(pk=issued.pk)
    assert issued.status == "issued" and issued.number and issued.document_id
    assert issued.addressees() == ["丙街道"]
    issued.body = "changed"
    with pytest.raises(ValidationError):
        issued.save()


def test_interview_notice_renders(admin_user_office, no_broker, media_root):
    from django.template.loader import render_to_string

    from committee.documents import build_interview_notice
    from safetyportal.documents.context import engine_context
    from safetyportal.documents.models import GeneratedDocument

    notice = InterviewNoticeFactory(interview=_interview(jurisdiction=JurisdictionFactory(name="丁街道")))
    issued = document_services.issue(notice, by=admin_user_office)
    document = GeneratedDocument.objects.get(pk=issued.document_id)
    spec = build_interview_notice(document)
    html = render_to_string(spec.template_name, {**engine_context(document), **spec.context})
    assert "丁街道：" in html and "隐患逾期未整改" in html and "主任" in html
    assert "王某某" not in html  # the head is named by position only


def test_portal_page_masks_numbers_typed_into_the_minutes():
    from tests.core.factories import make_id_number

    town = JurisdictionFactory()
    officer = OfficerProfileFactory(jurisdiction=town).user
    id_number = make_id_number(777)
    InterviewFactory(jurisdiction=town, minutes=f"涉及人员身份证号{id_number}，电话13912345678。")
    page = _client(officer).get(reverse("committee:interviews")).content.decode()
    assert id_number not in page and "13912345678" not in page


def test_interview_notice_admin_pages_and_pdf(client, admin_user_office, no_broker, media_root):
    import subprocess

    notice = InterviewNoticeFactory(interview=_interview(jurisdiction=JurisdictionFactory(name="戊街道")))
    client.force_login(admin_user_office)
    assert client.get("/admin/committee/interviewnotice/").status_code == 200
    assert client.get(f"/admin/committee/interviewnotice/{notice.pk}/change/").status_code == 200
    confirm = client.get(f"/admin/committee/interviewnotice/{notice.pk}/issue/")
    assert confirm.status_code == 200 and "戊街道" in confirm.content.decode()
    issued = document_services.issue(notice, by=admin_user_office)
    rendered = document_services.render(document_id=issued.document_id)
    assert rendered.status == "done", rendered.error
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=rendered.file.read(), capture_output=True, check=True
    ).stdout.decode()
    flat = "".join(text.split())
    assert "约谈通知书" in flat and issued.number in flat and "戊街道" in flat


def test_voided_interview_is_read_only_in_the_admin(client, admin_user_office):

    interview = _interview(jurisdiction=JurisdictionFactory())
    services.add_commitment(interview=interview, text="承诺甲", working_days=2)
    client.force_login(admin_user_office)
    assert client.post(f"/admin/committee/interview/{interview.pk}/void/", {"reason": "重复"}).status_code == 302
    interview.refresh_from_db()
    assert interview.is_voided
    page = client.get(f"/admin/committee/interview/{interview.pk}/change/").content.decode()
    assert 'name="head_name"' not in page and 'name="commitments-0-text"' not in page
