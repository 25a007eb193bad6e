"""Every write of the reward ledger (举报奖励): propose (the amount by the rule, shown in words and figures, or an
override with its reason), approve (a second person), the penalty's execution date (the 快奖 clock), payment, void;
the anonymous claim with the tracking code and the custodian's logged read of the payee's details.

The rule (《安全生产领域举报奖励办法》, 安监总财〔2018〕19号; sources in docs/rewards.md): a reported major hazard or
illegal act is rewarded with 15 % of the administrative penalty, at least 3,000 and at most 300,000 yuan; a reported
concealed (瞒报) or falsely reported (谎报) accident with 30,000 / 40,000 / 50,000 / 60,000 yuan per confirmed death
for a 一般 / 较大 / 重大 / 特别重大 accident, at most 300,000 yuan. Only the first reporter of a matter is rewarded
and a joint report gets one reward.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from safetyportal.accounts.services import is_verified
from safetyportal.scoping import is_office_staff
from safetyportal.services import diff, record_history, snapshot
from safetyportal.services import void_record as void_legal_record
from safetyportal.validators import normalize_id_number, validate_id_number

from .models import VERIFIED_STATUSES, EventKind, HazardEvent, PenaltyCase, PublicReport, RecordStatus
from .reward_models import (
    MAXIMUM_REWARD,
    MINIMUM_REWARD,
    PENALTY_RATE,
    PER_DEATH,
    AccidentGrade,
    PaymentMethod,
    Reward,
    RewardBasis,
    RewardClaim,
    RewardClaimAccessLog,
    RewardStatus,
)

if TYPE_CHECKING:
    from safetyportal.types import User

CENT = Decimal("0.01")
MIN_REASON = 4
MIN_OVERRIDE_REASON = 10
CUSTODIAN_PERMISSION = "inspections.view_reporter_identity"


# The rule ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RewardComputation:
    amount: Decimal
    text: str  # the computation in words and figures, e.g. "罚款80,000元 × 15% = 12,000元"


def yuan(value: Decimal | int) -> str:
    """80000 → "80,000元"; 12345.5 → "12,345.50元"."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}元"
    return f"{value.quantize(CENT):,}元"


def _bounded(raw: Decimal, text: str, *, minimum: bool) -> RewardComputation:
    if minimum and raw < MINIMUM_REWARD:
        return RewardComputation(
            MINIMUM_REWARD, text + _("，低于最低奖励%(min)s，按%(min)s") % {"min": yuan(MINIMUM_REWARD)}
        )
    if raw > MAXIMUM_REWARD:
        return RewardComputation(
            MAXIMUM_REWARD, text + _("，超过最高奖励%(max)s，按%(max)s") % {"max": yuan(MAXIMUM_REWARD)}
        )
    return RewardComputation(raw, text)


def penalty_rule(fine: Decimal | int, principal_fine: Decimal | int | None = None) -> RewardComputation:
    """15 % of the penalty amount (the unit's fine plus, in a 一案双罚 case, the principal person's), rounded to the
    fen, then at least 3,000 and at most 300,000 yuan."""
    fine = Decimal(fine or 0)
    extra = Decimal(principal_fine or 0)
    if fine < 0 or extra < 0:
        raise ValidationError(_("罚款金额不能为负数。"))
    base = fine + extra
    if extra:
        text = _("罚款%(fine)s（单位）+ %(extra)s（个人）= %(base)s") % {
            "fine": yuan(fine),
            "extra": yuan(extra),
            "base": yuan(base),
        }
    else:
        text = _("罚款%(base)s") % {"base": yuan(base)}
    raw = (base * PENALTY_RATE).quantize(CENT, rounding=ROUND_HALF_UP)
    text += _(" × 15%% = %(raw)s") % {"raw": yuan(raw)}
    return _bounded(raw, text, minimum=True)


def accident_rule(grade: str, deaths: int | None) -> RewardComputation:
    """Per confirmed concealed or falsely reported death, by the accident's final grade, at most 300,000 yuan."""
    if grade not in PER_DEATH:
        raise ValidationError({"accident_grade": _("请选择最终确认的事故等级。")})
    if not deaths or deaths < 1:
        raise ValidationError({"concealed_deaths": _("请填写查实的瞒报谎报死亡人数（至少1人）。")})
    per = PER_DEATH[AccidentGrade(grade)]
    raw = per * deaths
    text = _("瞒报谎报%(grade)s，查实死亡%(deaths)s人 × %(per)s/人 = %(raw)s") % {
        "grade": AccidentGrade(grade).label,
        "deaths": deaths,
        "per": yuan(per),
        "raw": yuan(raw),
    }
    return _bounded(raw, text, minimum=False)


