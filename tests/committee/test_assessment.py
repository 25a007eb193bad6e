"""考核 (assessment, issue 15 package C): each rule's arithmetic, ranking with ties and a minimum sample, frozen
results, the unit's own portal page (never another unit's detail), constant queries, the xlsx export, the admin
pages and the ranking circular."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import sys
import types
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from committee import assessment_export, assessment_selectors, assessment_services
from committee.assessment_models import AssessedLevel, AssessmentResult, AssessmentRule, ManualScore
from committee.assessment_selectors import (
    ItemScore,
    ItemSpec,
    UnitScore,
    compute_scores,
    frozen_scores,
    rank_rows,
    score_completeness,
    score_exposure_duty,
    score_hazard_closure,
    score_late_days,
    score_manual,
    score_training,
)
from safetyportal.unit_figures import HazardFigures, ReturnFigures, TrainingFigures
from tests.committee.factories_assessment import (
    AssessmentItemFactory,
    AssessmentResultFactory,
    AssessmentResultRowFactory,
    AssessmentSchemeFactory,
    ManualScoreFactory,
)
from tests.core.factories import CountyFactory, JurisdictionFactory, MemberUnitFactory, OfficerProfileFactory

D = Decimal
AFTER_Q2 = dt.date(2024, 7, 5)


def spec(rule: str, points: str = "10", **kw: Any) -> ItemSpec:
    return ItemSpec(name="项目", points=D(points), rule=rule, **kw)


# --- Arithmetic of each rule --------------------------------------------------------------------------------------


def test_late_days_minus_one_point_per_day_floor_at_zero():
    item = spec(AssessmentRule.LATE_DAYS)
    assert score_late_days(item, ReturnFigures(due=4, filed=4, late=2, on_time=2, late_days=3)).score == D("7.00")
    assert score_late_days(item, ReturnFigures(due=4, filed=1, late=1, missing=3, late_days=25)).score == D("0.00")
    assert score_late_days(item, ReturnFigures(due=4, filed=4, on_time=4)).score == D("10.00")
    half = spec(AssessmentRule.LATE_DAYS, per_day=D("0.5"))
    assert score_late_days(half, ReturnFigures(due=2, filed=2, late=1, on_time=1, late_days=3)).score == D("8.50")
    assert score_late_days(item, ReturnFigures()).score == D("10.00")  # nothing due: nothing late


def test_completeness_filed_over_due():
    item = spec(AssessmentRule.COMPLETENESS, "15")
    assert score_completeness(item, ReturnFigures(due=4, filed=3, on_time=3, missing=1)).score == D("11.25")
    assert score_completeness(item, ReturnFigures(due=3, filed=1, on_time=1, missing=2)).score == D("5.00")
    assert score_completeness(item, ReturnFigures(due=3)).score == D("0.00")
    assert score_completeness(item, ReturnFigures()).score == D("15.00")


def test_hazard_closure_on_time_over_due():
    item = spec(AssessmentRule.HAZARD_CLOSURE, "20")
    figures = HazardFigures(due=3, closed_on_time=2, closed_late=1)
    result = score_hazard_closure(item, figures)
    assert result.score == D("13.33")
    assert "按期整改2项" in result.detail
    assert score_hazard_closure(item, HazardFigures()).score == D("20.00")


class Month:
    def __init__(self, year: int, month: int, met: bool) -> None:
        self.year, self.month, self.met, self.cases, self.articles = year, month, met, int(met), int(met)


def test_exposure_duty_months_met_over_months_over():
    item = spec(AssessmentRule.EXPOSURE_DUTY, "12")
    months = [Month(2024, 4, True), Month(2024, 5, False), Month(2024, 6, True)]
    assert score_exposure_duty(item, months, AFTER_Q2).score == D("8.00")
    # June not over on 20 June and not yet met: not counted; April met, May missed → 1/2
    running = [Month(2024, 4, True), Month(2024, 5, False), Month(2024, 6, False)]
    assert score_exposure_duty(item, running, dt.date(2024, 6, 20)).score == D("6.00")
    assert score_exposure_duty(item, None, AFTER_Q2).detail == "不适用"


def test_training_sessions_over_target_capped():
    item = spec(AssessmentRule.TRAINING, "10", target=2)
    assert score_training(item, TrainingFigures(sessions=1, trainees=30), 1).score == D("5.00")
    assert score_training(item, TrainingFigures(sessions=5), 1).score == D("10.00")
    assert score_training(item, TrainingFigures(sessions=6), 4).score == D("7.50")  # year: target 8


def test_manual_score_clamped_and_missing_is_zero():
    item = spec(AssessmentRule.MANUAL, "5")
    assert score_manual(item, None) == ItemScore(D("0.00"), "未评分")
    assert score_manual(item, ManualScore(points=D("4.5"), evidence="台账齐全")).score == D("4.50")


# --- Ranking -------------------------------------------------------------------------------------------------------


def row(name: str, total: str, sample: int = 10, pk: int = 1) -> UnitScore:
    return UnitScore(key=("jurisdiction", pk), name=name, sample=sample, total=D(total), scores=[])


def test_ties_share_a_rank_and_the_next_skips():
    rows = rank_rows([row("甲", "90", pk=1), row("乙", "95", pk=2), row("丙", "90", pk=3), row("丁", "80", pk=4)], 3)
    assert [(r.name, r.rank) for r in rows] == [("乙", 1), ("丙", 2), ("甲", 2), ("丁", 4)]


def test_minimum_sample_not_ranked_listed_last():
    rows = rank_rows([row("甲", "99", sample=2, pk=1), row("乙", "60", pk=2), row("丙", "70", sample=3, pk=3)], 3)
    assert [(r.name, r.rank) for r in rows] == [("丙", 1), ("乙", 2), ("甲", None)]


# --- Scoring a scheme (providers faked: their own figures are tested by package G) ---------------------------------


@pytest.fixture
def figures(monkeypatch):
    """Fake providers: tests fill the dicts by unit key; each call is counted."""
    data: dict[str, Any] = {"returns": {}, "hazards": {}, "training": {}, "duty": {}, "calls": []}

    def patch(module_name: str, function: str, key: str) -> None:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            module = types.ModuleType(module_name)
            monkeypatch.setitem(sys.modules, module_name, module)

        def fake(period, **kwargs):
            data["calls"].append((function, period, kwargs))
            return data[key]

        monkeypatch.setattr(module, function, fake, raising=False)

    patch("campaigns.unit_figures", "return_figures", "returns")
    patch("inspections.unit_figures", "hazard_figures", "hazards")
    patch("training.unit_figures", "training_figures", "training")
    patch("inspections.media_duty", "duty_by_unit", "duty")
    return data


def full_scheme(**kw: Any):
    scheme = AssessmentSchemeFactory(**kw)
    AssessmentItemFactory(scheme=scheme, order=1, name="信息报送及时", points=D("20"), rule=AssessmentRule.LATE_DAYS)
    AssessmentItemFactory(scheme=scheme, order=2, name="信息报送完整", points=D("20"), rule=AssessmentRule.COMPLETENESS)
    AssessmentItemFactory(
        scheme=scheme, order=3, name="隐患按期整改", points=D("30"), rule=AssessmentRule.HAZARD_CLOSURE
    )
    AssessmentItemFactory(
        scheme=scheme, order=4, name="典型案例曝光", points=D("15"), rule=AssessmentRule.EXPOSURE_DUTY
    )
    AssessmentItemFactory(
        scheme=scheme, order=5, name="培训开展", points=D("5"), rule=AssessmentRule.TRAINING, target=2
    )
    manual = AssessmentItemFactory(scheme=scheme, order=6, name="会议部署", points=D("10"), rule=AssessmentRule.MANUAL)
    return scheme, manual


@pytest.mark.django_db
def test_compute_scores_adds_the_items_and_ranks(figures):
    county = CountyFactory()
    scheme, manual = full_scheme(jurisdiction=county, min_sample=3)
    a = JurisdictionFactory(name="甲镇", parent=county)
    b = JurisdictionFactory(name="乙镇", parent=county)
    tiny = JurisdictionFactory(name="丙镇", parent=county)
    JurisdictionFactory(
        name="别县的镇", parent=JurisdictionFactory(code="350583", name="南安市", level="county", parent=None)
    )
    ka, kb, kt = ("jurisdiction", a.pk), ("jurisdiction", b.pk), ("jurisdiction", tiny.pk)
    figures["returns"] = {
        ka: ReturnFigures(due=4, filed=4, on_time=3, late=1, late_days=2),
        kb: ReturnFigures(due=4, filed=3, on_time=3, missing=1, late_days=5),
        kt: ReturnFigures(due=1, filed=1, on_time=1),
    }
    figures["hazards"] = {
        ka: HazardFigures(due=2, closed_on_time=2),
        kb: HazardFigures(due=4, closed_on_time=3, open_overdue=1),
    }
    figures["duty"] = {
        a.pk: [Month(2024, m, True) for m in (4, 5, 6)],
        b.pk: [Month(2024, m, m != 5) for m in (4, 5, 6)],
    }
    figures["training"] = {ka: TrainingFigures(sessions=2), kb: TrainingFigures(sessions=1)}
    ManualScoreFactory(item=manual, quarter=2, jurisdiction=a, points=D("9"))
    scoring = compute_scores(scheme, 2, as_of=AFTER_Q2)
    by_name = {r.name: r for r in scoring.rows}
    assert set(by_name) == {"甲镇", "乙镇", "丙镇"}
    # 甲: 18 + 20 + 30 + 15 + 5 + 9 = 97
    assert by_name["甲镇"].total == D("97.00") and by_name["甲镇"].rank == 1
    # 乙: 15 + 15 + 22.5 + 10 + 2.5 + 0 = 65
    assert by_name["乙镇"].total == D("65.00") and by_name["乙镇"].rank == 2
    assert by_name["丙镇"].rank is None and by_name["丙镇"].sample == 1
    assert scoring.ranked_count == 2 and scoring.unit_count == 3
    assert [r.name for r in scoring.rows] == ["甲镇", "乙镇", "丙镇"]
    assert figures["calls"][0][1] == assessment_selectors.quarter(2024, 2)


@pytest.mark.django_db
def test_only_the_providers_the_rules_need_are_called(figures):
    scheme = AssessmentSchemeFactory()
    AssessmentItemFactory(scheme=scheme, rule=AssessmentRule.MANUAL)
    JurisdictionFactory(parent=scheme.jurisdiction)
    scoring = compute_scores(scheme, 0, as_of=dt.date(2025, 1, 5))
    assert figures["calls"] == []
    assert scoring.rows[0].rank == 1  # no data-based rule: the minimum sample does not apply


@pytest.mark.django_db
def test_member_units_are_scored_under_their_own_key(figures):
    county = CountyFactory()
    scheme = AssessmentSchemeFactory(jurisdiction=county, assessed_level=AssessedLevel.MEMBER_UNIT, min_sample=1)
    AssessmentItemFactory(scheme=scheme, rule=AssessmentRule.COMPLETENESS, points=D("10"))
    AssessmentItemFactory(scheme=scheme, rule=AssessmentRule.EXPOSURE_DUTY, points=D("10"))
    unit = MemberUnitFactory(jurisdiction=county, short_name="住建局")
    figures["returns"] = {("member_unit", unit.pk): ReturnFigures(due=2, filed=1, on_time=1, missing=1)}
    (only,) = compute_scores(scheme, 2, as_of=AFTER_Q2).rows
    assert only.key == ("member_unit", unit.pk) and only.name == "住建局"
    assert only.total == D("15.00")  # 5 + exposure duty not applicable (full points)


@pytest.mark.django_db
@pytest.mark.parametrize("towns", [1, 40])
def test_scoring_runs_a_constant_number_of_queries(figures, towns, django_assert_max_num_queries):
    county = CountyFactory()
    scheme, manual = full_scheme(jurisdiction=county)
    for n in range(towns):
        town = JurisdictionFactory(parent=county)
        figures["returns"][("jurisdiction", town.pk)] = ReturnFigures(due=3, filed=3, on_time=3)
        ManualScoreFactory(item=manual, quarter=2, jurisdiction=town, points=D(n % 10))
    scheme = type(scheme).objects.get(pk=scheme.pk)
    # items, units, manual scores (the providers are faked here; each is a constant number of queries of its own)
    with django_assert_max_num_queries(4):
        scoring = compute_scores(scheme, 2, as_of=AFTER_Q2)
    assert scoring.unit_count == towns


# --- Publishing: a frozen snapshot ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_published_scores_are_frozen(figures, staff_user):
    county = CountyFactory()
    scheme = AssessmentSchemeFactory(jurisdiction=county, min_sample=1)
    AssessmentItemFactory(scheme=scheme, rule=AssessmentRule.COMPLETENESS, points=D("10"))
    manual = AssessmentItemFactory(scheme=scheme, rule=AssessmentRule.MANUAL, points=D("10"))
    town = JurisdictionFactory(parent=county, name="甲镇")
    key = ("jurisdiction", town.pk)
    figures["returns"] = {key: ReturnFigures(due=2, filed=1, on_time=1, missing=1)}
    ManualScoreFactory(item=manual, quarter=2, jurisdiction=town, points=D("6"))
    result = assessment_services.publish(scheme=scheme, quarter=2, by=staff_user, as_of=AFTER_Q2)
    assert (result.unit_count, result.ranked_count) == (1, 1)
    # the data change afterwards; the published figures do not
    figures["returns"] = {key: ReturnFigures(due=2, filed=2, on_time=2)}
    ManualScore.objects.update(points=D("9"))
    frozen = frozen_scores(AssessmentResult.objects.get(pk=result.pk))
    assert frozen.rows[0].total == D("11.00")
    assert [s.score for s in frozen.rows[0].scores] == [D("5.00"), D("6.00")]
    assert frozen.items[1].points == D("10")
    assert assessment_selectors.scores_for(scheme, 2).published is not None
    assert compute_scores(scheme, 2, as_of=AFTER_Q2).rows[0].total == D("19.00")  # live differs, frozen does not
    with pytest.raises(ValidationError):
        assessment_services.publish(scheme=scheme, quarter=2, by=staff_user, as_of=AFTER_Q2)
    with pytest.raises(ValidationError):  # manual scores of a published period are locked
        score = ManualScore.objects.get()
        score.full_clean()


@pytest.mark.django_db
def test_a_missing_return_scores_no_better_than_a_late_one():
    """Real provider: a return due on the last day of Q2 and never filed costs its days up to 数据截至, so the unit
    that never filed scores no better than the one that filed late (review 15 #5)."""
    from campaigns.models import ReturnStatus
    from tests.campaigns.factories import ActivityReturnFactory, CampaignFactory, CampaignTaskFactory

    county = CountyFactory()
    scheme = AssessmentSchemeFactory(jurisdiction=county, min_sample=1)
    AssessmentItemFactory(scheme=scheme, rule=AssessmentRule.LATE_DAYS, points=D("20"), per_day=D("1"))
    AssessmentItemFactory(scheme=scheme, rule=AssessmentRule.COMPLETENESS, points=D("15"))
    late, missing = JurisdictionFactory(parent=county, name="甲镇"), JurisdictionFactory(parent=county, name="乙镇")
    due = dt.date(2024, 6, 30)
    campaign = CampaignFactory(starts_on=dt.date(2024, 6, 1), ends_on=dt.date(2024, 6, 30))
    task = CampaignTaskFactory(campaign=campaign, due_on=due, units=[late, missing])
    when = dt.datetime(2024, 7, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    ActivityReturnFactory(
        task=task,
        jurisdiction=late,
        period_due=due,
        status=ReturnStatus.SUBMITTED,
        first_submitted_at=when,
        submitted_at=when,
    )
    scoring = compute_scores(scheme, 2, as_of=dt.date(2024, 7, 20))
    by_unit = {row.key: row for row in scoring.rows}
    filed_late, never_filed = by_unit[("jurisdiction", late.pk)], by_unit[("jurisdiction", missing.pk)]
    assert filed_late.scores[0].score == D("5.00")  # 15 late days
    assert never_filed.scores[0].score == D("0.00")  # 20 days, 30 June to 20 July, not 0 at the quarter's end
    assert never_filed.scores[0].score <= filed_late.scores[0].score
    assert never_filed.total < filed_late.total


@pytest.mark.django_db
def test_published_results_cannot_be_deleted_or_rewritten_through_the_orm(staff_user):
    from django.db.models.deletion import ProtectedError

    from committee.assessment_models import AssessmentResultRow

    result = AssessmentResultFactory(unit_count=1, ranked_count=1)
    row = AssessmentResultRowFactory(result=result, unit_name="甲镇", unit_id=11, total=D("8.50"), rank=1)
    with pytest.raises(ProtectedError):
        row.delete()
    with pytest.raises(ProtectedError):
        AssessmentResultRow.objects.filter(result=result).delete()
    with pytest.raises(ProtectedError):
        result.delete()
    with pytest.raises(ProtectedError):
        AssessmentResult.objects.filter(pk=result.pk).delete()
    with pytest.raises(ValidationError):
        AssessmentResultRow.objects.filter(result=result).update(total=D("99"), rank=2)
    with pytest.raises(ValidationError):
        AssessmentResult.objects.filter(pk=result.pk).update(ranked_count=5)
    with pytest.raises(ValidationError):
        AssessmentResultRow.objects.bulk_update([row], ["total"])
    row.total = D("99")
    with pytest.raises(ValidationError):
        row.save()
    result.unit_count = 9
    with pytest.raises(ValidationError):
        result.save()
    assert AssessmentResultRow.objects.get(pk=row.pk).total == D("8.50")
    assert AssessmentResult.objects.get(pk=result.pk).unit_count == 1
    # Only the link to the ranking circular may be set.
    AssessmentResult.objects.filter(pk=result.pk).update(circular_id=7)
    assert AssessmentResult.objects.get(pk=result.pk).circular_id == 7


@pytest.mark.django_db
def test_publishing_twice_creates_one_result(figures, staff_user):
    county = CountyFactory()
    scheme = AssessmentSchemeFactory(jurisdiction=county, min_sample=1)
    AssessmentItemFactory(scheme=scheme, rule=AssessmentRule.COMPLETENESS, points=D("10"))
    JurisdictionFactory(parent=county, name="甲镇")
    first = assessment_services.publish(scheme=scheme, quarter=2, by=staff_user, as_of=AFTER_Q2)
    with pytest.raises(ValidationError):
        assessment_services.publish(scheme=scheme, quarter=2, by=staff_user, as_of=AFTER_Q2)
    assert list(AssessmentResult.objects.filter(scheme=scheme, quarter=2)) == [first]
    assert first.rows.count() == 1


@pytest.mark.django_db
def test_a_period_is_published_only_after_it_ends(figures, staff_user):
    scheme = AssessmentSchemeFactory()
    AssessmentItemFactory(scheme=scheme)
    with pytest.raises(ValidationError):
        assessment_services.publish(scheme=scheme, quarter=2, by=staff_user, as_of=dt.date(2024, 6, 30))


@pytest.mark.django_db
def test_manual_score_service_refuses_a_computed_item_and_over_points(staff_user):
    town = JurisdictionFactory()
    computed = AssessmentItemFactory(rule=AssessmentRule.COMPLETENESS)
    with pytest.raises(ValidationError):
        assessment_services.save_manual_score(
            item=computed, quarter=2, points=D(1), evidence="x", by=staff_user, jurisdiction=town
        )
    manual = AssessmentItemFactory(rule=AssessmentRule.MANUAL, points=D("5"))
    with pytest.raises(ValidationError):
        assessment_services.save_manual_score(
            item=manual, quarter=2, points=D(6), evidence="x", by=staff_user, jurisdiction=town
        )
    score = assessment_services.save_manual_score(
        item=manual, quarter=2, points=D("4"), evidence="会议记录齐全", by=staff_user, jurisdiction=town
    )
    again = assessment_services.save_manual_score(
        item=manual, quarter=2, points=D("3"), evidence="复核", by=staff_user, jurisdiction=town
    )
    assert again.pk == score.pk and ManualScore.objects.get().points == D("3")


# --- The unit's own page -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_portal_shows_only_the_units_own_breakdown(client, unit_a, unit_b, officer_a, officer_b):
    result = AssessmentResultFactory(unit_count=2, ranked_count=2)
    AssessmentResultRowFactory(
        result=result, unit_id=unit_a.pk, unit_name=unit_a.name, total=D("8.50"), rank=2,
        scores=[{"score": "8.50", "detail": "甲的评分依据"}],
    )  # fmt: skip
    AssessmentResultRowFactory(
        result=result, unit_id=unit_b.pk, unit_name=unit_b.name, total=D("9.75"), rank=1,
        scores=[{"score": "9.75", "detail": "乙的评分依据"}],
    )  # fmt: skip
    client.force_login(officer_a)
    page = client.get(reverse("committee:assessment_mine")).content.decode()
    assert "8.50" in page and "第2名" in page and "共2个单位参与排名" in page and "甲的评分依据" in page
    assert "9.75" not in page and "乙的评分依据" not in page and unit_b.name not in page
    client.force_login(officer_b)
    page = client.get(reverse("committee:assessment_mine")).content.decode()
    assert "9.75" in page and "第1名" in page and "8.50" not in page and "甲的评分依据" not in page


@pytest.mark.django_db
def test_portal_unranked_unit_and_member_unit(client):
    member = MemberUnitFactory()
    officer = OfficerProfileFactory(jurisdiction=None, member_unit=member).user
    AssessmentResultRowFactory(unit_kind="member_unit", unit_id=member.pk, rank=None, sample=1)
    AssessmentResultRowFactory(unit_kind="jurisdiction", unit_id=member.pk, total=D("3.25"))  # same pk, other kind
    client.force_login(officer)
    page = client.get(reverse("committee:assessment_mine")).content.decode()
    assert "样本不足，不排名" in page and "3.25" not in page


@pytest.mark.django_db
def test_portal_page_anonymous_and_staff(client, staff_user):
    response = client.get(reverse("committee:assessment_mine"))
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(staff_user)
    assert client.get(reverse("committee:assessment_mine")).status_code in (302, 403)


@pytest.mark.django_db
@pytest.mark.parametrize("periods", [1, 12])
def test_portal_page_constant_queries(client, unit_a, officer_a, periods, django_assert_max_num_queries):
    for q in range(periods):
        result = AssessmentResultFactory(quarter=q % 5, scheme=AssessmentSchemeFactory(year=2000 + q))
        AssessmentResultRowFactory(result=result, unit_id=unit_a.pk)
    client.force_login(officer_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("committee:assessment_mine"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_unit_breakdown_contract(unit_a):
    result = AssessmentResultFactory(unit_count=3, ranked_count=2)
    AssessmentResultRowFactory(result=result, unit_id=unit_a.pk, rank=2)
    period = assessment_selectors.quarter(2024, 2)
    got = assessment_selectors.unit_breakdown(result.scheme, ("jurisdiction", unit_a.pk), period)
    assert got is not None and got.rank == 2 and got.ranked_count == 2 and got.lines[0][1].score == D("8.00")
    assert (
        assessment_selectors.unit_breakdown(
            result.scheme, ("jurisdiction", unit_a.pk), assessment_selectors.quarter(2024, 3)
        )
        is None
    )


# --- Export, admin, circular ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_xlsx_has_chinese_names_and_numbers():
    result = AssessmentResultFactory(unit_count=2, ranked_count=1)
    AssessmentResultRowFactory(
        result=result, unit_name="甲镇", total=D("8.50"), rank=1, scores=[{"score": "8.50", "detail": ""}]
    )
    AssessmentResultRowFactory(
        result=result, unit_name="乙镇", total=D("2.00"), rank=None, sample=1, scores=[{"score": "2.00", "detail": ""}]
    )
    scoring = frozen_scores(result)
    assert assessment_export.filename(scoring) == "2024年第二季度安全生产考核排名.xlsx"
    book = load_workbook(io.BytesIO(assessment_export.workbook_bytes(scoring)))
    assert book.sheetnames == ["2024年第二季度考核排名"]
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("名次", "单位", "工作落实（10分）", "总分", "样本数", "备注")
    assert rows[1] == (1, "甲镇", 8.5, 8.5, 5, None)
    assert rows[2][0] == "样本不足，不排名" and rows[2][3] == 2.0


@pytest.mark.django_db
def test_admin_results_publish_export(client, staff_user, figures):
    county = CountyFactory()
    scheme = AssessmentSchemeFactory(jurisdiction=county, year=2024, min_sample=0)
    manual = AssessmentItemFactory(scheme=scheme, rule=AssessmentRule.MANUAL, name="会议部署")
    town = JurisdictionFactory(parent=county, name="甲镇")
    ManualScoreFactory(item=manual, quarter=2, jurisdiction=town, points=D("7"))
    client.force_login(staff_user)
    url = reverse("admin:committee_assessmentscheme_results", args=[scheme.pk, 2])
    page = client.get(url)
    assert page.status_code == 200 and "甲镇" in page.content.decode() and "实时计算" in page.content.decode()
    assert client.get(reverse("admin:committee_assessmentscheme_change", args=[scheme.pk])).status_code == 200
    response = client.post(reverse("admin:committee_assessmentscheme_publish", args=[scheme.pk, 2]))
    assert response.status_code == 302 and AssessmentResult.objects.filter(scheme=scheme, quarter=2).exists()
    assert "已于" in client.get(url).content.decode()
    export = client.get(reverse("admin:committee_assessmentscheme_export", args=[scheme.pk, 2]))
    assert export.status_code == 200
    assert quote("2024年第二季度安全生产考核排名.xlsx") in export["Content-Disposition"]
    assert client.get(reverse("admin:committee_assessmentscheme_results", args=[scheme.pk, 7])).status_code == 404
    assert client.get(reverse("admin:committee_assessmentscheme_publish", args=[scheme.pk, 2])).status_code == 405


@pytest.mark.django_db
def test_ranking_circular_from_the_frozen_figures(staff_user, monkeypatch):
    from committee import circular_services

    calls: list[dict[str, Any]] = []

    class Drafted:
        pk = 4321

    monkeypatch.setattr(circular_services, "draft_circular", lambda **kw: calls.append(kw) or Drafted())
    result = AssessmentResultFactory(unit_count=2, ranked_count=1)
    AssessmentResultRowFactory(result=result, unit_name="甲镇", unit_id=11, total=D("8.50"), rank=1)
    AssessmentResultRowFactory(result=result, unit_name="乙镇", unit_id=12, total=D("2.00"), rank=None, sample=1)
    assessment_services.draft_ranking_circular(result=result, by=staff_user)
    (call,) = calls
    assert call["kind"] == "assessment" and call["addressees"] == [("jurisdiction", 11), ("jurisdiction", 12)]
    ranking, unranked = call["sections"]
    assert ranking.table.rows == [[1, "甲镇", "8.00", "8.50"]]
    assert "乙镇" in unranked.paragraphs[0] and "样本不足，不排名" in unranked.paragraphs[0]
    assert AssessmentResult.objects.get(pk=result.pk).circular_id == 4321
    with pytest.raises(ValidationError):
        assessment_services.draft_ranking_circular(result=AssessmentResult.objects.get(pk=result.pk), by=staff_user)
    stale = result  # an instance read before the first draft: the locked re-read refuses it too
    stale.circular_id = None
    with pytest.raises(ValidationError):
        assessment_services.draft_ranking_circular(result=stale, by=staff_user)
    assert len(calls) == 1  # one circular drafted for the period


@pytest.mark.django_db
def test_ranking_circular_through_package_b(staff_user):
    """The real draft_circular: the ranking tables are accepted as given (no 合计 to check)."""
    from tests.committee.factories import IssuingAuthorityFactory

    authority = IssuingAuthorityFactory()
    town = JurisdictionFactory(name="甲镇")
    result = AssessmentResultFactory(unit_count=1, ranked_count=1)
    AssessmentResultRowFactory(result=result, unit_name="甲镇", unit_id=town.pk, total=D("8.50"), rank=1)
    circular = assessment_services.draft_ranking_circular(result=result, by=staff_user, authority=authority)
    assert circular.kind == "assessment" and list(circular.recipient_jurisdictions.all()) == [town]


# --- Demo ----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_scheme_and_published_q2_ranking(settings, monkeypatch, media_root):
    from campaigns.demo import load_demo_campaigns, load_demo_notices
    from committee.assessment_demo import SCHEME_NAME, load_demo_assessment
    from safetyportal.demo.builder import build_demo
    from safetyportal.documents import services as document_services

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(document_services, "enqueue", lambda pk: True)
    build_demo()
    load_demo_notices()
    load_demo_campaigns()
    counts = load_demo_assessment()
    assert load_demo_assessment() == counts  # idempotent
    result = AssessmentResult.objects.get(scheme__name=SCHEME_NAME, quarter=2)
    assert result.scheme.total_points == D("100") and result.unit_count >= 19
    scoring = frozen_scores(result)
    assert scoring.ranked_count >= 10 and scoring.rows[0].rank == 1
    assert all(len(row.scores) == 7 for row in scoring.rows)
