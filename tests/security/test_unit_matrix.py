"""Issue 12: the IDOR matrix over every kind of portal unit and every pair (SECURITY.md section C, T11-T14).

Seven units, each with officers and its own objects: two subdistrict offices (A, B), two communities of A (A1, A2),
one of B (B1) and two committee member units (M1, M2, of the city). A unit sees its own objects and, for an office,
those of the communities below it; nothing else. For every ordered pair (viewer, owner) where the viewer may not see
the owner's objects — community↔community, community→parent subdistrict, member unit↔member unit, member
unit↔subdistrict, subdistrict→another subdistrict's community, … — every portal route taking one of the owner's
objects answers 404 (or 405) to GET and POST, lists and exports show none of them, and the database and the media
storage do not change.

The route inventory part: every portal route answers every kind of unit without a server error, and the owners reach
their own objects (so the matrix is not vacuous)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import ActivityReturn, ReturnStatus
from inspections.models import Hazard
from tests.campaigns.factories import (
    ActivityReturnFactory,
    CampaignFactory,
    CampaignTaskFactory,
    NoticeAttachmentFactory,
    NoticeReceiptFactory,
    ReturnAttachmentFactory,
    ReturnPhotoFactory,
    jpeg_bytes,
)
from tests.core.factories import (
    CommunityFactory,
    CountyFactory,
    JurisdictionFactory,
    MemberUnitFactory,
    OfficerProfileFactory,
)
from tests.inspections.factories import HazardFactory, HazardPhotoFactory
from tests.otp import device_for
from tests.security.crawl import checksum_diff, db_checksum
from tests.security.routes import PORTAL, all_routes

pytestmark = pytest.mark.django_db

# Which of a unit's objects fills each keyword argument of each portal route probed here. A route of another area of
# the portal (the cascade's campaigns and office notices, portal messages) is probed by its owner's tests.
POSTED = {"status": "accepted", "to_status": "closed", "reason": "x", "title": "x"}  # a probe's form fields
ROUTE_ARGS: dict[str, dict[str, str]] = {
    "portal:return_create": {"task_id": "task"},
    "portal:return_detail": {"pk": "return"},
    "portal:return_edit": {"pk": "return"},
    "portal:return_submit": {"pk": "return"},
    "portal:return_delete": {"pk": "return"},
    "portal:return_photo": {"pk": "return", "photo_id": "photo"},
    "portal:return_photo_thumbnail": {"pk": "return", "photo_id": "photo"},
    "portal:return_photo_delete": {"pk": "return", "photo_id": "photo"},
    "portal:return_attachment": {"pk": "return", "attachment_id": "attachment"},
    "portal:return_attachment_delete": {"pk": "return", "attachment_id": "attachment"},
    "portal:notice_attachment": {"notice_pk": "notice", "attachment_id": "notice_attachment"},
    "portal:inbox_detail": {"pk": "receipt"},
    "portal:inbox_pdf": {"pk": "receipt"},
    "portal:inbox_sign": {"pk": "receipt"},
    "hazards:detail": {"pk": "hazard"},
    "hazards:transition": {"pk": "hazard"},
    "hazards:photo": {"pk": "hazard", "photo_pk": "hazard_photo"},
}


@dataclass
class Unit:
    key: str
    kind: str  # "office", "community" or "member"
    jurisdiction: Any = None
    member_unit: Any = None
    parent: str | None = None  # the office above a community
    officer: Any = None
    objects: dict[str, Any] = field(default_factory=dict)

    @property
    def marker(self) -> str:
        return f"标记{self.key}号"

    def sees(self, other: Unit) -> bool:
        return other is self or (self.kind == "office" and other.parent == self.key)


def _storage_checksum(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


# The network is built once per module (building it takes several seconds; ten tests used to rebuild it): inside a
# transaction opened by a module-scoped fixture and rolled back when the module is done. Each test runs, as usual,
# inside its own savepoint (pytest-django's ``db``), rolled back after it, so a test that changes a row (the hazard
# transition, the member unit's new return) leaves the network as built for the next one. The media files live in a
# module-wide directory for the same reason; the tests that must change nothing compare checksums of it.


@pytest.fixture(scope="module")
def _module_media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("unit-matrix") / "media"


@pytest.fixture
def media_root(settings, _module_media):
    settings.MEDIA_ROOT = _module_media
    return settings.MEDIA_ROOT


@pytest.fixture(scope="module")
def _module_network(django_db_setup, django_db_blocker, _module_media) -> Any:
    from django.db import transaction
    from django.test import override_settings

    fast = override_settings(  # 14 accounts: argon2 would take seconds for passwords nobody types
        MEDIA_ROOT=_module_media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast, transaction.atomic():
        yield build_network(_module_media)
        transaction.set_rollback(True)  # the module's rows go; nothing else ran in this transaction


@pytest.fixture
def network(_module_network, media_root, db) -> dict[str, Unit]:
    """The module's network (built once); ``db`` wraps the test in a savepoint rolled back after it."""
    return _module_network


