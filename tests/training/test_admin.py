"""The office's screens: statistics with charts, the certificate list, QR page, void and review forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.core.factories import PersonFactory
from training.models import CertificateReview, CertificateStatus

from .factories import CertificateFactory, EnrolmentFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db


def test_statistics_page_shows_counts_and_charts(admin_client):
    CertificateFactory.create_batch(3)
    session = TrainingSessionFactory(category="principal", operation_item="")
    EnrolmentFactory.create_batch(4, session=session)
    response = admin_client.get(reverse("admin:training_certificate_statistics"), {"year": 2024})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-echart="' in page and "echarts.min.js" in page
    assert "<td>低压电工作业</td><td>3</td>" in page and "<td>主要负责人</td><td>1</td><td>4</td><td>4</td>" in page


@pytest.mark.parametrize("size", [3, 30])
def test_certificate_changelist_runs_constant_queries(admin_client, django_assert_max_num_queries, size):
    CertificateFactory.create_batch(size)
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:training_certificate_changelist"))
    assert response.status_code == 200


def test_changelist_search_by_id_number_and_masked_listing(admin_client):
    certificate = CertificateFactory(holder=PersonFactory(name="王小明"))
    CertificateFactory()
    page = admin_client.get(
        reverse("admin:training_certificate_changelist"), {"q": certificate.holder.id_number}
    ).content.decode()
    assert "王小明" in page and certificate.masked_number in page


def test_qr_page_links_to_the_token_not_the_number(admin_client):
    certificate = CertificateFactory()
    page = admin_client.get(reverse("admin:training_certificate_qr", args=[certificate.pk])).content.decode()
    assert "<svg" in page and f"/certificates/c/{certificate.verify_token}/" in page
    assert certificate.holder.id_number not in page


def test_certificate_cannot_be_deleted_from_the_admin(admin_client):
    certificate = CertificateFactory()
    response = admin_client.post(reverse("admin:training_certificate_delete", args=[certificate.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert certificate.__class__.objects.filter(pk=certificate.pk).exists()


def test_void_and_review_forms(admin_client):
    certificate = CertificateFactory()
    admin_client.post(
        reverse("admin:training_certificate_review", args=[certificate.pk]),
        {"reviewed_on": "2026-11-20", "result": "passed", "notes": ""},
    )
    assert CertificateReview.objects.filter(certificate=certificate).count() == 1
    response = admin_client.post(
        reverse("admin:training_certificate_void", args=[certificate.pk]), {"status": "revoked", "reason": ""}
    )
    assert response.status_code == 200
    certificate.refresh_from_db()
    assert certificate.status != CertificateStatus.REVOKED
    admin_client.post(
        reverse("admin:training_certificate_void", args=[certificate.pk]), {"status": "revoked", "reason": "违章"}
    )
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED and certificate.void_reason == "违章"


def test_admin_add_issues_through_the_service(admin_client):
    person = PersonFactory()
    response = admin_client.post(
        reverse("admin:training_certificate_add"),
        {
            "holder": person.pk,
            "operation_item": "low_voltage",
            "first_issued_on": "2024-05-10",
            "authority": "晋江市应急管理局",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    certificate = person.certificates.get()
    assert certificate.number == "T" + person.id_number and certificate.review_due_on.isoformat() == "2027-05-10"
    again = admin_client.post(
        reverse("admin:training_certificate_add"),
        {"holder": person.pk, "operation_item": "low_voltage", "first_issued_on": "2024-06-10", "authority": "x"},
    )
    assert "已持有此操作项目的有效证书" in again.content.decode()
