"""The figure-provider registry (safetyportal.figures) the summary reads other apps through: the apps register their
providers when they are ready, a missing provider is an error, and figures that are not counts or do not add up are
refused where the provider returns them."""

from __future__ import annotations

import datetime as dt

import pytest

from safetyportal.figures import (
    CAMPAIGN_PUBLICITY,
    EXPOSURE_CASES,
    FigureProviderConflict,
    FigureProviderMissing,
    FigureScope,
    InvalidFigures,
    Measure,
    ProvidedFigures,
    get_figure_provider,
    override_figure_provider,
    provide,
    register_figure_provider,
    registered_providers,
)
from tests.core.factories import JurisdictionFactory
from tests.inspections.factories import ExposureCaseFactory

CASES = Measure("cases", "曝光台公开典型案例", "个")
JUNE = FigureScope(starts_on=dt.date(2024, 6, 1), ends_on=dt.date(2024, 6, 30))


def test_inspections_and_publicity_register_their_providers_when_ready():
    names = {provider.name: str(provider.label) for provider in registered_providers()}
    assert names[EXPOSURE_CASES] == "曝光台公开典型案例" and names[CAMPAIGN_PUBLICITY] == "宣传投放情况"
    from inspections.figures import exposure_case_figures
    from publicity.figures import campaign_publicity_figures

    assert get_figure_provider(EXPOSURE_CASES).function is exposure_case_figures
    assert get_figure_provider(CAMPAIGN_PUBLICITY).function is campaign_publicity_figures


def test_a_missing_provider_is_an_error():
    with pytest.raises(FigureProviderMissing, match="no figure provider 'nobody'"):
        provide("nobody", JUNE)


def test_a_name_cannot_be_taken_by_a_second_provider():
    provider = get_figure_provider(EXPOSURE_CASES)
    register_figure_provider(EXPOSURE_CASES, provider.label, provider.function)  # the same again: a no-op
    with pytest.raises(FigureProviderConflict):
        register_figure_provider(EXPOSURE_CASES, "另一个", lambda scope: ProvidedFigures((CASES,), {}))
    assert get_figure_provider(EXPOSURE_CASES) == provider


def test_override_restores_the_registered_provider():
    provider = get_figure_provider(EXPOSURE_CASES)
    with override_figure_provider(EXPOSURE_CASES, lambda scope: ProvidedFigures((CASES,), {"cases": 3})):
        assert provide(EXPOSURE_CASES, JUNE).total("cases") == 3
    with override_figure_provider(EXPOSURE_CASES, None), pytest.raises(FigureProviderMissing):
        provide(EXPOSURE_CASES, JUNE)
    assert get_figure_provider(EXPOSURE_CASES) == provider


@pytest.mark.parametrize(
    ("totals", "by_jurisdiction", "message"),
    [
        ({"cases": -1}, None, "not a count"),
        ({"cases": 1.5}, None, "not a count"),
        ({"cases": True}, None, "not a count"),
        ({"reads": 1}, None, "undeclared"),
        ({"cases": 16}, {1: {"cases": 1}}, "not the sum"),
        ({"cases": 1}, {1: {"cases": 1, "reads": 0}}, "undeclared"),
    ],
)
def test_figures_that_are_not_counts_or_do_not_add_up_are_refused(totals, by_jurisdiction, message):
    with pytest.raises(InvalidFigures, match=message):
        ProvidedFigures(measures=(CASES,), totals=totals, by_jurisdiction=by_jurisdiction)


def test_a_provider_must_return_typed_figures():
    with override_figure_provider(EXPOSURE_CASES, lambda scope: {"cases": 3}), pytest.raises(InvalidFigures):
        provide(EXPOSURE_CASES, JUNE)


def test_figures_without_a_breakdown_cannot_be_read_per_jurisdiction():
    figures = ProvidedFigures(measures=(CASES,), totals={"cases": 2})
    assert figures.total("cases") == 2
    with pytest.raises(LookupError):
        figures.for_jurisdiction(1, "cases")
    with pytest.raises(KeyError):
        figures.total("reads")


@pytest.mark.django_db
def test_the_inspections_provider_counts_published_cases_per_jurisdiction_in_the_period():
    from django.utils import timezone

    from inspections.models import CaseStatus

    a, b = JurisdictionFactory(), JurisdictionFactory()

    def case(jurisdiction, day: dt.date, **fields):
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 50)))
        return ExposureCaseFactory(jurisdiction=jurisdiction, published_at=at, **fields)

    case(a, dt.date(2024, 6, 30))  # the last evening of the period counts
    case(a, dt.date(2024, 6, 1), status=CaseStatus.EXPIRED)
    case(b, dt.date(2024, 6, 15))
    case(b, dt.date(2024, 6, 15), status=CaseStatus.WITHDRAWN)
    case(b, dt.date(2024, 7, 1))

    figures = provide(EXPOSURE_CASES, JUNE)

    assert figures.total("cases") == 3
    assert figures.for_jurisdiction(a.pk, "cases") == 2 and figures.for_jurisdiction(b.pk, "cases") == 1
