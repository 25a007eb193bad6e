"""Cross-unit probes of every object route of an office's own campaigns (/portal/campaigns/): another office, a
community of the same office, a member unit of the same office and a city member unit get 404 on every route, GET and
POST, and nothing changes."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from campaigns import cascade
from campaigns.models import ActivityReturn, Campaign, CampaignTask, Notice
from safetyportal.documents.models import GeneratedDocument
from tests.campaigns.factories import ActivityReturnFactory
from tests.campaigns.test_cascade import client_for, network  # noqa: F401  (the fixture)
from tests.core.factories import OfficerProfileFactory

ROUTES = (
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
)


def _state() -> tuple:
    return (
        list(Campaign.objects.order_by("pk").values_list("pk", "name", "status", "launch_notice_id")),
        list(CampaignTask.objects.order_by("pk").values_list("pk", "title", "due_on")),
        list(ActivityReturn.objects.order_by("pk").values_list("pk", "status", "reviewed_by_id")),
        list(Notice.objects.order_by("pk").values_list("pk", "status", "number", "title")),
        GeneratedDocument.objects.count(),
    )


def test_every_route_of_an_offices_campaign_is_404_for_other_units(network):  # noqa: F811
    office = network["office"]
    campaign = cascade.derive_campaign(parent=network["city"], by=office)
    task = campaign.tasks.get()
    activity_return = ActivityReturnFactory(task=task, jurisdiction=network["communities"][1], status="submitted")
    notice = cascade.save_notice(
        by=office, fields={"title": "灵源的通知", "body": "正文"}, assignment=cascade.Assignment(all_children=True)
    )
    document = GeneratedDocument.objects.create(
        kind="notice",
        title="预览",
        source_type=ContentType.objects.get_for_model(Notice),
        source_id=notice.pk,
        is_preview=True,
        status="done",
    )
    urls = {
        "portal:campaign_derive": reverse("portal:campaign_derive", args=[campaign.pk]),  # not a campaign above them
        "portal:campaign_detail": reverse("portal:campaign_detail", args=[campaign.pk]),
        "portal:campaign_edit": reverse("portal:campaign_edit", args=[campaign.pk]),
        "portal:campaign_task_create": reverse("portal:campaign_task_create", args=[campaign.pk]),
        "portal:campaign_task_edit": reverse("portal:campaign_task_edit", args=[campaign.pk, task.pk]),
        "portal:campaign_review": reverse("portal:campaign_review", args=[campaign.pk]),
        "portal:campaign_board": reverse("portal:campaign_board", args=[campaign.pk]),
        "portal:campaign_review_detail": reverse("portal:campaign_review_detail", args=[activity_return.pk]),
        "portal:office_notice_issue": reverse("portal:office_notice_issue", args=[notice.pk]),
        "portal:office_notice_edit": reverse("portal:office_notice_edit", args=[notice.pk]),
        "portal:office_notice_preview": reverse("portal:office_notice_preview", args=[notice.pk]),
        "portal:office_notice_remind": reverse("portal:office_notice_remind", args=[notice.pk]),
        "portal:office_notice_document": reverse("portal:office_notice_document", args=[notice.pk, document.pk]),
    }
    assert set(urls) == set(ROUTES)
    intruders = {
        "another office": network["other_office"],
        "a community of the office": network["community_officer"],
        "a member unit of the office": OfficerProfileFactory(jurisdiction=None, member_unit=network["members"][0]).user,
        "a city member unit": OfficerProfileFactory(jurisdiction=None, member_unit=network["city_member"]).user,
    }
    before = _state()
    posted = {"name": "改", "title": "改", "status": "closed", "_accept": "1", "_send_back": "1", "reason": "x",
              "_confirm": "1", "expected_number": "灵安办〔2026〕1号", "body": "改", "all_children": "on"}  # fmt: skip
    for who, user in intruders.items():
        client = client_for(user)
        for name, url in urls.items():
            if who == "a community of the office" and name == "portal:campaign_board":
                # its own line's campaign, read at its own level: its own row only, never a sibling's
                page = client.get(url).content.decode()
                assert network["communities"][1].name not in page and "灵源街道（本级）" not in page
                assert client.get(url, {"unit": network["lingyuan"].pk}).status_code == 404
                continue
            post_only = ("portal:office_notice_preview", "portal:office_notice_remind")
            allowed = (404, 405) if name in post_only else (404,)  # POST-only: 405 for any id
            assert client.get(url).status_code in allowed, (who, name, "GET")
            assert client.post(url, posted).status_code in (404, 405), (who, name, "POST")
    assert _state() == before
    # The office itself reaches them (the probes above are not 404 for every user).
    owner = client_for(office)
    for name in ("portal:campaign_detail", "portal:campaign_review_detail", "portal:office_notice_issue"):
        assert owner.get(urls[name]).status_code == 200, name


@pytest.mark.parametrize("route", ["portal:campaign_board"])
def test_a_city_campaign_board_is_read_in_the_officers_own_subtree_only(network, route):  # noqa: F811
    url = reverse(route, args=[network["city"].pk])
    assert client_for(network["office"]).get(url, {"unit": network["other_community"].pk}).status_code == 404
    assert client_for(network["office"]).get(url, {"unit": "x"}).status_code == 404
