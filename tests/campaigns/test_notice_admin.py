"""Notices (通知) in the admin: draft, preview, issue with a 发文字号, lock, correct, never delete.

Fast client tests: no broker and no worker. ``enqueue`` is replaced by a recorder, the on-commit callbacks are run
with ``django_capture_on_commit_callbacks``, and the PDFs are produced by calling ``services.render`` directly.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models.deletion import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Notice, NoticeStatus
from safetyportal.documents import services as document_services
from safetyportal.documents.models import DocumentNumberSequence, DocumentStatus, GeneratedDocument, IssuingAuthority
from tests.core.factories import CountyFactory, OfficerProfileFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

TITLE = "关于开展第一季度安全生产大检查的通知"
BODY = "为切实做好安全生产工作，现将有关事项通知如下。\n一、检查范围\n（一）工贸企业\n请各单位认真贯彻落实。"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def enqueued(monkeypatch) -> list[int]:
    """The ids ``request_document`` hands to the broker once its transaction commits (no broker involved)."""
    ids: list[int] = []

    def record(document_id: int) -> bool:
        ids.append(document_id)
        return True

    monkeypatch.setattr(document_services, "enqueue", record)
    return ids


@pytest.fixture
def authority(db) -> IssuingAuthority:
    return IssuingAuthority.objects.create(
        name="晋江市安全生产委员会办公室", header="晋江市安全生产委员会办公室文件", code="晋安办"
    )


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def form_data(authority: IssuingAuthority, **overrides: str) -> dict[str, str]:
    data = {
        "authority": str(authority.pk),
        "title": TITLE,
        "urgency": "",
        "recipients_text": "各街道办事处、镇人民政府，市安委会各成员单位",
        "body": BODY,
        "attachments_text": "",
        "contact_note": "",
        "copy_to": "",
        "recipient_jurisdictions": str(CountyFactory().pk),  # an addressed unit: a notice needs one to be issued
    }
    data.update(overrides)
    return data


def change_url(notice: Notice) -> str:
    return reverse("admin:campaigns_notice_change", args=[notice.pk])


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(message) for message in get_messages(response.wsgi_request)]


def create_notice(client, authority: IssuingAuthority, **overrides: str) -> Notice:  # type: ignore[no-untyped-def]
    response = client.post(
        reverse("admin:campaigns_notice_add"), {**form_data(authority, **overrides), "_continue": "1"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = Notice.objects.latest("pk")
    assert response["Location"] == change_url(notice)
    return notice


def issue_url(notice: Notice) -> str:
    return reverse("admin:campaigns_notice_issue", args=[notice.pk])


def issue(client, notice: Notice, capture, **overrides: str):  # type: ignore[no-untyped-def]
    """Press 印发 on the change form (which saves it), then confirm the number on the confirmation page."""
    with capture(execute=True):
        response = client.post(change_url(notice), {**form_data(notice.authority, **overrides), "_issue": "1"})
        assert response.status_code == 302 and response["Location"] == issue_url(notice)
        page = client.get(issue_url(notice))
        if page.status_code != 200:
            return page  # refused before the confirmation (no permission, already issued)
        expected = re.search(r'name="expected_number" value="([^"]+)"', page.content.decode()).group(1)
        return client.post(issue_url(notice), {"expected_number": expected})


def test_staff_creates_previews_and_issues_a_notice(
    staff_client, staff_user, authority, enqueued, django_capture_on_commit_callbacks
):
    notice = create_notice(staff_client, authority)
    assert (notice.title, notice.status, notice.number, notice.created_by) == (
        TITLE,
        NoticeStatus.DRAFT,
        "",
        staff_user,
    )
    page = staff_client.get(change_url(notice)).content.decode()
    assert 'name="_preview"' in page and "保存并预览PDF" in page
    assert 'name="_issue"' in page and "印发（分配发文字号并锁定）" in page

    # Preview: an unnumbered draft PDF without a verification token, enqueued once the request commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(change_url(notice), {**form_data(authority), "_preview": "1"})
    assert response.status_code == 302 and response["Location"] == change_url(notice)
    assert "已提交预览，生成完成后可在下方下载。" in messages_of(response)
    preview = GeneratedDocument.objects.get()
    assert preview.is_preview and preview.number == "" and preview.verify_token is None
    assert preview.status == DocumentStatus.QUEUED and preview.source == notice
    assert enqueued == [preview.pk]
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT and notice.number == "" and notice.document is None

    rendered = document_services.render(document_id=preview.pk)
    assert rendered.status == DocumentStatus.DONE and rendered.file.read(4) == b"%PDF"

    # Issue: the next number of the authority's year, the notice locked, the official PDF requested.
    response = issue(staff_client, notice, django_capture_on_commit_callbacks)
    year = timezone.localdate().year
    number = f"晋安办〔{year}〕1号"
    assert response.status_code == 302 and response["Location"] == change_url(notice)
    assert f"通知已印发，发文字号：{number}。正式文件生成中。" in messages_of(response)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ISSUED
    assert (notice.number, notice.year, notice.serial) == (number, year, 1)
    assert notice.issued_by == staff_user and notice.issued_on == timezone.localdate() and notice.issued_at
    document = notice.document
    assert not document.is_preview and document.number == number and document.issued_on == notice.issued_on
    assert document.verify_token and len(document.verify_token) == 16
    assert document.status == DocumentStatus.QUEUED
    assert enqueued == [preview.pk, document.pk]

    document = document_services.render(document_id=document.pk)
    assert document.status == DocumentStatus.DONE and document.progress == 100 and document.page_count >= 1

    # The issued notice shows no draft buttons, only preview and correction, and its documents.
    page = staff_client.get(change_url(notice)).content.decode()
    assert 'name="_issue"' not in page and 'name="_continue"' not in page
    assert "创建更正通知" in page and "预览稿" in page and number in page and "下载PDF" in page


def test_second_issue_is_refused_without_a_new_number(
    staff_client, authority, enqueued, django_capture_on_commit_callbacks
):
    notice = create_notice(staff_client, authority)
    issue(staff_client, notice, django_capture_on_commit_callbacks)
    notice.refresh_from_db()
    first_number, first_document = notice.number, notice.document_id

    response = issue(staff_client, notice, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert messages_of(response)[-1] == "该通知已印发，不能重复印发。"
    notice.refresh_from_db()
    assert (notice.number, notice.document_id, notice.status) == (first_number, first_document, NoticeStatus.ISSUED)
    assert DocumentNumberSequence.objects.get(authority=authority).last_serial == 1
    assert GeneratedDocument.objects.count() == 1 and enqueued == [first_document]


def test_issued_notice_cannot_be_edited(staff_client, authority, enqueued, django_capture_on_commit_callbacks):
    notice = create_notice(staff_client, authority)
    issue(staff_client, notice, django_capture_on_commit_callbacks)

    response = staff_client.post(change_url(notice), {**form_data(authority, title="改过的标题"), "_continue": "1"})

    assert response.status_code == 302 and response["Location"] == change_url(notice)
    assert messages_of(response)[-1] == "已印发的通知不能修改，如需更正请创建更正通知。"  # no false "成功修改"
    notice = Notice.objects.get(pk=notice.pk)
    assert notice.title == TITLE and notice.status == NoticeStatus.ISSUED
    page = staff_client.get(change_url(notice)).content.decode()
    assert 'name="title"' not in page  # every content field is read-only

    notice.title = "改过的标题"
    with pytest.raises(ValidationError, match="已印发的通知不能修改"):
        notice.save()
    assert Notice.objects.get(pk=notice.pk).title == TITLE


def test_refreshed_instance_cannot_edit_an_issued_notice(
    staff_client, authority, enqueued, django_capture_on_commit_callbacks
):
    notice = create_notice(staff_client, authority)  # loaded while still a draft
    issue(staff_client, notice, django_capture_on_commit_callbacks)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ISSUED

    notice.title = "改过的标题"
    with pytest.raises(ValidationError):
        notice.save()


def test_correction_supersedes_the_original_with_the_next_number(
    staff_client, staff_user, authority, enqueued, django_capture_on_commit_callbacks
):
    original = create_notice(staff_client, authority)
    issue(staff_client, original, django_capture_on_commit_callbacks)

    response = staff_client.post(change_url(original), {"_correct": "1"})

    correction = Notice.objects.exclude(pk=original.pk).get()
    assert response.status_code == 302 and response["Location"] == change_url(correction)
    assert "已创建更正通知草稿，印发后将替代原通知。" in messages_of(response)
    assert correction.supersedes == original and correction.status == NoticeStatus.DRAFT
    assert (correction.title, correction.body, correction.number) == (TITLE, BODY, "")
    assert correction.created_by == staff_user
    original.refresh_from_db()
    assert original.status == NoticeStatus.ISSUED  # until the correction is issued

    issue(staff_client, correction, django_capture_on_commit_callbacks, title=TITLE + "（更正）")

    year = timezone.localdate().year
    correction.refresh_from_db()
    original.refresh_from_db()
    assert correction.status == NoticeStatus.ISSUED and correction.title == TITLE + "（更正）"
    assert (original.number, correction.number) == (f"晋安办〔{year}〕1号", f"晋安办〔{year}〕2号")
    assert original.status == NoticeStatus.SUPERSEDED
    assert original.title == TITLE and original.document.number == original.number
    page = staff_client.get(change_url(correction)).content.decode()
    assert change_url(original) in page  # the link to the superseded notice


def test_correcting_a_draft_is_refused(staff_client, authority, enqueued):
    draft = create_notice(staff_client, authority)
    response = staff_client.post(change_url(draft), {**form_data(authority), "_correct": "1"})
    assert response.status_code == 302
    assert "草稿可以直接修改，无需创建更正通知。" in messages_of(response)
    assert Notice.objects.count() == 1


def test_notices_are_never_deleted(client, admin_user_office, authority, enqueued, django_capture_on_commit_callbacks):
    client.force_login(admin_user_office)  # administrators may delete other things, never a notice
    draft = create_notice(client, authority)
    issued = create_notice(client, authority, title="另一份通知")
    issue(client, issued, django_capture_on_commit_callbacks)

    for notice in (draft, issued):
        response = client.get(reverse("admin:campaigns_notice_delete", args=[notice.pk]))
        assert response.status_code == 403
        assert (
            client.post(reverse("admin:campaigns_notice_delete", args=[notice.pk]), {"post": "yes"}).status_code == 403
        )

    changelist = reverse("admin:campaigns_notice_changelist")
    assert 'value="delete_selected"' not in client.get(changelist).content.decode()
    response = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [draft.pk, issued.pk], "index": "0", "post": "yes"},
    )
    assert response.status_code in (200, 302, 403)  # no action exists: the POST falls through to the list
    assert Notice.objects.count() == 2

    with pytest.raises(ProtectedError):
        Notice.objects.all().delete()
    with pytest.raises(ProtectedError):
        draft.delete()
    assert Notice.objects.count() == 2


def test_staff_without_issue_permission_cannot_issue(client, authority, enqueued, django_capture_on_commit_callbacks):
    clerk = StaffUserFactory()
    clerk.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="campaigns", codename__in=["view_notice", "add_notice", "change_notice"]
        )
    )
    client.force_login(clerk)
    notice = create_notice(client, authority)

    page = client.get(change_url(notice)).content.decode()
    assert 'name="_issue"' not in page and "印发（分配发文字号并锁定）" not in page
    assert 'name="_preview"' in page

    response = issue(client, notice, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert "您没有印发通知的权限。" in messages_of(response)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT and notice.number == "" and notice.document is None
    assert not DocumentNumberSequence.objects.exists() and not GeneratedDocument.objects.exists()
    assert enqueued == []


def test_view_only_staff_cannot_use_the_issued_notice_buttons(
    staff_client, authority, enqueued, django_capture_on_commit_callbacks
):
    notice = create_notice(staff_client, authority)
    issue(staff_client, notice, django_capture_on_commit_callbacks)
    reader = StaffUserFactory()
    reader.user_permissions.add(Permission.objects.get(content_type__app_label="campaigns", codename="view_notice"))
    staff_client.force_login(reader)

    assert staff_client.get(change_url(notice)).status_code == 200
    for button in ("_correct", "_preview", "_issue"):
        assert staff_client.post(change_url(notice), {button: "1"}).status_code == 403
    assert Notice.objects.count() == 1 and GeneratedDocument.objects.count() == 1


@pytest.fixture
def issued_document(staff_client, authority, enqueued, django_capture_on_commit_callbacks) -> GeneratedDocument:
    notice = create_notice(staff_client, authority)
    issue(staff_client, notice, django_capture_on_commit_callbacks)
    notice.refresh_from_db()
    return notice.document


def test_status_endpoint_reports_progress_to_staff_only(client, staff_user, issued_document):
    url = reverse("admin:safetyportal_generateddocument_status", args=[issued_document.pk])

    client.force_login(staff_user)
    payload = client.get(url).json()
    assert payload == {
        "id": issued_document.pk,
        "status": "queued",
        "status_label": "排队中",
        "progress": 0,
        "error": "",
        "done": False,
        "finished": False,
    }
    document_services.render(document_id=issued_document.pk)
    payload = client.get(url).json()
    assert (payload["status_label"], payload["progress"], payload["done"], payload["finished"]) == (
        "已完成",
        100,
        True,
        True,
    )
    assert client.post(url).status_code == 405

    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))

    client.force_login(OfficerProfileFactory().user)
    response = client.get(url)
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("admin:login"))
    assert b"progress" not in response.content


def test_download_serves_the_pdf_once_done(client, staff_user, issued_document):
    url = reverse("admin:safetyportal_generateddocument_download", args=[issued_document.pk])
    client.force_login(staff_user)

    assert client.get(url).status_code == 404  # still queued

    document_services.render(document_id=issued_document.pk)
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]  # the number, in Chinese, RFC 5987-encoded
    assert response["X-Content-Type-Options"] == "nosniff"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF") and len(content) == GeneratedDocument.objects.get().size_bytes

    client.logout()
    assert client.get(url).status_code == 302


def test_changelist_queries_do_not_grow_with_the_notices(staff_client, authority, django_assert_max_num_queries):
    def add_notices(count: int) -> None:
        Notice.objects.bulk_create(
            Notice(authority=authority, title=f"通知{i}", body="正文", recipients_text="各单位") for i in range(count)
        )

    changelist = reverse("admin:campaigns_notice_changelist")
    add_notices(3)
    with CaptureQueriesContext(connection) as three:
        response = staff_client.get(changelist)
    assert response.status_code == 200 and response.context["cl"].result_count == 3

    add_notices(27)
    with django_assert_max_num_queries(len(three.captured_queries)) as thirty:
        response = staff_client.get(changelist)
    assert response.context["cl"].result_count == 30
    assert len(re.findall(r'class="field-title"', response.content.decode())) == 30
    assert len(thirty.captured_queries) == len(three.captured_queries)
