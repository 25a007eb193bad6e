"""Returns that hold what offices send (issue 12): attachments through the return form, the return page and the
admin, notice attachments locked once issued, and the counts kept apart (drills, training, desks, spending)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from campaigns import attachments as attachment_services
from campaigns.attachments import MAX_ATTACHMENTS
from campaigns.figures import summary_figures
from campaigns.models import ActivityReturn, NoticeAttachment, NoticeStatus, ReturnAttachment, ReturnStatus
from campaigns.resources import ActivityReturnResource
from tests.campaigns.factories import (
    ActivityReturnFactory,
    NoticeAttachmentFactory,
    ReturnAttachmentFactory,
)
from tests.core.attachment_files import docx_bytes, exe_bytes, pdf_bytes, xlsx_bytes, xlsx_with_macro_part
from tests.core.documents_support import make_notice

pytestmark = pytest.mark.django_db


def files(media_root, folder: str = "private") -> list:
    root = media_root / folder
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def form_data(task, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "period_due": task.due_on.isoformat(),
        "activity_type": "drill",
        "title": "消防应急疏散演练",
        "activity_date": "2024-06-16",
        "place": "社区广场",
        "sessions": "3",
        "participants": "400",
        "description": "组织居民开展疏散演练和培训。",
    }
    data.update(extra)
    return data


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# --- The return form -------------------------------------------------------------------------------------------------


def test_officer_attaches_several_files_with_the_return(officer_client, task, media_root):
    response = officer_client.post(
        reverse("portal:return_create", args=[task.pk]),
        form_data(
            task,
            attachment_kind="sign_in",
            attachments=[upload("签到表.xlsx", xlsx_bytes()), upload("../方案.pdf", pdf_bytes())],
            drill_sessions="2",
            drill_participants="300",
            training_sessions="1",
            training_participants="100",
            consultation_desks="4",
            spending="1250.50",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    activity_return = ActivityReturn.objects.get()
    rows = list(activity_return.attachments.order_by("pk"))
    assert [(row.display_name, row.kind) for row in rows] == [("签到表.xlsx", "sign_in"), ("方案.pdf", "sign_in")]
    assert all(row.stored_name.startswith("private/returns/") for row in rows)
    assert len(files(media_root)) == 2
    assert (activity_return.drill_sessions, activity_return.training_participants) == (2, 100)
    assert (activity_return.consultation_desks, activity_return.spending) == (4, Decimal("1250.50"))

    page = officer_client.get(reverse("portal:return_detail", args=[activity_return.pk])).content.decode()
    assert "签到表.xlsx" in page and reverse("portal:return_attachment", args=[activity_return.pk, rows[0].pk]) in page
    assert "其中：应急演练" in page and "2场、300人次" in page, page[page.find("开展场次") :][:600]
    assert "经费投入</dt><dd>1250.50元" in page, page[page.find("经费投入") :][:100]

    download = officer_client.get(reverse("portal:return_attachment", args=[activity_return.pk, rows[1].pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == pdf_bytes()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("方案.pdf", exe_bytes(), "文件内容不是可接受的类型"),
        ("签到表.xlsx", xlsx_with_macro_part(), "不接受包含宏的文件"),
        ("总结.docm", docx_bytes(), "不支持该类型的文件"),
        ("空.pdf", b"", "上传的文件是空的"),
    ],
)
def test_refused_attachment_saves_nothing(officer_client, task, media_root, name, data, message):
    response = officer_client.post(
        reverse("portal:return_create", args=[task.pk]),
        form_data(task, attachments=[upload("好的.pdf", pdf_bytes()), upload(name, data)]),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ActivityReturn.objects.exists() and not ReturnAttachment.objects.exists()
    assert files(media_root) == [] and files(media_root, "derived") == []


def test_refusal_after_the_files_were_written_removes_them(officer_a, task, media_root, monkeypatch):
    from campaigns import services
    from safetyportal.uploads import check_attachment

    checked = check_attachment(upload("方案.pdf", pdf_bytes()))
    monkeypatch.setattr(
        "campaigns.attachments.record_return_attachments",
        lambda *args, **kwargs: (_ for _ in ()).throw(ValidationError("refused")),
    )
    with pytest.raises(ValidationError):
        services.create_return(
            task=task,
            jurisdiction=officer_a.officer_profile.jurisdiction,
            period_due=task.due_on,
            fields={
                "activity_type": "drill",
                "title": "演练",
                "activity_date": dt.date(2024, 6, 1),
                "place": "广场",
                "description": "演练",
            },
            attachments=services.AttachmentsToAdd((checked,), "plan"),
            by=officer_a,
        )
    assert not ActivityReturn.objects.exists() and files(media_root) == []


def test_at_most_ten_attachments_per_return(officer_client, officer_a, task, unit_a, media_root):
    activity_return = ActivityReturnFactory(task=task, jurisdiction=unit_a)
    for _ in range(MAX_ATTACHMENTS - 1):
        ReturnAttachmentFactory(activity_return=activity_return)
    response = officer_client.post(
        reverse("portal:return_edit", args=[activity_return.pk]),
        form_data(task, attachments=[upload("a.pdf", pdf_bytes()), upload("b.pdf", pdf_bytes())]),
    )
    assert response.status_code == 400
    assert "每份报送最多10个附件（已有9个）" in response.content.decode()
    assert activity_return.attachments.count() == MAX_ATTACHMENTS - 1


def test_officer_removes_an_attachment_of_a_draft_only(
    officer_client, task, unit_a, media_root, django_capture_on_commit_callbacks
):
    activity_return = ActivityReturnFactory(task=task, jurisdiction=unit_a)
    attachment = ReturnAttachmentFactory(activity_return=activity_return)
    kept = ReturnAttachmentFactory(activity_return=activity_return)
    url = reverse("portal:return_attachment_delete", args=[activity_return.pk, attachment.pk])
    assert officer_client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(url)
    assert response.status_code == 302
    assert list(activity_return.attachments.all()) == [kept]
    assert [path.name for path in files(media_root)] == [kept.stored_name.rsplit("/", 1)[1]]

    ActivityReturn.objects.filter(pk=activity_return.pk).update(status=ReturnStatus.SUBMITTED)
    url = reverse("portal:return_attachment_delete", args=[activity_return.pk, kept.pk])
    officer_client.post(url)
    assert activity_return.attachments.count() == 1  # a submitted return keeps its attachments


def test_officer_cannot_touch_another_units_attachments(officer_client, task, unit_b, media_root):
    attachment = ReturnAttachmentFactory(activity_return=ActivityReturnFactory(task=task, jurisdiction=unit_b))
    args = [attachment.activity_return_id, attachment.pk]
    assert officer_client.get(reverse("portal:return_attachment", args=args)).status_code == 404
    assert officer_client.post(reverse("portal:return_attachment_delete", args=args)).status_code == 404
    assert ReturnAttachment.objects.filter(pk=attachment.pk).exists() and len(files(media_root)) == 1


def test_deleting_a_draft_removes_its_attachment_files(
    officer_client, task, unit_a, media_root, django_capture_on_commit_callbacks
):
    activity_return = ActivityReturnFactory(task=task, jurisdiction=unit_a)
    ReturnAttachmentFactory(activity_return=activity_return)
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(reverse("portal:return_delete", args=[activity_return.pk]))
    assert not ActivityReturn.objects.exists() and files(media_root) == []


def test_return_page_queries_do_not_grow_with_attachments(officer_client, task, unit_a, django_assert_max_num_queries):
    activity_return = ActivityReturnFactory(task=task, jurisdiction=unit_a)
    url = reverse("portal:return_detail", args=[activity_return.pk])
    ReturnAttachmentFactory(activity_return=activity_return)
    officer_client.get(url)
    with django_assert_max_num_queries(30) as first:
        officer_client.get(url)
    for _ in range(5):
        ReturnAttachmentFactory(activity_return=activity_return)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert officer_client.get(url).status_code == 200


# --- Admin ---------------------------------------------------------------------------------------------------------


def test_staff_see_and_download_a_returns_attachments_in_the_admin(staff_client, task, unit_a):
    attachment = ReturnAttachmentFactory(activity_return=ActivityReturnFactory(task=task, jurisdiction=unit_a))
    page = staff_client.get(reverse("admin:campaigns_activityreturn_change", args=[attachment.activity_return_id]))
    url = reverse("portal:return_attachment", args=[attachment.activity_return_id, attachment.pk])
    assert (
        page.status_code == 200 and url in page.content.decode() and "演练、培训、咨询与经费" in page.content.decode()
    )
    assert staff_client.get(url).status_code == 200


def test_staff_add_a_notice_attachment_while_draft_and_it_locks_once_issued(staff_client, media_root):
    notice = make_notice()
    url = reverse("admin:campaigns_notice_change", args=[notice.pk])
    page = staff_client.get(url).content.decode()
    assert 'name="attachments-0-upload"' in page
    data = {
        "authority": str(notice.authority_id),
        "title": notice.title,
        "urgency": "",
        "recipients_text": notice.recipients_text,
        "body": notice.body,
        "attachments_text": notice.attachments_text,
        "contact_note": "",
        "copy_to": "",
        "attachments-TOTAL_FORMS": "1",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
        "attachments-0-upload": upload("信息报送表.xlsx", xlsx_bytes()),
        "_continue": "1",
    }
    refused = staff_client.post(url, {**data, "attachments-0-upload": upload("宏.xlsx", xlsx_with_macro_part())})
    assert refused.status_code == 200 and "不接受包含宏的文件" in refused.content.decode()
    assert not NoticeAttachment.objects.exists() and files(media_root) == []

    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    attachment = NoticeAttachment.objects.get()
    assert attachment.notice_id == notice.pk and attachment.display_name == "信息报送表.xlsx"
    assert attachment.uploaded_by is not None and len(files(media_root)) == 1

    Notice = type(notice)
    Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.ISSUED)
    page = staff_client.get(url).content.decode()
    assert 'name="attachments-0-upload"' not in page and "信息报送表.xlsx" in page
    with pytest.raises(ValidationError):
        NoticeAttachment(notice=Notice.objects.get(pk=notice.pk), display_name="x.pdf", stored_name="private/x",
                         size=1, sha256="0", content_type="application/pdf").save()  # fmt: skip
    with pytest.raises(ValidationError):
        attachment.delete()


def test_admin_post_without_the_inline_still_saves_the_notice(staff_client):
    notice = make_notice()
    url = reverse("admin:campaigns_notice_change", args=[notice.pk])
    data = {
        **dict.fromkeys(("urgency", "attachments_text", "contact_note", "copy_to"), ""),
        "authority": str(notice.authority_id),
        "title": "新标题",
        "recipients_text": "各街道",
        "body": notice.body,
        "_continue": "1",
    }
    assert staff_client.post(url, data).status_code == 302
    notice.refresh_from_db()
    assert notice.title == "新标题"


def test_notice_attachment_service_refuses_issued_notices(staff_user, media_root):
    from safetyportal.uploads import check_attachment

    attachment = NoticeAttachmentFactory(issued=True)
    checked = check_attachment(upload("附件2.pdf", pdf_bytes()))
    with pytest.raises(ValidationError):
        attachment_services.add_notice_attachments(notice=attachment.notice, files=[checked], by=staff_user)
    assert NoticeAttachment.objects.count() == 1 and len(files(media_root)) == 1


def test_member_unit_officer_downloads_a_notice_addressed_to_the_unit(media_root):
    from tests.core.factories import MemberUnitFactory, OfficerProfileFactory

    member = MemberUnitFactory()
    profile = OfficerProfileFactory(jurisdiction=None, member_unit=member)
    other = OfficerProfileFactory(jurisdiction=None, member_unit=MemberUnitFactory())
    attachment = NoticeAttachmentFactory(member_recipients=[member], issued=True)
    draft = NoticeAttachmentFactory(member_recipients=[member])
    client, stranger = Client(), Client()
    client.force_login(profile.user)
    stranger.force_login(other.user)
    url = reverse("portal:notice_attachment", args=[attachment.notice_id, attachment.pk])
    assert client.get(url).status_code == 200
    assert stranger.get(url).status_code == 404
    assert client.get(reverse("portal:notice_attachment", args=[draft.notice_id, draft.pk])).status_code == 404
    wrong = reverse("portal:notice_attachment", args=[attachment.notice_id, draft.pk])
    assert client.get(wrong).status_code == 404  # another notice's attachment under this notice


# --- Counts kept apart -----------------------------------------------------------------------------------------------


def test_drills_and_training_cannot_exceed_the_totals(officer_client, task):
    response = officer_client.post(
        reverse("portal:return_create", args=[task.pk]),
        form_data(task, sessions="2", drill_sessions="2", training_sessions="1", spending="-1"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "开展场次（合计）不能少于演练场次与培训场次之和" in page
    assert not ActivityReturn.objects.exists()


def test_database_holds_the_parts_within_the_totals(task, unit_a):
    activity_return = ActivityReturnFactory(task=task, jurisdiction=unit_a, sessions=1, participants=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityReturn.objects.filter(pk=activity_return.pk).update(drill_sessions=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityReturn.objects.filter(pk=activity_return.pk).update(spending=Decimal("-0.01"))


def test_summary_drills_and_training_come_from_the_new_counts(campaign, task, unit_a, unit_b):
    # A consultation day with a drill counts its drill; a "drill" return counts what it says it drilled.
    ActivityReturnFactory(task=task, jurisdiction=unit_a, status=ReturnStatus.ACCEPTED, activity_type="consultation",
                          sessions=5, participants=500, drill_sessions=1, drill_participants=120,
                          consultation_desks=3)  # fmt: skip
    ActivityReturnFactory(task=task, jurisdiction=unit_b, status=ReturnStatus.ACCEPTED, activity_type="drill",
                          sessions=2, participants=200, drill_sessions=1, drill_participants=150,
                          training_sessions=1, training_participants=50)  # fmt: skip
    figures = summary_figures(campaign, photo_limit=0)
    drill_training = figures.drill_training
    assert (drill_training.drill_sessions, drill_training.drill_participants) == (2, 270)
    assert (drill_training.training_sessions, drill_training.training_participants) == (1, 50)
    assert (drill_training.sessions, drill_training.participants, drill_training.returns) == (3, 320, 2)
    assert figures.consultation_desks == 3
    from campaigns.summaries import figures_sentence

    text = figures_sentence(figures)
    assert "其中应急救援演练和知识技能培训3场，参与320人次" in text and "共设置咨询台3个" in text


def test_export_and_import_carry_the_new_counts(staff_user, task, unit_a):
    activity_return = ActivityReturnFactory(
        task=task,
        jurisdiction=unit_a,
        activity_type="training",
        sessions=4,
        participants=80,
        consultation_desks=2,
        spending=Decimal("300.00"),
    )
    dataset = ActivityReturnResource(user=staff_user).export(queryset=ActivityReturn.objects.all())
    headers = dataset.headers
    for label in ("培训场次（场）", "培训人次", "演练场次（场）", "咨询台（个）", "经费投入（元）"):
        assert label in headers
    row = dict(zip(headers, dataset[0], strict=True))
    assert (row["培训场次（场）"], row["培训人次"], row["咨询台（个）"]) == (4, 80, 2)
    assert Decimal(str(row["经费投入（元）"])) == Decimal("300.00")
    assert activity_return.training_sessions == 4


def test_add_attachments_service_checks_scope_and_state(officer_a, officer_b, task, unit_a, media_root):
    from django.core.exceptions import PermissionDenied

    from safetyportal.uploads import check_attachment

    activity_return = ActivityReturnFactory(task=task, jurisdiction=unit_a)
    checked = check_attachment(upload("总结.docx", docx_bytes()))
    with pytest.raises(PermissionDenied):
        attachment_services.add_return_attachments(
            activity_return=activity_return, files=[checked], kind="summary", by=officer_b
        )
    [row] = attachment_services.add_return_attachments(
        activity_return=activity_return, files=[checked], kind="summary", by=officer_a
    )
    assert (row.kind, row.display_name, row.uploaded_by) == ("summary", "总结.docx", officer_a)
    ActivityReturn.objects.filter(pk=activity_return.pk).update(status=ReturnStatus.ACCEPTED)
    with pytest.raises(ValidationError, match="只有草稿或被退回的报送可以添加附件"):
        attachment_services.add_return_attachments(
            activity_return=activity_return, files=[checked], kind="summary", by=officer_a
        )
    assert activity_return.attachments.count() == 1 and len(files(media_root)) == 1


def test_a_correction_starts_with_copies_of_the_originals_attachments(staff_user, media_root):
    """更正通知: the draft carries the original's 附件 as copies (same names, bytes and order, new private files); the
    issued notice keeps its own files untouched and the copies can be changed on the draft."""
    from campaigns import services

    first = NoticeAttachmentFactory(name="附件1.信息报送表.pdf")
    NoticeAttachmentFactory(notice=first.notice, name="附件2.联系人名单.pdf", issued=True)
    original = type(first.notice).objects.get(pk=first.notice_id)
    assert original.status == NoticeStatus.ISSUED
    before = sorted(files(media_root))

    correction = services.draft_correction(notice=original, by=staff_user)
    copies = list(correction.attachments.order_by("pk"))
    originals = list(original.attachments.order_by("pk"))
    assert [c.display_name for c in copies] == [o.display_name for o in originals]
    assert [c.sha256 for c in copies] == [o.sha256 for o in originals]
    assert not {c.stored_name for c in copies} & {o.stored_name for o in originals}
    assert len(files(media_root)) == len(before) + 2
    copies[0].delete()  # the draft's copy is its own
    assert original.attachments.count() == 2
