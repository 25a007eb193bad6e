"""One factory per model of the reward ledger (举报奖励). Factories write rows directly (for reads, counts and query
budgets); behaviour is tested through ``inspections.reward_services``."""

from __future__ import annotations

from decimal import Decimal

import factory

from inspections.models import HazardStatus
from inspections.reward_models import PaymentMethod, Reward, RewardBasis, RewardClaim, RewardClaimAccessLog
from safetyportal.validators import id_check_digit
from tests.core.factories import StaffUserFactory
from tests.inspections.factories import PenaltyCaseFactory, PublicReportFactory


def valid_id(first17: str = "35058219900101123") -> str:
    return first17 + id_check_digit(first17)


class RewardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reward

    report = factory.SubFactory(PublicReportFactory, hazard__status=HazardStatus.RECTIFYING)
    basis = RewardBasis.PENALTY
    penalty = factory.SubFactory(
        PenaltyCaseFactory, hazard=factory.SelfAttribute("..report.hazard"), fine=Decimal("80000")
    )
    rule_amount = Decimal("12000")
    computation = "罚款80,000元 × 15% = 12,000元"
    amount = Decimal("12000")
    created_by = factory.SubFactory(StaffUserFactory)


class RewardClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RewardClaim

    reward = factory.SubFactory(RewardFactory)
    payee_name = "领奖人"
    id_number = factory.LazyFunction(valid_id)
    payment_method = PaymentMethod.BANK
    bank_name = "中国农业银行晋江支行"
    account = "6228480000000000123"
    phone = "13805950123"


class RewardClaimAccessLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RewardClaimAccessLog

    claim = factory.SubFactory(RewardClaimFactory)
    user = factory.SubFactory(StaffUserFactory)
    reason = "核对领奖人身份"