def compute_reward(
    *,
    basis: str,
    penalty: PenaltyCase | None = None,
    accident_grade: str = "",
    concealed_deaths: int | None = None,
) -> RewardComputation:
    if basis == RewardBasis.PENALTY:
        if penalty is None:
            raise ValidationError({"penalty": _("按罚款计算的奖励须选择行政处罚。")})
        return penalty_rule(penalty.fine, penalty.principal_fine)
    if basis == RewardBasis.CONCEALED_ACCIDENT:
        return accident_rule(accident_grade, concealed_deaths)
    raise ValidationError({"basis": _("请选择奖励依据。")})


# Proposal, approval, payment ------------------------------------------------------------------------------------------


def _require(by: User, permission: str) -> None:
    if not (is_office_staff(by) and by.has_perm(permission)):
        raise PermissionDenied


def _check_report(report: PublicReport, penalty: PenaltyCase | None, basis: str) -> None:
    if report.hazard.status not in VERIFIED_STATUSES:
        raise ValidationError(_("只有经核查属实的举报才能给予奖励。"))
    if report.is_rewarded:
        raise ValidationError(_("该举报已登记过奖励，不能重复奖励。"))
    if Reward.objects.filter(report=report, record_status=RecordStatus.ACTIVE).exists():
        raise ValidationError(_("该举报已有奖励记录；如需重新计算，请先作废原记录。"))
    earlier = (
        PublicReport.objects.filter(hazard__duplicate_of_id=report.hazard_id, submitted_at__lt=report.submitted_at)
        .select_related("hazard")
        .first()
    )
    if earlier is not None:
        raise ValidationError(
            _("同一事项有更早的举报（%(number)s）：只奖励最先举报的举报人。") % {"number": earlier.hazard.number}
        )
    if penalty is not None:
        if penalty.record_status != RecordStatus.ACTIVE:
            raise ValidationError({"penalty": _("该行政处罚已作废。")})
        if penalty.hazard_id != report.hazard_id:
            raise ValidationError({"penalty": _("所选行政处罚未关联本举报的隐患。")})
        if Reward.objects.filter(penalty=penalty, record_status=RecordStatus.ACTIVE).exists():
            raise ValidationError(
                {"penalty": _("该行政处罚已给予过举报奖励：同一事项只奖励最先举报的举报人（联名举报只给一份）。")}
            )
    elif basis == RewardBasis.PENALTY:
        raise ValidationError({"penalty": _("按罚款计算的奖励须选择行政处罚。")})


def _check_executed_on(executed_on: dt.date | None, penalty: PenaltyCase | None) -> None:
    if executed_on is None:
        return
    if executed_on > timezone.localdate():
        raise ValidationError({"penalty_executed_on": _("处罚执行日期不能晚于今天。")})
    if penalty is not None and executed_on < penalty.decided_on:
        raise ValidationError({"penalty_executed_on": _("处罚执行日期不能早于处罚决定日期。")})


def propose_reward(
    *,
    report: PublicReport,
    by: User,
    basis: str = RewardBasis.PENALTY,
    penalty: PenaltyCase | None = None,
    accident_grade: str = "",
    concealed_deaths: int | None = None,
    joint_report: bool = False,
    penalty_executed_on: dt.date | None = None,
    amount: Decimal | None = None,
    override_reason: str = "",
) -> Reward:
    """Register a reward for a verified report. The amount is the rule's; ``amount`` differing from it needs
    ``override_reason`` (at least 10 characters), and the override is written to the history."""
    _require(by, "inspections.add_reward")
    if basis == RewardBasis.PENALTY:
        accident_grade, concealed_deaths = "", None
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        report = PublicReport.objects.select_for_update(of=("self",)).select_related("hazard").get(pk=report.pk)
        if penalty is not None:
            penalty = PenaltyCase.objects.select_for_update().get(pk=penalty.pk)
        _check_report(report, penalty, basis)
        _check_executed_on(penalty_executed_on, penalty)
        computed = compute_reward(
            basis=basis, penalty=penalty, accident_grade=accident_grade, concealed_deaths=concealed_deaths
        )
        final = computed.amount
        if amount is not None and Decimal(amount).quantize(CENT) != computed.amount:
            final = _override_amount(amount, override_reason)
        elif override_reason:
            raise ValidationError({"override_reason": _("金额未调整时无需填写调整理由。")})
        reward = Reward(
            report=report,
            basis=basis,
            penalty=penalty,
            accident_grade=accident_grade,
            concealed_deaths=concealed_deaths,
            joint_report=joint_report,
            rule_amount=computed.amount,
            computation=computed.text,
            amount=final,
            override_reason=override_reason if final != computed.amount else "",
            penalty_executed_on=penalty_executed_on,
            created_by=by,
        )
        try:
            with transaction.atomic():
                reward.save()
        except IntegrityError:
            raise ValidationError(_("该举报或该行政处罚已有奖励记录。")) from None
        record_history(reward, action="create", by=by, changes=diff({}, snapshot(reward)))
        if reward.is_overridden:
            record_history(
                reward,
                action="change",
                by=by,
                changes={"amount": [str(computed.amount), str(final)]},
                note=(_("调整金额，理由：%(reason)s") % {"reason": override_reason})[:255],
            )
        HazardEvent.objects.create(
            hazard=report.hazard,
            kind=EventKind.REWARD,
            actor=by,
            reason=_("提出举报奖励%(amount)s（%(number)s），待审批") % {"amount": yuan(final), "number": reward.number},
        )
    return reward