def build_network(media_root: Path) -> dict[str, Unit]:
    today = timezone.localdate()
    campaign = CampaignFactory(
        year=today.year, starts_on=today - dt.timedelta(days=20), ends_on=today + dt.timedelta(days=40)
    )
    city = CountyFactory()
    a = JurisdictionFactory(name="甲街道", parent=city)
    b = JurisdictionFactory(name="乙街道", parent=city)
    elsewhere = JurisdictionFactory(name="无人街道", parent=city)  # where the member units' hazards are
    units = {
        "A": Unit("A", "office", jurisdiction=a),
        "B": Unit("B", "office", jurisdiction=b),
        "A1": Unit("A1", "community", jurisdiction=CommunityFactory(parent=a, name="甲一社区"), parent="A"),
        "A2": Unit("A2", "community", jurisdiction=CommunityFactory(parent=a, name="甲二社区"), parent="A"),
        "B1": Unit("B1", "community", jurisdiction=CommunityFactory(parent=b, name="乙一社区"), parent="B"),
        "M1": Unit("M1", "member", member_unit=MemberUnitFactory(jurisdiction=city, name="市住建局")),
        "M2": Unit("M2", "member", member_unit=MemberUnitFactory(jurisdiction=city, name="市交通局")),
    }
    for unit in units.values():
        member = unit.member_unit
        unit.officer = OfficerProfileFactory(jurisdiction=unit.jurisdiction, member_unit=member).user
        device_for(unit.officer)  # built outside a test: the conftest's enrol-on-create signal is not connected yet
        OfficerProfileFactory(jurisdiction=unit.jurisdiction, member_unit=member)  # several accounts per unit
        task = CampaignTaskFactory(
            campaign=campaign,
            due_on=today + dt.timedelta(days=2),
            units=[unit.jurisdiction] if member is None else [],
            members=[member] if member is not None else [],
            title=f"{unit.marker}任务",
        )
        activity_return = ActivityReturnFactory(
            task=task,
            jurisdiction=unit.jurisdiction or member.jurisdiction,
            member_unit=member,
            status=ReturnStatus.DRAFT,
            title=f"{unit.marker}活动",
            period_due=task.due_on,
        )
        hazard = HazardFactory(
            jurisdiction=unit.jurisdiction or elsewhere, responsible_unit=member, address=f"{unit.marker}隐患地点"
        )
        attachment = NoticeAttachmentFactory(
            recipients=[unit.jurisdiction] if member is None else [],
            member_recipients=[member] if member is not None else [],
            issued=True,
        )
        receipt = NoticeReceiptFactory(notice=attachment.notice, jurisdiction=unit.jurisdiction, member_unit=member)
        unit.objects = {
            "task": task,
            "return": activity_return,
            "photo": ReturnPhotoFactory(activity_return=activity_return),
            "attachment": ReturnAttachmentFactory(activity_return=activity_return),
            "hazard": hazard,
            "hazard_photo": _hazard_photo(hazard, media_root),
            "notice": attachment.notice,
            "notice_attachment": attachment,
            "receipt": receipt,
        }
    return units


