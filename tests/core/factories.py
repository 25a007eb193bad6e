"""One factory per model of the shared organisation model."""

from __future__ import annotations

import datetime
import random

import factory
from django.contrib.auth import get_user_model
from stdnum.cn import uscc

from safetyportal.models import (
    Enterprise,
    Industry,
    Jurisdiction,
    JurisdictionLevel,
    MemberUnit,
    OfficerProfile,
    Person,
    RiskGrade,
)
from safetyportal.validators import id_check_digit

TEST_PASSWORD = "Test-Passw0rd-2024!"


def make_id_number(sequence: int, county: str = "350582") -> str:
    body = f"{county}{1970 + sequence % 30:04d}{1 + sequence % 12:02d}{1 + sequence % 28:02d}{sequence % 1000:03d}"
    return body + id_check_digit(body)


def make_credit_code(sequence: int) -> str:
    body = f"91350582MA{sequence:07d}"
    body = body[:17]
    return body + uscc.calc_check_digit(body)


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ("code",)

    code = "350582"
    name = "晋江市"
    level = JurisdictionLevel.COUNTY
    kind = "市"
    parent = None


class JurisdictionFactory(factory.django.DjangoModelFactory):
    """A subdistrict (街道) under the county by default."""

    class Meta:
        model = Jurisdiction

    code = factory.Sequence(lambda n: f"350582{100 + n:03d}")
    name = factory.Sequence(lambda n: f"测试{n}街道")
    level = JurisdictionLevel.SUBDISTRICT
    kind = "街道"
    parent = factory.SubFactory(CountyFactory)


class CommunityFactory(JurisdictionFactory):
    # 12 characters at most (the column), however many communities a long test run creates.
    code = factory.Sequence(lambda n: f"3505829{n % 100_000:05d}")
    name = factory.Sequence(lambda n: f"测试{n}社区")
    level = JurisdictionLevel.COMMUNITY
    kind = "社区"
    parent = factory.SubFactory(JurisdictionFactory)


class MemberUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberUnit

    name = factory.Sequence(lambda n: f"市测试局{n}")
    short_name = factory.Sequence(lambda n: f"测试局{n}")
    jurisdiction = factory.SubFactory(CountyFactory)
    sectors = "工贸"


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"晋江市测试{n}鞋业有限公司")
    credit_code = factory.Sequence(make_credit_code)
    industry = Industry.MANUFACTURING
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    address = "测试路1号"
    risk_grade = RiskGrade.C


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"测试人{n}")
    gender = "M"
    id_number = factory.Sequence(lambda n: make_id_number(n + random.randint(0, 10_000) * 1000))
    jurisdiction = factory.SubFactory(JurisdictionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "测试"
    is_active = True
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def groups(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create:
            self.save()
            if extracted:
                self.groups.add(*extracted)


class StaffUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True


class OfficerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficerProfile

    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"officer{n}"))
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    title = "安监站干部"


class WorkdayOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "safetyportal.WorkdayOverride"
        django_get_or_create = ("date",)

    date = factory.Sequence(lambda n: datetime.date(2027, 1, 1) + datetime.timedelta(days=n))
    is_working_day = False
    name = "春节"


class WorkdayYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "safetyportal.WorkdayYear"
        django_get_or_create = ("year",)

    year = 2027
    complete = True
