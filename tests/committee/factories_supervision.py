"""One factory per model of the committee's supervision part (rows made directly, bypassing the services: tests that
need the services' checks call them)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from committee.supervision_models import (
    ExtensionRequest,
    ProgressAttachment,
    ProgressReport,
    Supervision,
    SupervisionEvent,
    SupervisionEvidence,
    SupervisionLevel,
    SupervisionNotice,
    SupervisionTarget,
)
from tests.committee.factories import IssuingAuthorityFactory
from tests.core.factories import JurisdictionFactory, UserFactory


class SupervisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supervision

    target = SupervisionTarget.UNIT
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    scope_jurisdiction = factory.SelfAttribute("jurisdiction")
    level = SupervisionLevel.STREET
    initial_level = factory.SelfAttribute("level")
    title = factory.Sequence(lambda n: f"镇（街道）安全生产报送长期滞后问题{n}")
    problem = "连续三个月未按时报送隐患排查治理情况。"
    listed_on = dt.date(2026, 3, 2)
    working_days = 20
    deadline = dt.date(2026, 3, 30)
    initial_deadline = factory.SelfAttribute("deadline")
    public_name = factory.Sequence(lambda n: f"晋江市某某鞋业有限公司{n}")
    public_text = "消防通道堵塞、疏散指示缺失。"


class SupervisionEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionEvent

    supervision = factory.SubFactory(SupervisionFactory)
    kind = "listed"
    text = "挂牌督办"


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    supervision = factory.SubFactory(SupervisionFactory)
    text = "已完成消防通道清理，正在更换疏散指示标志。"
    filed_by = factory.SubFactory(UserFactory)
    unit_name = "测试街道"


class ProgressAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressAttachment

    report = factory.SubFactory(ProgressReportFactory)
    display_name = "整改照片.jpg"
    stored_name = factory.Sequence(lambda n: f"private/supervision/test{n}.jpg")
    size = 1024
    sha256 = "0" * 64
    content_type = "image/jpeg"


class SupervisionEvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionEvidence

    supervision = factory.SubFactory(SupervisionFactory)
    display_name = "验收意见.pdf"
    stored_name = factory.Sequence(lambda n: f"private/supervision/evidence{n}.pdf")
    size = 2048
    sha256 = "0" * 64
    content_type = "application/pdf"


class ExtensionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExtensionRequest

    supervision = factory.SubFactory(SupervisionFactory)
    requested_on = dt.date(2026, 3, 3)
    requested_by = factory.SubFactory(UserFactory)
    deadline_before = factory.LazyAttribute(lambda o: o.supervision.deadline)
    requested_deadline = factory.LazyAttribute(lambda o: o.supervision.deadline + dt.timedelta(days=30))
    reason = "涉及设备采购，需延长整改时间。"
    decision_due = dt.date(2026, 3, 17)


class SupervisionNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionNotice

    supervision = factory.SubFactory(SupervisionFactory)
    authority = factory.SubFactory(IssuingAuthorityFactory)
    body = "请你单位落实整改责任、措施、资金、时限和预案，按期完成整改并书面报告。"
    created_at = factory.LazyFunction(timezone.now)
