"""SECURITY.md T23: ID numbers encrypted at rest.

A dump of a seeded database holds no plaintext ID number; lookups (verify page, admin search, spreadsheet imports)
work through the keyed HMAC column; a database read with the wrong keys shows ciphertext only; keys rotate."""

from __future__ import annotations

import random
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
import tablib
from django.contrib.auth.models import Group
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safetyportal import crypto
from safetyportal.demo.canary import CANARY_ID_NUMBERS, find_full_id_numbers
from safetyportal.models import Person
from safetyportal.resources import PersonResource
from safetyportal.roles import STAFF_GROUP
from safetyportal.validators import id_check_digit, mask_id_number
from tests.core.factories import JurisdictionFactory, PersonFactory, StaffUserFactory
from tests.training.factories import CertificateFactory
from tests.training.xlsx import certificate_rows, workbook
from training.importing import import_certificates
from training.models import Certificate

from .prod import run_production

T20_REGEX = re.compile(r"\d{17}[\dXx]")
SEEDED_CERTIFICATES = 500

pytestmark_db = pytest.mark.django_db
PERSON_ID = "safetyportal.person.id_number"  # the associated data each column's ciphertexts are bound to
CERTIFICATE_NUMBER = "training.certificate.number"


def random_ids(count: int, seed: int) -> list[str]:
    """Distinct valid ID numbers (GB 11643 check digit), about one in eleven ending in X."""
    rng = random.Random(seed)
    numbers: set[str] = set()
    while len(numbers) < count:
        body = f"3505{rng.randint(10, 99)}{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        body += f"{rng.randint(0, 999):03d}"
        numbers.add(body + id_check_digit(body))
    return sorted(numbers)


def plaintext_ids(text: str) -> list[str]:
    """The T20 regex with MOD 11-2 validation, plus the project's own scanner."""
    hits = {
        m.group(0).upper()
        for m in T20_REGEX.finditer(text)
        if id_check_digit(m.group(0)[:17]) == m.group(0)[17:].upper()
    }
    return sorted(hits | set(find_full_id_numbers(text)))


def seed(count: int = SEEDED_CERTIFICATES) -> list[str]:
    """``count`` people (plus the four canaries) holding one certificate each. Most go in through bulk_create, the
    way the importer and the demo write; a few through save(), the way the admin and services do."""
    unit = JurisdictionFactory()
    numbers = [*random_ids(count, seed=23), *CANARY_ID_NUMBERS]
    people = [PersonFactory.build(name=f"加密测试{i}", id_number=n, jurisdiction=unit) for i, n in enumerate(numbers)]
    saved = people[:10]
    for person in saved:
        person.save()
    Person.objects.bulk_create(people[10:])
    certificates = [CertificateFactory.build(holder=person) for person in Person.objects.filter(jurisdiction=unit)]
    for certificate in certificates[:10]:
        certificate.save()
    Certificate.objects.bulk_create(certificates[10:])
    return numbers


# The dump ------------------------------------------------------------------------------------------------------------


