"""Factories of the messaging models (safetyportal/messaging), one per model."""

from __future__ import annotations

import factory
from django.utils import timezone

from safetyportal.messaging.models import Channel, MessageDelivery, MessagePreference, PortalMessage, UnitChannel
from tests.core.factories import JurisdictionFactory, UserFactory


class MessagePreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessagePreference
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    wecom = False
    sms = False


class PortalMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortalMessage

    user = factory.SubFactory(UserFactory)
    key = factory.Sequence(lambda n: f"test:{n}")
    text = "【即将到期】请按时报送。"
    url = "/portal/"


class MessageDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageDelivery

    user = factory.SubFactory(UserFactory)
    key = factory.Sequence(lambda n: f"test:{n}")
    channel = Channel.SMS
    day = factory.LazyFunction(timezone.localdate)
    batch = factory.Faker("uuid4", cast_to=None)
    text = "【即将到期】请按时报送。"


class UnitChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitChannel

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    member_unit = None
    group_name = "安全生产工作群"
    wecom_key = "693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa"
