"""Roll-up at any level (campaigns.rollup): equal to an independent Python aggregation over random trees, each return
counted once, a constant number of queries."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from campaigns.models import (
    FIGURE_FIELDS,
    ActivityReturn,
    ActivityType,
    Campaign,
    CampaignTask,
    Recurrence,
    ReturnStatus,
)
from campaigns.rollup import STATES, campaign_family, level_board, rollup_fields, unit_figures
from safetyportal.models import Jurisdiction, JurisdictionLevel, MemberUnit
from tests.campaigns.factories import CampaignFactory, CampaignTaskFactory
from tests.core.factories import CommunityFactory, CountyFactory, JurisdictionFactory, MemberUnitFactory

TODAY = dt.date(2024, 6, 20)
STATUSES = [ReturnStatus.DRAFT, ReturnStatus.SUBMITTED, ReturnStatus.RETURNED, ReturnStatus.ACCEPTED]


def build_network(rng: random.Random, subdistricts: int = 3, communities: int = 3) -> dict:
    """A county, its subdistricts and communities, member units at both levels; the city's campaign (under a national
    one), each subdistrict's derived campaign, tasks assigned down the tree and random returns."""
    county = CountyFactory()
    subs = [JurisdictionFactory(parent=county) for _ in range(subdistricts)]
    comms = {sub.pk: [CommunityFactory(parent=sub) for _ in range(rng.randint(1, communities))] for sub in subs}
    city_members = [MemberUnitFactory(jurisdiction=county) for _ in range(2)]
    sub_members = {sub.pk: [MemberUnitFactory(jurisdiction=sub) for _ in range(rng.randint(0, 2))] for sub in subs}
    national = CampaignFactory(jurisdiction=None, name="全国“安全生产月”")
    city = CampaignFactory(jurisdiction=county, parent=national, name="全市“安全生产月”")
    weekly = CampaignTaskFactory(campaign=city, recurrence=Recurrence.WEEKLY, due_on=None, units=subs)
    weekly.member_units.set(city_members)
    CampaignTaskFactory(campaign=city, due_on=dt.date(2024, 6, 7), units=subs)
    for sub in subs:
        derived = CampaignFactory(jurisdiction=sub, parent=city, name=f"{sub.name}“安全生产月”")
        task = CampaignTaskFactory(campaign=derived, due_on=dt.date(2024, 6, 5), units=comms[sub.pk])
        task.member_units.set(sub_members[sub.pk])
        CampaignTaskFactory(campaign=derived, due_on=dt.date(2024, 6, 28), units=comms[sub.pk])
    # A campaign outside the family (another year): its returns never count.
    other = CampaignFactory(jurisdiction=county, year=2023, name="2023")
    CampaignTaskFactory(campaign=other, due_on=dt.date(2024, 6, 7), units=subs)

    returns = []
    tasks = list(CampaignTask.objects.prefetch_related("jurisdictions", "member_units").select_related("campaign"))
    for task in tasks:
        units = [(j, None) for j in task.jurisdictions.all()] + [(m.jurisdiction, m) for m in task.member_units.all()]
        for jurisdiction, member in units:
            for period in task.periods():
                for _copy in range(rng.choice([0, 1, 1, 2])):
                    status = rng.choice(STATUSES)
                    filed = status != ReturnStatus.DRAFT
                    counts = {name: rng.randint(0, 50) for name in FIGURE_FIELDS}
                    counts.update(  # the counts kept apart: drills and training are parts of the totals
                        drill_sessions=counts["sessions"] // 3,
                        training_sessions=counts["sessions"] // 3,
                        drill_participants=counts["participants"] // 2,
                        training_participants=counts["participants"] // 3,
                        consultation_desks=rng.randint(0, 3),
                        spending=Decimal(rng.randint(0, 100_000)) / 100,
                    )
                    returns.append(
                        ActivityReturn(
                            task=task,
                            jurisdiction=jurisdiction,
                            member_unit=member,
                            period_due=period.due,
                            activity_type=ActivityType.CONSULTATION,
                            title="活动",
                            activity_date=period.due,
                            place="广场",
                            description="说明",
                            status=status,
                            first_submitted_at=dt.datetime(2024, 6, 1, 9, tzinfo=dt.UTC) if filed else None,
                            is_late=filed and rng.random() < 0.3,
                            **counts,
                        )
                    )
    ActivityReturn.objects.bulk_create(returns)
    return {"county": county, "subs": subs, "national": national, "city": city}


def python_family(campaign: Campaign) -> set[int]:
    parents = dict(Campaign.objects.values_list("pk", "parent_id"))
    family = {campaign.pk}
    changed = True
    while changed:
        changed = False
        for pk, parent in parents.items():
            if parent in family and pk not in family:
                family.add(pk)
                changed = True
    return family


def python_figures(campaign: Campaign, unit: Jurisdiction) -> dict[str, int]:
    family = python_family(campaign)
    figures = dict.fromkeys(("accepted", *rollup_fields()), 0)
    for r in ActivityReturn.objects.select_related("task", "jurisdiction"):
        if r.task.campaign_id in family and r.jurisdiction.path.startswith(unit.path) and r.status == "accepted":
            figures["accepted"] += 1
            for name in rollup_fields():
                figures[name] += getattr(r, name)
    return figures


