"""Resident ID numbers by GB 11643 (issue 10, SECURITY.md T70): the check digit agrees with the standard and with
python-stdnum on generated numbers, every single-character error and adjacent transposition is refused, what people
type is normalised on every entry path (validator, admin form, admin import, the training fast importer), numbers
Excel turned into numbers are refused, stored numbers are re-checked by migration 0005 and listed for staff, and
the scanner of the privacy crawls finds IDs by shape as well as by check digit."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import random
import subprocess
import sys
import unicodedata
from pathlib import Path

import openpyxl
import pytest
import stdnum.cn
from django.conf import settings as project_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from stdnum.cn import ric

from safetyportal.demo.canary import find_full_id_numbers
from safetyportal.models import Person
from safetyportal.validators import (
    ID_CHECK_CHARACTERS,
    PROVINCE_CODES,
    id_check_digit,
    is_valid_id_number,
    normalize_id_number,
    validate_id_number,
)
from tests.core.factories import PersonFactory, make_id_number

TODAY = dt.date.today()
EXCEL = "身份证号码被Excel转换成了科学计数法或数字"
HYPOTHESIS = hypothesis_settings(max_examples=2_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _stdnum_counties() -> list[str]:
    """The county codes python-stdnum's location table knows (cn/loc.dat: a province line, then its counties)."""
    counties = []
    province = ""
    for line in (Path(stdnum.cn.__file__).parent / "loc.dat").read_text(encoding="utf-8").splitlines():
        if line[:2].isdigit():
            province = line[:2]
        elif line.startswith("  ") and line[2:6].isdigit() and not line[2:6].endswith("00"):
            counties.append(province + line[2:6])
    return counties


STDNUM_COUNTIES = _stdnum_counties()


def stdnum_knows_the_county(number: str) -> bool:
    """stdnum's validate() also requires the county to have existed in the birth year; our validator (rightly) does
    not, since county codes change after people are born. Compare the two only where stdnum's table answers."""
    try:
        ric.get_birth_place(number)
    except Exception:  # InvalidComponent, or KeyError for an unknown county under a known prefecture
        return False
    return True


birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
sequence_codes = st.integers(min_value=0, max_value=999)


ANY_STDNUM_COUNTY = st.sampled_from(STDNUM_COUNTIES)


@st.composite
def valid_numbers(draw, counties=ANY_STDNUM_COUNTY) -> str:
    body = f"{draw(counties)}{draw(birth_dates):%Y%m%d}{draw(sequence_codes):03d}"
    return body + id_check_digit(body)


@st.composite
def any_bodies(draw) -> str:
    """Any 17 digits: random province codes, known or not, any digits where the date goes."""
    return "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=17, max_size=17)))


def variants(number: str) -> list[str]:
    """Every single-character substitution and every adjacent transposition that changes the number."""
    out = []
    for position, char in enumerate(number):
        alphabet = ID_CHECK_CHARACTERS if position == 17 else "0123456789"
        out += [number[:position] + other + number[position + 1 :] for other in alphabet if other != char]
    for position in range(17):
        a, b = number[position], number[position + 1]
        if a != b:
            out.append(number[:position] + b + a + number[position + 2 :])
    return out


# The arithmetic -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "weighted_sum"),
    [
        ("11010519491231002X", 167),  # GB 11643-1999's own sample: 167 mod 11 = 2 → "X"
        ("350582199001011231", 264),  # 晋江市, checked by hand: 264 mod 11 = 0 → "1"
        ("360426199101010071", 231),  # python-stdnum's doctest number: 231 mod 11 = 0 → "1"
        ("440524188001010014", 195),  # the standard's other sample (born 1880): 195 mod 11 = 8 → "4"
    ],
)
def test_published_samples_have_the_check_digit_of_the_standard(number, weighted_sum):
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    assert sum(int(d) * w for d, w in zip(number[:17], weights, strict=True)) == weighted_sum
    assert "10X98765432"[weighted_sum % 11] == number[17] == id_check_digit(number[:17])


