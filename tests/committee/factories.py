"""One factory per model of the committee app."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from committee.models import (
    Accident,
    AccidentAttachment,
    AccidentType,
    Commitment,
    Interview,
    InterviewNotice,
    InterviewReason,
)
from safetyportal.documents.models import IssuingAuthority
from tests.core.factories import JurisdictionFactory


class AccidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Accident

    occurred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2))
    place = "测试路8号车间"
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    unit_name = factory.Sequence(lambda n: f"晋江市测试{n}机械有限公司")
    accident_type = AccidentType.MACHINERY
    deaths = 1
    serious_injuries = 0
    minor_injuries = 0
    direct_loss = Decimal("800000")


class AccidentAttachmentFactory(factory.django.DjangoModelFactory):
    """A row only (no file on disk): tests that download write the file through ``store_private`` themselves."""

    class Meta:
        model = AccidentAttachment

    accident = factory.SubFactory(AccidentFactory)
    kind = "photo"
    display_name = factory.Sequence(lambda n: f"会议照片{n}.jpg")
    stored_name = factory.Sequence(lambda n: f"private/accidents/test{n}.jpg")
    size = 1024
    sha256 = "0" * 64
    content_type = "image/jpeg"


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interview

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    scope_jurisdiction = factory.SelfAttribute("jurisdiction")
    head_name = "王某某"
    head_position = "主任"
    reason = InterviewReason.LATE_RETURNS
    held_on = dt.date(2026, 3, 2)
    interviewer = "市安委办副主任"
    minutes = "约谈纪要。"


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    interview = factory.SubFactory(InterviewFactory)
    text = factory.Sequence(lambda n: f"承诺事项{n}")
    working_days = 10
    due_on = factory.LazyAttribute(lambda o: o.interview.held_on + dt.timedelta(days=14))


class IssuingAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IssuingAuthority
        django_get_or_create = ("code",)

    code = "晋安委办"
    name = "晋江市安全生产委员会办公室"


class InterviewNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterviewNotice

    interview = factory.SubFactory(InterviewFactory)
    authority = factory.SubFactory(IssuingAuthorityFactory)
    meet_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
    place = "市应急管理局三楼会议室"
    body = "请你单位主要负责人按时参加约谈，并书面报告有关情况和整改措施。"
