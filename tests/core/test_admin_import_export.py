"""Spreadsheet import and export through the admin: all or nothing, errors by row, permissions, inert formulas."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safetyportal.models import Enterprise
from tests.core.factories import EnterpriseFactory, StaffUserFactory, make_credit_code

pytestmark = pytest.mark.django_db

XLSX, CSV = "0", "1"  # positions in safetyportal.spreadsheets.SPREADSHEET_FORMATS
HEADER = ["统一社会信用代码", "单位名称", "行业领域", "所属区划代码", "风险等级"]


def rows_for(unit, count: int, start: int = 500) -> list[list[str]]:
    return [
        [make_credit_code(start + i), f"晋江市导入{i}鞋业有限公司", "manufacturing", unit.code, "C"]
        for i in range(count)
    ]


def as_csv(rows: list[list[str]]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile("enterprises.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv")


def as_xlsx(rows: list[list[str]]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("enterprises.xlsx", buffer.getvalue())


def import_url() -> str:
    return reverse("admin:safetyportal_enterprise_import")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(("fmt", "make_file"), [(CSV, as_csv), (XLSX, as_xlsx)])
@pytest.mark.parametrize("skip_confirm", [False, True])
def test_one_bad_row_among_valid_ones_imports_nothing_and_is_named(
    client, admin_user_office, unit_a, settings, fmt, make_file, skip_confirm
):
    settings.IMPORT_EXPORT_SKIP_ADMIN_CONFIRM = skip_confirm
    rows = rows_for(unit_a, 5)
    rows[2][0] = rows[2][0][:-1] + ("0" if rows[2][0][-1] != "0" else "1")  # break the check character
    client.force_login(admin_user_office)
    response = client.post(import_url(), {"format": fmt, "import_file": make_file(rows)})
    assert response.status_code == 200
    assert Enterprise.objects.count() == 0
    text = "\n".join(messages_of(response))
    assert "未导入任何数据" in text
    assert "第4行，“统一社会信用代码”：统一社会信用代码校验位错误" in text  # header is row 1


def test_every_bad_row_is_listed(client, admin_user_office, unit_a):
    rows = rows_for(unit_a, 6)
    rows[0][3] = "999999999"  # unknown jurisdiction
    rows[4][2] = "spaceship"  # not an industry
    client.force_login(admin_user_office)
    response = client.post(import_url(), {"format": CSV, "import_file": as_csv(rows)})
    text = "\n".join(messages_of(response))
    assert "第2行" in text and "999999999" in text
    assert "第6行" in text and "行业领域" in text
    assert Enterprise.objects.count() == 0


def test_valid_file_imports_after_confirmation(client, admin_user_office, unit_a):
    client.force_login(admin_user_office)
    response = client.post(import_url(), {"format": CSV, "import_file": as_csv(rows_for(unit_a, 4))})
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    done = client.post(reverse("admin:safetyportal_enterprise_process_import"), data)
    assert done.status_code == 302
    assert Enterprise.objects.count() == 4


def test_garbage_file_gets_a_clear_message(client, admin_user_office):
    client.force_login(admin_user_office)
    junk = SimpleUploadedFile("enterprises.xlsx", b"%PDF-1.7 not a spreadsheet")
    response = client.post(import_url(), {"format": XLSX, "import_file": junk})
    assert response.status_code == 200
    assert "不是有效的Excel" in response.content.decode()
    assert Enterprise.objects.count() == 0


def test_view_only_staff_cannot_import_or_export(client):
    viewer = StaffUserFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_enterprise"))
    client.force_login(viewer)
    assert client.get(reverse("admin:safetyportal_enterprise_changelist")).status_code == 200
    for name in ("import", "export"):
        url = reverse(f"admin:safetyportal_enterprise_{name}")
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403
    page = client.get(reverse("admin:safetyportal_enterprise_changelist")).content.decode()
    assert reverse("admin:safetyportal_enterprise_import") not in page


PAYLOADS = ['=HYPERLINK("http://x")', "==1+1", "+1+2", "-2+3", "@SUM(1)", "\tcmd", "\r=cmd|' /C calc'!A0"]


@pytest.mark.parametrize("fmt", [CSV, XLSX])
def test_exports_neutralise_formulas(client, admin_user_office, unit_a, fmt):
    for index, payload in enumerate(PAYLOADS):
        EnterpriseFactory(jurisdiction=unit_a, name=payload, address=f"地址{index}")
    client.force_login(admin_user_office)
    response = client.post(
        reverse("admin:safetyportal_enterprise_export"),
        {"format": fmt, **{f"enterpriseresource_{f}": "on" for f in ("credit_code", "name", "address")}},
    )
    assert response.status_code == 200
    if fmt == CSV:
        cells = [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row]
        assert cells, "export produced no cells"
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    else:
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        cells = [cell for row in book.active.iter_rows() for cell in row]
        assert len(cells) > len(PAYLOADS)
        assert not [c for c in cells if c.data_type == "f"]
        assert not [c for c in cells if isinstance(c.value, str) and c.value[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_neutralised_export_round_trips_to_the_same_text():
    from safetyportal.spreadsheets import neutralise, restore

    for payload in [*PAYLOADS, "普通文本", "'已有撇号", ""]:
        assert restore(neutralise(payload)) == payload


def test_lazy_translations_are_neutralised_as_text():
    from django.utils.functional import lazy

    from safetyportal.spreadsheets import neutralise

    lazy_formula = lazy(lambda: "=1+1", str)()
    assert neutralise(lazy_formula) == "'=1+1"
