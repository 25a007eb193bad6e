"""Every screen is Chinese, including those of the third-party packages.

The project's catalogue (locale/zh_Hans/LC_MESSAGES/django.po) fills the gaps of django-import-export and
django-axes; these tests check that the compiled catalogue covers it, that the packages' msgids are all
translated, and that the admin screens a browser asking for English sees are Chinese.

The compiled .mo is not committed: the module compiles it itself when it is missing or older than the .po, so
that ``pytest`` alone works on a fresh clone.
"""

from __future__ import annotations

import ast
import contextlib
import csv
import gettext as gettext_module
import io
from pathlib import Path

import axes
import django
import import_export
import phonenumber_field
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test.signals import setting_changed
from django.urls import reverse
from django.utils import translation

from safetyportal.resources import EnterpriseResource
from tests.core.factories import TEST_PASSWORD, JurisdictionFactory, make_credit_code

PROJECT_PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PROJECT_MO = PROJECT_PO.with_suffix(".mo")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
CSV_FORMAT = "1"  # index of SafeCSV in SafeImportExportAdmin.import_formats / export_formats


def _compile_catalogue_if_stale() -> None:
    if PROJECT_MO.exists() and PROJECT_MO.stat().st_mtime >= PROJECT_PO.stat().st_mtime:
        return
    # compilemessages also walks the working directory for locale folders: run it from the project's root.
    with contextlib.chdir(settings.BASE_DIR):
        call_command("compilemessages", locale=["zh_Hans"], ignore_patterns=[".venv", "node_modules"], verbosity=0)
    # Drop the stale catalogue if it was already loaded: the gettext module caches each .mo by path, and Django
    # caches its merged catalogues (which it drops itself when a test overrides LOCALE_PATHS).
    for key in [key for key in gettext_module._translations if Path(key[1]).resolve() == PROJECT_MO.resolve()]:
        del gettext_module._translations[key]
    setting_changed.send(sender=type(settings), setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=False)


_compile_catalogue_if_stale()


# A .po reader (the standard library has none): msgctxt, msgid, msgid_plural and msgstr / msgstr[N], each
# possibly continued on following "..." lines.
def read_po(path: Path) -> list[dict[str, str]]:
    entries: list[dict[str, str]] = []
    entry: dict[str, str] = {}
    key = ""

    def flush() -> None:
        nonlocal entry
        if entry.get("msgid"):  # the header has an empty msgid
            entries.append(entry)
        entry = {}

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith('"'):
            entry[key] += ast.literal_eval(line)
            continue
        if not line or line.startswith("#"):
            if any(k.startswith("msgstr") for k in entry):
                flush()
            continue
        key, _, value = line.partition(" ")
        if key in {"msgctxt", "msgid"} and any(k.startswith("msgstr") for k in entry):
            flush()
        entry[key] = ast.literal_eval(value)
    flush()
    return entries


def translate(entry: dict[str, str]) -> str:
    if "msgid_plural" in entry:
        if "msgctxt" in entry:
            return translation.npgettext(entry["msgctxt"], entry["msgid"], entry["msgid_plural"], 1)
        return translation.ngettext(entry["msgid"], entry["msgid_plural"], 1)
    if "msgctxt" in entry:
        return translation.pgettext(entry["msgctxt"], entry["msgid"])
    return translation.gettext(entry["msgid"])


def msgids(po_files) -> list[dict[str, str]]:
    """Every msgid of some catalogues, once each."""
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for po in sorted(po_files):
        for entry in read_po(po):
            seen.setdefault((entry.get("msgctxt", ""), entry["msgid"]), entry)
    return list(seen.values())


def package_msgids(package) -> list[dict[str, str]]:
    """Every msgid a package ships in any of its catalogues (the inventory of what it passes through gettext)."""
    return msgids(Path(package.__file__).parent.glob("locale/*/LC_MESSAGES/django.po"))


def untranslated(entries: list[dict[str, str]]) -> list[str]:
    with translation.override("zh-hans"):
        return [entry["msgid"] for entry in entries if translate(entry) == entry["msgid"]]