def _hazard_photo(hazard: Hazard, media_root: Path) -> Any:
    photo = HazardPhotoFactory(hazard=hazard)
    for name in (photo.image, photo.thumbnail):
        path = Path(media_root) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(jpeg_bytes())
    return photo


def _urls(route_name: str, owner: Unit, viewer: Unit) -> list[str]:
    """The URLs by which ``viewer`` could reach ``owner``'s objects through the route: the owner's objects only and,
    for a route with a parent and a child, the viewer's own parent with the owner's child and the other way round."""
    args = ROUTE_ARGS[route_name]
    theirs = {name: owner.objects[kind].pk for name, kind in args.items()}
    urls = [reverse(route_name, kwargs=theirs)]
    if len(args) > 1:
        own = {name: viewer.objects[kind].pk for name, kind in args.items()}
        urls.extend(reverse(route_name, kwargs={**own, name: theirs[name]}) for name in args)
    return urls


def _portal_routes() -> dict[str, Any]:
    return {route.name: route for route in all_routes() if route.area == PORTAL and route.name}


def test_every_probed_route_exists_and_takes_what_is_given():
    routes = _portal_routes()
    for name, args in ROUTE_ARGS.items():
        assert name in routes, name
        assert set(routes[name].kwargs) == set(args), name


# The routes that write a return (or its photos and attachments): only the owning unit's officers reach them; an
# office that reads its communities' returns gets 404 there too (campaigns.services.may_write_return).
WRITE_ROUTES = (
    "portal:return_edit",
    "portal:return_submit",
    "portal:return_delete",
    "portal:return_photo_delete",
    "portal:return_attachment_delete",
)


def _probes(viewer: Unit, network: dict[str, Unit]) -> tuple[int, list[tuple[str, str, str, dict[str, Any]]]]:
    """(pairs, [(label, method, url, data)]): every probe of ``viewer`` against the units it may not see (every
    route, GET and POST, and the lists filtered by a foreign task), and against the units below it that it sees but
    does not own (the write routes)."""
    pairs, probes = 0, []
    for owner in network.values():
        if owner is viewer:
            continue
        routes = WRITE_ROUTES if viewer.sees(owner) else tuple(ROUTE_ARGS)
        pairs += not viewer.sees(owner)
        for route_name in routes:
            for url in _urls(route_name, owner, viewer):
                for method in ("get", "post"):
                    probes.append((f"{viewer.key}→{owner.key}", method, url, POSTED))
        if not viewer.sees(owner):
            for url in (reverse("portal:return_list"), reverse("portal:return_export")):
                probes.append((f"{viewer.key}→{owner.key}", "get", url, {"task": owner.objects["task"].pk}))
    return pairs, probes


def _expected(method: str, url: str, data: dict[str, Any]) -> tuple[int, ...]:
    return (404,) if "task" in data else (404, 405)


def test_every_cross_unit_probe_answers_404_and_changes_nothing(network, media_root):
    """Each viewer's probes run as one batch between two checksums of the database (and the media files); a batch
    that changed something is rolled back and run again probe by probe, so the failure names the probe."""
    from django.db import transaction

    before_db, before_files = db_checksum(), _storage_checksum(media_root)
    pairs = probes = 0
    unexpected, changed = [], []
    for viewer in network.values():
        client = Client()
        client.force_login(viewer.officer)
        viewer_pairs, batch = _probes(viewer, network)
        pairs += viewer_pairs
        start = transaction.savepoint()
        for label, method, url, data in batch:
            response = getattr(client, method)(url, data)
            probes += 1
            if response.status_code not in _expected(method, url, data):
                unexpected.append(f"{label} {method.upper()} {url} -> {response.status_code}")
        if checksum_diff(before_db, db_checksum()) == {}:
            transaction.savepoint_commit(start)
            continue
        transaction.savepoint_rollback(start)  # find the probe: one by one, each between two checksums
        for label, method, url, data in batch:
            single = transaction.savepoint()
            getattr(client, method)(url, data)
            diff = checksum_diff(before_db, db_checksum())
            if diff:
                changed.append(f"{label} {method.upper()} {url} changed {sorted(diff)}")
            transaction.savepoint_rollback(single)
        changed = changed or [f"{viewer.key}: the batch changed the database, no single probe did"]
    assert not unexpected, unexpected[:20]
    assert not changed, changed[:20]
    # 7 units: 42 ordered pairs, of which 3 are an office over its own community (probed on the write routes only).
    assert pairs == 39
    assert probes >= pairs * len(ROUTE_ARGS) * 2 + 3 * len(WRITE_ROUTES) * 2
    assert checksum_diff(before_db, db_checksum()) == {}
    assert _storage_checksum(media_root) == before_files


