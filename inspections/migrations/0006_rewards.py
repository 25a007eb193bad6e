# Issue 15, package D: the reward ledger (举报奖励): Reward, RewardClaim (encrypted payee details) and its access log.
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import safetyportal.fields
import safetyportal.messaging.models


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0005_search_tracking"),
    ]

    operations = [
        migrations.CreateModel(
            name="Reward",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "record_status",
                    models.CharField(
                        choices=[("active", "有效"), ("voided", "已作废")],
                        default="active",
                        editable=False,
                        max_length=8,
                        verbose_name="记录状态",
                    ),
                ),
                ("voided_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="作废时间")),
                ("void_reason", models.CharField(blank=True, editable=False, max_length=255, verbose_name="作废理由")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="登记时间"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                (
                    "basis",
                    models.CharField(
                        choices=[
                            ("penalty", "重大事故隐患、违法行为：按行政处罚金额的15%计算"),
                            ("concealed_accident", "瞒报、谎报事故：按查实的瞒报谎报死亡人数计算"),
                        ],
                        default="penalty",
                        max_length=24,
                        verbose_name="奖励依据",
                    ),
                ),
                (
                    "accident_grade",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("general", "一般事故"),
                            ("larger", "较大事故"),
                            ("major", "重大事故"),
                            ("especially_major", "特别重大事故"),
                        ],
                        max_length=20,
                        verbose_name="事故等级",
                    ),
                ),
                (
                    "concealed_deaths",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="查实瞒报谎报死亡人数"),
                ),
                (
                    "joint_report",
                    models.BooleanField(
                        default=False,
                        help_text="多人联名举报同一事项的，只给一份奖励，由第一署名人（或其书面委托的署名人）领取",
                        verbose_name="联名举报",
                    ),
                ),
                (
                    "rule_amount",
                    models.DecimalField(
                        decimal_places=2, editable=False, max_digits=10, verbose_name="按规则计算的金额（元）"
                    ),
                ),
                ("computation", models.TextField(editable=False, verbose_name="计算过程")),
                (
                    "amount",
                    models.DecimalField(decimal_places=2, editable=False, max_digits=10, verbose_name="奖励金额（元）"),
                ),
                ("override_reason", models.TextField(blank=True, editable=False, verbose_name="调整金额的理由")),
                (
                    "status",
                    models.CharField(
                        choices=[("proposed", "待审批"), ("approved", "已审批待发放"), ("paid", "已发放")],
                        default="proposed",
                        editable=False,
                        max_length=12,
                        verbose_name="状态",
                    ),
                ),
                (
                    "penalty_executed_on",
                    models.DateField(
                        blank=True,
                        help_text="罚款缴纳等处罚执行完毕之日；奖励须在其后10个工作日内发放",
                        null=True,
                        verbose_name="处罚执行日期",
                    ),
                ),
                ("approved_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="审批时间")),
                ("paid_on", models.DateField(blank=True, editable=False, null=True, verbose_name="发放日期")),
                (
                    "voucher_number",
                    models.CharField(blank=True, editable=False, max_length=64, verbose_name="付款凭证号"),
                ),
                (
                    "paid_recorded_at",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="发放登记时间"),
                ),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="审批人",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="登记人",
                    ),
                ),
                (
                    "paid_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="发放登记人",
                    ),
                ),
                (
                    "penalty",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="rewards",
                        to="inspections.penaltycase",
                        verbose_name="行政处罚",
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="rewards",
                        to="inspections.publicreport",
                        verbose_name="举报",
                    ),
                ),
                (
                    "voided_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="作废人",
                    ),
                ),
            ],
            options={
                "verbose_name": "举报奖励",
                "verbose_name_plural": "举报奖励",
                "ordering": ["-created_at", "-pk"],
                "permissions": [("approve_reward", "可以审批举报奖励（不能审批本人提出的奖励）")],
            },
        ),
        migrations.CreateModel(
            name="RewardClaim",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "payee_name",
                    safetyportal.messaging.models.EncryptedSecretField(
                        blind_index="payee_name_hmac", max_length=32, verbose_name="领奖人姓名"
                    ),
                ),
                ("payee_name_hmac", safetyportal.fields.BlindIndexField(blank=True, source="payee_name")),
                (
                    "id_number",
                    safetyportal.fields.EncryptedIdNumberField(
                        blind_index="id_number_hmac", max_length=18, verbose_name="身份证号码"
                    ),
                ),
                ("id_number_hmac", safetyportal.fields.BlindIndexField(blank=True, db_index=True, source="id_number")),
                (
                    "payment_method",
                    models.CharField(
                        choices=[("bank", "银行转账"), ("cash", "现场领取")], max_length=8, verbose_name="领取方式"
                    ),
                ),
                (
                    "bank_name",
                    safetyportal.messaging.models.EncryptedSecretField(
                        blank=True, blind_index="bank_name_hmac", max_length=64, verbose_name="开户银行"
                    ),
                ),
                ("bank_name_hmac", safetyportal.fields.BlindIndexField(blank=True, source="bank_name")),
                (
                    "account",
                    safetyportal.messaging.models.EncryptedSecretField(
                        blank=True, blind_index="account_hmac", max_length=40, verbose_name="银行账号"
                    ),
                ),
                ("account_hmac", safetyportal.fields.BlindIndexField(blank=True, source="account")),
                (
                    "phone",
                    safetyportal.messaging.models.EncryptedSecretField(
                        blind_index="phone_hmac", max_length=20, verbose_name="联系电话"
                    ),
                ),
                ("phone_hmac", safetyportal.fields.BlindIndexField(blank=True, source="phone")),
                ("submitted_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="提交时间")),
                ("times_submitted", models.PositiveIntegerField(default=1, verbose_name="提交次数")),
                (
                    "reward",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="claim",
                        to="inspections.reward",
                        verbose_name="举报奖励",
                    ),
                ),
            ],
            options={
                "verbose_name": "领奖信息",
                "verbose_name_plural": "领奖信息",
                "default_permissions": (),
            },
        ),
        migrations.CreateModel(
            name="RewardClaimAccessLog",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "viewed_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="查看时间"),
                ),
                ("reason", models.TextField(verbose_name="查看理由")),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="access_log",
                        to="inspections.rewardclaim",
                        verbose_name="领奖信息",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="查看人",
                    ),
                ),
            ],
            options={
                "verbose_name": "领奖信息查看记录",
                "verbose_name_plural": "领奖信息查看记录",
                "ordering": ["-viewed_at", "-pk"],
                "default_permissions": ("view",),
            },
        ),
        migrations.AddIndex(
            model_name="reward",
            index=models.Index(fields=["record_status", "status"], name="reward_desk"),
        ),
        migrations.AddConstraint(
            model_name="reward",
            constraint=models.UniqueConstraint(
                condition=models.Q(("record_status", "active")), fields=("report",), name="reward_one_active_per_report"
            ),
        ),
        migrations.AddConstraint(
            model_name="reward",
            constraint=models.UniqueConstraint(
                condition=models.Q(("penalty__isnull", False), ("record_status", "active")),
                fields=("penalty",),
                name="reward_one_active_per_penalty",
            ),
        ),
        migrations.AddConstraint(
            model_name="reward",
            constraint=models.CheckConstraint(condition=models.Q(("amount__gt", 0)), name="reward_amount_positive"),
        ),
    ]
