"""One factory per model of the committee's assessment part."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from committee.assessment_models import (
    AssessedLevel,
    AssessmentItem,
    AssessmentResult,
    AssessmentResultRow,
    AssessmentRule,
    AssessmentScheme,
    ManualScore,
)
from tests.core.factories import JurisdictionFactory


class AssessmentSchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentScheme

    year = 2024
    name = factory.Sequence(lambda n: f"镇（街道）安全生产工作考核{n}")
    jurisdiction = factory.SubFactory(JurisdictionFactory, level="county", kind="市", parent=None)
    assessed_level = AssessedLevel.SUBDISTRICT
    min_sample = 3


class AssessmentItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentItem

    scheme = factory.SubFactory(AssessmentSchemeFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"考核项目{n}")
    points = Decimal("10")
    rule = AssessmentRule.MANUAL


class ManualScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManualScore

    item = factory.SubFactory(AssessmentItemFactory)
    quarter = 2
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    points = Decimal("8")
    evidence = "查阅会议记录、工作台账，基本落实。"


class AssessmentResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentResult

    scheme = factory.SubFactory(AssessmentSchemeFactory)
    quarter = 2
    starts_on = dt.date(2024, 4, 1)
    ends_on = dt.date(2024, 6, 30)
    as_of = dt.date(2024, 7, 5)
    min_sample = 3
    items = factory.LazyFunction(
        lambda: [{"name": "工作落实", "points": "10", "rule": "manual", "per_day": "1", "target": 0}]
    )
    unit_count = 1
    ranked_count = 1


class AssessmentResultRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentResultRow

    result = factory.SubFactory(AssessmentResultFactory)
    position = factory.Sequence(lambda n: n + 1)
    unit_kind = "jurisdiction"
    unit_id = factory.Sequence(lambda n: 900_000 + n)
    unit_name = factory.Sequence(lambda n: f"测试{n}镇")
    sample = 5
    total = Decimal("8.00")
    rank = 1
    scores = factory.LazyFunction(lambda: [{"score": "8.00", "detail": "基本落实"}])