def database_dump() -> tuple[str, bytes]:
    """(a logical dump of every table, the raw bytes on disk): ``pg_dump`` on PostgreSQL; on SQLite the ``.dump``
    text and the database file after a WAL checkpoint."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        command = ["pg_dump", "-h", settings["HOST"] or "127.0.0.1", "-U", settings["USER"] or "postgres"]
        if settings["PORT"]:
            command += ["-p", str(settings["PORT"])]
        dump = subprocess.run([*command, settings["NAME"]], capture_output=True, check=True, timeout=120).stdout
        return dump.decode("utf-8"), dump
    assert connection.vendor == "sqlite"
    connection.ensure_connection()
    text = "\n".join(connection.connection.iterdump())
    with sqlite3.connect(settings["NAME"]) as other:
        other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(settings["NAME"])
    raw = path.read_bytes() + (path.with_name(path.name + "-wal").read_bytes() if Path(f"{path}-wal").exists() else b"")
    return text, raw


@pytest.mark.django_db(transaction=True)  # committed, so that pg_dump (another connection) and the file see it
def test_database_dump_holds_no_plaintext_id_numbers():
    numbers = seed()
    assert Certificate.objects.count() == SEEDED_CERTIFICATES + len(CANARY_ID_NUMBERS)
    # A control: one ID number typed into a column that is not encrypted must be found, or the scan proves nothing.
    control = random_ids(1, seed=99)[0]
    JurisdictionFactory(name=f"对照{control}")
    text, raw = database_dump()
    assert plaintext_ids(text) == [control] and control.encode() in raw
    text = text.replace(control, "")
    # The rows are in the dump (so the scan below can fail) ...
    assert "加密测试499" in text and "加密测试0" in text
    assert text.count(crypto.primary_key_id() + crypto.SEPARATOR) >= 2 * len(numbers)
    # ... and no ID number is, neither by shape and check digit nor as the exact values seeded.
    assert plaintext_ids(text) == []
    for number in numbers:
        for value in (number, "T" + number, number.lower()):
            assert value not in text
            assert value.encode() not in raw
    if connection.vendor == "sqlite":
        assert "加密测试499".encode() in raw  # the file scan saw the committed rows


# Columns and lookups ----------------------------------------------------------------------------------------------


@pytestmark_db
def test_columns_hold_ciphertext_and_a_keyed_hmac_only():
    person = PersonFactory(id_number=CANARY_ID_NUMBERS[0])
    certificate = CertificateFactory(holder=person)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, id_number_hmac FROM safetyportal_person WHERE id = %s", [person.pk])
        stored, index = cursor.fetchone()
        cursor.execute("SELECT number, number_hmac FROM training_certificate WHERE id = %s", [certificate.pk])
        stored_number, number_index = cursor.fetchone()
    for value in (stored, stored_number):
        assert crypto.is_ciphertext(value) and plaintext_ids(value) == [] and CANARY_ID_NUMBERS[0] not in value
    assert index == crypto.blind_index(CANARY_ID_NUMBERS[0]) and len(index) == 43
    assert number_index == crypto.blind_index("T" + CANARY_ID_NUMBERS[0]) != index
    # Random nonces: the same number encrypted twice never gives the same ciphertext.
    assert crypto.encrypt(CANARY_ID_NUMBERS[0], context=PERSON_ID) != crypto.encrypt(
        CANARY_ID_NUMBERS[0], context=PERSON_ID
    )
    # In Python, the plaintext.
    person.refresh_from_db()
    assert person.id_number == CANARY_ID_NUMBERS[0]
    assert Certificate.objects.get(pk=certificate.pk).number == "T" + CANARY_ID_NUMBERS[0]


@pytestmark_db
def test_equality_lookups_use_the_hmac_column_whatever_way_the_number_is_typed():
    number = next(n for n in random_ids(200, seed=5) if n.endswith("X"))
    person = PersonFactory(id_number=number)
    CertificateFactory(holder=person)
    typed = [number, number.lower(), f" {number[:6]} {number[6:14]} {number[14:]} ", number.translate(_FULL_WIDTH)]
    for value in typed:
        assert Person.objects.get(id_number=value) == person
        assert Person.objects.filter(id_number__iexact=value).count() == 1
        assert list(Person.objects.filter(id_number__in=[value, "110105194912310021"])) == [person]
        assert Certificate.objects.filter(holder__id_number=value).count() == 1
        assert Certificate.objects.filter(number="T" + value).count() == 1
    with CaptureQueriesContext(connection) as queries:
        list(Certificate.objects.filter(holder__id_number__in=[number]).values_list("holder__id_number", "number"))
    sql = queries[0]["sql"]
    assert "id_number_hmac" in sql and number not in sql
    assert (
        Certificate.objects.filter(holder__id_number__in=[number]).values_list("number", flat=True)[0] == "T" + number
    )


_FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@pytestmark_db
@pytest.mark.parametrize("lookup", ["contains", "startswith", "icontains", "gt", "regex", "endswith"])
def test_lookups_that_cannot_work_on_ciphertext_are_refused(lookup):
    with pytest.raises(FieldError):
        Person.objects.filter(**{f"id_number__{lookup}": "350582"}).count()


@pytestmark_db
def test_uniqueness_lives_on_the_hmac_and_is_reported_on_the_id_number():
    person = PersonFactory(id_number=CANARY_ID_NUMBERS[1])
    twin = PersonFactory.build(id_number=CANARY_ID_NUMBERS[1].lower(), jurisdiction=person.jurisdiction)
    twin.clean()
    with pytest.raises(ValidationError) as raised:
        twin.full_clean()
    assert set(raised.value.message_dict) == {"id_number"}
    assert "身份证号" in raised.value.message_dict["id_number"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.bulk_create([twin])
    person.name = "改名"
    person.full_clean()  # the row itself is no duplicate
    person.save()


@pytestmark_db
def test_bulk_paths_keep_the_hmac_current():
    people = PersonFactory.create_batch(3)
    new = random_ids(6, seed=9)[3:]
    for person, number in zip(people, new, strict=True):
        person.id_number = number
    Person.objects.bulk_update(people, ["id_number"])
    Person.objects.filter(pk=people[0].pk).update(id_number=new[0])
    assert Person.objects.in_bulk(new, field_name="id_number") == dict(zip(new, people, strict=True))


# Lookups through the application ------------------------------------------------------------------------------------


@pytestmark_db
def test_verify_page_finds_the_certificate_by_number_and_by_id_number(client):
    person = PersonFactory(name="甄金丝", id_number=CANARY_ID_NUMBERS[0])
    certificate = CertificateFactory(holder=person)
    for q in (certificate.number, person.id_number.lower()):
        page = client.post("/certificates/verify/", {"q": q, "name": "甄金丝"}, REMOTE_ADDR="198.51.100.23")
        text = page.content.decode()
        assert page.status_code == 200 and mask_id_number(certificate.number) in text
        assert plaintext_ids(text) == []


@pytestmark_db
def test_admin_search_is_an_exact_match_through_the_hmac(client):
    staff = StaffUserFactory(groups=[Group.objects.get(name=STAFF_GROUP)])
    client.force_login(staff)
    person = PersonFactory(name="岑哨兵", id_number=CANARY_ID_NUMBERS[2])
    CertificateFactory(holder=person)
    PersonFactory(name="旁人")
    people = reverse("admin:safetyportal_person_changelist")
    certificates = reverse("admin:training_certificate_changelist")
    found = client.get(people, {"q": person.id_number.lower()})
    assert found.status_code == 200 and list(found.context["cl"].result_list) == [person]
    assert "不能按部分号码查找" in found.content.decode()
    partial = client.get(people, {"q": person.id_number[:10]})
    assert partial.status_code == 200 and list(partial.context["cl"].result_list) == []
    for q in ("T" + person.id_number, person.id_number):
        response = client.get(certificates, {"q": q})
        assert response.status_code == 200 and [c.holder for c in response.context["cl"].result_list] == [person]


@pytestmark_db
def test_person_import_updates_the_row_found_by_id_number():
    person = PersonFactory(name="旧名字", id_number=CANARY_ID_NUMBERS[3])
    dataset = tablib.Dataset(
        headers=["身份证号", "姓名", "性别", "联系电话", "工作单位统一社会信用代码", "所属区划代码"]
    )
    dataset.append([CANARY_ID_NUMBERS[3].lower(), "新名字", "男", "", "", person.jurisdiction.code])
    result = PersonResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Person.objects.count() == 1
    person.refresh_from_db()
    assert person.name == "新名字" and person.id_number == CANARY_ID_NUMBERS[3]


@pytestmark_db
def test_fast_importer_finds_existing_people_and_certificates_by_id_number():
    unit = JurisdictionFactory()
    rows = certificate_rows(30)
    first = import_certificates(workbook(rows), default_jurisdiction_id=unit.pk)
    assert first.ok and first.summary == {"certificates": 30, "new_people": 30}
    again = import_certificates(workbook(rows[:5]), default_jurisdiction_id=unit.pk)
    assert [p.message for p in again.problems] == ["该人员已持有此操作项目的有效证书（系统中已存在）。"] * 5
    holder = Person.objects.get(id_number=rows[7][2])
    assert Certificate.objects.get(holder=holder).number == "T" + rows[7][2]
    assert Person.objects.count() == 30


# Wrong or missing keys -----------------------------------------------------------------------------------------------


@pytestmark_db
def test_a_restore_without_the_keys_shows_ciphertext_markers_not_ids(client, settings):
    person = PersonFactory(name="卞雀鸣", id_number=CANARY_ID_NUMBERS[1])
    certificate = CertificateFactory(holder=person)
    stored = Person.objects.filter(pk=person.pk).values_list("id_number_hmac", flat=True)[0]
    settings.FIELD_ENCRYPTION_KEY = [crypto.new_key()]
    settings.FIELD_HMAC_KEY = crypto.new_key()
    restored = Person.objects.get(pk=person.pk)
    assert isinstance(restored.id_number, crypto.Undecryptable) and restored.id_number == crypto.UNDECRYPTABLE_TEXT
    assert restored.masked_id_number == "〔无法解密〕" and str(restored) == "卞雀鸣（〔无法解密〕）"
    assert Certificate.objects.get(pk=certificate.pk).masked_number == "〔无法解密〕"
    assert not Person.objects.filter(id_number=CANARY_ID_NUMBERS[1]).exists()  # the HMAC key differs too
    # Staff pages render the marker, never the number and never a crash.
    client.force_login(StaffUserFactory(is_superuser=True))
    for url in (
        reverse("admin:safetyportal_person_changelist"),
        reverse("admin:safetyportal_person_change", args=[person.pk]),
        reverse("admin:training_certificate_changelist"),
    ):
        response = client.get(url)
        text = response.content.decode()
        assert response.status_code == 200 and "〔无法解密〕" in text and plaintext_ids(text) == []
    # Saving the row (another field) writes the ciphertext and its HMAC back unchanged.
    restored.name = "卞雀鸣（已核）"
    restored.save()
    row = Person.objects.filter(pk=person.pk).values_list("id_number_hmac", flat=True)[0]
    assert row == stored
    # The marker itself is never stored as if it were a number.
    with pytest.raises(ValueError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(id_number=crypto.UNDECRYPTABLE_TEXT)


@pytestmark_db
def test_a_row_saved_without_the_keys_reads_again_with_them(settings):
    person = PersonFactory(id_number=CANARY_ID_NUMBERS[2])
    right = list(settings.FIELD_ENCRYPTION_KEY), settings.FIELD_HMAC_KEY
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_HMAC_KEY = [crypto.new_key()], crypto.new_key()
    Person.objects.get(pk=person.pk).save()
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_HMAC_KEY = right
    assert Person.objects.get(id_number=CANARY_ID_NUMBERS[2]).id_number == CANARY_ID_NUMBERS[2]


def test_keys_are_checked_at_start_up():
    good, other = crypto.new_key(), crypto.new_key()
    crypto.check_keys([good], other)
    for keys, hmac_key, variable in [
        ([], other, "FIELD_ENCRYPTION_KEY"),
        ([good], "", "FIELD_HMAC_KEY"),
        (["c2hvcnQ="], other, "FIELD_ENCRYPTION_KEY"),  # 5 bytes
        (["not base64 at all!"], other, "FIELD_ENCRYPTION_KEY"),
        ([good], good, "FIELD_HMAC_KEY"),
    ]:
        with pytest.raises(ImproperlyConfigured, match=variable):
            crypto.check_keys(keys, hmac_key)


@pytest.mark.parametrize("missing", ["FIELD_ENCRYPTION_KEY", "FIELD_HMAC_KEY"])
def test_production_refuses_to_start_without_a_key(missing):
    result = run_production(["manage.py", "check"], **{missing: None})
    assert result.returncode != 0
    assert "ConfigurationError" in result.stderr and f"{missing} 无效：未设置" in result.stderr


def test_production_starts_with_both_keys():
    result = run_production(["manage.py", "check"])
    assert result.returncode == 0, result.stderr


# Ciphertexts are bound to their column (AES-GCM associated data) --------------------------------------------------


def _copy_raw(table: str, column: str, pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608 - fixed names


@pytestmark_db
def test_each_encrypted_column_has_its_own_context():
    assert Person._meta.get_field("id_number").context == PERSON_ID
    assert Certificate._meta.get_field("number").context == CERTIFICATE_NUMBER
    from safetyportal.fields import encrypted_fields

    contexts = [field.context for field in encrypted_fields()]
    assert len(contexts) == len(set(contexts)) >= 2


@pytestmark_db
def test_a_ciphertext_copied_into_another_column_does_not_decrypt():
    """A person's encrypted ID number written into a certificate's number column (and the reverse) reads as the
    Undecryptable marker, not as the other column's plaintext; each row still round-trips in its own column."""
    person = PersonFactory(id_number=CANARY_ID_NUMBERS[0])
    other = PersonFactory(id_number=CANARY_ID_NUMBERS[1])
    certificate = CertificateFactory(holder=other)
    assert Person.objects.get(pk=person.pk).id_number == CANARY_ID_NUMBERS[0]  # the normal round trip
    assert Certificate.objects.get(pk=certificate.pk).number == "T" + CANARY_ID_NUMBERS[1]
    [person_raw, _other_raw] = _raw("safetyportal_person", "id_number")
    [certificate_raw] = _raw("training_certificate", "number")
    _copy_raw("training_certificate", "number", certificate.pk, person_raw)
    _copy_raw("safetyportal_person", "id_number", other.pk, certificate_raw)
    moved = Certificate.objects.get(pk=certificate.pk).number
    assert isinstance(moved, crypto.Undecryptable) and str(moved) == crypto.UNDECRYPTABLE_TEXT
    assert moved.ciphertext == person_raw and CANARY_ID_NUMBERS[0] not in moved
    swapped = Person.objects.get(pk=other.pk).id_number
    assert isinstance(swapped, crypto.Undecryptable) and swapped.ciphertext == certificate_raw
    # The same value with the right column decrypts: only the binding refuses it.
    assert crypto.decrypt(person_raw, context=PERSON_ID) == CANARY_ID_NUMBERS[0]
    with pytest.raises(crypto.DecryptionError, match="another column"):
        crypto.decrypt(person_raw, context=CERTIFICATE_NUMBER)
    with pytest.raises(ValueError):
        crypto.encrypt(CANARY_ID_NUMBERS[0], context="")


