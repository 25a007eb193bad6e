"""django-import-export in Chinese (issue 13): the export field picker, the file's name, sheet, headers and cells, and
the import errors — each problem as 第N行 with the column's Chinese name, never attribute names or "None"."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import unquote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaigns.models import CampaignTask
from campaigns.resources import CampaignTaskResource
from safetyportal.spreadsheets import SafeModelResource, export_filename, sheet_title
from tests.campaigns.factories import CampaignTaskFactory

pytestmark = pytest.mark.django_db

XLSX = "0"
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def export_workbook(client) -> tuple[openpyxl.Workbook, str]:
    url = reverse("admin:campaigns_campaigntask_export")
    page = client.get(url)
    form = page.context["form"]
    data = {"format": XLSX, "resource": "0"}
    data.update({name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)})
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    return openpyxl.load_workbook(io.BytesIO(response.content)), response["Content-Disposition"]


def test_the_export_field_picker_shows_only_chinese_column_names(client, admin_user_office) -> None:
    client.force_login(admin_user_office)
    response = client.get(reverse("admin:campaigns_campaigntask_export"), HTTP_ACCEPT_LANGUAGE="en")
    form = response.context["form"]
    labels = [str(field.label) for field in form.fields.values() if getattr(field, "is_selectable_field", False)]
    assert "任务编号" in labels and "截止日期" in labels
    assert not [label for label in labels if LATIN_WORD.search(label)], labels
    body = response.content.decode()
    assert "CampaignTaskResource" not in body
    assert "Id (" not in body and "Due On" not in body


def test_the_export_is_a_chinese_named_workbook_with_a_chinese_sheet_and_real_dates(client, admin_user_office):
    CampaignTaskFactory(title="隐患排查", due_on=dt.date(2026, 12, 20), requirements="")
    client.force_login(admin_user_office)
    book, disposition = export_workbook(client)
    sheet = book.active
    assert sheet.title == str(CampaignTask._meta.verbose_name_plural)
    assert sheet.title != "Tablib Dataset"
    today = timezone.localdate().isoformat()
    name = unquote(disposition.split("filename*=utf-8''", 1)[1])
    assert name == f"{CampaignTask._meta.verbose_name_plural}-{today}.xlsx"
    assert disposition.startswith("attachment;")
    headers = [cell.value for cell in sheet[1]]
    assert "截止日期" in headers
    assert not [h for h in headers if h and LATIN_WORD.search(str(h))], headers
    due = sheet.cell(row=2, column=headers.index("截止日期") + 1)
    assert due.is_date, due.value
    assert due.value.date() == dt.date(2026, 12, 20)
    values = [cell.value for cell in sheet[2]]
    assert "None" not in values  # empty cells stay empty


def test_a_bad_date_is_reported_in_chinese_with_the_column_and_the_spreadsheet_row(client, admin_user_office):
    task = CampaignTaskFactory(title="隐患排查", due_on=dt.date(2026, 12, 20))
    client.force_login(admin_user_office)
    book, _ = export_workbook(client)
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headers.index("截止日期") + 1).value = "明天"
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("任务.xlsx", buffer.getvalue())
    response = client.post(
        reverse("admin:campaigns_campaigntask_import"),
        {"format": XLSX, "resource": "0", "import_file": upload},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Value could not be parsed" not in body
    assert "第2行" in body and "截止日期" in body and "年-月-日" in body
    assert "DUE_ON" not in body.upper().replace("ID_DUE_ON", "")
    assert ">None<" not in body
    assert "Line number" not in body
    task.refresh_from_db()
    assert task.due_on == dt.date(2026, 12, 20)


def test_an_empty_file_says_so_in_chinese(client, admin_user_office):
    client.force_login(admin_user_office)
    book = openpyxl.Workbook()
    book.active.append(["任务编号", "标题"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(
        reverse("admin:campaigns_campaigntask_import"),
        {"format": XLSX, "resource": "0", "import_file": SimpleUploadedFile("空.xlsx", buffer.getvalue())},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = response.content.decode()
    assert "No valid data" not in body
    assert "没有可导入的有效数据" in body


def test_dates_read_from_excel_date_cells_and_text_alike() -> None:
    resource = CampaignTaskResource()
    widget = resource.fields["due_on"].widget
    assert widget.clean(dt.datetime(2026, 12, 6)) == dt.date(2026, 12, 6)
    assert widget.clean(" 2026-12-06 ") == dt.date(2026, 12, 6)
    with pytest.raises(ValueError, match="年-月-日"):
        widget.clean("12/06/2026x")
    assert widget.render(None) == ""


def test_sheet_titles_and_file_names() -> None:
    assert sheet_title("活动报送") == "活动报送"
    assert sheet_title("a/b:c" * 10) == ("a－b－c" * 10)[:31]
    assert export_filename("活动报送", "xlsx", dt.date(2026, 12, 6)) == "活动报送-2026-12-06.xlsx"
    assert CampaignTaskResource.get_display_name() == str(CampaignTask._meta.verbose_name_plural)
    assert issubclass(CampaignTaskResource, SafeModelResource)