def _export_text(response) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return " ".join(str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row)


def test_lists_exports_and_home_show_only_what_the_unit_may_see(network):
    for viewer in network.values():
        client = Client()
        client.force_login(viewer.officer)
        pages = {
            name: client.get(reverse(name)).content.decode()
            for name in ("portal:home", "portal:return_list", "hazards:list", "portal:inbox")
        }
        pages["export"] = _export_text(client.get(reverse("portal:return_export")))
        for owner in network.values():
            for name, text in pages.items():
                if viewer.sees(owner):
                    continue
                assert owner.marker not in text, f"{viewer.key} sees {owner.key} on {name}"
        assert f"{viewer.marker}活动" in pages["portal:return_list"]
        assert f"{viewer.marker}活动" in pages["export"]
        assert f"{viewer.marker}隐患地点" in pages["hazards:list"]


def test_owners_reach_their_own_objects(network):
    """The matrix is not vacuous: every probed route lets the owner in (200, a redirect, or 405 for a POST-only
    route asked with GET)."""
    for unit in network.values():
        client = Client()
        client.force_login(unit.officer)
        for route_name in ROUTE_ARGS:
            if route_name.endswith(("_delete", "_submit", "_sign", "transition", "inbox_pdf")):
                continue  # POST-only routes; the fixture's notices have no PDF
            url = reverse(route_name, kwargs={n: unit.objects[k].pk for n, k in ROUTE_ARGS[route_name].items()})
            response = client.get(url)
            assert response.status_code in (200, 302), f"{unit.key} {url} -> {response.status_code}"


def test_every_portal_route_answers_every_kind_of_unit(network):
    """Route inventory: every portal route without an object argument answers an officer of each kind of unit
    without a server error (a member-unit officer gets an empty page or a 404, never another unit's data)."""
    routes = [route for route in _portal_routes().values() if not route.takes_object]
    assert {"portal:home", "portal:return_list", "hazards:list"} <= {route.name for route in routes}
    for key in ("A", "A1", "M1"):
        client = Client()
        client.force_login(network[key].officer)
        for route in routes:
            if route.name in ("portal:logout", "portal:login"):
                continue
            response = client.get(route.url())
            assert response.status_code < 500, f"{key} {route.name} -> {response.status_code}"


