"""The demo data reflects the office's 2024 figures, and no public page built on it shows a full ID or a canary."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safetyportal.demo.builder import build_demo
from safetyportal.demo.canary import CANARY_ID_NUMBERS, find_canaries, find_full_id_numbers
from safetyportal.documents import services as document_services
from tests.security.crawl import crawl
from tests.security.routes import PUBLIC, crawl_urls
from training import selectors
from training.demo import load_demo_training
from training.models import Certificate, PublicationBatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.setattr(document_services, "enqueue", lambda pk: True)
    build_demo()
    return load_demo_training()


def test_demo_reproduces_the_2024_figures_and_is_idempotent(demo):
    stats = selectors.yearly_statistics(2024)
    new = {row["label"]: row["new"] for row in stats["items"]}
    reviewed = {row["label"]: row["reviewed"] for row in stats["items"]}
    assert (new["低压电工作业"], new["高压电工作业"], new["熔化焊接与热切割作业"]) == (328, 132, 654)
    assert new["登高架设作业"] + new["高处安装、维护、拆除作业"] == 166
    assert (reviewed["低压电工作业"], reviewed["高压电工作业"], reviewed["熔化焊接与热切割作业"]) == (550, 59, 199)
    assert reviewed["登高架设作业"] + reviewed["高处安装、维护、拆除作业"] == 216
    categories = {row["code"]: row for row in stats["categories"]}
    assert categories["principal"]["sessions"] + categories["safety_manager"]["sessions"] == 49
    assert categories["principal"]["attended"] + categories["safety_manager"]["attended"] == 5638
    assert (categories["enterprise_talk"]["sessions"], categories["enterprise_talk"]["attended"]) == (46, 1282)
    assert Certificate.objects.filter(holder__id_number__in=CANARY_ID_NUMBERS).count() == len(CANARY_ID_NUMBERS)
    assert load_demo_training() == demo


def test_public_certificate_pages_show_no_full_id_and_no_canary(demo):
    client = Client()
    urls = [url for url in crawl_urls(PUBLIC) if url.startswith("/certificates/")]
    urls += [reverse("certificates:list_detail", args=[b.code]) for b in PublicationBatch.objects.all()]
    urls += [f"{reverse('certificates:list_detail', args=[b.code])}?page=2" for b in PublicationBatch.objects.all()]
    urls += [
        reverse("certificates:token", args=[c.verify_token])
        for c in Certificate.objects.filter(holder__id_number__in=CANARY_ID_NUMBERS)
    ]
    responses = crawl(client, urls, REMOTE_ADDR="192.0.2.200")
    assert len(responses) >= 10
    for response in responses:
        text = response.content.decode("utf-8", errors="replace")
        assert not find_full_id_numbers(text), response.crawl_url
        assert not find_canaries(text), response.crawl_url
    canary = Certificate.objects.filter(holder__id_number=CANARY_ID_NUMBERS[1]).select_related("holder").first()
    result = client.post("/certificates/verify/", {"q": canary.number, "name": canary.holder.name}).content.decode()
    assert "低压电工作业" in result and not find_full_id_numbers(result)
