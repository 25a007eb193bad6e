"""举报奖励: the amount rule at every boundary (安监总财〔2018〕19号: 15 % of the penalty, 3,000 to 300,000 yuan; per
confirmed concealed death by accident grade, at most 300,000), the refusals, approval by a second person, payment and
the 快奖 working-day clock (10 working days from the penalty being carried out), and the office desk's counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from inspections import reward_selectors, reward_services
from inspections.models import EventKind, HazardEvent, HazardStatus, RecordHistory
from inspections.reward_models import AccidentGrade, Reward, RewardBasis, RewardStatus
from safetyportal import workdays
from safetyportal.services import void_record
from tests.core.factories import StaffUserFactory
from tests.inspections.factories import HazardFactory, PenaltyCaseFactory, PublicReportFactory
from tests.inspections.factories_rewards import RewardFactory

pytestmark = pytest.mark.django_db


# The rule ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fine", "amount", "text"),
    [
        (0, "3000", "罚款0元 × 15% = 0元，低于最低奖励3,000元，按3,000元"),
        (19999, "3000", "罚款19,999元 × 15% = 2,999.85元，低于最低奖励3,000元，按3,000元"),
        ("19999.99", "3000.00", "罚款19,999.99元 × 15% = 3,000元"),  # 2,999.9985 rounds to the fen: 3,000.00
        (20000, "3000", "罚款20,000元 × 15% = 3,000元"),
        (20001, "3000.15", "罚款20,001元 × 15% = 3,000.15元"),
        (80000, "12000", "罚款80,000元 × 15% = 12,000元"),
        (2000000, "300000", "罚款2,000,000元 × 15% = 300,000元"),
        (2000001, "300000", "罚款2,000,001元 × 15% = 300,000.15元，超过最高奖励300,000元，按300,000元"),
        (5000000, "300000", "罚款5,000,000元 × 15% = 750,000元，超过最高奖励300,000元，按300,000元"),
    ],
)
def test_fifteen_percent_of_the_fine_between_3000_and_300000(fine, amount, text):
    result = reward_services.penalty_rule(Decimal(fine))
    assert result.amount == Decimal(amount)
    assert result.text == text


def test_a_double_penalty_counts_the_principal_persons_fine_too():
    result = reward_services.penalty_rule(Decimal(80000), Decimal(10000))
    assert result.amount == Decimal("13500")
    assert result.text == "罚款80,000元（单位）+ 10,000元（个人）= 90,000元 × 15% = 13,500元"


def test_a_negative_fine_is_refused():
    with pytest.raises(ValidationError):
        reward_services.penalty_rule(Decimal(-1))


@pytest.mark.parametrize(
    ("grade", "deaths", "amount", "capped"),
    [
        (AccidentGrade.GENERAL, 1, 30000, False),
        (AccidentGrade.GENERAL, 10, 300000, False),
        (AccidentGrade.GENERAL, 11, 300000, True),
        (AccidentGrade.LARGER, 3, 120000, False),
        (AccidentGrade.LARGER, 8, 300000, True),
        (AccidentGrade.MAJOR, 6, 300000, False),
        (AccidentGrade.MAJOR, 7, 300000, True),
        (AccidentGrade.ESPECIALLY_MAJOR, 5, 300000, False),
        (AccidentGrade.ESPECIALLY_MAJOR, 6, 300000, True),
    ],
)
def test_concealed_accidents_per_confirmed_death_at_most_300000(grade, deaths, amount, capped):
    result = reward_services.accident_rule(grade, deaths)
    assert result.amount == Decimal(amount)
    assert f"查实死亡{deaths}人" in result.text
    assert ("超过最高奖励300,000元，按300,000元" in result.text) is capped
    assert "最低" not in result.text  # no 3,000 floor: at least one death is 30,000


def test_the_per_death_text_names_the_grade_and_figures():
    assert reward_services.accident_rule(AccidentGrade.LARGER, 3).text == (
        "瞒报谎报较大事故，查实死亡3人 × 40,000元/人 = 120,000元"
    )


@pytest.mark.parametrize(
    ("grade", "deaths"), [("", 2), ("unknown", 2), (AccidentGrade.MAJOR, 0), (AccidentGrade.MAJOR, None)]
)
def test_an_accident_needs_a_grade_and_at_least_one_death(grade, deaths):
    with pytest.raises(ValidationError):
        reward_services.accident_rule(grade, deaths)


# Proposal ------------------------------------------------------------------------------------------------------------


@pytest.fixture
def report(db):
    return PublicReportFactory(hazard=HazardFactory(status=HazardStatus.RECTIFYING))


@pytest.fixture
def penalty(report):
    return PenaltyCaseFactory(hazard=report.hazard, fine=Decimal(80000))


@pytest.fixture
def other_staff(staff):
    from django.contrib.auth.models import Group

    from safetyportal.roles import STAFF_GROUP

    return StaffUserFactory(groups=[Group.objects.get(name=STAFF_GROUP)])


def propose(report, penalty, staff, **kwargs):  # type: ignore[no-untyped-def]
    return reward_services.propose_reward(report=report, by=staff, penalty=penalty, **kwargs)


def test_a_proposal_carries_the_rule_amount_and_its_computation(report, penalty, staff):
    reward = propose(report, penalty, staff)
    assert (reward.amount, reward.rule_amount, reward.status) == (Decimal(12000), Decimal(12000), RewardStatus.PROPOSED)
    assert reward.computation == "罚款80,000元 × 15% = 12,000元"
    assert reward.created_by == staff and not reward.is_overridden
    assert HazardEvent.objects.filter(hazard=report.hazard, kind=EventKind.REWARD).count() == 1


@pytest.mark.parametrize(
    "status", [HazardStatus.ACCEPTED, HazardStatus.VERIFYING, HazardStatus.UNFOUNDED, HazardStatus.DUPLICATE]
)
def test_only_a_verified_report_is_rewarded(staff, status):
    report = PublicReportFactory(hazard=HazardFactory(status=status))
    penalty = PenaltyCaseFactory(hazard=report.hazard)
    with pytest.raises(ValidationError, match="核查属实"):
        propose(report, penalty, staff)
    assert not Reward.objects.exists()


def test_the_penalty_must_be_this_reports_and_active(report, staff, office_admin_user):
    with pytest.raises(ValidationError):
        propose(report, None, staff)
    with pytest.raises(ValidationError):
        propose(report, PenaltyCaseFactory(hazard=HazardFactory(status=HazardStatus.RECTIFYING)), staff)
    voided = PenaltyCaseFactory(hazard=report.hazard)
    void_record(record=voided, by=office_admin_user, reason="决定书撤销")
    with pytest.raises(ValidationError, match="作废"):
        propose(report, voided, staff)


@pytest.fixture
def office_admin_user(db):
    return StaffUserFactory(is_superuser=True)


def test_one_reward_per_report_until_it_is_voided(report, penalty, staff):
    first = propose(report, penalty, staff)
    with pytest.raises(ValidationError, match="已有奖励"):
        propose(report, penalty, staff)
    reward_services.void_reward(reward=first, by=staff, reason="处罚金额更正，重新计算")
    second = propose(report, penalty, staff)
    assert second.pk != first.pk and Reward.objects.count() == 2


def test_only_the_first_reporter_of_the_matter(report, penalty, staff):
    later_first = PublicReportFactory(
        hazard=HazardFactory(status=HazardStatus.DUPLICATE, duplicate_of=report.hazard),
        submitted_at=report.submitted_at - dt.timedelta(hours=2),
    )
    with pytest.raises(ValidationError, match="最先举报"):
        propose(report, penalty, staff)
    assert later_first.pk


def test_a_report_rewarded_the_old_way_is_not_rewarded_twice(report, penalty, staff):
    report.reward_amount = Decimal(500)
    report.save()
    with pytest.raises(ValidationError, match="已登记过奖励"):
        propose(report, penalty, staff)


def test_a_concealed_accident_reward(report, staff):
    reward = reward_services.propose_reward(
        report=report,
        by=staff,
        basis=RewardBasis.CONCEALED_ACCIDENT,
        accident_grade=AccidentGrade.GENERAL,
        concealed_deaths=2,
        joint_report=True,
    )
    assert reward.amount == Decimal(60000) and reward.joint_report and reward.penalty is None


def test_staff_cannot_type_an_amount_without_a_reason(report, penalty, staff):
    with pytest.raises(ValidationError) as error:
        propose(report, penalty, staff, amount=Decimal(20000))
    assert "override_reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        propose(report, penalty, staff, amount=Decimal(20000), override_reason="太少")
    with pytest.raises(ValidationError):
        propose(
            report, penalty, staff, amount=Decimal(300001), override_reason="市安委会会议纪要〔2026〕3号决定提高奖励"
        )
    assert not Reward.objects.exists()
    # The rule's own amount typed back is no override.
    assert not propose(report, penalty, staff, amount=Decimal(12000)).is_overridden


def test_an_override_with_its_reason_is_logged(report, penalty, staff):
    reason = "举报人系本单位从业人员，按省细则上浮20%"
    reward = propose(report, penalty, staff, amount=Decimal(14400), override_reason=reason)
    assert (reward.amount, reward.rule_amount, reward.override_reason) == (Decimal(14400), Decimal(12000), reason)
    row = RecordHistory.objects.filter(object_id=reward.pk, note__startswith="调整金额").get()
    assert row.changes["amount"] == ["12000.00", "14400.00"] and reason in row.note and row.actor == staff


def test_staff_without_the_permission_cannot_propose(report, penalty):
    with pytest.raises(PermissionDenied):
        propose(report, penalty, StaffUserFactory())


# Approval and payment -----------------------------------------------------------------------------------------------


def test_the_proposer_cannot_approve_their_own_reward(report, penalty, staff, other_staff):
    reward = propose(report, penalty, staff)
    with pytest.raises(ValidationError, match="本人"):
        reward_services.approve_reward(reward=reward, by=staff)
    with pytest.raises(PermissionDenied):
        reward_services.approve_reward(reward=reward, by=StaffUserFactory())  # no approve_reward permission
    approved = reward_services.approve_reward(reward=reward, by=other_staff)
    assert (approved.status, approved.approved_by) == (RewardStatus.APPROVED, other_staff)
    with pytest.raises(ValidationError):
        reward_services.approve_reward(reward=reward, by=other_staff)


def test_a_penalty_changed_after_the_proposal_blocks_approval(report, penalty, staff, other_staff):
    reward = propose(report, penalty, staff)
    type(penalty).objects.filter(pk=penalty.pk).update(fine=Decimal(100000))
    with pytest.raises(ValidationError, match="已变更"):
        reward_services.approve_reward(reward=reward, by=other_staff)


def test_a_penalty_voided_or_changed_after_approval_blocks_payment(report, penalty, staff, other_staff):
    """复议: the penalty is reduced, then voided, after the reward was approved: payment is refused each time and the
    report keeps no reward."""
    reward = propose(report, penalty, staff, penalty_executed_on=timezone.localdate())
    reward_services.approve_reward(reward=reward, by=other_staff)
    today = timezone.localdate()
    type(penalty).objects.filter(pk=penalty.pk).update(fine=Decimal(20000))
    with pytest.raises(ValidationError, match="已变更"):
        reward_services.record_payment(reward=reward, by=staff, paid_on=today, voucher_number="付-002")
    type(penalty).objects.filter(pk=penalty.pk).update(record_status="voided")
    with pytest.raises(ValidationError, match="已作废"):
        reward_services.record_payment(reward=reward, by=staff, paid_on=today, voucher_number="付-002")
    report.refresh_from_db()
    assert not report.is_rewarded


def test_payment_needs_approval_a_date_and_a_voucher_and_updates_the_report(report, penalty, staff, other_staff):
    reward = propose(report, penalty, staff, penalty_executed_on=timezone.localdate())
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="审批"):
        reward_services.record_payment(reward=reward, by=staff, paid_on=today, voucher_number="付-001")
    reward_services.approve_reward(reward=reward, by=other_staff)
    with pytest.raises(ValidationError):
        reward_services.record_payment(reward=reward, by=staff, paid_on=today, voucher_number=" ")
    with pytest.raises(ValidationError):
        reward_services.record_payment(
            reward=reward, by=staff, paid_on=today + dt.timedelta(days=1), voucher_number="付-001"
        )
    paid = reward_services.record_payment(reward=reward, by=staff, paid_on=today, voucher_number="付-001")
    assert (paid.status, paid.paid_on, paid.voucher_number, paid.paid_by) == (RewardStatus.PAID, today, "付-001", staff)
    report.refresh_from_db()
    assert (report.reward_amount, report.reward_paid_on, report.is_rewarded) == (Decimal(12000), today, True)
    with pytest.raises(ValidationError, match="不能作废"):
        reward_services.void_reward(reward=paid, by=staff, reason="误登记")


def test_the_execution_date_is_not_in_the_future_nor_before_the_decision(report, penalty, staff):
    reward = propose(report, penalty, staff)
    with pytest.raises(ValidationError):
        reward_services.set_penalty_executed(
            reward=reward, executed_on=timezone.localdate() + dt.timedelta(days=1), by=staff
        )
    with pytest.raises(ValidationError):
        reward_services.set_penalty_executed(
            reward=reward, executed_on=penalty.decided_on - dt.timedelta(days=1), by=staff
        )
    reward = reward_services.set_penalty_executed(reward=reward, executed_on=penalty.decided_on, by=staff)
    assert reward.penalty_executed_on == penalty.decided_on


# The 快奖 clock -------------------------------------------------------------------------------------------------------


def test_ten_working_days_from_the_penalty_being_carried_out_across_national_day():
    # Friday 27 September 2024: Sunday 29 September and Saturday 12 October were make-up working days, 1–7 October off.
    assert reward_selectors.payment_due(dt.date(2024, 9, 27)) == dt.date(2024, 10, 16)
    assert reward_selectors.payment_due(dt.date(2024, 6, 14)) == dt.date(2024, 6, 28)
    assert reward_selectors.payment_due(None) is None


def test_overdue_only_after_the_tenth_working_day():
    reward = RewardFactory(status=RewardStatus.APPROVED, penalty_executed_on=dt.date(2024, 9, 27))
    assert not reward_selectors.is_overdue(reward, dt.date(2024, 10, 16))
    assert reward_selectors.is_overdue(reward, dt.date(2024, 10, 17))
    assert reward_selectors.payment_due_text(reward) == "10月16日（周三）（10个工作日）"
    reward.status, reward.paid_on = RewardStatus.PAID, dt.date(2024, 10, 18)
    assert not reward_selectors.is_overdue(reward, dt.date(2024, 10, 20))
    assert reward_selectors.paid_late_days(reward) == 2


def test_a_year_the_calendar_does_not_cover_is_a_clear_error_never_natural_days():
    reward = RewardFactory(penalty_executed_on=dt.date(2031, 3, 3))
    with pytest.raises(workdays.CalendarNotCovered):
        reward_selectors.payment_due(reward.penalty_executed_on)
    with pytest.raises(workdays.CalendarNotCovered):
        reward_selectors.is_overdue(reward, dt.date(2031, 4, 1))
    assert reward_selectors.payment_due_text(reward) == "无法计算：日历未覆盖2031年"
    counts = reward_selectors.desk_counts(dt.date(2031, 4, 1))
    assert counts["overdue"] == 0 and counts["calendar_uncovered"] == 1


def test_without_an_execution_date_the_clock_has_not_started():
    reward = RewardFactory()
    assert reward_selectors.payment_due_text(reward) == "处罚执行日期未登记，发放期限未起算"
    assert not reward_selectors.is_overdue(reward, dt.date(2024, 12, 31))


# The desk ------------------------------------------------------------------------------------------------------------


def test_desk_counts_in_constant_queries(django_assert_max_num_queries):
    RewardFactory(status=RewardStatus.PROPOSED, penalty_executed_on=dt.date(2024, 9, 27))
    with django_assert_max_num_queries(2):
        counts = reward_selectors.desk_counts(dt.date(2024, 10, 17))
    assert counts == {"to_approve": 1, "to_pay": 0, "overdue": 1, "calendar_uncovered": 0}
    for _n in range(5):
        RewardFactory(status=RewardStatus.APPROVED, penalty_executed_on=dt.date(2024, 10, 10))
        RewardFactory(status=RewardStatus.PAID, penalty_executed_on=dt.date(2024, 9, 2))
    voided = RewardFactory(status=RewardStatus.PROPOSED, penalty_executed_on=dt.date(2024, 9, 2))
    Reward.objects.filter(pk=voided.pk).update(record_status="voided")
    with django_assert_max_num_queries(2):
        counts = reward_selectors.desk_counts(dt.date(2024, 10, 17))
    assert counts == {"to_approve": 1, "to_pay": 5, "overdue": 1, "calendar_uncovered": 0}
    assert reward_selectors.desk_counts(dt.date(2024, 10, 25))["overdue"] == 6