# Django's msgids that read the same in Chinese (its zh_Hans catalogue leaves them empty on purpose).
DJANGO_SAME_IN_CHINESE = {
    "%(class_name)s %(instance)s",
    "…",
    "IPv4",
    "IPv6",
    "URL",
    ":?.!",
    ":",
    "%s KB",
    "%s MB",
    "%s GB",
    "%s TB",
    "%s PB",
}
# The parts of Django the portal uses; each ships its full msgid list as its English catalogue.
DJANGO_PARTS = ["conf", "contrib/admin", "contrib/auth", "contrib/contenttypes", "contrib/humanize"]


# Catalogues --------------------------------------------------------------------------------------------------------


def test_project_catalogue_header():
    header = PROJECT_PO.read_text(encoding="utf-8")
    assert '"Language: zh_Hans\\n"' in header
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in header
    assert '"Content-Type: text/plain; charset=UTF-8\\n"' in header


def test_compiled_catalogue_covers_every_entry():
    entries = read_po(PROJECT_PO)
    assert len(entries) >= 40
    wrong = []
    with translation.override("zh-hans"):
        for entry in entries:
            expected = entry.get("msgstr", entry.get("msgstr[0]"))
            got = translate(entry)
            if got == entry["msgid"] or got != expected:
                wrong.append((entry["msgid"], got))
    assert not wrong, f"not translated by the compiled catalogue: {wrong}"


@pytest.mark.parametrize("package", [import_export, axes, phonenumber_field], ids=lambda p: p.__name__)
def test_every_package_msgid_is_translated(package):
    entries = package_msgids(package)
    assert entries, f"{package.__name__} ships no catalogue"
    missing = untranslated(entries)
    assert not missing, f"{package.__name__}: add these msgids to {PROJECT_PO}: {missing}"


@pytest.mark.parametrize("part", DJANGO_PARTS)
def test_every_django_msgid_is_translated(part):
    english = Path(django.__file__).parent / part / "locale" / "en" / "LC_MESSAGES" / "django.po"
    entries = [entry for entry in msgids([english]) if entry["msgid"] not in DJANGO_SAME_IN_CHINESE]
    assert entries
    missing = untranslated(entries)
    assert not missing, f"django/{part}: add these msgids to {PROJECT_PO}: {missing}"


def test_phonenumber_field_files_its_chinese_under_zh_hans():
    # zh-hans reads locale/zh_Hans only: a catalogue filed under zh_CN would be ignored.
    assert (Path(phonenumber_field.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo").exists()
    with translation.override("zh-hans"):
        assert translation.gettext("The phone number entered is not valid.") == "输入的电话号码不合法。"


def test_axes_lockout_messages_are_chinese():
    with translation.override("zh-hans"):
        assert str(settings.AXES_COOLOFF_MESSAGE) == "账户已锁定：登录失败次数过多，请稍后再试。"
        assert str(settings.AXES_PERMALOCK_MESSAGE) == "账户已锁定：登录失败次数过多，请联系管理员解锁。"


# Screens -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client_en(db, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # django-import-export keeps uploaded files in MediaStorage between its steps
    user = get_user_model().objects.create_superuser("translator", "translator@example.com", TEST_PASSWORD)
    client.force_login(user)
    return client


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def assert_chinese(html: str, present: list[str], absent: list[str]) -> None:
    missing = [text for text in present if text not in html]
    english = [text for text in absent if text.lower() in html.lower()]
    assert not missing, f"expected Chinese text missing: {missing}"
    assert not english, f"English text shown: {english}"


def test_admin_index_is_chinese(admin_client_en):
    html = page(admin_client_en.get(reverse("admin:index"), **EN))
    assert_chinese(
        html,
        present=["工作台", "最近动作", "生产经营单位", "登录尝试记录", "访问日志", "登录失败记录", "模型名称"],
        absent=[
            "Site administration",
            "Recent actions",
            "Access attempts",
            "Access logs",
            "Access failures",
            "Model name",
            "Add link",
            "Change or view list link",
        ],
    )


def test_import_page_is_chinese(admin_client_en):
    html = page(admin_client_en.get(reverse("admin:safetyportal_enterprise_import"), **EN))
    assert_chinese(
        html,
        present=["导入", "导入文件", "格式", "此次将导入以下字段", "提交", "首页"],
        absent=["File to import", "This importer will import the following fields", 'value="Submit"', ">Home<"],
    )


def test_export_page_is_chinese(admin_client_en):
    html = page(admin_client_en.get(reverse("admin:safetyportal_enterprise_export"), **EN))
    assert_chinese(
        html,
        present=["导出", "格式", "此次将导出以下字段", "全选", "提交", "首页"],
        absent=["This exporter will export the following fields", "Select all", 'value="Submit"', ">Home<"],
    )


def enterprise_csv(*rows: dict[str, str]) -> str:
    """A CSV in the layout the portal's own export produces, rows given by model attribute."""
    fields = EnterpriseResource().get_import_fields()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(field.column_name) for field in fields])
    for row in rows:
        writer.writerow([row.get(field.attribute, "") for field in fields])
    return out.getvalue()