# Rotation ----------------------------------------------------------------------------------------------------------


@pytestmark_db
def test_rotation_old_keys_still_decrypt_and_the_command_reencrypts_under_the_first(settings):
    old, new = settings.FIELD_ENCRYPTION_KEY[0], crypto.new_key()
    people = [PersonFactory(id_number=n) for n in random_ids(5, seed=11)]
    CertificateFactory(holder=people[0])
    settings.FIELD_ENCRYPTION_KEY = [new, old]
    assert [Person.objects.get(pk=p.pk).id_number for p in people] == [p.id_number for p in people]
    call_command("rotate_field_keys", "--dry-run", stdout=(out := _Buffer()))
    assert "safetyportal.Person.id_number：共 5 条，需重新加密 5 条" in out.text
    assert "training.Certificate.number：共 1 条，需重新加密 1 条" in out.text
    call_command("rotate_field_keys", stdout=_Buffer())
    kids = {crypto.ciphertext_key_id(raw) for raw in _raw("safetyportal_person", "id_number")}
    assert kids == {crypto.primary_key_id()}
    settings.FIELD_ENCRYPTION_KEY = [new]  # the old key can go now
    assert [Person.objects.get(pk=p.pk).id_number for p in people] == [p.id_number for p in people]
    call_command("rotate_field_keys", stdout=(out := _Buffer()))
    assert "共 5 条，已重新加密 0 条" in out.text  # idempotent
    # Re-encrypted under the new key for the same column: still bound to it.
    [certificate_raw] = _raw("training_certificate", "number")
    assert crypto.ciphertext_key_id(certificate_raw) == crypto.primary_key_id()
    assert crypto.decrypt(certificate_raw, context=CERTIFICATE_NUMBER) == "T" + people[0].id_number
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(certificate_raw, context=PERSON_ID)