def test_member_unit_officer_files_a_return_for_its_unit(network):
    """A member unit files on its own task: the return keeps jurisdiction = the member unit's and member_unit set."""
    member = network["M1"]
    client = Client()
    client.force_login(member.officer)
    task = member.objects["task"]
    assert client.get(reverse("portal:return_create", args=[task.pk])).status_code == 200
    response = client.post(
        reverse("portal:return_create", args=[task.pk]),
        {
            "period_due": task.due_on.isoformat(),
            "activity_type": "consultation",
            "title": "住建系统安全宣传咨询",
            "activity_date": timezone.localdate().isoformat(),
            "place": "市住建局",
            "sessions": "1",
            "participants": "120",
            "description": "设置咨询台，解答群众咨询。",
            **dict.fromkeys(("leaflets", "booklets", "wall_charts", "boards", "banners", "giveaways"), "0"),
            "media_reports": "0",
            "exposures": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = ActivityReturn.objects.get(title="住建系统安全宣传咨询")
    assert created.member_unit == member.member_unit
    assert created.jurisdiction == member.member_unit.jurisdiction
    assert created.created_by == member.officer
    # Another member unit cannot file on it.
    other = Client()
    other.force_login(network["M2"].officer)
    assert other.get(reverse("portal:return_create", args=[task.pk])).status_code == 404


def test_member_unit_officer_handles_the_hazards_assigned_to_it(network):
    member = network["M1"]
    hazard = member.objects["hazard"]
    client = Client()
    client.force_login(member.officer)
    page = client.get(reverse("hazards:detail", args=[hazard.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("hazards:transition", args=[hazard.pk]), {"to_status": "verifying", "reason": "已到现场核查"}
    )
    assert response.status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).status == "verifying"
    # Hazards are filed by place: a member unit has no place of its own.
    assert client.get(reverse("hazards:create")).status_code == 404


def test_header_names_the_unit_and_its_kind(network):
    for key, kind in (("A", "街道/镇"), ("A1", "社区（村）"), ("M1", "成员单位")):
        client = Client()
        client.force_login(network[key].officer)
        page = client.get(reverse("portal:home")).content.decode()
        unit = network[key]
        name = unit.member_unit.name if unit.member_unit else unit.jurisdiction.name
        assert f'<span class="unit-name">{name}</span>' in page
        assert f'<span class="unit-kind">{kind}</span>' in page


@pytest.mark.parametrize("key", ["A1", "M1"])
def test_list_query_counts_do_not_grow_with_rows(network, key, django_assert_max_num_queries):
    unit = network[key]
    client = Client()
    client.force_login(unit.officer)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("portal:return_list"))
    for number in range(10):
        ActivityReturnFactory(
            task=unit.objects["task"],
            jurisdiction=unit.jurisdiction or unit.member_unit.jurisdiction,
            member_unit=unit.member_unit,
            title=f"更多{number}",
            period_due=unit.objects["task"].due_on,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("portal:return_list"))


# Portal routes taking an object that this matrix does not probe, and the tests that probe them across units (the
# cascade's campaigns and office notices, portal messages). A new portal object route goes in ROUTE_ARGS or here.
PROBED_ELSEWHERE = {
    "portal:message_read",
    "portal:campaign_derive",
    "portal:campaign_detail",
    "portal:campaign_edit",
    "portal:campaign_task_create",
    "portal:campaign_task_edit",
    "portal:campaign_review",
    "portal:campaign_board",
    "portal:campaign_review_detail",
    "portal:office_notice_issue",
    "portal:office_notice_edit",
    "portal:office_notice_preview",
    "portal:office_notice_remind",
    "portal:office_notice_document",
    "committee:commitment_done",  # tests/committee/test_interviews.py (every kind of unit, POST)
    # tests/committee/test_circulars.py::test_only_addressed_units_see_a_circular_and_its_pdf (another town, a
    # community of the addressed town, a member unit: 404, the receipt's opening unchanged)
    "committee:circular_detail",
    "committee:circular_pdf",
    # tests/committee/test_supervision.py::test_another_unit_gets_404_and_nothing_changes (another town and a member
    # unit: 404 on the detail, progress, extension and download routes; no report, request or event added) and
    # ::test_the_office_above_reads_but_does_not_write
    "committee:supervision_detail",
    "committee:supervision_progress",
    "committee:supervision_extension",
    "committee:supervision_attachment",
    "committee:supervision_evidence",
    # tests/inspections/test_exposure_submissions.py::test_another_units_submission_is_not_found_and_unchanged
    # (+ county, community and member-unit officers: 404, nothing changes)
    "hazards:exposure_submission_detail",
}


def test_every_portal_object_route_is_in_the_unit_matrix():
    routes = {name for name, route in _portal_routes().items() if route.takes_object}
    missing = sorted(routes - set(ROUTE_ARGS) - PROBED_ELSEWHERE)
    assert not missing, f"Portal routes taking an object, not probed across every kind of unit: {missing}"
    assert not (PROBED_ELSEWHERE - routes), "PROBED_ELSEWHERE names routes that no longer exist"