@pytest.mark.parametrize("number", ["11010519491231002X", "350582199001011231", "360426199101010071"])
def test_published_samples_are_accepted(number):
    validate_id_number(number)
    assert is_valid_id_number(number)


def test_sample_born_before_1900_is_refused_for_its_birth_date_only():
    with pytest.raises(ValidationError) as caught:
        validate_id_number("440524188001010014")
    assert caught.value.code == "birth_date"


def test_check_digit_refuses_the_whole_number_instead_of_guessing():
    # The trap that broke the project: stdnum's calc_check_digit wants 18 characters, ours exactly 17.
    with pytest.raises(ValueError):
        id_check_digit("11010519491231002X")
    with pytest.raises(ValueError):
        id_check_digit("1101051949123100")


@HYPOTHESIS
@given(valid_numbers())
def test_generated_numbers_agree_with_stdnum_where_it_knows_the_county(number):
    assert ric.calc_check_digit(number) == number[17]
    assert is_valid_id_number(number)
    if stdnum_knows_the_county(number):
        assert ric.is_valid(number)
    wrong = number[:17] + next(c for c in ID_CHECK_CHARACTERS if c != number[17])
    assert not ric.is_valid(wrong) and not is_valid_id_number(wrong)


@HYPOTHESIS
@given(any_bodies())
def test_check_digit_agrees_with_stdnum_for_any_province_code(body):
    digit = id_check_digit(body)
    assert ric.calc_check_digit(body + digit) == digit
    assert is_valid_id_number(body + digit) == (
        body[:2] in PROVINCE_CODES
        and _real_date(body[6:14])
        and dt.date(1900, 1, 1) <= dt.date(int(body[6:10]), int(body[10:12]), int(body[12:14])) <= TODAY
    )


def _real_date(text: str) -> bool:
    try:
        dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return False
    return True


@HYPOTHESIS
@given(valid_numbers(counties=st.sampled_from(["350582", "110105", "440305", "653101"])))
def test_every_single_error_and_adjacent_transposition_is_refused(number):
    for variant in variants(number):
        if variant[:17].isdigit():  # (swapping a final X inwards breaks the shape instead)
            assert id_check_digit(variant[:17]) != variant[17], variant
        assert not is_valid_id_number(variant), variant


def test_ten_thousand_seeded_numbers_agree_with_stdnum_and_all_their_variants_are_refused():
    """A fixed sample with exact counts (the figures in the issue's closing note)."""
    rng = random.Random(11643)
    first, last = dt.date(1900, 1, 1).toordinal(), TODAY.toordinal()
    compared = stdnum_valid = refused_variants = 0
    for index in range(10_000):
        county = rng.choice(STDNUM_COUNTIES)
        body = f"{county}{dt.date.fromordinal(rng.randint(first, last)):%Y%m%d}{rng.randint(0, 999):03d}"
        number = body + id_check_digit(body)
        assert ric.calc_check_digit(number) == number[17] and is_valid_id_number(number)
        compared += 1
        if stdnum_knows_the_county(number):
            assert ric.is_valid(number)
            stdnum_valid += 1
        if index < 1_000:
            for variant in variants(number):
                assert not is_valid_id_number(variant), variant
                refused_variants += 1
    assert compared == 10_000
    assert stdnum_valid > 3_000  # stdnum's table dates counties; many did not exist in the drawn birth year
    assert refused_variants > 150_000  # 163 substitutions and up to 17 transpositions per number


# What people type ---------------------------------------------------------------------------------------------------