def python_slots(campaign: Campaign, unit: Jurisdiction) -> dict[str, int]:
    family = python_family(campaign)
    states = dict.fromkeys(STATES, 0)
    returns = list(ActivityReturn.objects.filter(first_submitted_at__isnull=False))
    for task in CampaignTask.objects.filter(campaign_id__in=family).prefetch_related("jurisdictions", "member_units"):
        units = [(j.pk, None, j.path) for j in task.jurisdictions.all()]
        units += [(m.jurisdiction_id, m.pk, m.jurisdiction.path) for m in task.member_units.all()]
        for jid, mid, path in units:
            if not path.startswith(unit.path):
                continue
            for period in task.periods():
                mine = [
                    r
                    for r in returns
                    if r.task_id == task.pk and r.period_due == period.due and r.jurisdiction_id == jid
                    and r.member_unit_id == mid
                ]  # fmt: skip
                if mine:
                    states["on_time" if any(not r.is_late for r in mine) else "late"] += 1
                else:
                    states["missing" if period.due < TODAY else "pending"] += 1
    return states


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollup_equals_python_aggregation_at_every_unit(seed):
    network = build_network(random.Random(seed))
    for campaign in (network["national"], network["city"], *Campaign.objects.exclude(parent=None)):
        for unit in Jurisdiction.objects.all():
            expected = python_figures(campaign, unit)
            assert unit_figures(campaign, unit) == expected, (campaign, unit)
            board = level_board(campaign, unit, today=TODAY)
            assert board.total.slots == python_slots(campaign, unit), (campaign, unit)


@pytest.mark.django_db
def test_each_row_is_its_subtree_and_rows_add_up_without_double_counting():
    network = build_network(random.Random(7))
    city, county = network["city"], network["county"]
    board = level_board(city, county, today=TODAY)
    for row in board.rows:
        if row.key.startswith("j"):
            assert {"accepted": row.accepted, **row.figures} == python_figures(city, row.jurisdiction)
    # The county's own figures are the sum of its rows and equal every accepted return of the family, once.
    family = python_family(city)
    accepted = ActivityReturn.objects.filter(task__campaign_id__in=family, status="accepted")
    assert board.total.accepted == accepted.count()
    assert board.total.figures["participants"] == sum(accepted.values_list("participants", flat=True))


@pytest.mark.django_db
def test_subdistrict_figures_include_community_returns_in_the_derived_campaign_once():
    county = CountyFactory()
    sub = JurisdictionFactory(parent=county)
    community = CommunityFactory(parent=sub)
    city = CampaignFactory(jurisdiction=county)
    city_task = CampaignTaskFactory(campaign=city, units=[sub])
    derived = CampaignFactory(jurisdiction=sub, parent=city)
    community_task = CampaignTaskFactory(campaign=derived, units=[community])
    common = {"activity_type": "consultation", "title": "t", "activity_date": dt.date(2024, 6, 16), "place": "p",
              "description": "d", "status": "accepted", "period_due": dt.date(2024, 6, 17)}  # fmt: skip
    ActivityReturn.objects.create(task=city_task, jurisdiction=sub, participants=100, **common)
    ActivityReturn.objects.create(task=community_task, jurisdiction=community, participants=40, **common)
    ActivityReturn.objects.create(
        task=community_task, jurisdiction=community, participants=7, **{**common, "status": "returned"}
    )
    assert unit_figures(city, sub)["participants"] == 140
    assert unit_figures(city, county)["participants"] == 140
    assert unit_figures(derived, sub)["participants"] == 40
    assert unit_figures(city, community)["participants"] == 40
    rows = {row.key: row for row in level_board(city, sub).rows}
    assert rows[f"j{community.pk}"].figures["participants"] == 40
    assert rows["self"].figures["participants"] == 100


@pytest.mark.django_db
def test_campaign_family_follows_every_depth():
    top = CampaignFactory()
    middle = CampaignFactory(parent=top)
    low = CampaignFactory(parent=middle)
    CampaignFactory()
    assert sorted(campaign_family(top)) == sorted([top.pk, middle.pk, low.pk])


def _grow(county: Jurisdiction, city: Campaign, subdistricts: int, communities: int) -> None:
    task = CampaignTask.objects.get(campaign=city)
    for _s in range(subdistricts):
        sub = JurisdictionFactory(parent=county)
        task.jurisdictions.add(sub)
        for _c in range(communities):
            CommunityFactory(parent=sub)
        MemberUnitFactory(jurisdiction=sub)


@pytest.mark.django_db
def test_level_board_runs_a_constant_number_of_queries(django_assert_max_num_queries):
    county = CountyFactory()
    national = CampaignFactory(jurisdiction=None)
    city = CampaignFactory(jurisdiction=county, parent=national)
    CampaignTaskFactory(campaign=city, recurrence=Recurrence.WEEKLY, due_on=None)
    _grow(county, city, 2, 2)
    with django_assert_max_num_queries(10) as small:
        level_board(national, county)
    _grow(county, city, 8, 6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        level_board(national, county)
    assert Jurisdiction.objects.filter(level=JurisdictionLevel.COMMUNITY).count() == 52
    assert MemberUnit.objects.count() == 10