def _override_amount(amount: Decimal | int | str, reason: str) -> Decimal:
    try:
        value = Decimal(amount).quantize(CENT)
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": _("请输入有效的金额。")}) from None
    if value <= 0 or value > MAXIMUM_REWARD:
        raise ValidationError({"amount": _("调整后的金额应大于0且不超过%(max)s。") % {"max": yuan(MAXIMUM_REWARD)}})
    if len(reason) < MIN_OVERRIDE_REASON:
        raise ValidationError(
            {
                "override_reason": _("金额与按规则计算的结果不同，请说明理由（至少%(n)s个字）。")
                % {"n": MIN_OVERRIDE_REASON}
            }
        )
    return value


def _locked(reward: Reward) -> Reward:
    current = (
        Reward.objects.select_for_update(of=("self",)).select_related("penalty", "report__hazard").get(pk=reward.pk)
    )
    if current.is_voided:
        raise ValidationError(_("该奖励记录已作废。"))
    return current


def _check_still_due(reward: Reward) -> None:
    """The penalty is still in force and the rule still gives the proposed amount (checked at approval and again at
    payment: a penalty voided or changed on reconsideration (复议) stops the reward)."""
    if reward.penalty is not None and reward.penalty.record_status != RecordStatus.ACTIVE:
        raise ValidationError(_("关联的行政处罚已作废，请作废本奖励记录。"))
    computed = compute_reward(
        basis=reward.basis,
        penalty=reward.penalty,
        accident_grade=reward.accident_grade,
        concealed_deaths=reward.concealed_deaths,
    )
    if computed.amount != reward.rule_amount:
        raise ValidationError(
            _("行政处罚金额已变更（现按规则应为%(now)s），请作废本记录后重新提出。") % {"now": yuan(computed.amount)}
        )


def approve_reward(*, reward: Reward, by: User) -> Reward:
    """A second person approves: never the one who proposed. The rule is checked again (a penalty changed since the
    proposal must be voided and proposed again)."""
    _require(by, "inspections.approve_reward")
    with transaction.atomic():
        reward = _locked(reward)
        if reward.status != RewardStatus.PROPOSED:
            raise ValidationError(_("只有待审批的奖励可以审批。"))
        if reward.created_by_id == by.pk:
            raise ValidationError(_("不能审批本人提出的奖励，请由另一名工作人员审批。"))
        _check_still_due(reward)
        reward.status = RewardStatus.APPROVED
        reward.approved_by = by
        reward.approved_at = timezone.now()
        reward.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        record_history(
            reward,
            action="change",
            by=by,
            changes={"status": [RewardStatus.PROPOSED, reward.status]},
            note=_("审批通过"),
        )
    return reward


def set_penalty_executed(*, reward: Reward, executed_on: dt.date, by: User) -> Reward:
    """The day the penalty was carried out (the fine paid): the 10-working-day payment clock starts then."""
    _require(by, "inspections.change_reward")
    with transaction.atomic():
        reward = _locked(reward)
        if reward.is_paid:
            raise ValidationError(_("已发放的奖励不能修改。"))
        _check_executed_on(executed_on, reward.penalty)
        before = reward.penalty_executed_on
        reward.penalty_executed_on = executed_on
        reward.save(update_fields=["penalty_executed_on", "updated_at"])
        record_history(
            reward,
            action="change",
            by=by,
            changes={"penalty_executed_on": [before.isoformat() if before else None, executed_on.isoformat()]},
        )
    return reward


