"""Models of the reward ledger (举报奖励, issue 15). Imported by inspections/models.py so Django finds them.

- ``Reward``: one reward for one verified public report (举报经核查属实), computed by the rule of
  《安全生产领域举报奖励办法》 (安监总财〔2018〕19号, docs/rewards.md) from the penalty (15 % of the fine, 3,000 to
  300,000 yuan) or, for a concealed accident (瞒报/谎报), from the confirmed deaths; proposed by one member of staff,
  approved by another, paid with a date and a voucher number. A legal record: voided, never deleted.
- ``RewardClaim``: the payee's details the reporter gave on the public claim page with the tracking code, encrypted at
  rest (AES-GCM, ``safetyportal.crypto``); read only by a custodian (``inspections.view_reporter_identity``), each
  read leaving a ``RewardClaimAccessLog`` row with the reason.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyportal.fields import BlindIndexedModel, BlindIndexField, EncryptedIdNumberField
from safetyportal.messaging.models import EncryptedSecretField
from safetyportal.records import AppendOnlyModel, AppendOnlyQuerySet, RecordStatus, ScopedLegalQuerySet, VoidableRecord

__all__ = [
    "AccidentGrade",
    "PaymentMethod",
    "Reward",
    "RewardBasis",
    "RewardClaim",
    "RewardClaimAccessLog",
    "RewardStatus",
]

# The rule's figures (安监总财〔2018〕19号): see inspections/reward_services.compute_reward.
PENALTY_RATE = Decimal("0.15")
MINIMUM_REWARD = Decimal("3000")
MAXIMUM_REWARD = Decimal("300000")


class RewardBasis(models.TextChoices):
    PENALTY = "penalty", _("重大事故隐患、违法行为：按行政处罚金额的15%计算")
    CONCEALED_ACCIDENT = "concealed_accident", _("瞒报、谎报事故：按查实的瞒报谎报死亡人数计算")


class AccidentGrade(models.TextChoices):
    GENERAL = "general", _("一般事故")
    LARGER = "larger", _("较大事故")
    MAJOR = "major", _("重大事故")
    ESPECIALLY_MAJOR = "especially_major", _("特别重大事故")


# Yuan per confirmed concealed death, by the accident's final grade.
PER_DEATH = {
    AccidentGrade.GENERAL: Decimal("30000"),
    AccidentGrade.LARGER: Decimal("40000"),
    AccidentGrade.MAJOR: Decimal("50000"),
    AccidentGrade.ESPECIALLY_MAJOR: Decimal("60000"),
}


class RewardStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已审批待发放")
    PAID = "paid", _("已发放")


class PaymentMethod(models.TextChoices):
    BANK = "bank", _("银行转账")
    CASH = "cash", _("现场领取")


class Reward(VoidableRecord):
    """A reward for a verified report: the amount by the rule (with its computation in words and figures), an
    optional override with its reason, the approval by a second person and the payment. The payment clock (快奖)
    runs from the day the penalty was carried out: 10 working days (``workdays.REWARD_PAYMENT``)."""

    report = models.ForeignKey(
        "inspections.PublicReport", verbose_name=_("举报"), on_delete=models.PROTECT, related_name="rewards"
    )
    basis = models.CharField(_("奖励依据"), max_length=24, choices=RewardBasis.choices, default=RewardBasis.PENALTY)
    penalty = models.ForeignKey(
        "inspections.PenaltyCase",
        verbose_name=_("行政处罚"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rewards",
    )
    accident_grade = models.CharField(_("事故等级"), max_length=20, choices=AccidentGrade.choices, blank=True)
    concealed_deaths = models.PositiveIntegerField(_("查实瞒报谎报死亡人数"), null=True, blank=True)
    joint_report = models.BooleanField(
        _("联名举报"),
        default=False,
        help_text=_("多人联名举报同一事项的，只给一份奖励，由第一署名人（或其书面委托的署名人）领取"),
    )
    rule_amount = models.DecimalField(_("按规则计算的金额（元）"), max_digits=10, decimal_places=2, editable=False)
    computation = models.TextField(_("计算过程"), editable=False)
    amount = models.DecimalField(_("奖励金额（元）"), max_digits=10, decimal_places=2, editable=False)
    override_reason = models.TextField(_("调整金额的理由"), blank=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=RewardStatus.choices, default=RewardStatus.PROPOSED, editable=False
    )
    penalty_executed_on = models.DateField(
        _("处罚执行日期"),
        null=True,
        blank=True,
        help_text=_("罚款缴纳等处罚执行完毕之日；奖励须在其后10个工作日内发放"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True, editable=False)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True, editable=False)
    voucher_number = models.CharField(_("付款凭证号"), max_length=64, blank=True, editable=False)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发放登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    paid_recorded_at = models.DateTimeField(_("发放登记时间"), null=True, blank=True, editable=False)

    objects = ScopedLegalQuerySet.as_manager()
    scope_path = "report__hazard__jurisdiction"

    class Meta:
        verbose_name = _("举报奖励")
        verbose_name_plural = _("举报奖励")
        ordering = ["-created_at", "-pk"]
        permissions = [("approve_reward", _("可以审批举报奖励（不能审批本人提出的奖励）"))]
        constraints = [
            models.UniqueConstraint(
                fields=["report"], condition=Q(record_status=RecordStatus.ACTIVE), name="reward_one_active_per_report"
            ),
            models.UniqueConstraint(
                fields=["penalty"],
                condition=Q(record_status=RecordStatus.ACTIVE, penalty__isnull=False),
                name="reward_one_active_per_penalty",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="reward_amount_positive"),
        ]
        indexes = [models.Index(fields=["record_status", "status"], name="reward_desk")]

    def __str__(self) -> str:
        return _("举报奖励 JL%(pk)06d") % {"pk": self.pk or 0}

    @property
    def number(self) -> str:
        return f"JL{self.pk or 0:06d}"

    @property
    def is_overridden(self) -> bool:
        return bool(self.override_reason)

    @property
    def is_paid(self) -> bool:
        return self.status == RewardStatus.PAID


class RewardClaim(BlindIndexedModel):
    """The payee's details (领奖信息) given with the tracking code. Every value is AES-GCM encrypted at rest; no
    default permissions, so no admin page, list, export or role reaches it: a custodian reads it on one screen, with a
    reason, and each read is logged. Its ``__str__`` never shows a value."""

    reward = models.OneToOneField(Reward, verbose_name=_("举报奖励"), on_delete=models.PROTECT, related_name="claim")
    payee_name = EncryptedSecretField(_("领奖人姓名"), max_length=32, blind_index="payee_name_hmac")
    payee_name_hmac = BlindIndexField(source="payee_name", blank=True)
    id_number = EncryptedIdNumberField(_("身份证号码"), max_length=18, blind_index="id_number_hmac")
    id_number_hmac = BlindIndexField(source="id_number", blank=True, db_index=True)
    payment_method = models.CharField(_("领取方式"), max_length=8, choices=PaymentMethod.choices)
    bank_name = EncryptedSecretField(_("开户银行"), max_length=64, blank=True, blind_index="bank_name_hmac")
    bank_name_hmac = BlindIndexField(source="bank_name", blank=True)
    account = EncryptedSecretField(_("银行账号"), max_length=40, blank=True, blind_index="account_hmac")
    account_hmac = BlindIndexField(source="account", blank=True)
    phone = EncryptedSecretField(_("联系电话"), max_length=20, blind_index="phone_hmac")
    phone_hmac = BlindIndexField(source="phone", blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    times_submitted = models.PositiveIntegerField(_("提交次数"), default=1)

    class Meta:
        verbose_name = _("领奖信息")
        verbose_name_plural = _("领奖信息")
        default_permissions = ()

    def __str__(self) -> str:  # never a value
        return _("领奖信息（奖励 #%(pk)s）") % {"pk": self.reward_id}


class RewardClaimAccessLog(AppendOnlyModel):
    """One read of a claim's payment details: who, when, which reward, why. Nobody can edit or delete it."""

    claim = models.ForeignKey(
        RewardClaim, verbose_name=_("领奖信息"), on_delete=models.PROTECT, related_name="access_log"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("查看人"), on_delete=models.PROTECT, related_name="+"
    )
    viewed_at = models.DateTimeField(_("查看时间"), default=timezone.now, db_index=True)
    reason = models.TextField(_("查看理由"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("领奖信息查看记录")
        verbose_name_plural = _("领奖信息查看记录")
        ordering = ["-viewed_at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.user} {self.viewed_at:%Y-%m-%d %H:%M}"
