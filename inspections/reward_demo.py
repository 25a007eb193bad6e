"""Demo data of the reward ledger (举报奖励): one reward paid within the 快奖 clock and one awaiting approval (with the
reporter's claim, so the custodian's screen has something to show). Runs after the inspections demo; idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from safetyportal.demo.registry import register_demo_loader
from safetyportal.models import Enterprise
from safetyportal.validators import id_check_digit

from . import reward_services, services
from .models import VERIFIED_STATUSES, PenaltyCase, PublicReport, RecordStatus
from .reward_models import PaymentMethod, Reward, RewardBasis, RewardStatus

DEMO_DECISION_PREFIX = "（晋）应急罚〔奖〕"


def _demo_id(seq: str) -> str:
    first17 = f"35058219850612{seq}"
    return first17 + id_check_digit(first17)


def reward_counts() -> dict[str, int]:
    active = Reward.objects.filter(record_status=RecordStatus.ACTIVE)
    return {
        "举报奖励（已发放）": active.filter(status=RewardStatus.PAID).count(),
        "举报奖励（待审批）": active.filter(status=RewardStatus.PROPOSED).count(),
    }


def _penalty_for(report: PublicReport, *, fine: int, index: int, by: object, decided: dt.date) -> PenaltyCase | None:
    hazard = report.hazard
    enterprise = hazard.enterprise or (
        Enterprise.objects.filter(jurisdiction__path__startswith=hazard.jurisdiction.path).order_by("pk").first()
    )
    if enterprise is None:
        return None
    penalty = PenaltyCase(
        enterprise=enterprise,
        hazard=hazard,
        facts=f"经核查群众举报（{hazard.number}），{enterprise.name}{hazard.description[:60]}",
        violated_provision="《中华人民共和国安全生产法》第四十一条第二款",
        legal_basis="《中华人民共和国安全生产法》第一百零二条",
        decision_number=f"{DEMO_DECISION_PREFIX}{index}号",
        fine=Decimal(fine),
        other_measures="责令限期改正",
        decided_on=decided,
    )
    return services.save_record(instance=penalty, by=by)  # type: ignore[arg-type]


@register_demo_loader("inspections.rewards", order=35)
def load_demo_rewards() -> dict[str, int]:
    if Reward.objects.exists():
        return reward_counts()
    users = get_user_model()._default_manager
    proposer, approver = users.filter(username="staff").first(), users.filter(username="admin").first()
    if proposer is None or approver is None:
        return reward_counts()
    reports = list(
        PublicReport.objects.filter(hazard__status__in=VERIFIED_STATUSES, reward_amount__isnull=True)
        .select_related("hazard__jurisdiction", "hazard__enterprise")
        .order_by("submitted_at", "pk")[:2]
    )
    if len(reports) < 2:
        return reward_counts()
    today = timezone.localdate()
    with transaction.atomic():
        # Paid: 罚款80,000元 × 15% = 12,000元, penalty carried out a week ago, paid today (within 10 working days).
        penalty = _penalty_for(reports[0], fine=80000, index=1, by=approver, decided=today - dt.timedelta(days=21))
        if penalty is None:
            return reward_counts()
        reward = reward_services.propose_reward(
            report=reports[0],
            by=proposer,
            basis=RewardBasis.PENALTY,
            penalty=penalty,
            penalty_executed_on=today - dt.timedelta(days=7),
        )
        reward_services.approve_reward(reward=reward, by=approver)
        reward_services.submit_claim(
            reward=reward,
            payee_name="王建华",
            id_number=_demo_id("123"),
            payment_method=PaymentMethod.BANK,
            bank_name="中国农业银行晋江支行",
            account="6228480000000000123",
            phone="13805950123",
        )
        reward_services.record_payment(reward=reward, by=proposer, paid_on=today, voucher_number="晋财奖付-2026-0012")
        # Awaiting approval: 罚款10,000元 × 15% = 1,500元, below the minimum: 3,000元.
        penalty = _penalty_for(reports[1], fine=10000, index=2, by=approver, decided=today - dt.timedelta(days=10))
        if penalty is not None:
            reward = reward_services.propose_reward(
                report=reports[1],
                by=proposer,
                basis=RewardBasis.PENALTY,
                penalty=penalty,
                penalty_executed_on=today - dt.timedelta(days=3),
            )
            reward_services.submit_claim(
                reward=reward,
                payee_name="陈丽娟",
                id_number=_demo_id("246"),
                payment_method=PaymentMethod.CASH,
                phone="13905950246",
            )
    return reward_counts()
