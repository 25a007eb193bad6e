"""Certificates as legal records: issuing, re-examination, statuses moved by date, voiding, session results."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from safetyportal.roles import ADMIN_GROUP
from tests.core.factories import PersonFactory, StaffUserFactory
from training import services, tasks
from training.models import (
    Certificate,
    CertificateReview,
    CertificateStatus,
    EnrolmentResult,
    OperationItem,
    ReviewResult,
    SessionCategory,
)

from .factories import CertificateFactory, EnrolmentFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 24)


def test_issue_gives_six_years_of_validity_and_a_review_after_three():
    person = PersonFactory()
    certificate = services.issue_certificate(
        person=person, operation_item=OperationItem.LOW_VOLTAGE, issued_on=dt.date(2024, 5, 10), today=TODAY
    )
    assert certificate.number == "T" + person.id_number
    assert certificate.category == "electrical"
    assert (certificate.valid_from, certificate.valid_until) == (dt.date(2024, 5, 10), dt.date(2030, 5, 9))
    assert certificate.review_due_on == dt.date(2027, 5, 10)
    assert certificate.status == CertificateStatus.VALID
    assert len(certificate.verify_token) >= 16


def test_a_holder_keeps_one_certificate_in_force_per_item():
    person = PersonFactory()
    kwargs = {"person": person, "issued_on": dt.date(2024, 5, 10), "today": TODAY}
    services.issue_certificate(operation_item=OperationItem.LOW_VOLTAGE, **kwargs)
    with pytest.raises(ValidationError, match="已持有"):
        services.issue_certificate(operation_item=OperationItem.LOW_VOLTAGE, **kwargs)
    # Another item under the same number ("T" + ID) is fine.
    welding = services.issue_certificate(operation_item=OperationItem.FUSION_WELDING, **kwargs)
    assert welding.number == "T" + person.id_number
    # The database holds the rule too, whatever path writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateFactory(holder=person, operation_item=OperationItem.LOW_VOLTAGE)


def test_an_expired_or_voided_certificate_can_be_replaced():
    old = CertificateFactory(status=CertificateStatus.EXPIRED)
    new = CertificateFactory(holder=old.holder)
    assert new.number == old.number


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2027, 3, 10), CertificateStatus.VALID),  # 61 days before the review
        (dt.date(2027, 3, 11), CertificateStatus.REVIEW_DUE),  # 60 days before
        (dt.date(2027, 5, 10), CertificateStatus.REVIEW_DUE),  # the due date itself
        (dt.date(2027, 5, 11), CertificateStatus.REVIEW_OVERDUE),  # the day after
        (dt.date(2030, 5, 9), CertificateStatus.REVIEW_OVERDUE),  # last day of validity
        (dt.date(2030, 5, 10), CertificateStatus.EXPIRED),  # the day after validity ends
    ],
)
def test_status_moves_across_date_boundaries(today, expected):
    certificate = CertificateFactory(first_issued_on=dt.date(2024, 5, 10))
    services.refresh_certificate_statuses(today=today)
    certificate.refresh_from_db()
    assert certificate.status == expected


def test_daily_job_walks_a_certificate_through_its_life_and_is_idempotent():
    certificate = CertificateFactory(first_issued_on=dt.date(2024, 5, 10))
    seen = []
    for today in (dt.date(2027, 1, 1), dt.date(2027, 4, 1), dt.date(2027, 6, 1), dt.date(2030, 6, 1)):
        services.refresh_certificate_statuses(today=today)
        again = services.refresh_certificate_statuses(today=today)
        assert not any(again.values()), "a second run on the same day changes nothing"
        certificate.refresh_from_db()
        seen.append(certificate.status)
    assert seen == ["valid", "review_due", "review_overdue", "expired"]


def test_voided_certificates_never_move():
    cancelled = CertificateFactory(first_issued_on=dt.date(2019, 1, 1), status=CertificateStatus.CANCELLED)
    revoked = CertificateFactory(first_issued_on=dt.date(2019, 1, 1), status=CertificateStatus.REVOKED)
    services.refresh_certificate_statuses(today=TODAY)
    assert {Certificate.objects.get(pk=c.pk).status for c in (cancelled, revoked)} == {"cancelled", "revoked"}


def test_beat_task_refreshes_and_counts_reviews_due_within_60_days():
    today = timezone.localdate()
    CertificateFactory(first_issued_on=today.replace(year=today.year - 3) + dt.timedelta(days=30))
    result = tasks.refresh_certificate_statuses()
    assert result["due_within_60_days"] == 1 and result["review_due"] == 1


def test_passed_review_moves_the_due_date_and_renews_at_six_years():
    certificate = CertificateFactory(first_issued_on=dt.date(2018, 5, 10))
    certificate.review_due_on = dt.date(2021, 5, 10)
    certificate.save()
    day = dt.date(2021, 4, 20)
    services.record_review(certificate=certificate, reviewed_on=day, result="passed", today=day)
    certificate.refresh_from_db()
    assert certificate.review_due_on == dt.date(2024, 5, 10) and certificate.valid_until == dt.date(2024, 5, 9)
    day = dt.date(2024, 4, 2)
    services.record_review(certificate=certificate, reviewed_on=day, result="passed", today=day)
    certificate.refresh_from_db()
    assert certificate.review_due_on == dt.date(2027, 5, 10)
    assert certificate.valid_until == dt.date(2030, 5, 9)  # renewed for another six years
    assert certificate.last_reviewed_on == dt.date(2024, 4, 2)
    assert certificate.reviews.count() == 2


def test_failed_review_is_recorded_without_moving_dates():
    certificate = CertificateFactory(first_issued_on=dt.date(2024, 5, 10))
    services.record_review(certificate=certificate, reviewed_on=TODAY, result=ReviewResult.FAILED, today=TODAY)
    certificate.refresh_from_db()
    assert certificate.review_due_on == dt.date(2027, 5, 10)
    assert CertificateReview.objects.get().next_due_on is None


def test_passed_initial_enrolment_issues_and_review_enrolment_renews():
    initial = TrainingSessionFactory(category=SessionCategory.SPECIAL_INITIAL, ends_on=dt.date(2024, 5, 10))
    enrolment = EnrolmentFactory(session=initial, result=EnrolmentResult.PASSED)
    failed = EnrolmentFactory(session=initial, result=EnrolmentResult.FAILED)
    done, problems = services.apply_session_results(session=initial)
    assert (done, problems) == (1, [])
    enrolment.refresh_from_db()
    certificate = enrolment.certificate
    assert certificate.holder == enrolment.person and certificate.first_issued_on == dt.date(2024, 5, 10)
    assert not Certificate.objects.filter(holder=failed.person).exists()

    review = TrainingSessionFactory(
        category=SessionCategory.SPECIAL_REVIEW, starts_on=dt.date(2026, 11, 20), ends_on=dt.date(2026, 11, 20)
    )
    EnrolmentFactory(session=review, person=enrolment.person, result=EnrolmentResult.PASSED)
    stranger = EnrolmentFactory(session=review, result=EnrolmentResult.PASSED)
    done, problems = services.apply_session_results(session=review)
    assert done == 1 and len(problems) == 1 and stranger.person.name in problems[0]
    certificate.refresh_from_db()
    assert certificate.review_due_on == dt.date(2030, 5, 10)


def test_certificates_and_reviews_cannot_be_deleted():
    certificate = CertificateFactory()
    services.record_review(certificate=certificate, reviewed_on=TODAY, result="passed", today=TODAY)
    with pytest.raises(ProtectedError):
        certificate.delete()
    with pytest.raises(ProtectedError):
        Certificate.objects.all().delete()
    with pytest.raises(ProtectedError):
        CertificateReview.objects.all().delete()
    with pytest.raises(ProtectedError):
        certificate.holder.delete()  # PROTECT: no cascade removes a certificate
    assert Certificate.objects.count() == 1


def test_void_needs_permission_and_a_reason_and_keeps_who_when_why():
    certificate = CertificateFactory()
    clerk = StaffUserFactory()
    with pytest.raises(PermissionDenied):
        services.void_certificate(certificate=certificate, by=clerk, reason="x", status="revoked")
    boss = StaffUserFactory(groups=[Group.objects.get(name=ADMIN_GROUP)])
    assert boss.has_perm("training.revoke_certificate")
    with pytest.raises(ValidationError):
        services.void_certificate(certificate=certificate, by=boss, reason=" ", status="revoked")
    services.void_certificate(certificate=certificate, by=boss, reason="违章作业导致事故", status="revoked")
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.voided_by == boss and certificate.voided_at
    assert certificate.void_reason == "违章作业导致事故"
    clerk.user_permissions.add(Permission.objects.get(codename="revoke_certificate"))
    with pytest.raises(ValidationError):
        clerk = type(clerk).objects.get(pk=clerk.pk)  # fresh permission cache
        services.void_certificate(certificate=certificate, by=clerk, reason="再次注销", status="cancelled")
