"""Formula injection: every export path of the training app writes cells a spreadsheet program will not run."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.core.factories import PersonFactory
from training.models import TrainingSession

from .factories import CertificateFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://x")', "==1+1", "+1+2", "-2+3", "@SUM(1)", "\tcmd", "\r=cmd|' /C calc'!A0"]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def xlsx_cells(data: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


def assert_inert_xlsx(data: bytes) -> None:
    cells = xlsx_cells(data)
    assert cells
    assert not [c for c in cells if c.data_type == "f"]
    assert not [c.value for c in cells if isinstance(c.value, str) and c.value.startswith(DANGEROUS)]


def assert_inert_csv(data: bytes) -> None:
    cells = csv_cells(data)
    assert cells
    assert not [c for c in cells if c.startswith(DANGEROUS)]


@pytest.mark.parametrize("fmt", ["0", "1"])  # SafeXLSX, SafeCSV
def test_admin_certificate_export_is_inert(admin_client, fmt):
    for payload in PAYLOADS:
        CertificateFactory(holder=PersonFactory(name=payload[:32]), authority=payload)
    fields = ("number", "holder_name", "holder_id_number", "operation_item", "status", "authority")
    response = admin_client.post(
        reverse("admin:training_certificate_export"),
        {"format": fmt, **{f"certificateresource_{f}": "on" for f in fields}},
    )
    assert response.status_code == 200
    data = response.content
    (assert_inert_csv if fmt == "1" else assert_inert_xlsx)(data)
    text = data.decode("utf-8-sig") if fmt == "1" else " ".join(str(c.value) for c in xlsx_cells(data))
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text  # the visible text is kept, behind an apostrophe


@pytest.mark.parametrize("fmt", ["0", "1"])
def test_admin_session_export_is_inert(admin_client, fmt):
    for payload in PAYLOADS:
        TrainingSessionFactory(name=payload, place=payload, trainers=payload)
    assert TrainingSession.objects.count() == len(PAYLOADS)
    response = admin_client.post(
        reverse("admin:training_trainingsession_export"),
        {"format": fmt, **{f"trainingsessionresource_{f}": "on" for f in ("name", "place", "trainers")}},
    )
    (assert_inert_csv if fmt == "1" else assert_inert_xlsx)(response.content)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_statistics_export_is_inert(admin_client, fmt):
    for payload in PAYLOADS:
        TrainingSessionFactory(name=payload, place=payload)
    response = admin_client.get(reverse("admin:training_certificate_statistics_export"), {"year": 2024, "format": fmt})
    assert response.status_code == 200
    (assert_inert_csv if fmt == "csv" else assert_inert_xlsx)(response.content)
    text = (
        response.content.decode("utf-8-sig")
        if fmt == "csv"
        else " ".join(str(c.value) for c in xlsx_cells(response.content))
    )
    assert "'==1+1" in text and "低压电工作业" in text
