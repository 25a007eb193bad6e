"""The monthly media duty of seed 001 (每月至少1个典型案例在本地主流媒体曝光) and the 篇/起 figures (seed 000).

Package E: inspections/media_duty.py, inspections/figures.py, the staff board (admin) and the unit's portal page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from inspections.media_duty import MonthDuty, article_counts, duty_by_unit, media_duty_board, period_months
from inspections.models import CaseStatus, MediaLevel
from safetyportal.figures import EXPOSURE_CASES, FigureScope, provide
from safetyportal.records import RecordStatus
from safetyportal.unit_figures import Period, month_period, quarter
from tests.core.factories import CommunityFactory, CountyFactory, JurisdictionFactory, OfficerProfileFactory
from tests.inspections.factories import ExposureCaseFactory
from tests.inspections.factories_articles import MediaArticleFactory

pytestmark = pytest.mark.django_db

Q2 = quarter(2024, 2)


def months(duty: list[MonthDuty]) -> dict[int, tuple[int, int, bool]]:
    return {m.month: (m.articles, m.cases, m.met) for m in duty}


def test_period_months_cover_every_month_touched():
    assert period_months(Q2) == [(2024, 4), (2024, 5), (2024, 6)]
    assert period_months(Period(dt.date(2024, 12, 20), dt.date(2025, 1, 3))) == [(2024, 12), (2025, 1)]


def test_month_edges_count_in_their_own_month(unit_a):
    june_last = ExposureCaseFactory(jurisdiction=unit_a)
    july_first = ExposureCaseFactory(jurisdiction=unit_a)
    may_first = ExposureCaseFactory(jurisdiction=unit_a)
    MediaArticleFactory(jurisdiction=unit_a, published_on=dt.date(2024, 6, 30), cases=[june_last])
    MediaArticleFactory(jurisdiction=unit_a, published_on=dt.date(2024, 7, 1), cases=[july_first])
    MediaArticleFactory(jurisdiction=unit_a, published_on=dt.date(2024, 5, 1), cases=[may_first])

    duty = months(duty_by_unit(Q2)[unit_a.pk])

    assert duty == {4: (0, 0, False), 5: (1, 1, True), 6: (1, 1, True)}
    july = months(duty_by_unit(month_period(2024, 7))[unit_a.pk])
    assert july == {7: (1, 1, True)}


def test_an_article_in_own_media_only_does_not_meet_the_duty(unit_a):
    case = ExposureCaseFactory(jurisdiction=unit_a)
    MediaArticleFactory(jurisdiction=unit_a, media_level=MediaLevel.OWN, media_name="晋江应急管理", cases=[case])

    june = months(duty_by_unit(month_period(2024, 6))[unit_a.pk])

    assert june == {6: (0, 0, False)}
    # ... but the 篇/起 figures of seed 000 count every level, 本级 included.
    articles, cases = article_counts(start=dt.date(2024, 6, 1), end=dt.date(2024, 6, 30))
    assert articles == {unit_a.pk: 1} and cases == {unit_a.pk: 1}


@pytest.mark.parametrize("level", [MediaLevel.COUNTY, MediaLevel.CITY, MediaLevel.PROVINCE, MediaLevel.NATIONAL])
def test_county_level_media_and_above_meet_the_duty(unit_a, level):
    MediaArticleFactory(jurisdiction=unit_a, media_level=level, cases=[ExposureCaseFactory(jurisdiction=unit_a)])
    assert duty_by_unit(month_period(2024, 6))[unit_a.pk][0].met


def test_a_voided_article_does_not_count(unit_a):
    MediaArticleFactory(
        jurisdiction=unit_a, record_status=RecordStatus.VOIDED, cases=[ExposureCaseFactory(jurisdiction=unit_a)]
    )
    assert not duty_by_unit(month_period(2024, 6))[unit_a.pk][0].met
    assert article_counts(start=dt.date(2024, 6, 1), end=dt.date(2024, 6, 30)) == ({}, {})


def test_pieces_and_cases_are_distinct_and_roll_up_to_the_county(unit_a, unit_b):
    county = CountyFactory()
    village = CommunityFactory(parent=unit_a)
    a1, a2, a3 = (ExposureCaseFactory(jurisdiction=unit_a) for _ in range(3))
    in_village = ExposureCaseFactory(jurisdiction=village)
    # Two articles of June: one carries four cases, the other repeats one of them.
    MediaArticleFactory(jurisdiction=unit_a, cases=[a1, a2, a3, in_village])
    MediaArticleFactory(jurisdiction=county, media_level=MediaLevel.CITY, cases=[a1])

    duty = duty_by_unit(month_period(2024, 6))

    assert months(duty[unit_a.pk]) == {6: (2, 4, True)}  # 2篇 4起 (a1 counted once)
    assert months(duty[county.pk]) == {6: (2, 4, True)}  # the county sees its towns' cases
    assert months(duty[unit_b.pk]) == {6: (0, 0, False)}  # a town with nothing exposed: missed
    assert village.pk not in duty  # communities have no office: no duty of their own


def test_duty_with_a_root_covers_that_tree_only(unit_a, unit_b):
    duty = duty_by_unit(Q2, root=unit_a)
    assert set(duty) == {unit_a.pk}


def test_duty_runs_two_queries_whatever_the_rows(unit_a, django_assert_num_queries):
    with django_assert_num_queries(2):
        duty_by_unit(Q2)
    for n in range(12):
        town = JurisdictionFactory()
        cases = [ExposureCaseFactory(jurisdiction=town) for _ in range(3)]
        MediaArticleFactory(jurisdiction=town, published_on=dt.date(2024, 4 + n % 3, 1 + n), cases=cases)
    with django_assert_num_queries(2):
        duty = duty_by_unit(Q2)
    assert sum(m.cases for row in duty.values() for m in row) > 36  # towns and the county


def test_duty_as_of_ignores_later_articles_and_marks_months_not_due(unit_a):
    """Review 15 #3: with ``as_of`` an article published after it does not count, a month not begun is not due and
    a running month not met is open (未到期), never missed; without it, every month counts as before."""
    MediaArticleFactory(
        jurisdiction=unit_a, published_on=dt.date(2024, 4, 10), cases=[ExposureCaseFactory(jurisdiction=unit_a)]
    )
    MediaArticleFactory(
        jurisdiction=unit_a, published_on=dt.date(2024, 5, 25), cases=[ExposureCaseFactory(jurisdiction=unit_a)]
    )

    duty = duty_by_unit(Q2, as_of=dt.date(2024, 5, 20))[unit_a.pk]

    assert months(duty) == {4: (1, 1, True), 5: (0, 0, False), 6: (0, 0, False)}
    assert [m.state for m in duty] == ["met", "open", "not_due"]
    assert [(m.started, m.over) for m in duty] == [(True, True), (True, False), (False, False)]
    # The month's last day as as_of: the month is over (the data are counted to the end of that day).
    assert [m.state for m in duty_by_unit(Q2, as_of=dt.date(2024, 5, 31))[unit_a.pk]] == ["met", "met", "not_due"]
    # Without as_of (the assessment and the board): every month of the period, every article in it.
    assert [m.state for m in duty_by_unit(Q2)[unit_a.pk]] == ["met", "met", "missed"]


def test_board_marks_months_not_over_as_open(unit_a):
    MediaArticleFactory(
        jurisdiction=unit_a, published_on=dt.date(2024, 5, 3), cases=[ExposureCaseFactory(jurisdiction=unit_a)]
    )
    board = media_duty_board(Q2, root=unit_a, today=dt.date(2024, 6, 10))
    (row,) = board.rows
    assert row.states == ["missed", "met", "open"]
    assert (row.met, row.missed, row.articles, row.cases) == (1, 1, 1, 1)


def test_the_summary_provider_reports_pieces_and_cases_that_add_up(unit_a, unit_b):
    shared = ExposureCaseFactory(jurisdiction=unit_a, published_at=dt.datetime(2024, 6, 3, 12, tzinfo=dt.UTC))
    b_case = ExposureCaseFactory(jurisdiction=unit_b, status=CaseStatus.DRAFT, published_at=None)
    MediaArticleFactory(jurisdiction=unit_a, cases=[shared, b_case])
    MediaArticleFactory(jurisdiction=unit_a, media_level=MediaLevel.OWN, cases=[shared])
    MediaArticleFactory(jurisdiction=unit_b, published_on=dt.date(2024, 7, 1), cases=[b_case])  # outside June

    figures = provide(EXPOSURE_CASES, FigureScope(dt.date(2024, 6, 1), dt.date(2024, 6, 30)))

    assert figures.measures[0].key == "cases"  # the summary's exposure column stays the platform's cases
    assert figures.total("cases") == 1
    assert figures.total("media_articles") == 2 and figures.total("media_cases") == 2  # 2篇 2起
    assert figures.for_jurisdiction(unit_a.pk, "media_articles") == 2
    assert figures.for_jurisdiction(unit_a.pk, "media_cases") == 1
    assert figures.for_jurisdiction(unit_b.pk, "media_articles") == 0
    assert figures.for_jurisdiction(unit_b.pk, "media_cases") == 1


# Pages -----------------------------------------------------------------------------------------------------------


def test_the_portal_board_shows_the_officers_own_unit_only(officer_a, unit_a, unit_b, django_assert_max_num_queries):
    client = Client()
    client.force_login(officer_a)
    MediaArticleFactory(
        jurisdiction=unit_b,
        published_on=timezone.localdate().replace(day=1),
        cases=[ExposureCaseFactory(jurisdiction=unit_b)],
    )
    with django_assert_max_num_queries(20) as few:
        response = client.get("/portal/hazards/media-duty/")
    assert response.status_code == 200
    html = response.content.decode()
    assert unit_a.name in html and unit_b.name not in html
    for _ in range(10):
        MediaArticleFactory(
            jurisdiction=unit_a,
            published_on=timezone.localdate().replace(day=1),
            cases=[ExposureCaseFactory(jurisdiction=unit_a)],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/portal/hazards/media-duty/?year=abc").status_code == 200


def test_a_county_officer_sees_the_county_and_its_towns(unit_a, unit_b):
    officer = OfficerProfileFactory(jurisdiction=CountyFactory()).user
    client = Client()
    client.force_login(officer)
    html = client.get("/portal/hazards/media-duty/").content.decode()
    assert "晋江市" in html and unit_a.name in html and unit_b.name in html


def test_a_community_officer_has_no_duty_page():
    officer = OfficerProfileFactory(jurisdiction=CommunityFactory()).user
    client = Client()
    client.force_login(officer)
    assert client.get("/portal/hazards/media-duty/").status_code == 404


def test_anonymous_users_are_sent_to_login():
    response = Client().get("/portal/hazards/media-duty/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_staff_board_lists_units_by_month(staff, unit_a, django_assert_max_num_queries):
    client = Client()
    client.force_login(staff)
    MediaArticleFactory(
        jurisdiction=unit_a, published_on=dt.date(2024, 6, 5), cases=[ExposureCaseFactory(jurisdiction=unit_a)]
    )
    response = client.get("/admin/inspections/mediaarticle/duty/?year=2024")
    assert response.status_code == 200
    html = response.content.decode()
    assert unit_a.name in html and "1篇 / 1起" in html and "2024年6月" in html
    assert client.get("/admin/inspections/mediaarticle/").status_code == 200
    case = ExposureCaseFactory(jurisdiction=unit_a)
    article = MediaArticleFactory(jurisdiction=unit_a, media_name="泉州晚报", cases=[case])
    assert client.get(f"/admin/inspections/mediaarticle/{article.pk}/change/").status_code == 200
    assert "泉州晚报" in client.get(f"/admin/inspections/exposurecase/{case.pk}/change/").content.decode()


def test_the_demo_has_pieces_carrying_several_cases_and_two_towns_submissions(settings, no_broker):
    from inspections.demo import load_demo_inspections
    from inspections.exposure_demo import load_demo_media
    from inspections.models import ExposureSubmission, MediaArticle
    from safetyportal.demo.builder import build_demo
    from safetyportal.demo.registry import demo_loaders

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert "inspections_media" in dict(demo_loaders())
    build_demo()
    load_demo_inspections()
    first = load_demo_media()
    assert first == load_demo_media()  # idempotent
    today = timezone.localdate()
    period = Period(today.replace(day=1) - dt.timedelta(days=150), today)
    articles, cases = article_counts(start=period.starts_on, end=period.ends_on)
    assert sum(cases.values()) > sum(articles.values()) > 0  # 起 > 篇
    assert MediaArticle.objects.filter(media_level=MediaLevel.OWN).exists()
    assert ExposureSubmission.objects.values("jurisdiction").distinct().count() == 2
    assert set(ExposureSubmission.objects.values_list("status", flat=True)) == {"pending", "returned", "accepted"}
    duty = duty_by_unit(period)
    states = {m.met for row in duty.values() for m in row}
    assert states == {True, False}  # some towns met the duty, some missed a month


def test_staff_record_an_article_and_attach_cases_in_the_admin(staff, unit_a):
    from inspections.models import MediaArticle

    client = Client()
    client.force_login(staff)
    cases = [ExposureCaseFactory(jurisdiction=unit_a) for _ in range(3)]
    assert client.get("/admin/inspections/mediaarticle/add/").status_code == 200
    response = client.post(
        "/admin/inspections/mediaarticle/add/",
        {
            "title": "“聚焦安全生产”专栏：6月典型案例",
            "media_name": "晋江经济报",
            "media_level": MediaLevel.COUNTY,
            "published_on": "2024-06-28",
            "url": "https://www.ijjnews.com/a/1.html",
            "jurisdiction": unit_a.pk,
            "cases": [case.pk for case in cases],
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = MediaArticle.objects.get()
    assert (
        set(article.cases.values_list("pk", flat=True)) == {case.pk for case in cases} and article.created_by == staff
    )
    assert months(duty_by_unit(month_period(2024, 6))[unit_a.pk]) == {6: (1, 3, True)}
    assert client.get(f"/admin/inspections/mediaarticle/{article.pk}/delete/").status_code in (302, 403)
    assert MediaArticle.objects.filter(pk=article.pk).exists()
