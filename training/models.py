"""Training and special-operation certificates (特种作业操作证).

- ``TrainingInstitution``: 培训机构备案.
- ``TrainingSession`` and ``Enrolment``: 培训班 and the people enrolled, with attendance, scores and results.
- ``Certificate``: a legal record (never deleted; cancelled or revoked with who, when and why). Its number is "T" +
  the holder's ID number, so one person holding two operation items has two certificates with the same number: the
  number is unique per operation item among certificates in force, and a holder has at most one certificate in force
  per item (both are partial unique constraints).
- ``CertificateReview``: 复审记录. ``PublicationBatch`` / ``PublicationEntry``: 公示名单.
- ``FakeCertificateReport``: 疑似假证线索 sent from the public verification page.
- ``ImportJob``: one bulk spreadsheet import (preview, then confirm), with its progress.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safetyportal.crypto import Undecryptable
from safetyportal.fields import BlindIndexedModel, BlindIndexField, BlindIndexQuerySetMixin, EncryptedIdNumberField
from safetyportal.models import Enterprise, Jurisdiction, Person, TimeStamped
from safetyportal.records import LegalRecordMixin, LegalRecordQuerySet, Voidable
from safetyportal.scoping import ScopedQuerySet
from safetyportal.validators import mask_id_number, validate_credit_code

VALIDITY_YEARS = 6
REVIEW_YEARS = 3
EXTENDED_REVIEW_YEARS = 6
REVIEW_NOTICE_DAYS = 60


class OperationCategory(models.TextChoices):
    ELECTRICAL = "electrical", _("电工作业")
    WELDING = "welding", _("焊接与热切割作业")
    HEIGHT = "height", _("高处作业")
    REFRIGERATION = "refrigeration", _("制冷与空调作业")


class OperationItem(models.TextChoices):
    LOW_VOLTAGE = "low_voltage", _("低压电工作业")
    HIGH_VOLTAGE = "high_voltage", _("高压电工作业")
    EXPLOSION_PROOF = "explosion_proof", _("防爆电气作业")
    FUSION_WELDING = "fusion_welding", _("熔化焊接与热切割作业")
    PRESSURE_WELDING = "pressure_welding", _("压力焊作业")
    BRAZING = "brazing", _("钎焊作业")
    SCAFFOLDING = "scaffolding", _("登高架设作业")
    HEIGHT_INSTALL = "height_install", _("高处安装、维护、拆除作业")
    REFRIGERATION_OPERATION = "refrigeration_operation", _("制冷与空调设备运行操作作业")
    REFRIGERATION_REPAIR = "refrigeration_repair", _("制冷与空调设备安装修理作业")


ITEM_CATEGORY: dict[str, str] = {
    OperationItem.LOW_VOLTAGE: OperationCategory.ELECTRICAL,
    OperationItem.HIGH_VOLTAGE: OperationCategory.ELECTRICAL,
    OperationItem.EXPLOSION_PROOF: OperationCategory.ELECTRICAL,
    OperationItem.FUSION_WELDING: OperationCategory.WELDING,
    OperationItem.PRESSURE_WELDING: OperationCategory.WELDING,
    OperationItem.BRAZING: OperationCategory.WELDING,
    OperationItem.SCAFFOLDING: OperationCategory.HEIGHT,
    OperationItem.HEIGHT_INSTALL: OperationCategory.HEIGHT,
    OperationItem.REFRIGERATION_OPERATION: OperationCategory.REFRIGERATION,
    OperationItem.REFRIGERATION_REPAIR: OperationCategory.REFRIGERATION,
}


def default_authority() -> str:
    return f"{settings.CITY_NAME}应急管理局"


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# Institutions ----------------------------------------------------------------------------------------------------


class InstitutionStatus(models.TextChoices):
    FILED = "filed", _("备案")
    SUSPENDED = "suspended", _("暂停")
    CANCELLED = "cancelled", _("注销")


class TrainingInstitution(TimeStamped):
    name = models.CharField(_("机构名称"), max_length=128, unique=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code])
    filing_number = models.CharField(_("备案编号"), max_length=32, unique=True)
    certificate_types = models.JSONField(
        _("可培训的操作项目"), default=list, blank=True, help_text=_("该机构备案可开展培训的特种作业操作项目")
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=InstitutionStatus.choices, default=InstitutionStatus.FILED, db_index=True
    )
    valid_from = models.DateField(_("备案日期"), null=True, blank=True)
    valid_until = models.DateField(_("备案有效期至"), null=True, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=32, blank=True)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=32, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    inspection_notes = models.TextField(_("检查记录"), blank=True, help_text=_("督导检查情况、违规记录及处理"))

    class Meta:
        verbose_name = _("培训机构")
        verbose_name_plural = _("培训机构")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="institution_validity_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def certificate_type_labels(self) -> str:
        labels = dict(OperationItem.choices)
        return "、".join(str(labels.get(code, code)) for code in self.certificate_types)


# Sessions and enrolments -----------------------------------------------------------------------------------------


class SessionCategory(models.TextChoices):
    PRINCIPAL = "principal", _("主要负责人")
    SAFETY_MANAGER = "safety_manager", _("安全管理人员")
    SPECIAL_INITIAL = "special_initial", _("特种作业初训")
    SPECIAL_REVIEW = "special_review", _("特种作业复审")
    ENTERPRISE_TALK = "enterprise_talk", _("入企宣讲")
    GRID_WORKER = "grid_worker", _("网格员")
    OTHER = "other", _("其他")


SPECIAL_CATEGORIES = (SessionCategory.SPECIAL_INITIAL, SessionCategory.SPECIAL_REVIEW)


class TrainingSession(TimeStamped):
    name = models.CharField(_("培训班名称"), max_length=128)
    category = models.CharField(_("培训类别"), max_length=32, choices=SessionCategory.choices, db_index=True)
    operation_item = models.CharField(
        _("操作项目"), max_length=32, choices=OperationItem.choices, blank=True, help_text=_("特种作业培训班必填")
    )
    institution = models.ForeignKey(
        TrainingInstitution,
        verbose_name=_("培训机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("举办地所属区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    starts_on = models.DateField(_("开始日期"), db_index=True)
    ends_on = models.DateField(_("结束日期"))
    place = models.CharField(_("地点"), max_length=128, blank=True)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, default=0)
    capacity = models.PositiveIntegerField(_("计划人数"), null=True, blank=True)
    trainers = models.CharField(_("授课人"), max_length=128, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="session_dates_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.starts_on:%Y-%m-%d}）"

    @property
    def is_special_operation(self) -> bool:
        return self.category in SPECIAL_CATEGORIES


class EnrolmentResult(models.TextChoices):
    PENDING = "pending", _("待考核")
    PASSED = "passed", _("合格")
    FAILED = "failed", _("不合格")
    ABSENT = "absent", _("缺考")


class Enrolment(TimeStamped):
    session = models.ForeignKey(
        TrainingSession, verbose_name=_("培训班"), on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey(Person, verbose_name=_("学员"), on_delete=models.PROTECT, related_name="enrolments")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("工作单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attended = models.BooleanField(_("出勤"), default=True)
    theory_score = models.DecimalField(_("理论成绩"), max_digits=5, decimal_places=1, null=True, blank=True)
    practical_score = models.DecimalField(_("实操成绩"), max_digits=5, decimal_places=1, null=True, blank=True)
    result = models.CharField(
        _("考核结果"), max_length=16, choices=EnrolmentResult.choices, default=EnrolmentResult.PENDING, db_index=True
    )
    certificate = models.ForeignKey(
        "Certificate",
        verbose_name=_("发放或复审的证书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolments",
    )

    class Meta:
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        ordering = ["session", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="one_enrolment_per_session")]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.session.name}）"


# Certificates ----------------------------------------------------------------------------------------------------


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVIEW_DUE = "review_due", _("待复审")
    REVIEW_OVERDUE = "review_overdue", _("逾期未复审")
    EXPIRED = "expired", _("过期")
    CANCELLED = "cancelled", _("注销")
    REVOKED = "revoked", _("吊销")


# A certificate in one of these states is no longer "in force": a new one may be issued for the same item.
ENDED_STATUSES = (CertificateStatus.EXPIRED, CertificateStatus.CANCELLED, CertificateStatus.REVOKED)
VOIDED_STATUSES = (CertificateStatus.CANCELLED, CertificateStatus.REVOKED)


class CertificateSource(models.TextChoices):
    LOCAL = "local", _("本地录入")
    TRAINING = "training", _("培训考核发证")
    IMPORT = "import", _("批量导入")
    NATIONAL = "national", _("国家平台同步")


class CertificateQuerySet(BlindIndexQuerySetMixin, LegalRecordQuerySet, ScopedQuerySet):
    def in_force(self) -> CertificateQuerySet:
        return self.exclude(status__in=ENDED_STATUSES)


class Certificate(BlindIndexedModel, Voidable, TimeStamped):
    """A special-operation certificate (特种作业操作证): a legal record, cancelled (注销) or revoked (吊销) through the
    kit's ``void_record`` (who, when, why, and a history row), never deleted."""

    # Encrypted at rest like the ID it contains; looked up through the keyed HMAC (safetyportal/fields.py).
    number = EncryptedIdNumberField(
        _("证号"), max_length=19, help_text=_("“T”加持证人身份证号"), blind_index="number_hmac"
    )
    number_hmac = BlindIndexField(_("证号查找索引"), source="number", db_index=True)
    holder = models.ForeignKey(Person, verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="certificates")
    category = models.CharField(_("作业类别"), max_length=32, choices=OperationCategory.choices)
    operation_item = models.CharField(_("操作项目"), max_length=32, choices=OperationItem.choices, db_index=True)
    authority = models.CharField(_("发证机关"), max_length=64, default=default_authority)
    first_issued_on = models.DateField(_("初领日期"), db_index=True)
    valid_from = models.DateField(_("有效期限（起）"))
    valid_until = models.DateField(_("有效期限（止）"), db_index=True)
    review_due_on = models.DateField(_("应复审日期"), db_index=True)
    last_reviewed_on = models.DateField(_("最近复审日期"), null=True, blank=True)
    extended_review = models.BooleanField(
        _("复审延期（每6年1次）"),
        default=False,
        help_text=_("连续从事本工种10年以上、无违法行为的，复审时间可延长至每6年1次"),
    )
    status = models.CharField(
        _("证书状态"), max_length=16, choices=CertificateStatus.choices, default=CertificateStatus.VALID, db_index=True
    )
    employer = models.ForeignKey(
        Enterprise, verbose_name=_("用人单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    institution = models.ForeignKey(
        TrainingInstitution,
        verbose_name=_("培训机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    source = models.CharField(
        _("数据来源"), max_length=16, choices=CertificateSource.choices, default=CertificateSource.LOCAL
    )
    verify_token = models.CharField(_("核验码"), max_length=32, unique=True, editable=False)
    voided_at = models.DateTimeField(_("注销/吊销时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("注销/吊销操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    void_reason = models.TextField(_("注销/吊销原因"), blank=True)

    objects = CertificateQuerySet.as_manager()
    scope_path = "holder__jurisdiction"
    void_status_field = "status"
    void_actions = {CertificateStatus.CANCELLED: "cancel", CertificateStatus.REVOKED: "revoke"}
    void_reason_required = _("请填写注销或吊销的原因。")
    already_voided = _("证书已注销或吊销。")

    class Meta:
        verbose_name = _("特种作业操作证")
        verbose_name_plural = _("特种作业操作证")
        ordering = ["-first_issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "operation_item"],
                condition=~Q(status__in=["expired", "cancelled", "revoked"]),
                name="one_certificate_in_force_per_holder_item",
            ),
            models.UniqueConstraint(
                fields=["number_hmac", "operation_item"],
                condition=~Q(status__in=["expired", "cancelled", "revoked"]),
                name="unique_number_in_force_per_item",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("valid_from")), name="certificate_validity_in_order"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__gte=models.F("first_issued_on")),
                name="certificate_valid_from_after_first_issue",
            ),
        ]
        indexes = [models.Index(fields=["status", "review_due_on"], name="certificate_status_due")]
        permissions = [("revoke_certificate", _("可以注销或吊销特种作业操作证"))]

    def __str__(self) -> str:
        return f"{self.masked_number} {self.get_operation_item_display()}"

    @property
    def masked_number(self) -> str:
        if isinstance(self.number, Undecryptable):
            return str(self.number)  # "〔无法解密〕": restored without the keys
        return mask_id_number(self.number)


class ReviewResult(models.TextChoices):
    PASSED = "passed", _("合格")
    FAILED = "failed", _("不合格")
    DEFERRED = "deferred", _("暂缓")


class CertificateReview(LegalRecordMixin, TimeStamped):
    certificate = models.ForeignKey(
        Certificate, verbose_name=_("证书"), on_delete=models.PROTECT, related_name="reviews"
    )
    reviewed_on = models.DateField(_("复审日期"), db_index=True)
    result = models.CharField(_("复审结果"), max_length=16, choices=ReviewResult.choices)
    due_before = models.DateField(_("复审前应复审日期"))
    next_due_on = models.DateField(_("下次应复审日期"), null=True, blank=True)
    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("复审培训记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = LegalRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("复审记录")
        verbose_name_plural = _("复审记录")
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.certificate} {self.reviewed_on:%Y-%m-%d} {self.get_result_display()}"


# Published lists -------------------------------------------------------------------------------------------------


class BatchKind(models.TextChoices):
    NEW = "new", _("新取证人员")
    REVIEWED = "reviewed", _("复审合格人员")


class PublicationBatch(TimeStamped):
    code = models.SlugField(_("批次编号"), max_length=32, unique=True, help_text=_("公开网址中使用，如 2024-01"))
    title = models.CharField(_("标题"), max_length=128)
    kind = models.CharField(_("名单类型"), max_length=16, choices=BatchKind.choices)
    issued_on = models.DateField(_("发证（复审）日期"))
    is_published = models.BooleanField(_("已公示"), default=False, db_index=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    # The 公示期 and where objections go (异议受理): printed in the heading and at the end of the list.
    publicity_from = models.DateField(_("公示期（起）"), null=True, blank=True)
    publicity_to = models.DateField(_("公示期（止）"), null=True, blank=True)
    objection_unit = models.CharField(
        _("异议受理单位"), max_length=64, blank=True, help_text=_("留空则为本办（安委办）")
    )
    objection_phone = models.CharField(_("异议受理电话"), max_length=32, blank=True)
    objection_address = models.CharField(_("通信地址"), max_length=128, blank=True)
    objection_email = models.EmailField(_("电子邮箱"), max_length=64, blank=True)
    document = models.ForeignKey(
        "safetyportal.GeneratedDocument",
        verbose_name=_("PDF文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    certificates = models.ManyToManyField(
        Certificate, verbose_name=_("证书"), through="PublicationEntry", related_name="publication_batches"
    )

    class Meta:
        verbose_name = _("公示名单")
        verbose_name_plural = _("公示名单")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(publicity_to__isnull=True)
                | Q(publicity_from__isnull=True)
                | Q(publicity_to__gte=models.F("publicity_from")),
                name="publicity_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def objection_receiver(self) -> str:
        """Who receives objections: the unit named on the list, or the office."""
        return self.objection_unit or settings.OFFICE_NAME

    def publication_problems(self) -> list[str]:
        """What a 公示 cannot go out without: its period and somewhere to send an objection in writing."""
        problems = []
        if self.publicity_from is None or self.publicity_to is None:
            problems.append(str(_("请填写公示期（起止日期）。")))
        elif self.publicity_to < self.publicity_from:
            problems.append(str(_("公示期的截止日期不能早于起始日期。")))
        if not (self.objection_phone or self.objection_address or self.objection_email):
            problems.append(str(_("请填写异议受理的联系电话、通信地址或电子邮箱（至少一项）。")))
        return problems


class PublicationEntry(models.Model):
    batch = models.ForeignKey(PublicationBatch, on_delete=models.PROTECT, related_name="entries")
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(_("序号"), default=0)

    class Meta:
        verbose_name = _("公示名单条目")
        verbose_name_plural = _("公示名单条目")
        ordering = ["batch", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["batch", "certificate"], name="one_entry_per_certificate")]

    def __str__(self) -> str:
        return f"{self.batch_id}-{self.position}"


# Fake certificate reports ----------------------------------------------------------------------------------------


class ReportStatus(models.TextChoices):
    NEW = "new", _("待核查")
    CHECKING = "checking", _("核查中")
    CLOSED = "closed", _("已办结")


class ReportFinding(models.TextChoices):
    FAKE = "fake", _("假证")
    EXPIRED = "expired", _("过期")
    MISMATCH = "mismatch", _("信息不符")
    GENUINE = "genuine", _("属实有效")


class FakeCertificateReport(TimeStamped):
    certificate = models.ForeignKey(
        Certificate, verbose_name=_("涉及证书"), on_delete=models.PROTECT, related_name="fake_reports"
    )
    description = models.TextField(_("情况说明"), max_length=1000)
    where_seen = models.CharField(_("持证使用单位或地点"), max_length=128, blank=True)
    contact = models.CharField(_("举报人联系方式"), max_length=64, blank=True)
    status = models.CharField(
        _("处理状态"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.NEW, db_index=True
    )
    finding = models.CharField(_("核查结果"), max_length=16, choices=ReportFinding.choices, blank=True)
    handling_notes = models.TextField(_("处理措施"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("疑似假证线索")
        verbose_name_plural = _("疑似假证线索")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.certificate}（{self.get_status_display()}）"


# Bulk imports ----------------------------------------------------------------------------------------------------


class ImportKind(models.TextChoices):
    CERTIFICATES = "certificates", _("特种作业操作证")
    ENROLMENTS = "enrolments", _("培训考核结果")


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", _("校验中")
    INVALID = "invalid", _("校验未通过")
    READY = "ready", _("待确认导入")
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("导入失败")


class ImportJob(TimeStamped):
    kind = models.CharField(_("导入内容"), max_length=16, choices=ImportKind.choices)
    file = models.FileField(_("文件"), upload_to="imports/training/%Y/%m/", max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255)
    session = models.ForeignKey(
        TrainingSession, verbose_name=_("培训班"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    institution = models.ForeignKey(
        TrainingInstitution,
        verbose_name=_("培训机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    default_jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("新增人员的默认所属区划"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("文件中的人员在系统中不存在且未填写用人单位时使用"),
    )
    status = models.CharField(_("状态"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.VALIDATING)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    summary = models.JSONField(_("导入结果"), default=dict, blank=True)
    message = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("批量导入任务")
        verbose_name_plural = _("批量导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.INVALID, ImportStatus.READY, ImportStatus.DONE, ImportStatus.FAILED)
