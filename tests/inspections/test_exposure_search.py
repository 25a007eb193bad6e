"""Keyword search of the exposure list (``q=``): the indexed search returns exactly the rows of the plain
``icontains`` filter (random Chinese texts, on SQLite and on PostgreSQL), only the masked public text is searchable,
the index is really used, one character is refused with a Chinese message, queries per page stay constant and keyset
pages still cover every match once. Run on PostgreSQL too: ``DATABASE_URL=postgresql://…/h_expo pytest …``."""

from __future__ import annotations

import random
import re

import pytest
from django.db import connection, transaction
from django.db.models import Q

from inspections import selectors, services
from inspections.models import ExposureCase
from inspections.selectors import ExposureFilters
from tests.core.factories import EnterpriseFactory, StaffUserFactory
from tests.inspections.conftest import grant
from tests.inspections.factories import ExposureCaseFactory, PenaltyCaseFactory

pytestmark = pytest.mark.django_db

# A small alphabet, so that random substrings match several rows; a few Latin letters in both cases and LIKE's
# wildcard characters, which must be taken literally.
ALPHABET = "安全生产隐患消防燃气晋江鞋业有限公司堵塞出口通道整改罚款某" + "AbCx%_ "


def plain_ids(q: str) -> list[int]:
    rows = ExposureCase.objects.public().filter(Q(public_title__icontains=q) | Q(public_display_name__icontains=q))
    return sorted(rows.values_list("pk", flat=True))


def searched_ids(q: str) -> list[int]:
    return sorted(selectors.public_cases(ExposureFilters(q=q)).values_list("pk", flat=True))


def random_text(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(length)).strip() or "安全"


def test_the_search_returns_exactly_the_rows_of_the_plain_filter_on_random_chinese_texts():
    rng = random.Random(20261206)
    cases = [
        ExposureCaseFactory(
            title=random_text(rng, rng.randint(6, 30)), display_name=random_text(rng, rng.randint(0, 12))
        )
        for _ in range(120)
    ]
    for case in cases:  # the party name is public text too
        ExposureCase.objects.filter(pk=case.pk).update(public_display_name=case.display_name)
    queries = set()
    for _ in range(150):
        case = rng.choice(cases)
        text = rng.choice([case.public_title, case.display_name or case.public_title])
        length = rng.randint(2, 6)
        start = rng.randint(0, max(0, len(text) - length))
        queries.add(text[start : start + length])
    queries |= {random_text(rng, rng.randint(3, 5)) for _ in range(40)}  # mostly no match at all
    queries |= {"abc", "ABC", "x%_", '安"全', "有限公司"}
    checked = 0
    for q in queries:
        q = " ".join(q.split())
        if len(q) < selectors.SEARCH_MIN_LENGTH:
            continue
        assert searched_ids(q) == plain_ids(q), q
        checked += 1
    assert checked > 150
    assert any(searched_ids(q) for q in queries if len(q) >= 3)  # the comparison is not between empty lists


def test_a_word_in_many_cases_takes_the_seek_index_and_returns_the_same_rows(monkeypatch):
    ExposureCaseFactory.create_batch(8, title="某公司有限空间作业未审批案")
    ExposureCaseFactory.create_batch(3, title="其他")
    monkeypatch.setattr(selectors, "FTS_CANDIDATES_MAX", 5)  # more matches than this: no FTS filter
    assert len(searched_ids("有限空间作业")) == 8 and searched_ids("有限空间作业") == plain_ids("有限空间作业")
    if connection.vendor == "sqlite":
        plan = selectors.public_cases(ExposureFilters(q="有限空间作业")).explain()
        assert "inspections_exposure_fts" not in plan
        plan = selectors.public_cases(ExposureFilters(q="未审批案")).explain()  # 8 > 5 as well
        assert "inspections_exposure_fts" not in plan
        ExposureCaseFactory(title="唯一的粉尘案")
        assert "inspections_exposure_fts" in selectors.public_cases(ExposureFilters(q="粉尘案")).explain()


def test_an_edited_and_republished_case_is_found_by_its_new_text_only(django_capture_on_commit_callbacks):
    publisher = grant(StaffUserFactory(), "publish_exposurecase", "add_exposurecase", "change_exposurecase")
    case = ExposureCaseFactory(title="旧标题陶瓷厂粉尘案")
    assert searched_ids("陶瓷厂") == [case.pk]
    case.title = "新标题纸业公司有限空间案"
    services.save_record(instance=case, by=publisher)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_case(case=case, by=publisher)
    assert searched_ids("陶瓷厂") == [] and searched_ids("纸业公司") == [case.pk]