SEPARATORS = [" ", "  ", "-", "\u3000", "\u00a0", "－", "\t", "\u2014"]


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def typed_forms(draw) -> tuple[str, str]:
    """A valid number and a way someone might type it: full-width or not per character, x or X, separators between
    any characters, spaces around."""
    number = draw(valid_numbers())
    chars = []
    for index, char in enumerate(number):
        if char == "X" and draw(st.booleans()):
            char = "x"
        if draw(st.booleans()):
            char = full_width(char)
        chars.append(char)
        if index < 17 and draw(st.integers(0, 4)) == 0:
            chars.append(draw(st.sampled_from(SEPARATORS)))
    around = draw(st.sampled_from(["", " ", "\u3000", "\t ", " \n"]))
    return number, around + "".join(chars) + around


@HYPOTHESIS
@given(typed_forms())
def test_what_people_type_is_normalised_and_accepted(pair):
    number, typed = pair
    assert normalize_id_number(typed) == number
    validate_id_number(typed)
    assert find_full_id_numbers(f"号码：{typed}。") == [number]


def excel_forms(number: str) -> list[object]:
    value = float(number[:17] + ("0" if number[17] == "X" else number[17]))
    forms = [value, f"{value:.14E}", f"{value:.14e}", repr(value), f"{value:.1f}", full_width(f"{value:.14E}")]
    if number[17] != "X":
        forms.append(int(number))
    return forms


@HYPOTHESIS
@given(valid_numbers())
def test_numbers_excel_converted_are_refused_with_the_text_format_advice(number):
    for form in excel_forms(number):
        with pytest.raises(ValidationError) as caught:
            validate_id_number(form)
        assert caught.value.code == "excel", form
        assert EXCEL in caught.value.messages[0]


def test_excel_rounding_to_fifteen_digits_gets_a_hint_when_the_digit_fails():
    with pytest.raises(ValidationError) as caught:
        validate_id_number("350582199001011000")
    assert caught.value.code == "checksum" and "文本" in caught.value.messages[0]


# The person model, admin form and filter ----------------------------------------------------------------------------


pytestmark_db = pytest.mark.django_db


def person_form(unit, id_number: object) -> dict[str, str]:
    return {"name": "林某某", "gender": "M", "id_number": str(id_number), "phone": "", "jurisdiction": str(unit.pk)}


@pytestmark_db
@pytest.mark.parametrize(
    "typed",
    ["１１０１０５１９４９１２３１００２Ｘ", "11010519491231002x", " 110105 19491231 002X ", "110105-1949-1231-002x"],
)
def test_admin_form_stores_what_people_type_normalised(client, admin_user_office, unit_a, typed):
    client.force_login(admin_user_office)
    response = client.post(reverse("admin:safetyportal_person_add"), person_form(unit_a, typed))
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get()
    assert person.id_number == "11010519491231002X" and not person.id_check_failed


@pytestmark_db
@pytest.mark.parametrize("typed", ["3.50582199001012E+17", "350582199001011000.0", "3.50582199001011e+17"])
def test_admin_form_refuses_excel_numbers_and_stores_nothing(client, admin_user_office, unit_a, typed):
    client.force_login(admin_user_office)
    response = client.post(reverse("admin:safetyportal_person_add"), person_form(unit_a, typed))
    assert response.status_code == 200
    assert EXCEL in response.content.decode()
    assert not Person.objects.exists()


@pytestmark_db
def test_admin_form_finds_the_duplicate_of_a_differently_typed_number(client, admin_user_office, unit_a):
    PersonFactory(id_number="11010519491231002X", jurisdiction=unit_a)
    client.force_login(admin_user_office)
    response = client.post(
        reverse("admin:safetyportal_person_add"), person_form(unit_a, "１１０１０５１９４９１２３１００２ｘ")
    )
    assert response.status_code == 200 and "已存在" in response.content.decode()
    assert Person.objects.count() == 1


@pytestmark_db
def test_person_save_keeps_the_failed_check_flag(unit_a):
    person = Person.objects.create(name="林某某", id_number="350582199001011234", jurisdiction=unit_a)
    assert person.id_check_failed
    person.id_number = "350582199001011231"
    person.save(update_fields=["id_number"])
    person.refresh_from_db()
    assert person.id_number == "350582199001011231" and not person.id_check_failed


