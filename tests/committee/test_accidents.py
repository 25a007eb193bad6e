"""Accidents (issue 15): the level by the regulation's thresholds at every boundary, the 15-day warning-meeting clock
of seed 004 §23 (natural days, Asia/Shanghai), reminders once a day on queue messages, the exposure draft."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from committee import services
from committee.models import Accident, AccidentLevel, accident_level
from inspections.models import CaseKind, CaseStatus, ExposureCase
from safetyportal.messaging.models import MessageDelivery, PortalMessage
from safetyportal.workdays import CalendarNotCovered, add_working_days
from tests.committee.factories import AccidentFactory
from tests.core.factories import EnterpriseFactory, OfficerProfileFactory, make_id_number

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
G, L, M, E = AccidentLevel.GENERAL, AccidentLevel.LARGER, AccidentLevel.MAJOR, AccidentLevel.ESPECIALLY_MAJOR


@pytest.mark.parametrize(
    ("deaths", "serious", "loss", "level"),
    [
        (0, 0, "0", G),
        # deaths: 3 / 10 / 30 start a level ("以上" includes the number)
        (2, 0, "0", G),
        (3, 0, "0", L),
        (9, 0, "0", L),
        (10, 0, "0", M),
        (29, 0, "0", M),
        (30, 0, "0", E),
        # serious injuries: 10 / 50 / 100
        (0, 9, "0", G),
        (0, 10, "0", L),
        (0, 49, "0", L),
        (0, 50, "0", M),
        (0, 99, "0", M),
        (0, 100, "0", E),
        # direct loss: 1000万 / 5000万 / 1亿 yuan
        (0, 0, "9999999.99", G),
        (0, 0, "10000000", L),
        (0, 0, "49999999.99", L),
        (0, 0, "50000000", M),
        (0, 0, "99999999.99", M),
        (0, 0, "100000000", E),
        # the highest level any one figure reaches
        (2, 50, "0", M),
        (3, 0, "100000000", E),
    ],
)
def test_level_at_every_boundary(deaths, serious, loss, level):
    assert accident_level(deaths, serious, Decimal(loss)) == level


def test_level_is_computed_on_save_and_follows_a_change():
    accident = AccidentFactory(deaths=2, serious_injuries=0, direct_loss=Decimal(0))
    assert accident.level == G
    accident.deaths = 3
    services.save_accident(accident=accident, by=None)
    accident.refresh_from_db()
    assert accident.level == L and accident.get_level_display() == "较大事故"


def test_meeting_clock_counts_fifteen_natural_days_in_shanghai():
    # 2026-09-28 16:30 UTC is 29 September 00:30 in Shanghai: day 0 is the 29th, the meeting is due 14 October.
    accident = AccidentFactory(occurred_at=dt.datetime(2026, 9, 28, 16, 30, tzinfo=dt.UTC))
    assert accident.occurred_on == dt.date(2026, 9, 29)
    assert accident.meeting_due_on == dt.date(2026, 10, 14)
    # 国庆 (1-7 October 2026) does not move it: the seed says 15 日, not 15 个工作日 (the calendar would say 10-28).
    assert add_working_days(dt.date(2026, 9, 29), 15) != accident.meeting_due_on


def test_meeting_clock_needs_no_holiday_calendar():
    """A year the working-day calendar does not cover still has its 15-day clock (natural days)."""
    occurred = dt.datetime(2031, 3, 1, 10, 0, tzinfo=SHANGHAI)
    with pytest.raises(CalendarNotCovered):
        add_working_days(occurred.date(), 1)
    accident = Accident(occurred_at=occurred)
    assert accident.meeting_due_on == dt.date(2031, 3, 16)


def test_meeting_state():
    accident = AccidentFactory(occurred_at=dt.datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI))
    assert accident.meeting_state(dt.date(2026, 3, 16)) == "open"
    assert accident.meeting_state(dt.date(2026, 3, 17)) == "overdue"
    services.record_meeting(
        accident=accident, by=None, held_on=dt.date(2026, 3, 16), place="车间", attendance=45, record="警示内容"
    )
    assert accident.meeting_state(dt.date(2026, 4, 1)) == "held"
    accident.meeting_held_on = dt.date(2026, 3, 17)
    assert accident.meeting_state() == "held_late"


def test_meeting_cannot_precede_the_accident():
    accident = AccidentFactory(occurred_at=dt.datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI))
    with pytest.raises(ValidationError):
        services.record_meeting(
            accident=accident, by=None, held_on=dt.date(2026, 2, 28), place="", attendance=None, record=""
        )


def _accident_due_in(days: int, today: dt.date, **kwargs) -> Accident:
    occurred = dt.datetime.combine(today - dt.timedelta(days=15 - days), dt.time(10, 0), tzinfo=SHANGHAI)
    return AccidentFactory(occurred_at=occurred, **kwargs)


def test_reminders_go_to_the_units_officers_once_a_day():
    today = dt.date(2026, 11, 20)
    due_soon = _accident_due_in(3, today)
    officer = OfficerProfileFactory(jurisdiction=due_soon.jurisdiction).user
    other = OfficerProfileFactory().user  # another unit
    _accident_due_in(10, today, jurisdiction=due_soon.jurisdiction)  # not yet (more than 5 days left)
    held = _accident_due_in(1, today, jurisdiction=due_soon.jurisdiction)
    services.record_meeting(accident=held, by=None, held_on=today, place="x", attendance=10, record="x")

    assert services.send_meeting_reminders(today=today) == 1
    message = PortalMessage.objects.get(user=officer)
    assert "现场警示教育会议" in message.text and "还剩3天" in message.text
    assert not PortalMessage.objects.filter(user=other).exists()
    deliveries = MessageDelivery.objects.count()

    # The same day again: nothing (the accident's reminder date and notify()'s once-a-day rows).
    assert services.send_meeting_reminders(today=today) == 0
    assert MessageDelivery.objects.count() == deliveries
    assert PortalMessage.objects.filter(user=officer).count() == 1
    # Even if the accident's own mark were lost, notify() would not send the same key twice on one day.
    Accident.objects.filter(pk=due_soon.pk).update(meeting_reminded_on=None)
    assert services.send_meeting_reminders(today=today) == 0
    assert MessageDelivery.objects.count() == deliveries


def test_a_communitys_accident_also_reminds_the_office_above_it():
    from tests.core.factories import CommunityFactory

    today = dt.date(2026, 11, 20)
    community = CommunityFactory()
    accident = _accident_due_in(2, today, jurisdiction=community)
    own = OfficerProfileFactory(jurisdiction=community).user
    office = OfficerProfileFactory(jurisdiction=community.parent).user
    county = OfficerProfileFactory(jurisdiction=community.parent.parent).user  # two levels up: not reminded
    sibling = OfficerProfileFactory(jurisdiction=CommunityFactory(parent=community.parent)).user
    assert services.send_meeting_reminders(today=today) == 2
    assert set(PortalMessage.objects.values_list("user_id", flat=True)) == {own.pk, office.pk}
    assert not PortalMessage.objects.filter(user__in=[county, sibling]).exists()
    assert str(accident.unit_name) in PortalMessage.objects.get(user=office).text


def test_overdue_meetings_are_reminded_every_day(monkeypatch):
    from django.utils import timezone

    today = dt.date(2026, 11, 20)
    overdue = _accident_due_in(-2, today)
    officer = OfficerProfileFactory(jurisdiction=overdue.jurisdiction).user
    monkeypatch.setattr(timezone, "localdate", lambda *args: today)
    assert services.send_meeting_reminders() == 1
    monkeypatch.setattr(timezone, "localdate", lambda *args: today + dt.timedelta(days=1))
    assert services.send_meeting_reminders() == 1
    texts = list(PortalMessage.objects.filter(user=officer).values_list("text", flat=True))
    assert len(texts) == 2 and all("已逾期" in text for text in texts)


def test_voided_accidents_are_not_reminded(staff_user):
    from safetyportal.services import void_record

    today = dt.date(2026, 11, 20)
    accident = _accident_due_in(2, today)
    OfficerProfileFactory(jurisdiction=accident.jurisdiction)
    void_record(record=accident, by=staff_user, reason="重复登记")
    assert services.send_meeting_reminders(today=today) == 0


def test_reminder_task_runs_on_the_messages_queue_each_day():
    assert settings.CELERY_TASK_ROUTES["committee.send_meeting_reminders"] == {"queue": "messages"}
    entry = settings.CELERY_BEAT_SCHEDULE["committee-meeting-reminders"]
    assert entry["task"] == "committee.send_meeting_reminders"
    from committee.tasks import send_meeting_reminders

    assert send_meeting_reminders.name == "committee.send_meeting_reminders"


def test_exposure_draft_carries_no_personal_data(admin_user_office):
    id_number = make_id_number(4242)
    enterprise = EnterpriseFactory(legal_representative="林大山", contact_name="陈小红")
    accident = AccidentFactory(
        jurisdiction=enterprise.jurisdiction,
        enterprise=enterprise,
        unit_name=enterprise.name,
        deaths=1,
        serious_injuries=2,
        description=f"死者张三丰（身份证号{id_number}，电话13800138000）在车间清理设备时被卷入。",
        occurred_at=dt.datetime(2026, 5, 6, 14, 0, tzinfo=SHANGHAI),
    )
    case = services.draft_exposure_case(accident=accident, by=admin_user_office)
    case = ExposureCase.objects.get(pk=case.pk)
    assert case.kind == CaseKind.ACCIDENT and case.status == CaseStatus.DRAFT
    assert case.case_date == dt.date(2026, 5, 6)
    text = " ".join(str(getattr(case, name)) for name in ExposureCase.EDITABLE_TEXT)
    for secret in ("张三丰", id_number, "13800138000", "林大山", "陈小红", "卷入"):
        assert secret not in text
    assert "机械伤害" in case.body and "1人死亡" in case.body and "2人重伤" in case.body
    accident.refresh_from_db()
    assert accident.exposure_case_id == case.pk
    with pytest.raises(ValidationError):  # one draft per accident
        services.draft_exposure_case(accident=accident, by=admin_user_office)


def test_only_staff_draft_an_exposure_case(officer_a, unit_a):
    accident = AccidentFactory(jurisdiction=unit_a)
    with pytest.raises(PermissionDenied):
        services.draft_exposure_case(accident=accident, by=officer_a)
    assert not ExposureCase.objects.exists()


def test_accidents_are_never_deleted():
    from django.db.models.deletion import ProtectedError

    accident = AccidentFactory()
    with pytest.raises(ProtectedError):
        accident.delete()
    with pytest.raises(ProtectedError):
        Accident.objects.all().delete()


@pytest.mark.parametrize("count", [1, 12])
def test_admin_accident_list_runs_a_constant_number_of_queries(
    client, admin_user_office, count, django_assert_max_num_queries
):
    for _ in range(count):
        AccidentFactory()
    client.force_login(admin_user_office)
    with django_assert_max_num_queries(16):
        response = client.get("/admin/committee/accident/")
    assert response.status_code == 200
    assert "事故发生后15日内，自然日" in response.content.decode()


def test_admin_action_drafts_the_case(client, admin_user_office):
    accident = AccidentFactory()
    client.force_login(admin_user_office)
    response = client.post(
        "/admin/committee/accident/",
        {"action": "draft_exposure_cases", "_selected_action": [accident.pk]},
    )
    assert response.status_code == 302
    accident.refresh_from_db()
    assert accident.exposure_case_id is not None


def test_admin_add_and_change_pages_render(client, admin_user_office):
    accident = AccidentFactory()
    client.force_login(admin_user_office)
    assert client.get("/admin/committee/accident/add/").status_code == 200
    page = client.get(f"/admin/committee/accident/{accident.pk}/change/")
    assert page.status_code == 200 and "自然日" in page.content.decode()


def test_admin_voids_with_a_reason_and_the_record_stays(client, admin_user_office):
    accident = AccidentFactory()
    client.force_login(admin_user_office)
    url = f"/admin/committee/accident/{accident.pk}/void/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 200  # a reason is required
    assert client.post(url, {"reason": "重复登记"}).status_code == 302
    accident.refresh_from_db()
    assert accident.is_voided and accident.void_reason == "重复登记" and accident.voided_by == admin_user_office
    page = client.get(f"/admin/committee/accident/{accident.pk}/change/").content.decode()
    assert "已作废：重复登记" in page


# --- The meeting's evidence as files (AccidentAttachment) -----------------------------------------------------------


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def _stored_files(media_root) -> list:
    root = media_root / "private" / "accidents"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def _change_data(accident: Accident, **extra: object) -> dict[str, object]:
    from django.utils import timezone

    local = timezone.localtime(accident.occurred_at)
    return {
        "occurred_at_0": f"{local:%Y-%m-%d}",
        "occurred_at_1": f"{local:%H:%M:%S}",
        "place": accident.place,
        "jurisdiction": str(accident.jurisdiction_id),
        "enterprise": "",
        "unit_name": accident.unit_name,
        "accident_type": accident.accident_type,
        "deaths": str(accident.deaths),
        "serious_injuries": str(accident.serious_injuries),
        "minor_injuries": str(accident.minor_injuries),
        "direct_loss": str(accident.direct_loss),
        "investigation_status": accident.investigation_status,
        "description": accident.description,
        "meeting_held_on": "",
        "meeting_place": "",
        "meeting_attendance": "",
        "meeting_record": "",
        "attachments-TOTAL_FORMS": "1",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
        "attachments-0-kind": "sign_in",
        "_continue": "1",
        **extra,
    }


def test_staff_upload_meeting_evidence_in_the_admin_and_download_it(client, staff_user, media_root):
    from django.urls import reverse

    from committee.models import AccidentAttachment
    from safetyportal.history import RecordHistory
    from tests.core.attachment_files import pdf_bytes

    accident = AccidentFactory()
    client.force_login(staff_user)
    url = reverse("admin:committee_accident_change", args=[accident.pk])
    page = client.get(url).content.decode()
    assert 'name="attachments-0-upload"' in page and "警示教育会议材料" in page
    response = client.post(
        url, _change_data(accident, **{"attachments-0-upload": _upload("../签到表.pdf", pdf_bytes())})
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = AccidentAttachment.objects.get()
    assert (row.accident_id, row.kind, row.display_name) == (accident.pk, "sign_in", "签到表.pdf")
    assert row.uploaded_by == staff_user and row.stored_name.startswith("private/accidents/")
    assert len(_stored_files(media_root)) == 1
    assert RecordHistory.objects.filter(object_id=accident.pk, note__contains="警示教育会议材料").exists()

    download_url = reverse("admin:committee_accident_attachment", args=[accident.pk, row.pk])
    assert download_url in client.get(url).content.decode()
    download = client.get(download_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == pdf_bytes()
    # The saved row is shown, never offered for change or removal.
    page = client.get(url).content.decode()
    assert 'name="attachments-0-DELETE"' not in page
    # Its columns are headed in Chinese and the saved row's upload cell is a dash, not "None".
    assert ">Upload<" not in page and "上传文件" in page and ">None<" not in page


@pytest.mark.parametrize(
    ("name", "data_name", "message"),
    [
        ("程序.pdf", "exe", "文件内容不是可接受的类型"),
        ("宏.xlsx", "macro", "不接受包含宏的文件"),
        ("脚本.html", "pdf", "不支持该类型的文件"),
    ],
)
def test_bad_evidence_files_are_refused_and_nothing_is_stored(client, staff_user, media_root, name, data_name, message):
    from django.urls import reverse

    from committee.models import AccidentAttachment
    from tests.core.attachment_files import exe_bytes, pdf_bytes, xlsx_with_macro_part

    data = {"exe": exe_bytes, "macro": xlsx_with_macro_part, "pdf": pdf_bytes}[data_name]()
    accident = AccidentFactory()
    client.force_login(staff_user)
    url = reverse("admin:committee_accident_change", args=[accident.pk])
    response = client.post(url, _change_data(accident, **{"attachments-0-upload": _upload(name, data)}))
    assert response.status_code == 200 and message in response.content.decode()
    assert not AccidentAttachment.objects.exists() and _stored_files(media_root) == []


def test_evidence_download_needs_the_permission_to_view_accidents(client, media_root, officer_a, unit_a):
    from django.contrib.auth.models import Group
    from django.urls import reverse

    from committee.models import AccidentAttachment
    from safetyportal.uploads import check_attachment, store_private
    from tests.core.attachment_files import jpeg_bytes
    from tests.core.factories import StaffUserFactory

    accident = AccidentFactory(jurisdiction=unit_a)
    checked = check_attachment(_upload("现场照片.jpg", jpeg_bytes()))
    row = AccidentAttachment(accident=accident, kind="photo")
    row.set_file(checked, store_private(checked, "accidents"))
    row.save()
    url = reverse("admin:committee_accident_attachment", args=[accident.pk, row.pk])

    # Anonymous: to the admin's login. The unit's own officer (not staff) never reaches the admin.
    assert client.get(url).status_code == 302
    client.force_login(officer_a)
    assert client.get(url).status_code in (302, 403, 404)
    # Staff of another trade's group (no accident permission): not found, like a file that does not exist.
    other = StaffUserFactory(groups=[Group.objects.create(name="培训组")])
    client.force_login(other)
    assert client.get(url).status_code == 404
    # Staff with the permission, but the wrong accident in the address: not found.
    staff = StaffUserFactory(is_superuser=True)
    client.force_login(staff)
    assert client.get(reverse("admin:committee_accident_attachment", args=[accident.pk + 1, row.pk])).status_code == 404
    assert client.get(url).status_code == 200
    assert client.post(url).status_code in (404, 405)


def test_evidence_is_never_deleted_and_voided_accidents_take_no_more(staff_user, media_root):
    from django.db.models.deletion import ProtectedError

    from committee.models import AccidentAttachment
    from safetyportal.services import void_record
    from safetyportal.uploads import check_attachment
    from tests.committee.factories import AccidentAttachmentFactory
    from tests.core.attachment_files import pdf_bytes

    row = AccidentAttachmentFactory()
    with pytest.raises(ProtectedError):
        row.delete()
    with pytest.raises(ProtectedError):
        AccidentAttachment.objects.all().delete()
    with pytest.raises(ProtectedError):
        row.accident.delete()
    assert not staff_user.has_perm("committee.delete_accidentattachment")

    accident = row.accident
    void_record(record=accident, by=staff_user, reason="重复登记")
    checked = check_attachment(_upload("会议记录.pdf", pdf_bytes()))
    with pytest.raises(ValidationError):
        services.add_accident_attachments(accident=accident, files=[checked], kind="minutes", by=staff_user)
    assert AccidentAttachment.objects.count() == 1 and _stored_files(media_root) == []


def test_only_staff_with_change_permission_add_evidence(officer_a, media_root):
    from safetyportal.uploads import check_attachment
    from tests.core.attachment_files import pdf_bytes

    accident = AccidentFactory()
    checked = check_attachment(_upload("会议记录.pdf", pdf_bytes()))
    with pytest.raises(PermissionDenied):
        services.add_accident_attachments(accident=accident, files=[checked], kind="minutes", by=officer_a)
    assert _stored_files(media_root) == []


def test_accident_change_page_queries_do_not_grow_with_evidence(client, staff_user, django_assert_max_num_queries):
    from django.urls import reverse

    from tests.committee.factories import AccidentAttachmentFactory

    accident = AccidentFactory()
    client.force_login(staff_user)
    url = reverse("admin:committee_accident_change", args=[accident.pk])
    AccidentAttachmentFactory(accident=accident)
    client.get(url)
    with django_assert_max_num_queries(40) as one:
        client.get(url)
    AccidentAttachmentFactory.create_batch(8, accident=accident)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200