@pytestmark_db
def test_rotation_recomputes_the_hmac_and_reports_rows_it_cannot_read(settings):
    person = PersonFactory(id_number=CANARY_ID_NUMBERS[0])
    settings.FIELD_HMAC_KEY = crypto.new_key()
    assert not Person.objects.filter(id_number=CANARY_ID_NUMBERS[0]).exists()
    call_command("rotate_field_keys", stdout=_Buffer())
    assert Person.objects.get(id_number=CANARY_ID_NUMBERS[0]) == person
    stranger_key = crypto.new_key()
    keys = settings.FIELD_ENCRYPTION_KEY
    settings.FIELD_ENCRYPTION_KEY = [stranger_key]
    stranger = PersonFactory(id_number=CANARY_ID_NUMBERS[1])
    settings.FIELD_ENCRYPTION_KEY = keys
    before = _raw("safetyportal_person", "id_number")
    with pytest.raises(CommandError, match="无法解密"):
        call_command("rotate_field_keys", stdout=_Buffer(), stderr=(err := _Buffer()))
    assert f"主键：{stranger.pk}" in err.text
    assert _raw("safetyportal_person", "id_number") == before


class _Buffer:
    def __init__(self) -> None:
        self.text = ""

    def write(self, value: str) -> None:
        self.text += value

    def flush(self) -> None:
        pass