@pytestmark_db
def test_admin_lists_failing_numbers_under_their_filter_in_constant_queries(
    client, admin_user_office, unit_a, django_assert_max_num_queries
):
    client.force_login(admin_user_office)
    url = reverse("admin:safetyportal_person_changelist")

    def add(count: int, start: int) -> None:
        for i in range(count):
            Person.objects.create(
                name=f"错号{start + i}", id_number=make_id_number(start + i)[:17] + "Z", jurisdiction=unit_a
            )
            PersonFactory(jurisdiction=unit_a)

    add(2, 0)
    page = client.get(url).content.decode()
    assert "身份证号码校验未通过" in page
    with django_assert_max_num_queries(30) as small:
        page = client.get(url, {"id_check_failed__exact": "1"}).content.decode()
    assert all(f"错号{i}" in page for i in range(2)) and "测试人" not in page  # PersonFactory's valid people
    add(20, 100)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url, {"id_check_failed__exact": "1"}).content.decode()
    assert all(f"错号{i}" in page for i in range(100, 120)) and "测试人" not in page
    assert "22" in page  # the result count
    assert not find_full_id_numbers(page)


# Spreadsheet imports ------------------------------------------------------------------------------------------------

PERSON_HEADER = ["身份证号", "姓名", "性别", "所属区划代码"]