def record_payment(*, reward: Reward, by: User, paid_on: dt.date, voucher_number: str) -> Reward:
    """Payment of an approved reward, with its date and voucher number; the report's reward fields follow."""
    _require(by, "inspections.change_reward")
    voucher_number = (voucher_number or "").strip()
    if not voucher_number:
        raise ValidationError({"voucher_number": _("请填写付款凭证号。")})
    if paid_on is None or paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("请填写实际发放日期（不能晚于今天）。")})
    with transaction.atomic():
        reward = _locked(reward)
        if reward.status != RewardStatus.APPROVED:
            raise ValidationError(_("奖励须先经审批才能登记发放。"))
        _check_still_due(reward)
        if reward.approved_at and paid_on < timezone.localdate(reward.approved_at):
            raise ValidationError({"paid_on": _("发放日期不能早于审批日期。")})
        now = timezone.now()
        reward.status = RewardStatus.PAID
        reward.paid_on = paid_on
        reward.voucher_number = voucher_number[:64]
        reward.paid_by = by
        reward.paid_recorded_at = now
        reward.save(update_fields=["status", "paid_on", "voucher_number", "paid_by", "paid_recorded_at", "updated_at"])
        record_history(
            reward,
            action="reward",
            by=by,
            changes={"status": [RewardStatus.APPROVED, reward.status], "paid_on": [None, paid_on.isoformat()]},
        )
        report = PublicReport.objects.select_for_update(of=("self",)).get(pk=reward.report_id)
        report.reward_amount = reward.amount
        report.reward_paid_on = paid_on
        report.reward_marked_by = by
        report.reward_marked_at = now
        report.save(update_fields=["reward_amount", "reward_paid_on", "reward_marked_by", "reward_marked_at"])
        HazardEvent.objects.create(
            hazard=reward.report.hazard,
            kind=EventKind.REWARD,
            actor=by,
            reason=_("发放举报奖励%(amount)s（%(number)s），发放日期%(date)s")
            % {"amount": yuan(reward.amount), "number": reward.number, "date": paid_on.isoformat()},
        )
    return reward


def void_reward(*, reward: Reward, by: User, reason: str) -> Reward:
    _require(by, "inspections.change_reward")
    with transaction.atomic():
        current = _locked(reward)
        if current.is_paid:
            raise ValidationError(_("已发放的奖励不能作废。"))
        return void_legal_record(record=current, by=by, reason=reason)


# The anonymous claim --------------------------------------------------------------------------------------------------


def claimable_reward(report: PublicReport | None) -> Reward | None:
    """The report's active reward, if any (proposed, approved or paid)."""
    if report is None:
        return None
    return Reward.objects.filter(report=report, record_status=RecordStatus.ACTIVE).first()


@sensitive_variables()
def submit_claim(
    *,
    reward: Reward,
    payee_name: str,
    id_number: str,
    payment_method: str,
    phone: str,
    bank_name: str = "",
    account: str = "",
) -> RewardClaim:
    """The reporter's payment details for ``reward`` (found by the caller through the tracking code). A claim may be
    given again (corrected) until the reward is paid; the values are never written to a log or a history row."""
    payee_name = (payee_name or "").strip()
    id_number = normalize_id_number(id_number)
    validate_id_number(id_number)
    if not payee_name:
        raise ValidationError({"payee_name": _("请填写领奖人姓名。")})
    if payment_method not in PaymentMethod.values:
        raise ValidationError({"payment_method": _("请选择领取方式。")})
    if payment_method == PaymentMethod.BANK and not ((account or "").strip() and (bank_name or "").strip()):
        raise ValidationError({"account": _("银行转账须填写开户银行和银行账号（户名应为领奖人本人）。")})
    with transaction.atomic():
        reward = Reward.objects.select_for_update(of=("self",)).get(pk=reward.pk)
        if reward.is_voided or reward.is_paid:
            raise ValidationError(_("该奖励现在不能登记领奖信息。"))
        claim = RewardClaim.objects.select_for_update().filter(reward=reward).first()
        if claim is None:
            claim = RewardClaim(reward=reward)
        else:
            claim.times_submitted += 1
        claim.payee_name = payee_name[:32]
        claim.id_number = id_number
        claim.payment_method = payment_method
        claim.bank_name = (bank_name or "").strip()[:64] if payment_method == PaymentMethod.BANK else ""
        claim.account = "".join((account or "").split())[:40] if payment_method == PaymentMethod.BANK else ""
        claim.phone = (phone or "").strip()[:20]
        claim.submitted_at = timezone.now()
        claim.save()
        # The history says that details arrived, never what they are.
        record_history(reward, action="change", by=None, note=_("举报人凭查询码提交了领奖信息（加密保存，此处不显示）"))
    return claim


def reveal_claim(*, claim: RewardClaim, by: User, reason: str) -> RewardClaim:
    """A custodian reads the payee's details: permission and second factor checked, reason required, one log row
    written first."""
    if not (is_office_staff(by) and by.has_perm(CUSTODIAN_PERMISSION) and is_verified(by)):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError(_("请说明查看领奖信息的理由（至少4个字）。"))
    with transaction.atomic():
        RewardClaimAccessLog.objects.create(claim=claim, user=by, reason=reason[:2000])
        return RewardClaim.objects.get(pk=claim.pk)
