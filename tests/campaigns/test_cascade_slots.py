"""Review 12 §7: staff gave the city's task to a subdistrict and to its communities
(全部街道（镇） + 全部社区（村）); the subdistrict's derived copy must not assign those communities again: one slot
per unit and work, and the roll-up counts the community's activity once at every level."""

from __future__ import annotations

import datetime as dt

import pytest

from campaigns import cascade
from campaigns.models import ActivityReturn, CampaignStatus, CampaignTask
from campaigns.rollup import level_board, unit_figures
from tests.campaigns.test_cascade import network  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_a_derived_copy_leaves_out_the_communities_the_city_task_already_assigns(network):  # noqa: F811
    city, task = network["city"], network["city_task"]
    city.status = CampaignStatus.RUNNING
    city.save()
    direct, others = network["communities"][:2], network["communities"][2:]
    task.jurisdictions.add(*direct)  # staff: 全部街道（镇） + two of 灵源's communities

    derived = cascade.derive_campaign(parent=city, by=network["office"])

    for community in network["communities"]:
        slots = CampaignTask.objects.filter(campaign__in=[city, derived], jurisdictions=community)
        assert slots.count() == 1, (community.name, list(slots.values_list("campaign__name", "title")))
    copy = derived.tasks.get()
    assert set(copy.jurisdictions.all()) == set(others)

    # The community files its one slot; 灵源's and the city's figures count it once.
    community = direct[0]
    ActivityReturn.objects.create(
        task=task, jurisdiction=community, status="accepted", participants=40, activity_type="consultation",
        title="咨询日", activity_date=dt.date(2024, 6, 16), place="广场", description="d", period_due=task.due_on,
    )  # fmt: skip
    assert unit_figures(city, network["lingyuan"])["participants"] == 40
    assert unit_figures(city, network["county"])["participants"] == 40
    rows = {row.key: row for row in level_board(city, network["lingyuan"], today=dt.date(2024, 7, 1)).rows}
    assert sum(rows[f"j{community.pk}"].slots.values()) == 1  # one slot, not a second one "逾期未报"
    assert rows[f"j{community.pk}"].accepted == 1


def test_a_city_task_given_to_every_community_leaves_the_copy_unassigned(network):  # noqa: F811
    city, task = network["city"], network["city_task"]
    task.jurisdictions.add(*network["communities"])
    derived = cascade.derive_campaign(parent=city, by=network["office"])
    assert not derived.tasks.get().jurisdictions.exists()
    for community in network["communities"]:
        assert CampaignTask.objects.filter(campaign__in=[city, derived], jurisdictions=community).count() == 1
