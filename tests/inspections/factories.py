"""One factory per model of the inspections app. Factories write rows directly (fast, for reads and counts);
tests of behaviour go through the services."""

from __future__ import annotations

import datetime as dt
import hashlib

import factory
from django.utils import timezone

from inspections.models import (
    CaseKind,
    CaseStatus,
    ExposureCase,
    Hazard,
    HazardCategory,
    HazardEvent,
    HazardPhoto,
    HazardSource,
    HazardStatus,
    Inspection,
    InspectionKind,
    PenaltyCase,
    PublicReport,
    RectificationOrder,
    ReporterIdentity,
)
from tests.core.documents_support import make_authority
from tests.core.factories import EnterpriseFactory, JurisdictionFactory


class HazardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hazard

    source = HazardSource.ROUTINE
    category = HazardCategory.FIRE
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    address = factory.Sequence(lambda n: f"测试路{n}号")
    description = "安全出口被货物堵塞，疏散通道不畅。"
    status = HazardStatus.ACCEPTED


class HazardEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HazardEvent

    hazard = factory.SubFactory(HazardFactory)
    kind = "created"
    to_status = HazardStatus.ACCEPTED


class HazardPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HazardPhoto

    hazard = factory.SubFactory(HazardFactory)
    stage = "before"
    image = factory.Sequence(lambda n: f"derived/hazards/before/test{n}.jpg")
    thumbnail = factory.Sequence(lambda n: f"derived/hazards/before/test{n}_t.jpg")


class PublicReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicReport

    hazard = factory.SubFactory(HazardFactory, source=HazardSource.PUBLIC)
    tracking_hash = factory.Sequence(lambda n: hashlib.sha256(f"code-{n}".encode()).hexdigest())
    place = "某小区3号楼"


class ReporterIdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReporterIdentity

    report = factory.SubFactory(PublicReportFactory, is_anonymous=False)
    name = "举报人"
    phone = "13800000000"


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    kind = InspectionKind.ROUTINE
    inspected_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    enterprise = factory.SubFactory(EnterpriseFactory)


class PenaltyCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PenaltyCase

    enterprise = factory.SubFactory(EnterpriseFactory)
    facts = "未按照规定对从业人员进行安全生产教育和培训。"
    violated_provision = "《中华人民共和国安全生产法》第二十八条第一款"
    legal_basis = "《中华人民共和国安全生产法》第九十七条第（三）项"
    decision_number = factory.Sequence(lambda n: f"（晋）应急罚〔2026〕{n}号")
    fine = 20000
    decided_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=5))


class RectificationOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RectificationOrder

    enterprise = factory.SubFactory(EnterpriseFactory)
    authority = factory.LazyFunction(lambda: make_authority("晋应急责改"))
    deadline = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=15))


class ExposureCaseFactory(factory.django.DjangoModelFactory):
    """A published case with its public text already set (as the publish service leaves it)."""

    class Meta:
        model = ExposureCase

    kind = CaseKind.PENALTY
    category = HazardCategory.INDUSTRY
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    title = factory.Sequence(lambda n: f"测试鞋业有限公司违法案{n}")
    body = "未按规定对从业人员进行安全生产教育和培训。"
    public_title = factory.SelfAttribute("title")
    public_body = factory.SelfAttribute("body")
    public_summary = "未按规定开展安全培训"
    status = CaseStatus.PUBLISHED
    published_at = factory.Sequence(lambda n: timezone.now() - dt.timedelta(minutes=n + 1))
