"""The office desk's committee rows (issue 15): overdue commitments and 现场警示教育会议 to be held
(committee.selectors), open supervisions (committee.supervision_selectors.desk_counts) and rewards to approve and to pay
(inspections.reward_selectors.desk_counts), each with a link that opens exactly the rows counted."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from safetyportal import desk
from tests.committee.factories import AccidentFactory, CommitmentFactory, InterviewFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _items(user) -> dict[str, desk.DeskItem]:
    return {item.key: item for item in desk.desk_items(user)}


def _make(n: int) -> None:
    """``n`` overdue commitments, ``n`` meetings overdue and ``n`` due soon; and what must not be counted."""
    from safetyportal.services import void_record
    from tests.core.factories import StaffUserFactory

    today = timezone.localdate()
    for _ in range(n):
        interview = InterviewFactory(held_on=today - dt.timedelta(days=30))
        CommitmentFactory(interview=interview, due_on=today - dt.timedelta(days=1))  # overdue
        CommitmentFactory(interview=interview, due_on=today)  # due today: not overdue
        old = dt.datetime.combine(today - dt.timedelta(days=16), dt.time(23, 30), tzinfo=SHANGHAI)
        AccidentFactory(occurred_at=old)  # last day was yesterday: overdue
        AccidentFactory(occurred_at=old + dt.timedelta(hours=1))  # 15 days ago: last day is today
    done = CommitmentFactory(due_on=today - dt.timedelta(days=3))
    type(done).objects.filter(pk=done.pk).update(status="done")
    held = AccidentFactory()
    held.meeting_held_on = today
    held.save()
    voided = InterviewFactory()
    CommitmentFactory(interview=voided, due_on=today - dt.timedelta(days=3))
    void_record(record=voided, by=StaffUserFactory(), reason="录入错误")
    void_record(record=AccidentFactory(), by=StaffUserFactory(), reason="重复登记")


@pytest.mark.parametrize("n", [1, 4])
def test_the_committee_rows_count_what_needs_doing(staff_user, n):
    _make(n)
    items = _items(staff_user)
    assert items["commitments_overdue"].count == n
    assert items["meetings_due"].count == 2 * n
    assert f"其中已超过15日{n}起" in items["meetings_due"].hint


def test_each_committee_link_opens_exactly_the_rows_counted(client, staff_user):
    _make(2)
    client.force_login(staff_user)
    page = client.get("/admin/")
    content = page.content.decode().replace("&amp;", "&")
    keys = [item.key for item in page.context["desk"]["items"]]
    assert {"commitments_overdue", "meetings_due"} <= set(keys)
    for item in page.context["desk"]["items"]:
        if item.key not in {"commitments_overdue", "meetings_due", "supervisions_open", "rewards_to_approve",
                            "rewards_to_pay"}:  # fmt: skip
            continue
        assert item.url in content, item.key
        response = client.get(item.url)
        assert response.status_code == 200 and "?e=1" not in response.get("Location", ""), item.key
        assert response.context["cl"].result_count == item.count, item.key
    overdue = client.get("/admin/committee/accident/?meeting=overdue")
    assert overdue.context["cl"].result_count == 2


def test_the_supervision_and_reward_rows_appear_once_their_parts_exist(staff_user):
    items = _items(staff_user)
    try:
        from committee.supervision_selectors import desk_counts  # noqa: F401
    except ImportError:
        assert "supervisions_open" not in items
    else:
        assert "supervisions_open" in items and "其中已逾期" in items["supervisions_open"].hint
    try:
        from inspections.reward_selectors import desk_counts as reward_counts  # noqa: F401
    except ImportError:
        assert "rewards_to_pay" not in items
    else:
        assert {"rewards_to_approve", "rewards_to_pay"} <= set(items)


def test_a_missing_part_leaves_its_row_out(monkeypatch, staff_user):
    import sys

    monkeypatch.setitem(sys.modules, "committee.supervision_selectors", None)  # import fails
    monkeypatch.setitem(sys.modules, "inspections.reward_selectors", None)
    items = _items(staff_user)
    assert "supervisions_open" not in items and "rewards_to_pay" not in items
    assert "commitments_overdue" in items


def test_an_officer_sees_no_committee_row(officer_a):
    assert desk.desk_items(officer_a) == []


def test_the_commitment_list_is_read_only(client, staff_user):
    commitment = CommitmentFactory()
    client.force_login(staff_user)
    page = client.get("/admin/committee/commitment/")
    assert page.status_code == 200 and commitment.text in page.content.decode()
    assert client.get("/admin/committee/commitment/add/").status_code == 403
    for state in ("open", "overdue", "done"):
        assert client.get(f"/admin/committee/commitment/?state={state}").status_code == 200
