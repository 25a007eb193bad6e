"""Cascade (issue 12): a subdistrict's office derives its own campaign, assigns its own tasks to its communities and
member units, issues numbered notices under its own authority through the one issue(), and reviews the returns to its
campaign; every cross-unit attempt is 404 (views) or refused (services) and changes nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from campaigns import cascade, services
from campaigns.models import ActivityReturn, Campaign, CampaignTask, Notice, ReturnStatus, UnitAuthority
from safetyportal.documents import services as document_services
from tests.campaigns.factories import ActivityReturnFactory, CampaignFactory, CampaignTaskFactory, KeyDayFactory
from tests.core.documents_support import make_authority
from tests.core.factories import (
    CommunityFactory,
    CountyFactory,
    JurisdictionFactory,
    MemberUnitFactory,
    OfficerProfileFactory,
)


@pytest.fixture
def network(db):
    county = CountyFactory()
    lingyuan = JurisdictionFactory(parent=county, name="灵源街道")
    other = JurisdictionFactory(parent=county, name="青阳街道")
    communities = [CommunityFactory(parent=lingyuan, name=f"灵源{n}社区") for n in range(3)]
    other_community = CommunityFactory(parent=other, name="青阳某社区")
    members = [MemberUnitFactory(jurisdiction=lingyuan, name=f"灵源街道成员单位{n}") for n in range(2)]
    city_member = MemberUnitFactory(jurisdiction=county)
    city = CampaignFactory(jurisdiction=county, name="全市“安全生产月”")
    KeyDayFactory(campaign=city)
    city_task = CampaignTaskFactory(campaign=city, title="“安全宣传咨询日”活动信息", units=[lingyuan, other])
    CampaignTaskFactory(campaign=city, title="只给青阳的任务", units=[other])
    authority = make_authority("灵安办")
    UnitAuthority.objects.create(jurisdiction=lingyuan, authority=authority)
    other_authority = make_authority("青安办")
    UnitAuthority.objects.create(jurisdiction=other, authority=other_authority)
    return {
        "county": county,
        "lingyuan": lingyuan,
        "other": other,
        "communities": communities,
        "other_community": other_community,
        "members": members,
        "city_member": city_member,
        "city": city,
        "city_task": city_task,
        "authority": authority,
        "other_authority": other_authority,
        "office": OfficerProfileFactory(jurisdiction=lingyuan).user,
        "other_office": OfficerProfileFactory(jurisdiction=other).user,
        "community_officer": OfficerProfileFactory(jurisdiction=communities[0]).user,
    }


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_office_derives_its_campaign_with_theme_key_days_and_its_tasks_as_copies(network):
    campaign = cascade.derive_campaign(parent=network["city"], by=network["office"])
    assert campaign.jurisdiction == network["lingyuan"] and campaign.parent == network["city"]
    assert campaign.name == "灵源街道“安全生产月”" and campaign.national_theme == network["city"].national_theme
    assert [day.name for day in campaign.key_days.all()] == ["安全宣传咨询日"]
    copies = list(campaign.tasks.all())
    assert [task.title for task in copies] == ["“安全宣传咨询日”活动信息"]  # only the tasks given to 灵源
    assert copies[0].pk != network["city_task"].pk and copies[0].due_on == network["city_task"].due_on
    assert set(copies[0].jurisdictions.all()) == set(network["communities"])
    copies[0].due_on = dt.date(2024, 6, 16)  # an editable copy: the city's task is unchanged
    copies[0].save()
    network["city_task"].refresh_from_db()
    assert network["city_task"].due_on == dt.date(2024, 6, 17)


def test_community_and_member_unit_officers_cannot_derive_or_see_office_pages(network):
    with pytest.raises(PermissionDenied):
        cascade.derive_campaign(parent=network["city"], by=network["community_officer"])
    client = client_for(network["community_officer"])
    assert client.get(reverse("portal:campaign_list")).status_code == 404
    assert client.get(reverse("portal:campaign_derive", args=[network["city"].pk])).status_code == 404


def test_tasks_go_to_all_communities_and_all_member_units_in_one_step(network):
    campaign = cascade.derive_campaign(parent=network["city"], by=network["office"], copy_tasks=False)
    client = client_for(network["office"])
    response = client.post(
        reverse("portal:campaign_task_create", args=[campaign.pk]),
        {"title": "应急演练开展情况", "recurrence": "once", "due_on": "2024-06-28", "due_weekday": "4",
         "min_photos": "1", "min_exposures": "0", "min_media_reports": "0", "order": "2",
         "all_children": "on", "all_members": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    task = CampaignTask.objects.get(campaign=campaign, title="应急演练开展情况")
    assert set(task.jurisdictions.all()) == set(network["communities"])
    assert set(task.member_units.all()) == set(network["members"])


def test_units_of_another_office_cannot_be_assigned(network):
    campaign = cascade.derive_campaign(parent=network["city"], by=network["office"], copy_tasks=False)
    fields = {"title": "x", "recurrence": "once", "due_on": dt.date(2024, 6, 20)}
    for assignment in (
        cascade.Assignment(jurisdictions=(network["other_community"].pk,)),
        cascade.Assignment(member_units=(network["city_member"].pk,)),
    ):
        with pytest.raises(ValidationError):
            cascade.save_task(campaign=campaign, by=network["office"], fields=fields, assignment=assignment)
    with pytest.raises(PermissionDenied):  # another office's campaign
        cascade.save_task(campaign=campaign, by=network["other_office"], fields=fields, assignment=cascade.Assignment())
    client = client_for(network["other_office"])
    assert client.get(reverse("portal:campaign_detail", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("portal:campaign_task_create", args=[campaign.pk])).status_code == 404
    assert not CampaignTask.objects.filter(campaign=campaign).exists()


def test_office_issues_its_notice_under_its_own_authority_with_the_confirmation_step(
    network, django_capture_on_commit_callbacks
):
    client = client_for(network["office"])
    response = client.post(
        reverse("portal:office_notice_create"),
        {"title": "关于开展2024年灵源街道“安全生产月”活动的通知", "urgency": "", "recipients_text": "",
         "body": "一、总体要求\n各社区要高度重视。", "attachments_text": "", "contact_note": "", "copy_to": "",
         "all_children": "on", "all_members": "on", "_save": "1"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    notice = Notice.objects.get(title__startswith="关于开展2024年灵源街道")
    assert notice.authority == network["authority"] and notice.recipients_text == "各社区、街道安委会成员单位"
    assert set(notice.recipient_jurisdictions.all()) == set(network["communities"])
    page = client.get(reverse("portal:office_notice_issue", args=[notice.pk])).content.decode()
    expected = re.search(r'name="expected_number" value="([^"]+)"', page).group(1)
    assert expected.startswith("灵安办〔") and expected.endswith("〕1号")
    assert "各社区、街道安委会成员单位" in page and 'id="preview-pages"' in page
    with django_capture_on_commit_callbacks():
        response = client.post(
            reverse("portal:office_notice_issue", args=[notice.pk]),
            {"expected_number": expected, "_confirm": "1"},
        )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "issued" and notice.number == expected and notice.issued_by == network["office"]
    # The office follows its own addressees' 签收 on the notice's page (receipts made at issue).
    receipt = notice.receipts.get(jurisdiction=network["communities"][0])
    community = client_for(network["community_officer"])
    community.get(reverse("portal:inbox_detail", args=[receipt.pk]))
    community.post(reverse("portal:inbox_sign", args=[receipt.pk]))
    page = client.get(reverse("portal:office_notice_issue", args=[notice.pk])).content.decode()
    total = notice.receipts.count()
    assert 'id="sign-board"' in page and f"主送单位{total}个：已签收<strong>1</strong>个" in page
    assert network["communities"][0].name in page


def test_office_cannot_issue_under_another_authority_nor_a_community(network):
    notice = Notice.objects.create(authority=network["other_authority"], title="青阳的通知", body="正文")
    for user in (network["office"], network["community_officer"]):
        assert not notice.may_issue(user)
        with pytest.raises(PermissionDenied):
            document_services.issue(notice, by=user)
        assert client_for(user).get(reverse("portal:office_notice_issue", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.status == "draft" and not notice.number
    own = Notice.objects.create(
        authority=network["authority"], title="灵源的通知", body="正文", created_by=network["office"]
    )
    assert own.may_issue(network["office"]) and not own.may_issue(network["other_office"])


def _community_return(network, status=ReturnStatus.SUBMITTED):  # type: ignore[no-untyped-def]
    campaign = cascade.derive_campaign(parent=network["city"], by=network["office"])
    task = campaign.tasks.get()
    return ActivityReturnFactory(task=task, jurisdiction=network["communities"][0], status=status)


def test_office_reviews_its_communities_returns_in_the_portal(network):
    activity_return = _community_return(network)
    client = client_for(network["office"])
    url = reverse("portal:campaign_review_detail", args=[activity_return.pk])
    assert "审核通过" in client.get(url).content.decode()
    assert client.post(url, {"_accept": "1"}).status_code == 302
    activity_return.refresh_from_db()
    assert activity_return.status == ReturnStatus.ACCEPTED and activity_return.reviewed_by == network["office"]

    second = ActivityReturnFactory(
        task=activity_return.task, jurisdiction=network["communities"][1], status="submitted"
    )
    url = reverse("portal:campaign_review_detail", args=[second.pk])
    assert client.post(url, {"_send_back": "1", "reason": "请补充现场照片"}).status_code == 302
    second.refresh_from_db()
    assert second.status == ReturnStatus.RETURNED and second.return_reason == "请补充现场照片"


def test_member_unit_return_of_the_subdistrict_is_reviewed_by_the_subdistrict(network):
    campaign = cascade.derive_campaign(parent=network["city"], by=network["office"])
    task = campaign.tasks.get()
    task.member_units.add(network["members"][0])
    activity_return = ActivityReturnFactory(
        task=task, jurisdiction=network["lingyuan"], member_unit=network["members"][0], status="submitted"
    )
    services.accept_return(activity_return=activity_return, by=network["office"])
    assert ActivityReturn.objects.get(pk=activity_return.pk).status == ReturnStatus.ACCEPTED


def test_cross_unit_review_is_404_and_changes_nothing(network):
    activity_return = _community_return(network)
    url = reverse("portal:campaign_review_detail", args=[activity_return.pk])
    for user in (network["community_officer"], network["other_office"]):
        client = client_for(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"_accept": "1"}).status_code == 404
        with pytest.raises(PermissionDenied):
            services.accept_return(activity_return=activity_return, by=user)
    # The subdistrict's own return to the city's campaign is the city's to review, not its own.
    own = ActivityReturnFactory(task=network["city_task"], jurisdiction=network["lingyuan"], status="submitted")
    client = client_for(network["office"])
    assert client.get(reverse("portal:campaign_review_detail", args=[own.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.accept_return(activity_return=own, by=network["office"])
    assert set(ActivityReturn.objects.values_list("status", flat=True)) == {"submitted"}


def test_board_reads_own_subtree_only_with_drill_down(network):
    activity_return = _community_return(network, status=ReturnStatus.ACCEPTED)
    client = client_for(network["office"])
    url = reverse("portal:campaign_board", args=[network["city"].pk])
    page = client.get(url).content.decode()
    assert network["communities"][0].name in page and "灵源街道（本级）" in page  # its own slot in the city's task
    assert network["other_community"].name not in page and network["other"].name not in page  # not its subtree
    assert client.get(url, {"unit": network["communities"][0].pk}).status_code == 200
    assert client.get(url, {"unit": network["other"].pk}).status_code == 404  # another subdistrict
    assert client.get(url, {"unit": network["county"].pk}).status_code == 404  # above its own unit
    assert activity_return.participants > 0
    # A community reads its own level; another subdistrict's campaign is not in its line.
    other_campaign = CampaignFactory(jurisdiction=network["other"])
    community = client_for(network["community_officer"])
    assert community.get(url).status_code == 200
    assert community.get(reverse("portal:campaign_board", args=[other_campaign.pk])).status_code == 404


def test_board_page_runs_a_constant_number_of_queries(network, django_assert_max_num_queries):
    _community_return(network, status=ReturnStatus.ACCEPTED)
    client = client_for(network["office"])
    url = reverse("portal:campaign_board", args=[network["city"].pk])
    client.get(url)
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    for n in range(10):
        CommunityFactory(parent=network["lingyuan"], name=f"新增{n}社区")
    MemberUnitFactory(jurisdiction=network["lingyuan"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_campaign_pages_render_for_the_office(network):
    campaign = cascade.derive_campaign(parent=network["city"], by=network["office"])
    client = client_for(network["office"])
    for url in (
        reverse("portal:campaign_list"),
        reverse("portal:campaign_derive", args=[network["city"].pk]),
        reverse("portal:campaign_detail", args=[campaign.pk]),
        reverse("portal:campaign_edit", args=[campaign.pk]),
        reverse("portal:campaign_task_edit", args=[campaign.pk, campaign.tasks.get().pk]),
        reverse("portal:campaign_review", args=[campaign.pk]),
        reverse("portal:office_notices"),
        reverse("portal:office_notice_create"),
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(
        reverse("portal:campaign_edit", args=[campaign.pk]),
        {"name": campaign.name, "edition": "", "local_theme": "", "starts_on": "2024-06-01", "ends_on": "2024-06-30",
         "status": "running"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).status == "running"


def test_admin_rollup_reads_every_level_with_drill_down(network, staff_client):
    _community_return(network, status=ReturnStatus.ACCEPTED)
    url = reverse("admin:campaigns_campaign_rollup", args=[network["city"].pk])
    page = staff_client.get(url).content.decode()
    assert "灵源街道" in page and "青阳街道" in page and f"?unit={network['lingyuan'].pk}" in page
    page = staff_client.get(url, {"unit": network["lingyuan"].pk}).content.decode()
    assert network["communities"][0].name in page and "青阳街道" not in page.split("<table")[1]
    assert staff_client.get(reverse("admin:campaigns_unitauthority_changelist")).status_code == 200


def test_office_return_form_says_community_figures_are_added_automatically(network):
    page = client_for(network["office"]).get(reverse("portal:return_create", args=[network["city_task"].pk]))
    assert page.status_code == 200 and "请勿重复填报" in page.content.decode()
    campaign = cascade.derive_campaign(parent=network["city"], by=network["office"], fields={"status": "running"})
    community_task = campaign.tasks.get()
    page = client_for(network["community_officer"]).get(reverse("portal:return_create", args=[community_task.pk]))
    assert page.status_code == 200 and "请勿重复填报" not in page.content.decode()


def test_the_portal_navigation_leads_an_office_to_its_campaigns_only(network):
    office_home = client_for(network["office"]).get(reverse("portal:home")).content.decode()
    assert reverse("portal:campaign_list") in office_home and "本级活动" in office_home
    community_home = client_for(network["community_officer"]).get(reverse("portal:home")).content.decode()
    assert reverse("portal:campaign_list") not in community_home
