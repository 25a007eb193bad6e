"""The portal hub /portal/committee/ (committee:hub, issue 15): a unit's own committee matters on one page — its
interviews and commitments, its area's accidents with the meeting clock, and (when their parts are installed) its
supervisions, circulars and score. Own unit only, a constant number of queries, the nav link 安委会."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from committee import hub
from tests.committee.factories import AccidentFactory, CommitmentFactory, InterviewFactory
from tests.core.factories import CommunityFactory, JurisdictionFactory, MemberUnitFactory, OfficerProfileFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/portal/committee/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_hub_has_its_url_name():
    assert reverse("committee:hub") == URL


@pytest.fixture
def world():
    """Two towns (A with a community A1), a member unit M; each with an interview, a commitment and an accident
    whose meeting is still to be held (the member unit has no accident: accidents are registered by area)."""
    a = JurisdictionFactory(name="甲镇")
    a1 = CommunityFactory(parent=a, name="甲一村")
    b = JurisdictionFactory(name="乙镇")
    m = MemberUnitFactory(name="市住建局测试")
    units = {"A": {"jurisdiction": a}, "A1": {"jurisdiction": a1}, "B": {"jurisdiction": b}, "M": {"member_unit": m}}
    found = {}
    for key, unit in units.items():
        if "member_unit" in unit:
            interview = InterviewFactory(jurisdiction=None, scope_jurisdiction=None, member_unit=m)
            officer = OfficerProfileFactory(jurisdiction=None, member_unit=m).user
        else:
            interview = InterviewFactory(**unit)
            officer = OfficerProfileFactory(**unit).user
            AccidentFactory(jurisdiction=unit["jurisdiction"], unit_name=f"{key}的事故单位")
        CommitmentFactory(interview=interview, text=f"{key}的承诺")
        found[key] = officer
    return found


# An office sees its own and its communities' matters (path scope), everyone else only its own.
VISIBLE = {"A": {"A", "A1"}, "A1": {"A1"}, "B": {"B"}, "M": {"M"}}


def test_each_unit_sees_only_its_own_matters(world):
    for viewer, visible in VISIBLE.items():
        response = _client(world[viewer]).get(URL)
        assert response.status_code == 200
        page = response.content.decode()
        for owner in world:
            assert (f"{owner}的承诺" in page) == (owner in visible), (viewer, owner)
            if owner != "M":
                assert (f"{owner}的事故单位" in page) == (owner in visible), (viewer, owner)
        # The nav names the hub 安委会 and marks it as the current page.
        assert f'<a href="{URL}" aria-current="page">安委会</a>' in page


def test_only_offices_are_offered_the_exposure_submission_link(world):
    """Towns and counties submit typical cases; a community or a member unit would meet a 404 there, so no link."""
    from django.urls import reverse

    link = reverse("hazards:exposure_submissions")
    for viewer, offered in {"A": True, "A1": False, "M": False}.items():
        page = _client(world[viewer]).get(URL).content.decode()
        assert (f'href="{link}"' in page) == offered, viewer


def test_staff_and_anonymous_do_not_use_the_hub(staff_user):
    response = Client().get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
    assert _client(staff_user).get(URL).status_code == 403


def test_the_hub_takes_no_post(world):
    assert _client(world["A"]).post(URL).status_code == 405


def test_the_accident_clock_and_overdue_commitments_are_shown():
    town = JurisdictionFactory()
    officer = OfficerProfileFactory(jurisdiction=town).user
    today = timezone.localdate()
    occurred = dt.datetime.combine(today - dt.timedelta(days=20), dt.time(9, 0), tzinfo=SHANGHAI)
    AccidentFactory(jurisdiction=town, occurred_at=occurred)
    held = AccidentFactory(jurisdiction=town, unit_name="已开会单位")
    held.meeting_held_on = today
    held.save()
    interview = InterviewFactory(jurisdiction=town, held_on=today - dt.timedelta(days=40))
    CommitmentFactory(interview=interview, due_on=today - dt.timedelta(days=1), text="逾期的承诺")
    page = _client(officer).get(URL).content.decode()
    due = occurred.date() + dt.timedelta(days=15)
    assert f"应于{due.year}年{due.month}月{due.day}日前召开" in page and "已逾期未召开" in page
    assert "已开会单位" not in page
    assert "逾期的承诺" in page and "已逾期" in page
    parts = hub.hub(officer, today)
    assert parts["accidents"].total == 1 and parts["interviews"].extra["counts"]["overdue"] == 1


def test_a_part_not_installed_is_left_out(monkeypatch, world):
    monkeypatch.setattr(hub, "SUPERVISIONS", ("committee.no_such_module", "supervisions_for"))
    monkeypatch.setattr(hub, "CIRCULARS", ("committee.selectors", "no_such_function"))
    monkeypatch.setattr(hub, "SCORE_ROWS", ("committee.no_such_module", "own_rows"))
    parts = hub.hub(world["B"])
    assert not parts["supervisions"].available and not parts["circulars"].available
    assert not parts["score"].available
    page = _client(world["B"]).get(URL).content.decode()
    assert 'data-hub="supervisions"' not in page and 'data-hub="circulars"' not in page
    assert 'data-hub="interviews"' in page


def test_an_installed_part_is_shown(monkeypatch, world):
    """A provider is read through its (module, function) pair: here a stand-in returning a queryset."""
    import sys
    import types

    from committee.models import Interview

    module = types.ModuleType("committee._hub_stand_in")
    module.supervisions_for = lambda user: Interview.objects.for_user(user).order_by("pk")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "committee._hub_stand_in", module)
    monkeypatch.setattr(hub, "SUPERVISIONS", ("committee._hub_stand_in", "supervisions_for"))
    part = hub.hub(world["A"])["supervisions"]
    assert part.available and part.total == 2 and len(part.rows) == 2


@pytest.mark.parametrize("count", [1, 12])
def test_the_hub_runs_a_constant_number_of_queries(count, django_assert_max_num_queries):
    town = JurisdictionFactory()
    community = CommunityFactory(parent=town)
    officer = OfficerProfileFactory(jurisdiction=town).user
    for n in range(count):
        interview = InterviewFactory(jurisdiction=town, held_on=dt.date(2026, 3, 2) + dt.timedelta(days=n))
        CommitmentFactory.create_batch(2, interview=interview)
        AccidentFactory(jurisdiction=community if n % 2 else town)
    client = _client(officer)
    client.get(URL)  # warm-up (the calendar, the session)
    # session, user, device, profile (2), interviews (2 + count), commitments prefetch, counts, accidents (2),
    # the other parts (a few each when installed)
    with django_assert_max_num_queries(26):
        response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("承诺事项") >= 2 * min(count, hub.HUB_ROWS)


def test_the_hub_fits_a_phone_without_wide_tables(world):
    page = _client(world["A"]).get(URL).content.decode()
    assert "<table" not in page


def _all_parts(town, n: int) -> None:
    """``n`` supervisions, circulars (issued) and one published score of ``town``, and the same for another town."""
    factories_supervision = pytest.importorskip("tests.committee.factories_supervision")
    factories_circulars = pytest.importorskip("tests.committee.factories_circulars")
    factories_assessment = pytest.importorskip("tests.committee.factories_assessment")
    other = JurisdictionFactory(name="别的镇")
    for unit in (town, other):
        for _ in range(n):
            factories_supervision.SupervisionFactory(jurisdiction=unit, title=f"{unit.name}的督办事项")
            receipt = factories_circulars.CircularReceiptFactory(
                jurisdiction=unit, circular__title=f"{unit.name}收到的通报"
            )
            type(receipt.circular).objects.filter(pk=receipt.circular_id).update(
                status="issued", number="晋安委办〔2026〕1号"
            )
        factories_assessment.AssessmentResultRowFactory(
            unit_kind="jurisdiction", unit_id=unit.pk, unit_name=unit.name, total="87.50" if unit == town else "61.00"
        )


@pytest.mark.parametrize("count", [1, 8])
def test_every_part_shows_the_units_own_rows_in_constant_queries(count, django_assert_max_num_queries):
    town = JurisdictionFactory(name="本镇")
    officer = OfficerProfileFactory(jurisdiction=town).user
    _all_parts(town, count)
    for n in range(count):
        interview = InterviewFactory(jurisdiction=town, held_on=dt.date(2026, 3, 2) + dt.timedelta(days=n))
        CommitmentFactory.create_batch(2, interview=interview)
        AccidentFactory(jurisdiction=town)
    client = _client(officer)
    client.get(URL)
    with django_assert_max_num_queries(26):
        response = client.get(URL)
    page = response.content.decode()
    for part in ("supervisions", "interviews", "circulars", "score", "accidents"):
        assert f'data-hub="{part}"' in page, part
    assert "本镇的督办事项" in page and "本镇收到的通报" in page and "87.50" in page
    assert "别的镇" not in page and "61.00" not in page
    assert reverse("committee:supervision_list") in page and reverse("committee:assessment_mine") in page
