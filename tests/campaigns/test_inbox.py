"""收文 and 签收 (issue 12): receipts created at issue for every addressee, the unit's inbox (open, sign, PDF), the
office's 签收 board and reminder button, the periodic reminder after N working days (holiday calendar), never twice
a day, and constant query counts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import inbox_selectors, inbox_services, selectors
from campaigns.models import Notice, NoticeReceipt, NoticeStatus
from safetyportal.documents import services as document_services
from safetyportal.documents.models import DocumentStatus
from tests.campaigns.factories import CampaignTaskFactory, NoticeReceiptFactory
from tests.core.documents_support import make_notice
from tests.core.factories import CommunityFactory, MemberUnitFactory, OfficerProfileFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def no_broker(monkeypatch) -> None:
    monkeypatch.setattr(document_services, "enqueue", lambda document_id: True)


@pytest.fixture
def sent(monkeypatch) -> list[dict]:
    """What the reminders hand to safetyportal.messaging.notify."""
    calls: list[dict] = []

    def record(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs)
        return len(kwargs["users"])

    monkeypatch.setattr(inbox_services, "_notify", record)
    return calls


@pytest.fixture
def member_unit(db):
    return MemberUnitFactory(name="市住建局")


@pytest.fixture
def member_officer(member_unit):
    return OfficerProfileFactory(jurisdiction=None, member_unit=member_unit).user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def issued_notice(by, *, jurisdictions=(), members=(), issued_on: dt.date | None = None, **fields) -> Notice:
    notice = make_notice(addressed=False, recipients_text="", **fields)
    notice.recipient_jurisdictions.add(*jurisdictions)
    notice.recipient_units.add(*members)
    return document_services.issue(notice, by=by, issued_on=issued_on)


def receipt_of(notice: Notice, **unit) -> NoticeReceipt:
    return NoticeReceipt.objects.get(notice=notice, **unit)


# --- Receipts created at issue ---------------------------------------------------------------------------------


def test_issuing_creates_a_receipt_for_every_addressee_member_units_included(
    admin_user_office, unit_a, unit_b, member_unit
):
    community = CommunityFactory(parent=unit_a)
    other_member = MemberUnitFactory()
    draft = make_notice()
    draft.recipient_jurisdictions.add(unit_a)
    assert not NoticeReceipt.objects.filter(notice=draft).exists()  # a draft addresses nobody yet

    notice = issued_notice(
        admin_user_office, jurisdictions=[unit_a, unit_b, community], members=[member_unit, other_member]
    )

    receipts = NoticeReceipt.objects.filter(notice=notice)
    assert {(r.jurisdiction_id, r.member_unit_id) for r in receipts} == {
        (unit_a.pk, None),
        (unit_b.pk, None),
        (community.pk, None),
        (None, member_unit.pk),
        (None, other_member.pk),
    }
    assert all(r.first_opened_at is None and r.signed_at is None for r in receipts)
    assert inbox_services.create_receipts(notice=notice) == 0  # idempotent
    assert selectors.unsigned_receipt_count() == 5


def test_a_failed_issue_leaves_no_receipt(admin_user_office, unit_a, monkeypatch):
    """The receipts are written in the issuing transaction: if anything fails after them, none stays."""
    notice = make_notice(addressed=False, recipients_text="")
    notice.recipient_jurisdictions.add(unit_a)
    create = inbox_services.create_receipts

    def create_then_fail(*, notice):  # type: ignore[no-untyped-def]
        assert create(notice=notice) == 1
        raise RuntimeError("failed after the receipts")

    monkeypatch.setattr(inbox_services, "create_receipts", create_then_fail)
    with pytest.raises(RuntimeError):
        document_services.issue(notice, by=admin_user_office)
    assert not NoticeReceipt.objects.exists()
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT


def test_receipts_are_one_per_unit_and_name_exactly_one_unit(unit_a, member_unit):
    receipt = NoticeReceiptFactory(jurisdiction=unit_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        NoticeReceipt.objects.create(notice=receipt.notice, jurisdiction=unit_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        NoticeReceipt.objects.create(notice=receipt.notice, jurisdiction=unit_a, member_unit=member_unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        NoticeReceipt.objects.create(notice=receipt.notice)
    with pytest.raises(ProtectedError):
        receipt.delete()


def test_the_migration_gives_notices_issued_before_it_their_receipts(
    admin_user_office, unit_a, member_unit, monkeypatch
):
    from importlib import import_module

    migration = import_module("campaigns.migrations.0005_notice_receipts")
    monkeypatch.setattr(inbox_services, "create_receipts", lambda notice: 0)  # as before the migration
    notice = issued_notice(admin_user_office, jurisdictions=[unit_a], members=[member_unit])
    draft = make_notice()
    draft.recipient_jurisdictions.add(unit_a)
    assert not NoticeReceipt.objects.exists()

    migration.receipts_for_issued_notices(django_apps, None)
    migration.receipts_for_issued_notices(django_apps, None)  # run twice: nothing doubled

    receipts = NoticeReceipt.objects.all()
    assert {(r.notice_id, r.jurisdiction_id, r.member_unit_id) for r in receipts} == {
        (notice.pk, unit_a.pk, None),
        (notice.pk, None, member_unit.pk),
    }
    assert all(r.created_at == notice.issued_at for r in receipts)
    # Historical records: signed off at the issue by no account, so nobody owes or is reminded of old notices.
    assert all(r.signed_at == notice.issued_at and r.signed_by_id is None for r in receipts)
    assert all(r.is_historical and r.signer_name == "历史收文，无需签收" for r in receipts)
    assert selectors.unsigned_receipt_count() == 0


def test_a_notice_issued_before_the_migration_is_never_reminded(
    admin_user_office, officer_a, unit_a, sent, settings, monkeypatch
):
    """Review 12 §1: the backfill made every old notice an unsigned one, reminded every working day for ever."""
    from importlib import import_module

    settings.NOTICE_SIGN_REMIND_AFTER_WORKING_DAYS = 2
    migration = import_module("campaigns.migrations.0005_notice_receipts")
    monkeypatch.setattr(inbox_services, "create_receipts", lambda notice: 0)  # as before the migration
    notice = issued_notice(admin_user_office, jurisdictions=[unit_a], issued_on=ISSUED)
    migration.receipts_for_issued_notices(django_apps, None)

    for day in (dt.date(2024, 10, 10), dt.date(2024, 10, 11), dt.date(2024, 10, 14)):
        assert inbox_services.send_sign_reminders(now=at(day)).count == 0, day
    assert sent == []
    receipt = receipt_of(notice, jurisdiction=unit_a)
    assert inbox_selectors.inbox_counts(officer_a)["unsigned"] == 0
    client = client_for(officer_a)
    assert "历史收文，无需签收" in client.get(reverse("portal:inbox")).content.decode()
    page = client.get(reverse("portal:inbox_detail", args=[receipt.pk])).content.decode()
    assert "历史收文，无需签收" in page and "签收人：" not in page


# --- The unit's inbox -------------------------------------------------------------------------------------------


def test_officer_sees_their_units_notices_only(admin_user_office, officer_a, unit_a, unit_b):
    community = CommunityFactory(parent=unit_a)
    mine = issued_notice(admin_user_office, jurisdictions=[unit_a])
    issued_notice(admin_user_office, jurisdictions=[unit_b])
    issued_notice(admin_user_office, jurisdictions=[community])  # the community's own inbox, not the office's

    response = client_for(officer_a).get(reverse("portal:inbox"))
    assert response.status_code == 200
    assert [item.notice_id for item in response.context["page"].object_list] == [mine.pk]
    assert response.context["counts"] == {"total": 1, "unread": 1, "unsigned": 1}


def test_inbox_search_and_filters(admin_user_office, officer_a, unit_a):
    first = issued_notice(admin_user_office, jurisdictions=[unit_a])
    second = issued_notice(admin_user_office, jurisdictions=[unit_a], title="关于防汛检查的通知")
    inbox_services.open_receipt(receipt=receipt_of(first, jurisdiction=unit_a), by=officer_a)
    client = client_for(officer_a)

    def listed(**params) -> list[int]:
        return [r.notice_id for r in client.get(reverse("portal:inbox"), params).context["page"].object_list]

    assert listed(q="防汛") == [second.pk]
    assert listed(q=first.number) == [first.pk]
    assert listed(show="unread") == [second.pk]
    assert set(listed(show="unsigned")) == {first.pk, second.pk}


def test_opening_records_the_first_opening_only(admin_user_office, officer_a, unit_a):
    notice = issued_notice(admin_user_office, jurisdictions=[unit_a])
    receipt = receipt_of(notice, jurisdiction=unit_a)
    colleague = OfficerProfileFactory(jurisdiction=unit_a).user
    url = reverse("portal:inbox_detail", args=[receipt.pk])

    page = client_for(officer_a).get(url)
    assert page.status_code == 200 and notice.title in page.content.decode()
    receipt.refresh_from_db()
    first_opened = receipt.first_opened_at
    assert first_opened is not None and receipt.first_opened_by == officer_a

    client_for(colleague).get(url)
    receipt.refresh_from_db()
    assert (receipt.first_opened_at, receipt.first_opened_by) == (first_opened, officer_a)
    assert receipt.signed_at is None  # opening is not signing


def test_signing_records_who_and_when_once_and_for_all(admin_user_office, officer_a, unit_a):
    notice = issued_notice(admin_user_office, jurisdictions=[unit_a])
    receipt = receipt_of(notice, jurisdiction=unit_a)
    officer_a.first_name, officer_a.last_name = "明", "陈"
    officer_a.save()
    colleague = OfficerProfileFactory(jurisdiction=unit_a).user
    url = reverse("portal:inbox_sign", args=[receipt.pk])

    assert client_for(officer_a).get(url).status_code == 405  # POST only
    response = client_for(officer_a).post(url)
    assert response.status_code == 302 and response["Location"] == reverse("portal:inbox_detail", args=[receipt.pk])
    receipt.refresh_from_db()
    signed_at = receipt.signed_at
    assert signed_at is not None and receipt.signed_by == officer_a and receipt.signer_name == "陈明"
    assert receipt.first_opened_at is not None  # signing without opening the page records the opening too

    client_for(colleague).post(url)  # idempotent: the first signature stands
    officer_a.last_name = "王"
    officer_a.save()  # the signer's name stays as it was at signing
    receipt.refresh_from_db()
    assert (receipt.signed_at, receipt.signed_by, receipt.signer_name) == (signed_at, officer_a, "陈明")
    assert selectors.unsigned_receipt_count() == 0
    page = client_for(officer_a).get(reverse("portal:inbox_detail", args=[receipt.pk])).content.decode()
    assert "签收人：陈明" in page and 'action="' + url not in page  # no button left: nothing to undo


def test_sign_needs_csrf(admin_user_office, officer_a, unit_a):
    receipt = receipt_of(issued_notice(admin_user_office, jurisdictions=[unit_a]), jurisdiction=unit_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_a)
    assert client.post(reverse("portal:inbox_sign", args=[receipt.pk])).status_code == 403
    receipt.refresh_from_db()
    assert receipt.signed_at is None


def test_office_staff_cannot_sign_for_a_unit(admin_user_office, unit_a):
    receipt = receipt_of(issued_notice(admin_user_office, jurisdictions=[unit_a]), jurisdiction=unit_a)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        inbox_services.sign_receipt(receipt=receipt, by=admin_user_office)


def test_member_unit_officer_opens_and_signs_their_notice(admin_user_office, member_officer, member_unit, unit_a):
    notice = issued_notice(admin_user_office, jurisdictions=[unit_a], members=[member_unit])
    receipt = receipt_of(notice, member_unit=member_unit)
    client = client_for(member_officer)

    listed = client.get(reverse("portal:inbox")).context["page"].object_list
    assert [r.pk for r in listed] == [receipt.pk]
    assert client.get(reverse("portal:inbox_detail", args=[receipt.pk])).status_code == 200
    client.post(reverse("portal:inbox_sign", args=[receipt.pk]))
    receipt.refresh_from_db()
    assert receipt.signed_by == member_officer


def test_another_units_receipt_is_not_found_and_unchanged(admin_user_office, officer_a, officer_b, unit_a, unit_b):
    member_unit = MemberUnitFactory()
    other_member = MemberUnitFactory()
    member_officer = OfficerProfileFactory(jurisdiction=None, member_unit=member_unit).user
    community = CommunityFactory(parent=unit_a)
    community_officer = OfficerProfileFactory(jurisdiction=community).user
    notice = issued_notice(admin_user_office, jurisdictions=[unit_a, community], members=[other_member])
    targets = [
        receipt_of(notice, jurisdiction=unit_a),
        receipt_of(notice, jurisdiction=community),
        receipt_of(notice, member_unit=other_member),
    ]
    probes = {
        officer_b: targets,  # another subdistrict
        member_officer: targets,  # another member unit
        community_officer: [targets[0], targets[2]],  # a community → its parent office, a member unit
        officer_a: [targets[1], targets[2]],  # an office → its community's receipt, a member unit's
    }
    for user, receipts in probes.items():
        client = client_for(user)
        for receipt in receipts:
            for name in ("portal:inbox_detail", "portal:inbox_pdf"):
                assert client.get(reverse(name, args=[receipt.pk])).status_code == 404, (user, name)
            assert client.post(reverse("portal:inbox_sign", args=[receipt.pk])).status_code == 404
    assert not NoticeReceipt.objects.filter(first_opened_at__isnull=False).exists()
    assert not NoticeReceipt.objects.filter(signed_at__isnull=False).exists()


def test_the_issued_pdf_is_served_to_the_unit_only_once_rendered(admin_user_office, officer_a, unit_a):
    notice = issued_notice(admin_user_office, jurisdictions=[unit_a])
    receipt = receipt_of(notice, jurisdiction=unit_a)
    client = client_for(officer_a)
    url = reverse("portal:inbox_pdf", args=[receipt.pk])
    assert client.get(url).status_code == 404  # still queued
    document = notice.document
    document.file.save("notice.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    document.status = DocumentStatus.DONE
    document.save()

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"
    receipt.refresh_from_db()
    assert receipt.first_opened_by == officer_a  # downloading counts as opening
    assert url in client.get(reverse("portal:inbox_detail", args=[receipt.pk])).content.decode()


def test_the_inbox_lists_the_notices_attachments(admin_user_office, officer_a, unit_a):
    from tests.campaigns.factories import NoticeAttachmentFactory

    attachment = NoticeAttachmentFactory(name="信息报送表.pdf", recipients=[unit_a])
    notice = document_services.issue(attachment.notice, by=admin_user_office)
    receipt = receipt_of(notice, jurisdiction=unit_a)
    client = client_for(officer_a)
    page = client.get(reverse("portal:inbox_detail", args=[receipt.pk])).content.decode()
    link = reverse("portal:notice_attachment", args=[notice.pk, attachment.pk])
    assert "信息报送表.pdf" in page and link in page
    assert client.get(link).status_code == 200  # the addressed unit downloads it


def test_inbox_query_count_is_constant(admin_user_office, officer_a, unit_a, django_assert_max_num_queries):
    client = client_for(officer_a)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for _ in range(2):
        NoticeReceiptFactory(jurisdiction=unit_a)
    small = count(reverse("portal:inbox")), count(reverse("portal:home"))
    for _ in range(18):
        NoticeReceiptFactory(jurisdiction=unit_a)
    large = count(reverse("portal:inbox")), count(reverse("portal:home"))
    assert small == large
    with django_assert_max_num_queries(12):
        client.get(reverse("portal:inbox"))


# --- The home page --------------------------------------------------------------------------------------------------


def test_home_shows_unread_notices_and_tasks_due_within_a_week(admin_user_office, officer_a, unit_a, campaign, today):
    notices = [issued_notice(admin_user_office, jurisdictions=[unit_a]) for _ in range(6)]
    inbox_services.open_receipt(receipt=receipt_of(notices[0], jurisdiction=unit_a), by=officer_a)
    soon = CampaignTaskFactory(
        campaign=campaign, title="六月宣传活动报送", due_on=today + dt.timedelta(days=5), units=[unit_a]
    )
    CampaignTaskFactory(campaign=campaign, title="下月总结报送", due_on=today + dt.timedelta(days=20), units=[unit_a])

    response = client_for(officer_a).get(reverse("portal:home"))
    top = response.context["sections"]["inbox"]
    assert top["counts"]["unread"] == 5
    assert len(top["latest"]) == 5 and notices[0].pk not in [r.notice_id for r in top["latest"]]
    assert [slot.task for slot in response.context["sections"]["campaigns"]["due_soon"]] == [soon]
    page = response.content.decode()
    assert page.index("收文") < page.index("近7天到期的任务") < page.index("辖区生产经营单位")
    assert "六月宣传活动报送" in page


def test_home_of_a_member_unit(admin_user_office, member_officer, member_unit):
    issued_notice(admin_user_office, members=[member_unit])
    response = client_for(member_officer).get(reverse("portal:home"))
    assert response.status_code == 200
    assert response.context["sections"]["inbox"]["counts"]["unread"] == 1
    assert "市住建局工作台" in response.content.decode()


# --- The office's 签收 board ------------------------------------------------------------------------------------


def test_office_board_shows_who_signed_who_opened_and_who_has_not(
    admin_user_office, officer_a, officer_b, unit_a, unit_b, member_unit
):
    notice = issued_notice(admin_user_office, jurisdictions=[unit_a, unit_b], members=[member_unit])
    inbox_services.sign_receipt(receipt=receipt_of(notice, jurisdiction=unit_a), by=officer_a)
    inbox_services.open_receipt(receipt=receipt_of(notice, jurisdiction=unit_b), by=officer_b)

    board = inbox_selectors.sign_board(notice)
    assert [r.jurisdiction for r in board.signed] == [unit_a]
    assert [r.jurisdiction for r in board.opened] == [unit_b]
    assert [r.member_unit for r in board.unopened] == [member_unit]
    assert (board.total, board.unsigned) == (3, 2)

    client = client_for(admin_user_office)
    response = client.get(reverse("admin:campaigns_notice_signatures", args=[notice.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "已签收<strong>1</strong>个" in page and "已阅未签收<strong>1</strong>个" in page
    assert "未阅<strong>1</strong>个" in page and "提醒未签收单位" in page
    change = client.get(reverse("admin:campaigns_notice_change", args=[notice.pk])).content.decode()
    assert "已签收1/3" in change


def test_office_board_query_count_is_constant(admin_user_office, django_assert_max_num_queries):
    client = client_for(admin_user_office)

    def count(notice: Notice) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("admin:campaigns_notice_signatures", args=[notice.pk])).status_code == 200
        return len(queries)

    small = NoticeReceiptFactory().notice
    NoticeReceiptFactory(notice=small, member_unit=MemberUnitFactory())
    large = NoticeReceiptFactory().notice
    for index in range(19):
        receipt = NoticeReceiptFactory(notice=large)
        if index % 3 == 0:
            NoticeReceipt.objects.filter(pk=receipt.pk).update(
                first_opened_at=timezone.now(), first_opened_by=admin_user_office
            )
    assert count(small) == count(large)


def test_officers_cannot_reach_the_board(officer_a, unit_a):
    notice = NoticeReceiptFactory(jurisdiction=unit_a).notice
    response = client_for(officer_a).get(reverse("admin:campaigns_notice_signatures", args=[notice.pk]))
    assert response.status_code == 302  # the admin sends non-staff to its login


# --- Reminders -------------------------------------------------------------------------------------------------------

# 2024: Monday 30 September, then the National Day holiday 1–7 October; 8 October is a working day.
ISSUED = dt.date(2024, 9, 30)


@pytest.fixture
def autumn_notice(admin_user_office, unit_a, unit_b, member_unit, settings) -> Notice:
    settings.NOTICE_SIGN_REMIND_AFTER_WORKING_DAYS = 2
    return issued_notice(admin_user_office, jurisdictions=[unit_a, unit_b], members=[member_unit], issued_on=ISSUED)


def test_units_that_have_not_signed_are_reminded_after_n_working_days(
    autumn_notice, officer_a, officer_b, member_officer, unit_a, sent
):
    inbox_services.sign_receipt(receipt=receipt_of(autumn_notice, jurisdiction=unit_a), by=officer_a)
    # Two natural days later, and through the holiday, nothing: the two working days are 8 and 9 October.
    for day in (dt.date(2024, 10, 2), dt.date(2024, 10, 7), dt.date(2024, 10, 8), dt.date(2024, 10, 9)):
        assert inbox_services.send_sign_reminders(now=at(day)).count == 0, day
    assert sent == []

    run = inbox_services.send_sign_reminders(now=at(dt.date(2024, 10, 10)))
    assert run.count == 2
    assert sorted(user.pk for call in sent for user in call["users"]) == sorted([officer_b.pk, member_officer.pk])
    assert {call["key"] for call in sent} == {f"notice-sign:{autumn_notice.pk}"}
    assert all(autumn_notice.title in call["text"] for call in sent)
    receipt = receipt_of(autumn_notice, member_unit=member_officer.officer_profile.member_unit)
    assert sent[0]["url"].startswith("/portal/inbox/")
    assert receipt.reminder_count == 1 and receipt.last_reminded_at == at(dt.date(2024, 10, 10))


def test_never_twice_a_day_for_one_unit_and_notice(
    autumn_notice, admin_user_office, officer_a, officer_b, member_officer, sent
):
    day = dt.date(2024, 10, 10)
    assert inbox_services.send_sign_reminders(now=at(day, 9)).count == 3
    assert inbox_services.send_sign_reminders(now=at(day, 15)).count == 0
    assert inbox_services.remind_unsigned(notice=autumn_notice, by=admin_user_office, now=at(day, 16)).count == 0
    assert len(sent) == 3
    assert inbox_services.send_sign_reminders(now=at(dt.date(2024, 10, 11), 9)).count == 3  # the next day again
    assert set(NoticeReceipt.objects.values_list("reminder_count", flat=True)) == {2}


def test_no_reminder_on_a_day_off_nor_for_a_superseded_notice(autumn_notice, sent):
    assert inbox_services.send_sign_reminders(now=at(dt.date(2024, 10, 12))).count == 3  # 调休: a working Saturday
    assert inbox_services.send_sign_reminders(now=at(dt.date(2024, 10, 13))).count == 0  # Sunday
    Notice.objects.filter(pk=autumn_notice.pk).update(status=NoticeStatus.SUPERSEDED)
    assert inbox_services.send_sign_reminders(now=at(dt.date(2024, 10, 14))).count == 0


def test_a_receipt_is_reminded_at_most_notice_sign_remind_max_times(autumn_notice, admin_user_office, sent, settings):
    settings.NOTICE_SIGN_REMIND_MAX = 3
    days = [dt.date(2024, 10, 10), dt.date(2024, 10, 11), dt.date(2024, 10, 12)]  # 12 October: a working Saturday
    assert [inbox_services.send_sign_reminders(now=at(day)).count for day in days] == [3, 3, 3]
    assert inbox_services.send_sign_reminders(now=at(dt.date(2024, 10, 14))).count == 0
    assert set(NoticeReceipt.objects.values_list("reminder_count", flat=True)) == {3}
    # The office may still chase them by hand (once a day); the morning job then stays silent.
    assert (
        inbox_services.remind_unsigned(notice=autumn_notice, by=admin_user_office, now=at(dt.date(2024, 10, 15))).count
        == 3
    )
    assert inbox_services.send_sign_reminders(now=at(dt.date(2024, 10, 16))).count == 0


def test_no_reminder_once_the_notice_is_older_than_the_window(autumn_notice, sent, settings):
    """NOTICE_SIGN_REMIND_WITHIN_DAYS working days after the issue (holidays not counted), the job stops."""
    settings.NOTICE_SIGN_REMIND_WITHIN_DAYS = 3  # 8, 9, 10 October
    assert inbox_services.send_sign_reminders(now=at(dt.date(2024, 10, 10))).count == 3
    assert inbox_services.send_sign_reminders(now=at(dt.date(2024, 10, 11))).count == 0
    settings.NOTICE_SIGN_REMIND_WITHIN_DAYS = 20
    # The review's probe: notices issued in June 2024, unsigned, reminded in December 2026: never.
    assert inbox_services.send_sign_reminders(now=at(dt.date(2026, 12, 7))).count == 0


def test_a_year_the_calendar_does_not_cover_sends_nothing(autumn_notice, sent, monkeypatch):
    from safetyportal import workdays

    def uncovered(day, n):  # type: ignore[no-untyped-def]
        raise workdays.CalendarNotCovered(day.year)

    monkeypatch.setattr(workdays, "add_working_days", uncovered)
    run = inbox_services.send_sign_reminders(now=at(dt.date(2024, 10, 10)))
    assert run.count == 0 and run.skipped_notices == [autumn_notice.pk]


def test_the_admin_reminds_the_units_that_have_not_signed(
    autumn_notice, admin_user_office, officer_a, officer_b, member_officer, unit_a, sent
):
    inbox_services.sign_receipt(receipt=receipt_of(autumn_notice, jurisdiction=unit_a), by=officer_a)
    client = client_for(admin_user_office)
    url = reverse("admin:campaigns_notice_remind", args=[autumn_notice.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "已提醒2个未签收单位" in response.content.decode()
    assert len(sent) == 2
    response = client.post(url, follow=True)  # the same day: nothing new
    assert "没有需要提醒的单位" in response.content.decode()
    assert len(sent) == 2


def test_reminders_go_through_portal_messages(autumn_notice, officer_b, unit_b):
    inbox_services.send_sign_reminders(now=at(dt.date(2024, 10, 10)))
    message = officer_b.portal_messages.get()
    assert message.key == f"notice-sign:{autumn_notice.pk}"
    assert autumn_notice.title in message.text


def test_the_reminder_job_is_scheduled_on_the_messages_queue(settings):
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "campaigns.send_sign_reminders")
    assert entry["schedule"].hour == {9}
    assert settings.CELERY_TASK_ROUTES["campaigns.send_sign_reminders"]["queue"] == "messages"


def test_the_receipts_admin_lists_and_filters_read_only(admin_user_office, unit_a):
    receipt = NoticeReceiptFactory(jurisdiction=unit_a)
    client = client_for(admin_user_office)
    url = reverse("admin:campaigns_noticereceipt_changelist")
    assert unit_a.name in client.get(url).content.decode()
    assert client.get(url, {"signed_at__isempty": "1"}).status_code == 200
    assert client.get(reverse("admin:campaigns_noticereceipt_change", args=[receipt.pk])).status_code == 200
    assert client.get(reverse("admin:campaigns_noticereceipt_add")).status_code == 403


def test_the_worker_task_runs_the_reminders(autumn_notice, officer_b, sent, monkeypatch):
    from campaigns import tasks

    monkeypatch.setattr(timezone, "now", lambda: at(dt.date(2024, 10, 10)))
    tasks.send_sign_reminders()  # as the worker runs it (CELERY_BEAT_SCHEDULE), no broker
    assert [user.pk for call in sent for user in call["users"]] == [officer_b.pk]


def test_services_refuse_a_receipt_of_another_unit(admin_user_office, officer_a, officer_b, unit_a, unit_b):
    """The services check the unit themselves, not only the views: an officer cannot open or sign another unit's
    receipt through them (nothing recorded), and a subdistrict cannot sign for its community."""
    from django.core.exceptions import PermissionDenied

    community = CommunityFactory(parent=unit_a)
    notice = issued_notice(admin_user_office, jurisdictions=[unit_a, unit_b, community])
    theirs = receipt_of(notice, jurisdiction=unit_b)
    for action in (inbox_services.open_receipt, inbox_services.sign_receipt):
        with pytest.raises(PermissionDenied):
            action(receipt=theirs, by=officer_a)
        with pytest.raises(PermissionDenied):
            action(receipt=receipt_of(notice, jurisdiction=community), by=officer_a)
    theirs.refresh_from_db()
    assert theirs.first_opened_at is None and theirs.signed_at is None
    assert inbox_services.sign_receipt(receipt=theirs, by=officer_b).signed_at is not None
