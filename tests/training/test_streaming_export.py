"""Large admin exports are streamed (issue 13: the certificates export took 1.26 s): CSV row by row, XLSX written in
openpyxl's write-only mode to a temporary file and streamed; the same Chinese headers, sheet and file names, real
dates and formula guard as the small exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from urllib.parse import unquote

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from safetyportal import spreadsheets
from tests.core.factories import PersonFactory

from .factories import CertificateFactory

pytestmark = pytest.mark.django_db

FIELDS = ("number", "holder_name", "operation_item", "valid_until", "status", "authority")


def export(client, fmt: str):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("admin:training_certificate_export"),
        {"format": fmt, **{f"certificateresource_{name}": "on" for name in FIELDS}},
    )


def body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def certificates():
    made = [CertificateFactory(valid_until=dt.date(2027, 3, 1)) for _ in range(4)]
    made.append(CertificateFactory(holder=PersonFactory(name="=HYPERLINK(1)"), authority="@SUM(1)"))
    return made


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr(spreadsheets, "STREAM_EXPORT_ROWS", 2)


def test_a_large_csv_export_streams_with_chinese_headers_and_inert_cells(admin_client, certificates, small_threshold):
    response = export(admin_client, "1")
    assert response.status_code == 200 and response.streaming
    data = body(response)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert "持证人姓名" in rows[0]
    assert len(rows) == 1 + len(certificates)
    cells = [cell for row in rows for cell in row]
    assert "'=HYPERLINK(1)" in cells and "'@SUM(1)" in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert {c.valid_until.isoformat() for c in certificates} <= set(cells)
    disposition = response["Content-Disposition"]
    today = timezone.localdate().isoformat()
    assert disposition.startswith("attachment;")
    assert unquote(disposition.split("filename*=utf-8''", 1)[1]) == f"特种作业操作证-{today}.csv"


def test_a_large_xlsx_export_streams_a_write_only_workbook(admin_client, certificates, small_threshold):
    response = export(admin_client, "0")
    assert response.status_code == 200 and response.streaming
    book = openpyxl.load_workbook(io.BytesIO(body(response)))
    sheet = book.active
    assert sheet.title == "特种作业操作证" and sheet.freeze_panes == "A2"
    headers = [cell.value for cell in sheet[1]]
    assert "持证人姓名" in headers and all(cell.font.bold for cell in sheet[1])
    assert sheet.max_row == 1 + len(certificates)
    due = sheet.cell(row=2, column=headers.index("有效期限（止）") + 1)
    assert due.is_date and due.value.date() in {c.valid_until for c in certificates}
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert "'=HYPERLINK(1)" in [cell.value for cell in cells]
    assert "None" not in [cell.value for cell in cells]
    assert unquote(response["Content-Disposition"].split("filename*=utf-8''", 1)[1]).endswith(".xlsx")


def test_a_small_export_is_one_response_with_the_same_file(admin_client, certificates):
    response = export(admin_client, "0")
    assert response.status_code == 200 and not response.streaming
    assert openpyxl.load_workbook(io.BytesIO(response.content)).active.max_row == 1 + len(certificates)
    csv_response = export(admin_client, "1")
    assert not csv_response.streaming and csv_response.content.startswith("\ufeff".encode())


def test_a_streamed_export_reads_rows_in_chunks(admin_client, certificates, small_threshold, monkeypatch):
    monkeypatch.setattr(spreadsheets, "EXPORT_CHUNK_ROWS", 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        body(export(admin_client, "1"))
    selects = [q["sql"] for q in queries if "training_certificate" in q["sql"] and "COUNT" not in q["sql"]]
    assert selects  # rows were read (SQLite fetches an iterator's chunks from one cursor)


def test_csv_chunks_are_produced_lazily():
    endless = ([n, f"={n}"] for n in itertools.count())  # never ends: only a lazy writer can return a chunk
    first = next(spreadsheets.csv_chunks(endless, lines_per_chunk=3))
    assert first == "\ufeff".encode()
    chunks = spreadsheets.csv_chunks(([n] for n in itertools.count()), lines_per_chunk=3)
    next(chunks)
    assert next(chunks) == b"0\r\n1\r\n2\r\n"


def test_write_xlsx_keeps_dates_and_strips_characters_excel_refuses(tmp_path):
    target = tmp_path / "x.xlsx"
    spreadsheets.write_xlsx([["日期", "说明"], [dt.date(2026, 12, 6), "a\x01b"]], title="证书/列表", target=target)
    sheet = openpyxl.load_workbook(target).active
    assert sheet.title == "证书－列表"
    assert sheet["A2"].is_date and sheet["B2"].value == "ab"
