"""The hazard workflow: only legal transitions, by the right role, each recorded with who, when and why; the
整改后 photo gate; a double submit makes one transition."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from PIL import Image

from inspections import services
from inspections.models import HazardEvent, HazardStatus, PhotoStage
from inspections.services import TRANSITIONS
from safetyportal.images import process_image
from tests.inspections.factories import HazardFactory

pytestmark = pytest.mark.django_db

S = HazardStatus


def photo():  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, "JPEG")
    buffer.seek(0)
    return process_image(buffer)


def move(hazard, to, by, **kwargs):  # type: ignore[no-untyped-def]
    if to == S.RECTIFYING:
        kwargs.setdefault("deadline", timezone.localdate() + dt.timedelta(days=10))
    if to == S.PENDING_REVIEW:
        kwargs.setdefault("photos", [photo()])
    return services.transition_hazard(hazard=hazard, to_status=to, by=by, reason=f"理由：{to}", **kwargs)


def test_the_happy_path_records_who_when_and_why(staff):
    hazard = HazardFactory()
    for target in (S.VERIFYING, S.RECTIFYING, S.PENDING_REVIEW, S.CLOSED):
        hazard = move(hazard, target, staff)
    assert hazard.status == S.CLOSED and hazard.closed_at is not None
    events = list(HazardEvent.objects.filter(hazard=hazard).order_by("pk"))
    assert [(e.from_status, e.to_status) for e in events] == [
        (S.ACCEPTED, S.VERIFYING),
        (S.VERIFYING, S.RECTIFYING),
        (S.RECTIFYING, S.PENDING_REVIEW),
        (S.PENDING_REVIEW, S.CLOSED),
    ]
    assert all(e.actor == staff and e.at and e.reason.startswith("理由") for e in events)
    assert events[1].changes["rectification_deadline"][1]  # the deadline set on entering 整改中 is in the diff


def test_every_illegal_transition_is_refused_and_changes_nothing(staff):
    """All 8×8 pairs: only those in TRANSITIONS succeed."""
    paths = {
        S.ACCEPTED: [],
        S.VERIFYING: [S.VERIFYING],
        S.RECTIFYING: [S.VERIFYING, S.RECTIFYING],
        S.PENDING_REVIEW: [S.VERIFYING, S.RECTIFYING, S.PENDING_REVIEW],
        S.CLOSED: [S.VERIFYING, S.RECTIFYING, S.PENDING_REVIEW, S.CLOSED],
        S.REJECTED: [S.REJECTED],
        S.DUPLICATE: [S.DUPLICATE],
        S.UNFOUNDED: [S.VERIFYING, S.UNFOUNDED],
    }
    for start, target in itertools.product(S.values, S.values):
        hazard = HazardFactory()
        for step in paths[start]:
            hazard = move(hazard, step, staff)
        before = HazardEvent.objects.filter(hazard=hazard).count()
        if target in TRANSITIONS.get(start, ()):
            assert move(hazard, target, staff).status == target
        else:
            with pytest.raises(ValidationError):
                move(hazard, target, staff)
            hazard.refresh_from_db()
            assert hazard.status == start and HazardEvent.objects.filter(hazard=hazard).count() == before


def test_a_reason_is_required(staff):
    with pytest.raises(ValidationError, match="请填写办理意见"):
        services.transition_hazard(hazard=HazardFactory(), to_status=S.VERIFYING, by=staff, reason="  ")


def test_rectifying_needs_a_deadline(staff):
    hazard = move(HazardFactory(), S.VERIFYING, staff)
    with pytest.raises(ValidationError, match="整改期限"):
        services.transition_hazard(hazard=hazard, to_status=S.RECTIFYING, by=staff, reason="属实")


def test_review_needs_an_after_photo(staff):
    hazard = move(move(HazardFactory(), S.VERIFYING, staff), S.RECTIFYING, staff)
    with pytest.raises(ValidationError, match="整改后照片"):
        move(hazard, S.PENDING_REVIEW, staff, photos=[])
    hazard.refresh_from_db()
    assert hazard.status == S.RECTIFYING
    hazard = move(hazard, S.PENDING_REVIEW, staff)
    assert hazard.photos.filter(stage=PhotoStage.AFTER).count() == 1


def test_officers_verify_and_rectify_but_do_not_close_or_reject(officer_a, unit_a, staff):
    hazard = HazardFactory(jurisdiction=unit_a)
    with pytest.raises(PermissionDenied):
        move(hazard, S.REJECTED, officer_a)
    hazard = move(move(hazard, S.VERIFYING, officer_a), S.RECTIFYING, officer_a)
    hazard = move(hazard, S.PENDING_REVIEW, officer_a)
    with pytest.raises(PermissionDenied):
        move(hazard, S.CLOSED, officer_a)
    assert move(hazard, S.CLOSED, staff).status == S.CLOSED


def test_an_officer_cannot_handle_another_units_hazard(officer_a, unit_b):
    hazard = HazardFactory(jurisdiction=unit_b)
    assert services.allowed_targets(officer_a, hazard) == []
    with pytest.raises(PermissionDenied):
        move(hazard, S.VERIFYING, officer_a)


def test_a_double_submit_makes_one_transition(staff):
    hazard = HazardFactory()
    stale = HazardFactory._meta.model.objects.get(pk=hazard.pk)
    move(hazard, S.VERIFYING, staff)
    with pytest.raises(ValidationError):
        move(stale, S.VERIFYING, staff)  # the copy still says 已受理; the row, locked and re-read, does not
    assert HazardEvent.objects.filter(hazard=hazard, to_status=S.VERIFYING).count() == 1


def test_a_review_that_fails_goes_back_to_rectifying(staff):
    hazard = HazardFactory()
    for target in (S.VERIFYING, S.RECTIFYING, S.PENDING_REVIEW):
        hazard = move(hazard, target, staff)
    assert move(hazard, S.RECTIFYING, staff).status == S.RECTIFYING


def test_supervision_is_for_open_major_hazards_only(staff):
    general = HazardFactory()
    with pytest.raises(ValidationError, match="重大事故隐患"):
        services.set_supervision(hazard=general, level="city", by=staff, reason="督办")
    major = HazardFactory(level="major")
    major = services.set_supervision(hazard=major, level="city", by=staff, reason="市级挂牌督办")
    assert major.supervision_level == "city" and major.supervised_on == timezone.localdate()
    for target in (S.VERIFYING, S.RECTIFYING, S.PENDING_REVIEW, S.CLOSED):
        major = move(major, target, staff)
    assert major.supervision_level == ""  # 销号即摘牌


def test_events_are_append_only(staff):
    hazard = move(HazardFactory(), S.VERIFYING, staff)
    event = HazardEvent.objects.get(hazard=hazard)
    event.reason = "改写历史"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        HazardEvent.objects.filter(pk=event.pk).update(reason="改写")
    with pytest.raises(PermissionDenied):
        HazardEvent.objects.filter(pk=event.pk).delete()
    assert HazardEvent.objects.get(pk=event.pk).reason == "理由：verifying"
