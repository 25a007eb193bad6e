"""The fast bulk import: every row validated, all problems listed by row and column, all or nothing, queries that
grow with batches and never with rows, a preview before confirming, large files in the worker."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safetyportal.models import Person
from tests.core.factories import CountyFactory, PersonFactory
from training.importing import import_certificates, import_enrolments
from training.models import Certificate, Enrolment, ImportJob, ImportStatus

from .factories import CertificateFactory, TrainingSessionFactory
from .xlsx import certificate_rows, id_number, workbook

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def county():
    return CountyFactory()


def run(data: bytes, county, commit: bool = True):
    return import_certificates(data, default_jurisdiction_id=county.pk, commit=commit, today=TODAY)


def messages(result) -> list[str]:
    return [str(p) for p in result.problems]


def test_valid_file_imports_every_row_with_people_and_tokens(county):
    existing = PersonFactory(name="学员3", id_number=id_number(3))
    result = run(workbook(certificate_rows(25)), county)
    assert result.ok, messages(result)
    assert result.summary == {"certificates": 25, "new_people": 24}
    assert Certificate.objects.count() == 25 and Person.objects.count() == 25
    certificate = Certificate.objects.get(holder=existing)
    assert certificate.number == "T" + existing.id_number and certificate.category == "electrical"
    assert certificate.review_due_on == certificate.valid_from.replace(year=certificate.valid_from.year + 3)
    assert len(set(Certificate.objects.values_list("verify_token", flat=True))) == 25


def test_one_bad_row_among_ten_thousand_imports_nothing_and_names_the_row(county):
    rows = certificate_rows(10_000)
    rows[6_789][2] = rows[6_789][2][:-1] + ("0" if rows[6_789][2][-1] != "0" else "1")  # bad check digit
    result = run(workbook(rows), county)
    # Header is row 1. (This number ends in 000, so the message also suggests Excel may have rounded it.)
    assert [m.split("。")[0] for m in messages(result)] == ["第6791行，“身份证号”：身份证号码校验位错误"]
    assert result.total_rows == 10_000
    assert Certificate.objects.count() == 0 and Person.objects.count() == 0


def test_every_problem_is_listed_by_row_and_column(county):
    CertificateFactory(holder=PersonFactory(name="学员5", id_number=id_number(5)))
    rows = certificate_rows(8)
    rows[0][4] = "飞行作业"  # unknown item
    rows[1][3] = "焊接与热切割作业"  # category does not match the item
    rows[2][7] = rows[2][6] - dt.timedelta(days=1)  # validity ends before it starts
    rows[3][5] = "2024-13-45"  # not a date
    rows[6] = list(rows[7])  # duplicate inside the file
    result = run(workbook(rows), county)
    text = "\n".join(messages(result))
    assert "第2行，“操作项目”：“飞行作业”不是已知的操作项目。" in text
    assert "第3行，“作业类别”：与操作项目“低压电工作业”不匹配。" in text
    assert "第4行，“有效期限（止）”：应晚于有效期起始日期。" in text
    assert "第5行，“初领日期”：日期“2024-13-45”无效" in text
    assert "第9行，“身份证号”：与第8行重复（同一人同一操作项目）。" in text
    assert "第7行，“操作项目”：该人员已持有此操作项目的有效证书（系统中已存在）。" in text
    assert len(result.problems) == 6
    assert Certificate.objects.count() == 1


def test_name_conflicts_with_the_database_are_reported(county):
    PersonFactory(name="张三", id_number=id_number(0))
    result = run(workbook(certificate_rows(1)), county)
    assert messages(result) == ["第2行，“姓名”：与系统中该身份证号登记的姓名“张三”不一致。"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (workbook([], header=["姓名", "操作项目"]), "表头缺少必需的列：身份证号、初领日期"),
        (workbook([]), "文件中没有数据行"),
        (b"not a zip", "不是有效的Excel"),
    ],
)
def test_bad_files_are_refused_with_a_reason(county, data, expected):
    result = run(data, county)
    assert expected in "\n".join(messages(result))
    assert Certificate.objects.count() == 0


def test_macro_workbook_is_refused_before_parsing(county):
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook(certificate_rows(2)))) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/vbaProject.bin", b"\x00" * 10)
    result = run(buffer.getvalue(), county)
    assert "宏" in "\n".join(messages(result))


def test_preview_writes_nothing(county):
    result = run(workbook(certificate_rows(30)), county, commit=False)
    assert result.ok and result.summary == {"certificates": 30, "new_people": 30}
    assert Certificate.objects.count() == 0 and Person.objects.count() == 0


def test_queries_grow_with_batches_never_with_rows(county):
    """Each 1,000-row batch costs the same fixed number of statements: one lookup of its people, one of their
    certificates, and the INSERTs of ``bulk_create`` (which the database driver may split, e.g. SQLite's 999
    parameters per statement). Nothing is queried per row."""
    counts = []
    for batches in (1, 2, 3):
        data = workbook(certificate_rows(1_000 * batches, start=20_000 * batches))
        with CaptureQueriesContext(connection) as captured:
            assert run(data, county).ok
        counts.append(len(captured.captured_queries))
    per_batch = counts[1] - counts[0]
    assert counts[2] - counts[1] == per_batch, counts
    ops = connection.ops
    person_fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
    certificate_fields = [f for f in Certificate._meta.concrete_fields if not f.primary_key]
    inserts = -(-1_000 // ops.bulk_batch_size(person_fields, [None] * 1_000))
    inserts += -(-1_000 // ops.bulk_batch_size(certificate_fields, [None] * 1_000))
    assert per_batch <= 2 + inserts, (counts, inserts)


def test_enrolment_results_import_with_derived_results(county):
    session = TrainingSessionFactory()
    header = ["姓名", "身份证号", "出勤", "理论成绩", "实操成绩", "考核结果"]
    rows = [
        ["学员0", id_number(0), "是", 92, 88, ""],
        ["学员1", id_number(1), "是", 70, 90, ""],
        ["学员2", id_number(2), "否", None, None, ""],
        ["学员3", id_number(3), "是", 85, 79, "合格"],  # contradicts the score
        ["学员4", id_number(4), "是", 101, 90, ""],  # impossible score
    ]
    data = workbook(rows, header=header)
    result = import_enrolments(data, session=session, default_jurisdiction_id=county.pk, today=TODAY)
    assert messages(result) == [
        "第5行，“考核结果”：成绩低于80分，不能为合格。",
        "第6行，“理论成绩”：成绩应为0到100之间的数字。",
    ]
    assert Enrolment.objects.count() == 0
    result = import_enrolments(
        workbook(rows[:3], header=header), session=session, default_jurisdiction_id=county.pk, today=TODAY
    )
    assert result.ok and result.summary == {"enrolments": 3, "new_people": 3, "passed": 1}
    assert list(Enrolment.objects.order_by("person__name").values_list("result", flat=True)) == [
        "passed",
        "failed",
        "absent",
    ]


def test_admin_preview_then_confirm(client, admin_user_office, county):
    client.force_login(admin_user_office)
    upload = SimpleUploadedFile("证书.xlsx", workbook(certificate_rows(40)))
    response = client.post(
        reverse("admin:training_importjob_add"),
        {"kind": "certificates", "file": upload, "default_jurisdiction": county.pk},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == ImportStatus.READY
    assert job.total_rows == 40 and job.summary["certificates"] == 40
    assert Certificate.objects.count() == 0
    page = client.get(reverse("admin:training_importjob_change", args=[job.pk])).content.decode()
    assert "确认导入" in page and "待确认导入" in page
    client.post(reverse("admin:training_importjob_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Certificate.objects.count() == 40
    # Confirming twice does nothing.
    client.post(reverse("admin:training_importjob_confirm", args=[job.pk]))
    assert Certificate.objects.count() == 40


def test_admin_lists_the_errors_of_a_bad_file(client, admin_user_office, county):
    client.force_login(admin_user_office)
    rows = certificate_rows(5)
    rows[2][4] = "未知项目"
    upload = SimpleUploadedFile("证书.xlsx", workbook(rows))
    client.post(
        reverse("admin:training_importjob_add"),
        {"kind": "certificates", "file": upload, "default_jurisdiction": county.pk},
    )
    job = ImportJob.objects.get()
    page = client.get(reverse("admin:training_importjob_change", args=[job.pk])).content.decode()
    assert job.status == ImportStatus.INVALID
    assert "第4行，“操作项目”：“未知项目”不是已知的操作项目。" in page and "确认导入" not in page
    assert client.post(reverse("admin:training_importjob_confirm", args=[job.pk])).status_code == 302
    assert Certificate.objects.count() == 0


def test_upload_form_refuses_other_files(client, admin_user_office, county):
    client.force_login(admin_user_office)
    response = client.post(
        reverse("admin:training_importjob_add"),
        {"kind": "certificates", "file": SimpleUploadedFile("x.csv", b"a,b"), "default_jurisdiction": county.pk},
    )
    assert "请上传Excel（.xlsx）文件" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_staff_without_certificate_permission_cannot_import(client, county):
    from django.contrib.auth.models import Permission

    from tests.core.factories import StaffUserFactory

    clerk = StaffUserFactory()
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["add_importjob", "view_importjob"]))
    client.force_login(clerk)
    upload = SimpleUploadedFile("证书.xlsx", workbook(certificate_rows(2)))
    response = client.post(
        reverse("admin:training_importjob_add"),
        {"kind": "certificates", "file": upload, "default_jurisdiction": county.pk},
    )
    assert response.status_code == 403 and not ImportJob.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_large_file_is_validated_and_imported_by_the_worker_with_progress(client, admin_user_office, county):
    from tests.worker import celery_worker, wait_for

    client.force_login(admin_user_office)
    rows = certificate_rows(2_600)
    bad = list(rows)
    bad[1_234] = [*bad[1_234][:4], "不存在的项目", *bad[1_234][5:]]
    with celery_worker():
        for data, expected in ((workbook(bad), ImportStatus.INVALID), (workbook(rows), ImportStatus.READY)):
            response = client.post(
                reverse("admin:training_importjob_add"),
                {
                    "kind": "certificates",
                    "file": SimpleUploadedFile("大文件.xlsx", data),
                    "default_jurisdiction": county.pk,
                },
            )
            job = ImportJob.objects.order_by("-pk").first()
            assert response.status_code == 302 and job.status == ImportStatus.VALIDATING  # left to the worker
            status_url = reverse("admin:training_importjob_status", args=[job.pk])
            wait_for(
                lambda job=job, expected=expected: ImportJob.objects.get(pk=job.pk).status == expected,
                timeout=120,
                message=expected,
            )
            payload = client.get(status_url).json()
            assert payload["finished"] and payload["progress"] == 100
        invalid = ImportJob.objects.get(status=ImportStatus.INVALID)
        assert invalid.errors == ["第1236行，“操作项目”：“不存在的项目”不是已知的操作项目。"] and not invalid.file
        assert Certificate.objects.count() == 0
        client.post(reverse("admin:training_importjob_confirm", args=[job.pk]))
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE, timeout=120, message="done")
    assert Certificate.objects.count() == 2_600
    job.refresh_from_db()
    assert not job.file  # the upload (full ID numbers) is deleted once imported