def _raw(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} ORDER BY id")  # noqa: S608 - fixed names
        return [row[0] for row in cursor.fetchall()]


# Migration -----------------------------------------------------------------------------------------------------------

BEFORE = [("safetyportal", "0007_throttle_counter"), ("training", "0001_certificates")]
AFTER = [("safetyportal", "0008_encrypt_id_numbers"), ("training", "0002_encrypt_certificate_numbers")]


@pytest.mark.django_db(transaction=True)
def test_migration_encrypts_existing_rows_and_reverses():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    number = CANARY_ID_NUMBERS[3]
    try:
        executor.migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        unit = old.get_model("safetyportal", "Jurisdiction").objects.create(
            code="350582", name="晋江市", path="350582/"
        )
        holder = old.get_model("safetyportal", "Person").objects.create(
            name="隗探针", id_number=number, jurisdiction=unit
        )
        old.get_model("training", "Certificate").objects.create(
            number="T" + number,
            holder=holder,
            category="electrical",
            operation_item="low_voltage",
            first_issued_on="2024-05-10",
            valid_from="2024-05-10",
            valid_until="2030-05-09",
            review_due_on="2027-05-10",
            verify_token="migration-test",
        )
        assert _raw("safetyportal_person", "id_number") == [number]
        MigrationExecutor(connection).migrate(AFTER)
        assert [crypto.decrypt(v, context=PERSON_ID) for v in _raw("safetyportal_person", "id_number")] == [number]
        # Bound to their columns by the migration exactly as by the field (same associated data).
        [certificate_number] = _raw("training_certificate", "number")
        assert crypto.decrypt(certificate_number, context=CERTIFICATE_NUMBER) == "T" + number
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(certificate_number, context=PERSON_ID)
        assert plaintext_ids(" ".join(_raw("training_certificate", "number"))) == []
        assert Person.objects.get(id_number=number).name == "隗探针"
        assert Certificate.objects.get(number="T" + number).holder.id_number == number
        MigrationExecutor(connection).migrate(BEFORE)
        assert _raw("safetyportal_person", "id_number") == [number]
        assert _raw("training_certificate", "number") == ["T" + number]
    finally:
        MigrationExecutor(connection).migrate(leaves)