def test_only_the_masked_public_text_is_searchable(django_capture_on_commit_callbacks):
    publisher = grant(StaffUserFactory(), "publish_exposurecase", "add_exposurecase", "change_exposurecase")
    enterprise = EnterpriseFactory(legal_representative="甄金丝")
    penalty = PenaltyCaseFactory(enterprise=enterprise, principal_person="隗探针")
    case = services.draft_case_from_penalty(penalty=penalty, by=publisher)
    case.title = "甄金丝经营的作坊违规储存危化品案"
    case.body = "负责人隗探针电话13900000004。"
    services.save_record(instance=case, by=publisher)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.publish_case(case=case, by=publisher)
    assert "甄金丝" not in case.public_title and "甄某" in case.public_title
    for hidden in ("甄金丝", "隗探针", "13900000004", "金丝经营"):
        assert searched_ids(hidden) == [] == plain_ids(hidden)
    assert searched_ids("作坊违规储存") == [case.pk]
    assert searched_ids("甄某") == [case.pk]


def test_the_index_serves_searches_of_three_characters_or_more():
    ExposureCaseFactory.create_batch(3)
    queryset = selectors.public_cases(ExposureFilters(q="鞋业有限"))
    if connection.vendor == "sqlite":
        plan = queryset.explain()
        assert "inspections_exposure_fts VIRTUAL TABLE INDEX" in plan, plan
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            # A handful of rows: make the planner show that it *can* use the trigram indexes.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            # The lookups Django writes for icontains match the indexed expressions (the full query's plan on a
            # million rows is in the benchmark: with a handful of rows the planner prefers the status index).
            match = Q(public_title__icontains="鞋业有限") | Q(public_display_name__icontains="鞋业有限")
            plan = ExposureCase.objects.filter(match).order_by().explain()
        assert "exposure_title_trgm" in plan and "exposure_party_trgm" in plan, plan


def test_one_character_is_refused_with_a_chinese_message(client):
    ExposureCaseFactory(title="消防通道堵塞案")
    html = client.get("/exposure/", {"q": "消"}).content.decode()
    assert "请输入至少2个字进行搜索" in html and "消防通道堵塞案" not in html
    assert client.get("/exposure/data.json", {"q": "消"}).json()["cases"] == []
    html = client.get("/exposure/", {"q": "消防"}).content.decode()  # two characters: the plain filter
    assert "消防通道堵塞案" in html and "请输入至少" not in html


@pytest.mark.parametrize("matching", [3, 60])
def test_a_searched_page_runs_the_same_queries_whatever_the_matches(client, django_assert_max_num_queries, matching):
    for n in range(matching):
        ExposureCaseFactory(title=f"晋江市某鞋业有限公司堵塞安全出口案{n}")
    ExposureCaseFactory.create_batch(5, title="其他案件")
    # The page, the township choices, on SQLite the capped count of FTS matches, and the search rate limit's counter
    # (an upsert, now and then a purge).
    with django_assert_max_num_queries(5):
        response = client.get("/exposure/", {"q": "堵塞安全出口"})
    assert response["X-Exposure-Cache"] == "miss"
    assert len(re.findall(r'href="/exposure/(\d+)/"', response.content.decode())) == min(matching, 50)


def test_keyset_pages_of_a_search_cover_every_match_once_in_order(client):
    matches = [ExposureCaseFactory(title=f"某陶瓷有限公司粉尘爆炸隐患案{n}") for n in range(120)]
    ExposureCaseFactory.create_batch(10, title="不相关的案件")
    expected = [case.pk for case in sorted(matches, key=lambda c: (c.published_at, c.pk), reverse=True)]
    seen: list[int] = []
    query = "q=粉尘爆炸"
    for _ in range(5):
        html = client.get(f"/exposure/?{query}").content.decode()
        seen += [int(pk) for pk in re.findall(r'href="/exposure/(\d+)/"', html)]
        following = re.search(r'href="\?([^"]+)">下一页', html)
        if not following:
            break
        query = following.group(1).replace("&amp;", "&")
    assert seen == expected


def test_the_cached_shell_gives_the_same_page_as_the_full_templates():
    from inspections import public_cache, views

    case = ExposureCaseFactory(title='<b>"某"</b>鞋业 & 公司案', case_date=None)
    context = views._detail_context(case)
    full = public_cache.render_page("inspections/exposure_detail.html", context).content.decode()
    for _ in range(2):  # rendered, then from the process's memory
        shelled = public_cache.render_in_shell(
            "inspections/_exposure_detail_content.html",
            context,
            title=views.html_escape(case.public_title) + " - 安全生产曝光台",
        ).content.decode()
        assert shelled == full
    assert "<b>" not in full and "&lt;b&gt;" in full
