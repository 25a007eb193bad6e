"""Issue 12: staff assign a task or address a notice to 全部街道（镇）, 全部社区（村）, 全部成员单位 or a list,
in one step.

The quick choices expand on save inside the issuing office's own tree (the campaign's running unit, the authority's
unit, or the city's office), and add to the units picked one by one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from campaigns.assign import quick_units
from campaigns.models import CampaignTask, Notice
from tests.campaigns.factories import CampaignFactory
from tests.core.documents_support import make_authority
from tests.core.factories import CommunityFactory, CountyFactory, JurisdictionFactory, MemberUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    """A city with two subdistricts (two communities each), three member units (one inactive) and a subdistrict's
    own member unit."""
    county = CountyFactory()
    subdistricts = [JurisdictionFactory(parent=county) for _ in range(2)]
    communities = [CommunityFactory(parent=s) for s in subdistricts for _ in range(2)]
    units = [MemberUnitFactory(jurisdiction=county) for _ in range(2)]
    MemberUnitFactory(jurisdiction=county, is_active=False)
    own_unit = MemberUnitFactory(jurisdiction=subdistricts[0])
    return {
        "county": county,
        "subdistricts": subdistricts,
        "communities": communities,
        "units": units,
        "own_unit": own_unit,
    }


def _task_data(campaign, **overrides):
    data = {
        "campaign": str(campaign.pk),
        "title": "开展安全生产宣传咨询日活动",
        "requirements": "",
        "order": "0",
        "recurrence": "once",
        "due_on": "2024-06-20",
        "due_weekday": "5",
        "due_time": "",
        "starts_on": "",
        "ends_on": "",
        "activity_type": "",
        "min_photos": "0",
        "min_exposures": "0",
        "min_media_reports": "0",
    }
    data.update(overrides)
    return data


def test_quick_units_stay_inside_the_office_tree(city):
    jurisdictions, units = quick_units(["subdistricts", "communities", "member_units"], None)
    assert set(jurisdictions) == {*city["subdistricts"], *city["communities"]}
    assert set(units) == set(city["units"])  # the city's active member units only
    lingyuan = city["subdistricts"][0]
    jurisdictions, units = quick_units(["subdistricts", "communities", "member_units"], lingyuan)
    assert set(jurisdictions) == set(city["communities"][:2])  # its own communities, not itself
    assert list(units) == [city["own_unit"]]
    assert list(quick_units([], None)[0]) == [] and list(quick_units([], None)[1]) == []


def test_staff_assign_a_task_to_every_subdistrict_and_member_unit_in_one_step(client, admin_user, city):
    client.force_login(admin_user)
    campaign = CampaignFactory()
    page = client.get(reverse("admin:campaigns_campaigntask_add"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "全部街道（镇）" in text and "全部社区（村）" in text and "全部成员单位" in text
    picked = city["communities"][0]
    response = client.post(
        reverse("admin:campaigns_campaigntask_add"),
        _task_data(campaign, quick_assign=["subdistricts", "member_units"], jurisdictions=[str(picked.pk)]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    task = CampaignTask.objects.get(title="开展安全生产宣传咨询日活动")
    assert set(task.jurisdictions.all()) == {*city["subdistricts"], picked}
    assert set(task.member_units.all()) == set(city["units"])


def test_a_subdistricts_campaign_assigns_within_its_own_tree(client, admin_user, city):
    client.force_login(admin_user)
    lingyuan = city["subdistricts"][0]
    campaign = CampaignFactory(jurisdiction=lingyuan)
    response = client.post(
        reverse("admin:campaigns_campaigntask_add"),
        _task_data(campaign, quick_assign=["communities", "member_units"]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    task = CampaignTask.objects.get(campaign=campaign)
    assert set(task.jurisdictions.all()) == set(city["communities"][:2])
    assert list(task.member_units.all()) == [city["own_unit"]]


def test_notice_form_addresses_every_community_in_one_step(admin_user, city):
    notice_admin = admin.site._registry[Notice]
    request = RequestFactory().get("/")
    request.user = admin_user
    form_class = notice_admin.get_form(request, None)
    fieldsets = notice_admin.get_fieldsets(request, None)
    assert "quick_assign" in [name for _title, options in fieldsets for name in options["fields"]]
    authority = make_authority()
    form = form_class(
        data={
            "authority": str(authority.pk),
            "title": "关于开展安全生产大检查的通知",
            "urgency": "",
            "recipients_text": "",
            "body": "现将有关事项通知如下。",
            "attachments_text": "",
            "contact_note": "",
            "copy_to": "",
            "quick_assign": ["communities", "member_units"],
        }
    )
    assert form.is_valid(), form.errors
    notice = form.save(commit=False)
    notice.created_by = admin_user
    notice.save()
    form.save_m2m()
    assert set(notice.recipient_jurisdictions.all()) == set(city["communities"])
    assert set(notice.recipient_units.all()) == set(city["units"])


def test_quick_choices_are_not_offered_once_the_notice_is_locked(admin_user, city):
    from tests.core.documents_support import make_notice

    notice = make_notice(status="issued", number="晋安办〔2024〕1号", issued_on=dt.date(2024, 6, 1))
    notice_admin = admin.site._registry[Notice]
    request = RequestFactory().get("/")
    request.user = admin_user
    fieldsets = notice_admin.get_fieldsets(request, notice)
    assert "quick_assign" not in [name for _title, options in fieldsets for name in options["fields"]]
