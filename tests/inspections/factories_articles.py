"""Factories of package E: towns' exposure submissions and media articles (篇/起)."""

from __future__ import annotations

import datetime as dt

import factory

from inspections.models import CaseKind, ExposureSubmission, HazardCategory, MediaArticle, MediaLevel
from tests.core.factories import JurisdictionFactory


class ExposureSubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExposureSubmission

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    kind = CaseKind.PENALTY
    category = HazardCategory.INDUSTRY
    title = factory.Sequence(lambda n: f"某鞋业有限公司未落实安全培训案{n}")
    body = "执法人员检查发现该公司未按规定对从业人员进行安全生产教育和培训。"


class MediaArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediaArticle
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"安全生产典型案例曝光（第{n}期）")
    media_name = "晋江经济报"
    media_level = MediaLevel.COUNTY
    published_on = dt.date(2024, 6, 15)
    jurisdiction = factory.SubFactory(JurisdictionFactory)

    @factory.post_generation
    def cases(self, create: bool, extracted, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if create and extracted:
            self.cases.set(extracted)
