"""The accidents and interviews demo loader (committee/demo.py): registered, idempotent, realistic, through the
services (levels, meeting clock, working-day deadlines, one overdue commitment, one open meeting)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from committee.demo import HELD_PLACE, load_demo_committee
from committee.models import Accident, AccidentAttachment, Commitment, Interview
from safetyportal.demo.builder import build_demo
from safetyportal.demo.registry import demo_loaders

pytestmark = pytest.mark.django_db


def test_the_demo_loader_is_registered_and_idempotent(settings, media_root):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert "committee.accidents_interviews" in dict(demo_loaders())
    build_demo()
    first = load_demo_committee()
    counts = (Accident.objects.count(), Interview.objects.count(), Commitment.objects.count())
    assert load_demo_committee() == first
    assert counts == (Accident.objects.count(), Interview.objects.count(), Commitment.objects.count())
    assert first == {"生产安全事故": 3, "约谈": 2, "约谈承诺事项": 4}

    today = timezone.localdate()
    held = Accident.objects.get(place=HELD_PLACE)
    assert held.get_accident_type_display() == "高处坠落" and held.get_level_display() == "一般事故"
    assert held.jurisdiction.name == "安海镇" and (held.meeting_held_on - held.occurred_on).days == 9
    assert held.meeting_state(today) == "held" and AccidentAttachment.objects.filter(accident=held).count() == 1
    states = sorted(accident.meeting_state(today) for accident in Accident.objects.all())
    assert states == ["held", "open", "overdue"]
    commitment_states = sorted(c.current_status(today) for c in Commitment.objects.all())
    assert commitment_states.count("overdue") == 1 and commitment_states.count("done") == 1

    # The town's officer sees its interview and the overdue commitment on its hub.
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(officer_profile__jurisdiction__name="磁灶镇")
    client = Client()
    client.force_login(officer)
    page = client.get("/portal/committee/").content.decode()
    assert "报送多次逾期" in page and "已逾期" in page and "机械伤害" in page
