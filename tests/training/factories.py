"""One factory per model of the training app."""

from __future__ import annotations

import datetime as dt

import factory

from training.models import (
    ITEM_CATEGORY,
    Certificate,
    Enrolment,
    OperationItem,
    PublicationBatch,
    SessionCategory,
    TrainingInstitution,
    TrainingSession,
)
from training.services import certificate_dates, new_verify_token

from ..core.factories import PersonFactory, make_credit_code


class TrainingInstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingInstitution

    name = factory.Sequence(lambda n: f"晋江市测试{n}职业培训学校")
    credit_code = factory.Sequence(lambda n: make_credit_code(90_000 + n))
    filing_number = factory.Sequence(lambda n: f"闽应急培备〔2024〕{n:04d}号")
    certificate_types = [OperationItem.LOW_VOLTAGE]


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    name = factory.Sequence(lambda n: f"测试培训班{n}")
    category = SessionCategory.SPECIAL_INITIAL
    operation_item = OperationItem.LOW_VOLTAGE
    institution = factory.SubFactory(TrainingInstitutionFactory)
    starts_on = dt.date(2024, 5, 6)
    ends_on = dt.date(2024, 5, 10)
    hours = 80


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    session = factory.SubFactory(TrainingSessionFactory)
    person = factory.SubFactory(PersonFactory)


class CertificateFactory(factory.django.DjangoModelFactory):
    """A certificate issued on ``first_issued_on`` with the dates the rules give (valid 6 years, review at 3)."""

    class Meta:
        model = Certificate

    holder = factory.SubFactory(PersonFactory)
    number = factory.LazyAttribute(lambda o: "T" + o.holder.id_number)
    operation_item = OperationItem.LOW_VOLTAGE
    category = factory.LazyAttribute(lambda o: ITEM_CATEGORY[o.operation_item])
    first_issued_on = dt.date(2024, 5, 10)
    valid_from = factory.LazyAttribute(lambda o: certificate_dates(o.first_issued_on)[0])
    valid_until = factory.LazyAttribute(lambda o: certificate_dates(o.first_issued_on)[1])
    review_due_on = factory.LazyAttribute(lambda o: certificate_dates(o.first_issued_on)[2])
    verify_token = factory.LazyFunction(new_verify_token)


class PublicationBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicationBatch

    code = factory.Sequence(lambda n: f"2024-{n:02d}")
    title = factory.Sequence(lambda n: f"2024年第{n}批特种作业新取证人员名单")
    kind = "new"
    issued_on = dt.date(2024, 12, 31)
    is_published = True