def person_xlsx(rows: list[list[object]]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(PERSON_HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("people.xlsx", buffer.getvalue())


def person_csv(rows: list[list[object]]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(PERSON_HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile("people.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv")


def admin_import(client, upload: SimpleUploadedFile, django_settings) -> str:
    django_settings.IMPORT_EXPORT_SKIP_ADMIN_CONFIRM = True
    fmt = "0" if upload.name.endswith(".xlsx") else "1"
    response = client.post(reverse("admin:safetyportal_person_import"), {"format": fmt, "import_file": upload})
    assert response.status_code in (200, 302)
    return "\n".join(str(m) for m in response.context["messages"]) if response.context else ""


@pytestmark_db
@pytest.mark.parametrize(
    "cell",
    [350582199001011231, 350582199001011231.0, 3.50582199001012e17, "3.50582199001012E+17", "350582199001011000.0"],
)
def test_admin_import_refuses_numbers_excel_converted(client, admin_user_office, unit_a, settings, cell):
    client.force_login(admin_user_office)
    text = admin_import(client, person_xlsx([[cell, "林某某", "男", unit_a.code]]), settings)
    assert f"第2行，“身份证号”：{EXCEL}" in text, text
    assert not Person.objects.exists()


@pytestmark_db
@pytest.mark.parametrize("make_file", [person_xlsx, person_csv])
def test_admin_import_normalises_typed_numbers_and_matches_existing_people(
    client, admin_user_office, unit_a, settings, make_file
):
    existing = PersonFactory(name="旧名", id_number="11010519491231002X", jurisdiction=unit_a)
    client.force_login(admin_user_office)
    rows = [
        ["１１０１０５１９４９１２３１００２ｘ", "新名", "男", unit_a.code],  # the existing person, typed differently
        [" 350582 19900101 1231 ", "林某某", "男", unit_a.code],
        ["360426-19910101-0071", "吴某某", "男", unit_a.code],
    ]
    admin_import(client, make_file(rows), settings)
    assert Person.objects.count() == 3
    existing.refresh_from_db()
    assert existing.name == "新名"
    assert set(Person.objects.values_list("id_number", flat=True)) == {
        "11010519491231002X",
        "350582199001011231",
        "360426199101010071",
    }
    assert not Person.objects.filter(id_check_failed=True).exists()


@pytestmark_db
def test_training_importer_refuses_excel_numbers_and_normalises_typed_ones():
    from tests.core.factories import CountyFactory
    from tests.training.xlsx import HEADER, certificate_rows, workbook
    from training.importing import import_certificates

    county = CountyFactory()
    today = dt.date(2026, 11, 24)
    rows = certificate_rows(8)
    digits = [row[2][:17] + ("0" if row[2][17] == "X" else row[2][17]) for row in rows]
    rows[0][2] = int(digits[0])  # a cell holding an integer (written by a program)
    rows[1][2] = float(digits[1])  # what Excel stores: 15 significant digits
    rows[2][2] = f"{float(digits[2]):.14E}"  # the text Excel shows, pasted into a text cell
    rows[3][2] = f"{float(digits[3]):.1f}"
    result = import_certificates(workbook(rows), default_jurisdiction_id=county.pk, commit=True, today=today)
    assert [p.row for p in result.problems] == [2, 3, 4, 5]
    assert all(p.column == "身份证号" and EXCEL in p.message for p in result.problems)
    assert not Person.objects.exists()

    rows = certificate_rows(8)
    rows[0][2] = full_width(rows[0][2])
    rows[1][2] = " " + rows[1][2][:6] + " " + rows[1][2][6:14] + "-" + rows[1][2][14:] + " "
    rows[2][2] = rows[2][2].lower()
    for row in rows:  # the certificate number column, typed just as carelessly
        row.append("ｔ" + full_width(normalize_id_number(row[2])).lower())
    data = workbook(rows, header=[*HEADER, "证号"])
    result = import_certificates(data, default_jurisdiction_id=county.pk, commit=True, today=today)
    assert result.ok, [str(p) for p in result.problems]
    stored = set(Person.objects.values_list("id_number", flat=True))
    assert stored == {normalize_id_number(row[2]) for row in rows}
    assert all(is_valid_id_number(number) for number in stored)


@pytest.mark.parametrize(
    ("typed", "number", "id_number"),
    [
        ("ｔ３５０５８２ 1990 0101 1231", "T350582199001011231", ""),
        ("t11010519491231002x", "T11010519491231002X", ""),
        ("110105-19491231-002ｘ", "", "11010519491231002X"),
    ],
)
def test_certificate_lookup_normalises_numbers_like_the_stored_ones(typed, number, id_number):
    from training.selectors import VerifyQuery

    query = VerifyQuery.parse(typed, "张三")
    assert query is not None and (query.number, query.id_number) == (number, id_number)


# Scanner -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "身份证号350582199001011231。",
        "证号：T350582199001011231",
        "３５０５８２１９９００１０１１２３１",
        "3505 8219 9001 0112 31",
        "350582-19900101-1231",
        "联系人 350582 19900101 1231 13912345678",
        "350582199001011234",  # the wrong digit: found by shape (province and real birth date)
    ],
)
def test_scanner_finds_full_numbers_however_written(text):
    assert len(find_full_id_numbers(text)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "3505************31",
        "T350*************31",
        "3505 **** **** **** 31",
        "3505821990010112311",  # 19 digits: not an ID number
        "订单号 990582209913011237",  # no province, no real date, wrong check digit
        "2024-05-01 12:30",
    ],
)
def test_scanner_ignores_masked_numbers_and_other_digits(text):
    assert find_full_id_numbers(text) == []


@HYPOTHESIS
@given(typed_forms())
def test_scanner_finds_every_typed_form_certificate_numbers_included(pair):
    number, typed = pair
    assert find_full_id_numbers(f"证书编号：T{typed}，") == [number]
    assert find_full_id_numbers(unicodedata.normalize("NFKC", typed)) == [number]


# Demo data ---------------------------------------------------------------------------------------------------------


@pytestmark_db
def test_demo_rerun_on_an_old_demo_moves_its_people_to_correct_numbers_without_duplicates():
    from safetyportal.demo.builder import build_demo
    from safetyportal.demo.ids import legacy_demo_id_number

    build_demo()
    people = dict(Person.objects.values_list("pk", "id_number"))
    assert people and all(is_valid_id_number(number) for number in people.values())
    # Turn the database into what the demo wrote before issue 10 (the wrong check digit), plus one hand-made row
    # whose number merely looks legacy: it is not one the demo generates, so it must be left alone.
    stale = {pk: legacy_demo_id_number(number[:17]) for pk, number in people.items()}
    stale = {pk: number for pk, number in stale.items() if number != people[pk]}
    for pk, number in stale.items():
        Person.objects.filter(pk=pk).update(id_number=number, id_check_failed=True)
    hand_made = PersonFactory(
        id_number=legacy_demo_id_number("11010519491231002"), jurisdiction=Person.objects.first().jurisdiction
    )
    assert hand_made.id_check_failed

    build_demo()
    assert Person.objects.count() == len(people) + 1
    assert dict(Person.objects.exclude(pk=hand_made.pk).values_list("pk", "id_number")) == people
    assert list(Person.objects.filter(id_check_failed=True)) == [hand_made]


# Migration 0005 -----------------------------------------------------------------------------------------------------

MIGRATION_SCRIPT = r"""
import json, sys
import django
django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

before, after = [("safetyportal", "0004_officer_mobile")], [("safetyportal", "0005_person_id_check")]
numbers = json.loads(sys.argv[1])
executor = MigrationExecutor(connection)
executor.migrate(before)
apps = executor.loader.project_state(before).apps
unit = apps.get_model("safetyportal", "Jurisdiction").objects.create(
    code="350582", name="晋江市", level="county", path="350582/"
)
Person = apps.get_model("safetyportal", "Person")
for index, number in enumerate(numbers):
    Person.objects.create(name=f"人员{index}", id_number=number, jurisdiction=unit)
fields = ("pk", "id_number", "name", "updated_at", "created_at")
snapshot = [list(map(str, row)) for row in Person.objects.order_by("pk").values_list(*fields)]

executor = MigrationExecutor(connection)
executor.migrate(after)
Person = executor.loader.project_state(after).apps.get_model("safetyportal", "Person")
rows = [list(map(str, row)) for row in Person.objects.order_by("pk").values_list(*fields)]
flags = dict(Person.objects.values_list("id_number", "id_check_failed"))

executor = MigrationExecutor(connection)
executor.migrate(before)
Person = executor.loader.project_state(before).apps.get_model("safetyportal", "Person")
print(json.dumps({"snapshot": snapshot, "rows": rows, "flags": flags, "after_reverse": Person.objects.count()}))
"""


@pytest.fixture
def scratch_database_url(tmp_path):
    """An empty database beside the test database, so that migrating it back and forth disturbs nothing."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    settings_ = connection.settings_dict
    name = f"{settings_['NAME']}_id_scratch"[:63]
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    host = settings_["HOST"] or "127.0.0.1"
    auth = settings_["USER"] + (f":{settings_['PASSWORD']}" if settings_["PASSWORD"] else "")
    yield f"postgresql://{auth}@{host}:{settings_['PORT'] or 5432}/{name}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytestmark_db
def test_migration_0005_flags_failing_numbers_and_changes_nothing(scratch_database_url, tmp_path):
    numbers = {
        "11010519491231002X": False,  # valid
        "350582199001011231": False,  # valid
        "350582199001011234": True,  # the digit the old code computed
        "35058219880801000X": True,  # accepted before issue 10
        "350582199002301231": True,  # no such date
        "990582199001011231": True,  # no such province
    }
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safetyportal.settings",
        "TESTING": "1",
        "DATABASE_URL": scratch_database_url,
        "VAR_DIR": str(tmp_path),
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    done = subprocess.run(
        [sys.executable, "-c", MIGRATION_SCRIPT, json.dumps(list(numbers))],
        cwd=project_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["rows"] == result["snapshot"]  # nothing deleted or changed, updated_at included
    assert result["flags"] == numbers  # exactly the failing numbers flagged
    assert result["after_reverse"] == len(numbers)  # reversible: the column goes, the rows stay
