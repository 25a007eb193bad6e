"""The number register (发文登记簿): one row per number, issued here or reserved for a paper issued outside the portal;
staff set the next serial and reserve numbers; no gap and no duplicate, also when reservations race allocations."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models.deletion import ProtectedError
from django.urls import reverse
from django.utils import timezone

from safetyportal.documents import services
from safetyportal.documents.models import DocumentNumberSequence, RegisterEntry, RegisterOrigin
from safetyportal.documents.numbering import allocate_number, next_number, reserve_number, set_next_serial
from safetyportal.roles import STAFF_GROUP
from tests.core.documents_support import make_authority, make_notice
from tests.core.factories import OfficerProfileFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

YEAR = 2024


@pytest.fixture
def authority(db):
    return make_authority()


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(services, "enqueue", lambda pk: True)


def allocate(authority, year: int = YEAR) -> int:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        return allocate_number(authority=authority, year=year)[0]


def serials(authority, year: int = YEAR) -> list[int]:  # type: ignore[no-untyped-def]
    return list(
        RegisterEntry.objects.filter(authority=authority, year=year).order_by("serial").values_list("serial", flat=True)
    )


# --- The services ----------------------------------------------------------------------------------------------------


def test_every_allocated_number_is_a_register_row(authority, admin_user_office):
    notice = make_notice(authority=authority)
    with transaction.atomic():
        serial, number = allocate_number(authority=authority, year=YEAR, kind="notice", title="通知", source=notice,
                                         by=admin_user_office)  # fmt: skip
    entry = RegisterEntry.objects.get()
    assert (entry.serial, entry.number, entry.origin, entry.kind, entry.title) == (
        1,
        number,
        RegisterOrigin.ISSUED,
        "notice",
        "通知",
    )
    assert entry.source == notice and entry.created_by == admin_user_office and serial == 1


def test_setting_the_next_serial_continues_the_office_register(authority, staff_user):
    allocate(authority)  # 1 was issued here already
    skipped = set_next_serial(
        authority=authority, year=YEAR, next_serial=63, by=staff_user, note="纸质登记簿已用至62号"
    )

    assert skipped == 61
    assert next_number(authority=authority, year=YEAR) == (63, f"晋安办〔{YEAR}〕63号")
    assert allocate(authority) == 63
    assert serials(authority) == list(range(1, 64))  # no gap: 2–62 stand in the register as used outside
    outside = RegisterEntry.objects.get(authority=authority, year=YEAR, serial=2)
    assert outside.origin == RegisterOrigin.RESERVED and "设定下一序号为63号" in outside.note
    assert "纸质登记簿已用至62号" in outside.note and outside.created_by == staff_user


@pytest.mark.parametrize("next_serial", [1, 3, 5])
def test_the_next_serial_is_refused_at_or_below_a_used_or_reserved_one(authority, staff_user, next_serial):
    allocate(authority)
    allocate(authority)
    reserve_number(authority=authority, year=YEAR, by=staff_user, note="预留给年度总结", serial=5)
    with pytest.raises(ValidationError) as refused:
        set_next_serial(authority=authority, year=YEAR, next_serial=next_serial, by=staff_user)
    assert refused.value.message_dict["next_serial"] == [f"晋安办〔{YEAR}〕已使用或预留到5号，下一序号须大于5。"]
    assert serials(authority) == [1, 2, 5]


def test_the_next_serial_skips_over_a_reservation_ahead_without_duplicating_it(authority, staff_user):
    reserve_number(authority=authority, year=YEAR, by=staff_user, note="预留", serial=4)
    set_next_serial(authority=authority, year=YEAR, next_serial=7, by=staff_user)
    assert serials(authority) == [1, 2, 3, 4, 5, 6] and allocate(authority) == 7


def test_reserving_the_next_free_number(authority, staff_user):
    allocate(authority)
    entry = reserve_number(authority=authority, year=YEAR, by=staff_user, note="纸质发文：防汛通知", title="防汛通知")
    assert (entry.serial, entry.origin, entry.title, entry.created_by) == (
        2,
        RegisterOrigin.RESERVED,
        "防汛通知",
        staff_user,
    )
    assert allocate(authority) == 3
    assert DocumentNumberSequence.objects.get(authority=authority, year=YEAR).last_serial == 3


def test_a_number_reserved_ahead_is_stepped_over(authority, staff_user):
    reserve_number(authority=authority, year=YEAR, by=staff_user, note="年度总结", serial=3)
    assert [allocate(authority) for _ in range(3)] == [1, 2, 4]
    assert serials(authority) == [1, 2, 3, 4]


def test_a_used_number_cannot_be_reserved_and_a_note_is_required(authority, staff_user):
    allocate(authority)
    with pytest.raises(ValidationError, match="已被使用或预留"):
        reserve_number(authority=authority, year=YEAR, by=staff_user, note="重复", serial=1)
    with pytest.raises(ValidationError, match="请填写预留说明"):
        reserve_number(authority=authority, year=YEAR, by=staff_user, note="  ")
    with pytest.raises(ValidationError, match="序号须在1至9999之间"):
        set_next_serial(authority=authority, year=YEAR, next_serial=10_000, by=staff_user)
    assert serials(authority) == [1]


def test_only_staff_with_the_register_permission_write_it(authority, officer_a):
    clerk = StaffUserFactory()
    for user in (officer_a, clerk):
        with pytest.raises(PermissionDenied):
            reserve_number(authority=authority, year=YEAR, by=user, note="x")
        with pytest.raises(PermissionDenied):
            set_next_serial(authority=authority, year=YEAR, next_serial=9, by=user)
    assert not RegisterEntry.objects.exists()


def test_register_rows_are_never_deleted(authority):
    allocate(authority)
    with pytest.raises(ProtectedError):
        RegisterEntry.objects.get().delete()
    with pytest.raises(ProtectedError):
        RegisterEntry.objects.all().delete()


def test_numbers_run_per_authority_and_year(authority, staff_user):
    other = make_authority("晋应急")
    set_next_serial(authority=authority, year=YEAR, next_serial=63, by=staff_user)
    assert (allocate(authority), allocate(other), allocate(authority, YEAR + 1)) == (63, 1, 1)


# --- Concurrency ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_reservations_racing_allocations_leave_no_gap_and_no_duplicate():
    """Eight threads with their own connections (PostgreSQL in CI): four allocate, three reserve the next free
    number, one reserves given numbers ahead; every number is taken once and the register has no gap."""
    authority = make_authority()
    staff = StaffUserFactory(groups=[Group.objects.get(name=STAFF_GROUP)])
    ahead = [12, 25, 40]

    def work(worker: int) -> list[tuple[str, int]]:
        rng = random.Random(worker)
        taken = []
        try:
            for step in range(10):
                if worker < 4:
                    taken.append(("issued", allocate(authority)))
                elif worker < 7:
                    entry = reserve_number(authority=authority, year=YEAR, by=staff, note=f"线程{worker}-{step}")
                    taken.append(("reserved", entry.serial))
                elif step < len(ahead):
                    try:
                        entry = reserve_number(
                            authority=authority, year=YEAR, by=staff, note="预留", serial=ahead[step]
                        )
                    except ValidationError:
                        continue  # the allocations reached it first
                    taken.append(("ahead", entry.serial))
                if rng.random() < 0.3:
                    connection.close()  # a fresh connection now and then
        finally:
            connection.close()
        return taken

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [item for batch in pool.map(work, range(8)) for item in batch]

    numbers = [serial for _kind, serial in results]
    assert len(numbers) == len(set(numbers))  # no duplicate
    assert sum(1 for kind, _serial in results if kind != "ahead") == 70
    assert serials(authority) == sorted(numbers) == list(range(1, len(numbers) + 1))  # no gap
    last = DocumentNumberSequence.objects.get(authority=authority, year=YEAR).last_serial
    assert last == len(numbers)


# --- The admin -----------------------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_staff_set_the_next_serial_in_the_admin(staff_client, authority):
    url = reverse("admin:safetyportal_registerentry_next_serial")
    page = staff_client.get(url).content.decode()
    assert "设定下一序号" in page and 'name="next_serial"' in page

    response = staff_client.post(
        url, {"authority": authority.pk, "year": YEAR, "next_serial": 63, "note": "纸质登记簿"}
    )
    assert response.status_code == 302
    assert f"已设定晋安办〔{YEAR}〕下一序号为63号，62个序号登记为门户外已编号。" in messages_of(response)

    response = staff_client.post(url, {"authority": authority.pk, "year": YEAR, "next_serial": 10})
    assert response.status_code == 200
    assert f"晋安办〔{YEAR}〕已使用或预留到62号，下一序号须大于62。" in response.content.decode()


def test_staff_reserve_a_number_in_the_admin(staff_client, authority):
    url = reverse("admin:safetyportal_registerentry_reserve")
    response = staff_client.post(url, {"authority": authority.pk, "year": YEAR, "serial": "", "note": "纸质发文"})
    assert response.status_code == 302 and f"已预留晋安办〔{YEAR}〕1号。" in messages_of(response)
    response = staff_client.post(url, {"authority": authority.pk, "year": YEAR, "serial": 1, "note": "再来"})
    assert response.status_code == 200 and "已被使用或预留" in response.content.decode()
    response = staff_client.post(url, {"authority": authority.pk, "year": YEAR, "serial": 2, "note": ""})
    assert response.status_code == 200 and not RegisterEntry.objects.filter(serial=2).exists()


def test_the_register_pages_need_the_permission(client, authority):
    viewer = StaffUserFactory()
    client.force_login(viewer)
    for name in ("next_serial", "reserve"):
        assert client.get(reverse(f"admin:safetyportal_registerentry_{name}")).status_code == 403
    client.force_login(OfficerProfileFactory().user)
    assert client.get(reverse("admin:safetyportal_registerentry_changelist")).status_code in (302, 403)


def fill_register(authority, staff, count: int) -> None:  # type: ignore[no-untyped-def]
    for index in range(count):
        if index % 3 == 0:
            reserve_number(authority=authority, year=YEAR, by=staff, note=f"纸质发文{index}")
        else:
            services.issue(
                make_notice(authority=authority, title=f"通知{index}"),
                by=staff,
                issued_on=timezone.localdate().replace(year=YEAR),
            )


def test_the_register_list_is_searchable_filterable_and_runs_constant_queries(
    client, admin_user_office, authority, django_assert_max_num_queries
):
    client.force_login(admin_user_office)
    url = reverse("admin:safetyportal_registerentry_changelist")
    fill_register(authority, admin_user_office, 3)
    with django_assert_max_num_queries(40) as small:
        assert client.get(url).status_code == 200
    fill_register(authority, admin_user_office, 30)
    with django_assert_max_num_queries(40) as large:
        page = client.get(url).content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)
    assert (
        "各机关文号进度" in page and f"晋安办〔{YEAR}〕33号" in page and "设定下一序号" in page and "预留文号" in page
    )
    assert "门户印发" in page and "预留（门户外发文）" in page

    found = client.get(url, {"q": "通知4"}).content.decode()
    assert "通知4" in found and "通知5" not in found
    filtered = client.get(url, {"authority__id__exact": authority.pk, "year": YEAR, "origin__exact": "reserved"})
    assert filtered.status_code == 200 and "纸质发文0" in filtered.content.decode()
    assert "通知1" not in filtered.content.decode()


def test_a_reserved_row_takes_a_title_and_note_an_issued_one_nothing(client, admin_user_office, authority):
    client.force_login(admin_user_office)
    reserved = reserve_number(authority=authority, year=YEAR, by=admin_user_office, note="纸质发文")
    allocate(authority)
    issued = RegisterEntry.objects.get(origin=RegisterOrigin.ISSUED)
    change = reverse("admin:safetyportal_registerentry_change", args=[reserved.pk])
    response = client.post(change, {"title": "关于做好防汛工作的通知", "note": "纸质发文，综合科"})
    assert response.status_code == 302
    reserved.refresh_from_db()
    assert (reserved.title, reserved.serial) == ("关于做好防汛工作的通知", 1)
    page = client.get(reverse("admin:safetyportal_registerentry_change", args=[issued.pk])).content.decode()
    assert 'name="title"' not in page and 'name="note"' not in page
    assert client.get(reverse("admin:safetyportal_registerentry_add")).status_code == 403


def test_editing_a_reserved_row_goes_through_the_service_and_is_a_history_row(
    client, admin_user_office, authority, officer_a
):
    from safetyportal.documents.numbering import update_reserved_entry
    from safetyportal.history import RecordHistory

    client.force_login(admin_user_office)
    reserved = reserve_number(authority=authority, year=YEAR, by=admin_user_office, note="纸质发文")
    change = reverse("admin:safetyportal_registerentry_change", args=[reserved.pk])
    response = client.post(change, {"title": "关于做好防汛工作的通知", "note": "纸质发文，综合科"})
    assert response.status_code == 302
    history = RecordHistory.objects.get(content_type__model="registerentry", object_id=reserved.pk)
    assert (history.action, history.actor) == ("change", admin_user_office)
    assert history.changes == {"title": ["", "关于做好防汛工作的通知"], "note": ["纸质发文", "纸质发文，综合科"]}

    # The note stays required; an unchanged save writes no row.
    response = client.post(change, {"title": "关于做好防汛工作的通知", "note": ""})
    assert response.status_code == 200 and RecordHistory.objects.filter(object_id=reserved.pk).count() == 1
    client.post(change, {"title": "关于做好防汛工作的通知", "note": "纸质发文，综合科"})
    assert RecordHistory.objects.filter(content_type__model="registerentry").count() == 1

    # A number issued here is not edited, and not by someone without the permission.
    allocate(authority)
    issued = RegisterEntry.objects.get(origin=RegisterOrigin.ISSUED)
    with pytest.raises(ValidationError):
        update_reserved_entry(entry=issued, by=admin_user_office, title="改", note="改")
    with pytest.raises(PermissionDenied):
        update_reserved_entry(entry=reserved, by=officer_a, title="改", note="改")
    reserved.refresh_from_db()
    assert reserved.title == "关于做好防汛工作的通知"


def test_the_authority_code_is_fixed_once_the_register_has_a_row(client, admin_user_office, authority):
    from safetyportal.documents.models import IssuingAuthority

    change = reverse("admin:safetyportal_issuingauthority_change", args=[authority.pk])
    data = {"name": authority.name, "header": authority.header, "code": "晋安委", "contact": "", "is_active": "on"}
    client.force_login(admin_user_office)
    assert 'name="code"' in client.get(change).content.decode()  # no register row yet: editable
    assert client.post(change, data).status_code == 302
    authority.refresh_from_db()
    assert authority.code == "晋安委"

    reserve_number(authority=authority, year=YEAR, by=admin_user_office, note="纸质发文")
    page = client.get(change).content.decode()
    assert 'name="code"' not in page and "晋安委" in page
    response = client.post(change, {**data, "code": "晋安办", "contact": "综合科"})
    assert response.status_code == 302  # the other fields save, the code stays
    authority.refresh_from_db()
    assert (authority.code, authority.contact) == ("晋安委", "综合科")

    authority.code = "晋安办"
    with pytest.raises(ValidationError) as refused:
        authority.full_clean()
    assert "晋安委已有发文登记，机关代字不能修改" in refused.value.message_dict["code"][0]
    with pytest.raises(ValidationError):
        authority.save()
    assert IssuingAuthority.objects.get(pk=authority.pk).code == "晋安委"
