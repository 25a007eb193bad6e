"""Published lists (公示名单): public pages and the PDF, masked, paginated, constant queries."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
from django.urls import reverse

from safetyportal.demo.canary import find_full_id_numbers
from safetyportal.documents import services as document_services
from safetyportal.documents.models import DocumentStatus
from safetyportal.validators import mask_id_number
from tests.core.factories import EnterpriseFactory, PersonFactory
from training import services
from training.models import PublicationBatch, PublicationEntry

from .factories import CertificateFactory, PublicationBatchFactory

pytestmark = pytest.mark.django_db


def batch_with(count: int, **fields) -> PublicationBatch:
    batch = PublicationBatchFactory(**fields)
    enterprise = EnterpriseFactory()
    for i in range(count):
        certificate = CertificateFactory(employer=enterprise)
        PublicationEntry.objects.create(batch=batch, certificate=certificate, position=i)
    return batch


def test_list_page_masks_names_and_numbers(client):
    batch = batch_with(3)
    holder = PersonFactory(name="岑哨兵")
    certificate = CertificateFactory(holder=holder)
    PublicationEntry.objects.create(batch=batch, certificate=certificate, position=9)
    page = client.get(reverse("certificates:list_detail", args=[batch.code])).content.decode()
    assert "岑某" in page and "岑哨兵" not in page
    assert mask_id_number(certificate.number) in page
    assert not find_full_id_numbers(page)
    index = client.get(reverse("certificates:lists")).content.decode()
    assert batch.title in index and "4人" in index


def test_unpublished_and_missing_lists_are_the_same_404(client):
    hidden = batch_with(1, is_published=False)
    missing = client.get(reverse("certificates:list_detail", args=["no-such-batch"]))
    response = client.get(reverse("certificates:list_detail", args=[hidden.code]))
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content
    assert client.get(reverse("certificates:list_pdf", args=[hidden.code])).status_code == 404
    assert hidden.title not in client.get(reverse("certificates:lists")).content.decode()


@pytest.mark.parametrize("size", [5, 40])
def test_list_pages_run_a_constant_number_of_queries(client, django_assert_max_num_queries, size):
    batch = batch_with(size)
    for i in range(size // 5):
        batch_with(1, code=f"extra-{size}-{i}")
    with django_assert_max_num_queries(4):
        assert client.get(reverse("certificates:list_detail", args=[batch.code])).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(reverse("certificates:lists")).status_code == 200


def test_list_filters_by_item_and_paginates(client):
    batch = batch_with(105)
    first = client.get(reverse("certificates:list_detail", args=[batch.code]))
    assert "第1页 / 共2页" in first.content.decode()
    second = client.get(reverse("certificates:list_detail", args=[batch.code]), {"page": 2}).content.decode()
    assert "<td>101</td>" in second
    welding = client.get(reverse("certificates:list_detail", args=[batch.code]), {"item": "fusion_welding"})
    assert "没有符合条件的人员" in welding.content.decode()


def test_create_batch_collects_the_period_and_publish_renders_a_masked_pdf(client, monkeypatch, admin_user_office):
    monkeypatch.setattr(document_services, "enqueue", lambda pk: True)
    inside = [CertificateFactory(first_issued_on=dt.date(2024, 3, d)) for d in (1, 2)]
    CertificateFactory(first_issued_on=dt.date(2023, 3, 1))
    batch = services.create_batch(
        code="2024-01",
        title="2024年第一批特种作业新取证人员名单",
        kind="new",
        issued_on=dt.date(2024, 3, 31),
        date_from=dt.date(2024, 1, 1),
        date_to=dt.date(2024, 3, 31),
        publicity_from=dt.date(2024, 4, 1),
        publicity_to=dt.date(2024, 4, 7),
        objection_phone="0595-85612345",
    )
    assert set(batch.certificates.all()) == set(inside)
    batch = services.publish_batch(batch=batch, by=admin_user_office)
    document = document_services.render(document_id=batch.document_id)
    assert document.status == DocumentStatus.DONE, document.error
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", document.file.path, "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode()
    text = re.sub(r"\s+", "", text)
    assert "现予公示" in text and mask_id_number(inside[0].number) in text
    assert not find_full_id_numbers(text)
    assert inside[0].holder.name not in text
    response = client.get(reverse("certificates:list_pdf", args=["2024-01"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