def post_csv(client, content: str):
    upload = SimpleUploadedFile("enterprises.csv", content.encode("utf-8"), content_type="text/csv")
    return client.post(
        reverse("admin:safetyportal_enterprise_import"),
        {"resource": "0", "format": CSV_FORMAT, "import_file": upload},
        **EN,
    )


def test_import_of_header_only_file_says_no_valid_data_in_chinese(admin_client_en):
    html = page(post_csv(admin_client_en, enterprise_csv()))
    assert_chinese(
        html,
        present=["没有可导入的有效数据。请确认文件的表头正确，并且包含要导入的数据。"],
        absent=["No valid data to import", "Ensure your file has the correct headers"],
    )


def test_import_of_bad_rows_is_reported_in_chinese(admin_client_en):
    known = JurisdictionFactory(name="甲街道")
    base = {"industry": "manufacturing", "risk_grade": "C"}
    content = enterprise_csv(
        {
            **base,
            "credit_code": make_credit_code(901),
            "name": "晋江市甲鞋业有限公司",
            "jurisdiction": known.code,
            "contact_phone": "12345",
        },
        {**base, "credit_code": make_credit_code(902), "name": "晋江市乙鞋业有限公司", "jurisdiction": "999999999"},
    )
    html = page(post_csv(admin_client_en, content))
    assert_chinese(
        html,
        present=[
            "导入失败，未导入任何数据",
            "部分行的数据未通过校验",
            "请在文件中改正以下错误，再用上面的表单重新上传。",
            "输入的电话号码不合法。",
            "未找到行政区划“999999999”",
        ],
        absent=[
            "Some rows failed to validate",
            "Please correct these errors",
            "The phone number entered is not valid",
            "Enter a valid phone number",
            "Non field specific",
            "Value could not be parsed",
        ],
    )


def test_admin_login_page_is_chinese(client, db):
    html = page(client.get(reverse("admin:login"), **EN))
    assert_chinese(html, present=["用户名", "密码", "登录"], absent=["Username:", "Password:", 'value="Log in"'])


def test_failed_admin_login_and_lockout_are_chinese(client, db):
    user = get_user_model().objects.create_superuser("locked", "locked@example.com", TEST_PASSWORD)
    url = reverse("admin:login")
    credentials = {"username": user.username, "password": "wrong-password", "next": reverse("admin:index")}

    html = page(client.post(url, credentials, **EN))
    assert_chinese(
        html, present=["<title>错误：", "请输入工作人员账号正确的"], absent=["Error:", "Please enter the correct"]
    )

    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(url, credentials, **EN)
    assert response.status_code == 429
    assert_chinese(
        response.content.decode(),
        present=["登录已暂时锁定"],
        absent=["Account locked", "too many login attempts"],
    )
