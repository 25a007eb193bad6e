"""The reward ledger in the admin: proposing by report number and decision number (the amount by the rule, shown),
an override only with its reason, approval by a second person, payment with date and voucher, the 快奖 deadline
next to the date, and a list in constant queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from inspections import reward_services
from inspections.models import HazardStatus
from inspections.reward_demo import load_demo_rewards
from inspections.reward_models import Reward, RewardStatus
from safetyportal.roles import STAFF_GROUP
from tests.core.factories import EnterpriseFactory, StaffUserFactory
from tests.inspections.factories import HazardFactory, PenaltyCaseFactory, PublicReportFactory
from tests.inspections.factories_rewards import RewardClaimFactory, RewardFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/inspections/reward/add/"


@pytest.fixture
def second(db):
    return StaffUserFactory(groups=[Group.objects.get(name=STAFF_GROUP)])


@pytest.fixture
def case(db):
    report = PublicReportFactory(hazard=HazardFactory(status=HazardStatus.CLOSED))
    penalty = PenaltyCaseFactory(hazard=report.hazard, fine=Decimal(10000))
    return report, penalty


def proposal(report, penalty, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "report_number": report.hazard.number.lower(),
        "basis": "penalty",
        "decision_number": penalty.decision_number,
        "accident_grade": "",
        "concealed_deaths": "",
        "penalty_executed_on": "",
        "amount": "",
        "override_reason": "",
    }
    data.update(overrides)
    return data


def test_staff_propose_by_numbers_and_see_the_computation(client, staff, case):
    report, penalty = case
    client.force_login(staff)
    page = client.get(ADD_URL).content.decode()
    assert "安监总财〔2018〕19号" in page and "report_number" in page
    response = client.post(ADD_URL, proposal(report, penalty), follow=True)
    reward = Reward.objects.get()
    assert (reward.amount, reward.created_by) == (Decimal(3000), staff)
    html = response.content.decode()
    assert "罚款10,000元 × 15% = 1,500元，低于最低奖励3,000元，按3,000元" in html
    assert "处罚执行日期未登记" in html


def test_an_unknown_report_or_decision_number_is_refused(client, staff, case):
    report, penalty = case
    client.force_login(staff)
    html = client.post(ADD_URL, proposal(report, penalty, report_number="YH2026999999")).content.decode()
    assert "未找到该编号的群众举报" in html
    html = client.post(ADD_URL, proposal(report, penalty, decision_number="（晋）应急罚〔2026〕0号")).content.decode()
    assert "未找到该文号的有效行政处罚" in html
    unverified = PublicReportFactory(hazard=HazardFactory(status=HazardStatus.VERIFYING))
    html = client.post(ADD_URL, proposal(unverified, penalty)).content.decode()
    assert "核查属实" in html
    assert not Reward.objects.exists()


def test_an_arbitrary_amount_needs_a_reason_in_the_admin_too(client, staff, case):
    report, penalty = case
    client.force_login(staff)
    html = client.post(ADD_URL, proposal(report, penalty, amount="5000")).content.decode()
    assert "请说明理由" in html and not Reward.objects.exists()
    client.post(ADD_URL, proposal(report, penalty, amount="5000", override_reason="县安委会第3次会议决定按5000元奖励"))
    reward = Reward.objects.get()
    assert (reward.amount, reward.rule_amount) == (Decimal(5000), Decimal(3000))
    change = client.get(f"/admin/inspections/reward/{reward.pk}/change/").content.decode()
    assert "按规则3,000元，调整为5,000元" in change and "县安委会第3次会议决定" in change


def test_approval_by_a_second_person_then_payment(client, staff, second, case):
    report, penalty = case
    reward = reward_services.propose_reward(
        report=report, by=staff, penalty=penalty, penalty_executed_on=timezone.localdate()
    )
    client.force_login(staff)
    html = client.post(f"/admin/inspections/reward/{reward.pk}/approve/").content.decode()
    assert "不能审批本人提出的奖励" in html
    reward.refresh_from_db()
    assert reward.status == RewardStatus.PROPOSED
    client.force_login(second)
    client.post(f"/admin/inspections/reward/{reward.pk}/approve/")
    reward.refresh_from_db()
    assert (reward.status, reward.approved_by) == (RewardStatus.APPROVED, second)
    page = client.get(f"/admin/inspections/reward/{reward.pk}/pay/").content.decode()
    assert "10个工作日" in page
    client.post(
        f"/admin/inspections/reward/{reward.pk}/pay/",
        {"paid_on": timezone.localdate().isoformat(), "voucher_number": "晋财奖付-2026-0007"},
    )
    reward.refresh_from_db()
    assert (reward.status, reward.voucher_number) == (RewardStatus.PAID, "晋财奖付-2026-0007")
    report.refresh_from_db()
    assert report.reward_amount == Decimal(3000)


def test_overdue_is_shown_next_to_the_deadline(client, staff):
    RewardFactory(status=RewardStatus.APPROVED, penalty_executed_on=dt.date(2024, 9, 27))
    client.force_login(staff)
    html = client.get("/admin/inspections/reward/").content.decode()
    assert "10月16日（周三）（10个工作日）" in html and "已逾期" in html


def test_the_list_runs_a_constant_number_of_queries(client, staff, django_assert_max_num_queries):
    client.force_login(staff)
    RewardClaimFactory(reward=RewardFactory(penalty_executed_on=dt.date(2024, 9, 27)))
    client.get("/admin/inspections/reward/")  # warm the session and content types
    budget = 13  # session, user, device, profile, permissions x2, counts x2, groups, the rows, session save x3
    with django_assert_max_num_queries(budget):
        assert client.get("/admin/inspections/reward/").status_code == 200
    for _n in range(20):
        RewardClaimFactory(reward=RewardFactory(status=RewardStatus.APPROVED, penalty_executed_on=dt.date(2024, 10, 8)))
    with django_assert_max_num_queries(budget):
        assert client.get("/admin/inspections/reward/").status_code == 200


def test_the_demo_has_one_paid_reward_and_one_awaiting_approval(db):
    StaffUserFactory(username="staff", is_staff=True, groups=[Group.objects.get(name=STAFF_GROUP)])
    StaffUserFactory(username="admin", is_superuser=True)
    for _n in range(2):
        report = PublicReportFactory(hazard=HazardFactory(status=HazardStatus.RECTIFYING))
        EnterpriseFactory(jurisdiction=report.hazard.jurisdiction)
    counts = load_demo_rewards()
    assert counts == {"举报奖励（已发放）": 1, "举报奖励（待审批）": 1}
    assert load_demo_rewards() == counts  # idempotent
    paid = Reward.objects.get(status=RewardStatus.PAID)
    assert paid.computation == "罚款80,000元 × 15% = 12,000元" and paid.voucher_number


def test_the_public_report_page_leads_to_the_ledger(client, staff, case):
    report, _penalty = case
    client.force_login(staff)
    html = client.get(f"/admin/inspections/publicreport/{report.pk}/change/").content.decode()
    assert f"/admin/inspections/reward/add/?report_number={report.hazard.number}" in html
    assert report.hazard.number in client.get(f"{ADD_URL}?report_number={report.hazard.number}").content.decode()
