"""The inspections app's figures for other apps (the campaign summary), through safetyportal.figures."""

from __future__ import annotations

from safetyportal.figures import FigureScope, Measure, ProvidedFigures

from .selectors import published_case_counts

CASES = Measure("cases", "曝光台公开典型案例", "个")


def exposure_case_figures(scope: FigureScope) -> ProvidedFigures:
    """Exposure cases published in the scope's period (withdrawn ones excluded), in total and per jurisdiction of
    the case (a township, or the county for city-wide cases). One query."""
    counts = published_case_counts(start=scope.starts_on, end=scope.ends_on)
    return ProvidedFigures(
        measures=(CASES,),
        totals={CASES.key: sum(counts.values())},
        by_jurisdiction={jurisdiction_id: {CASES.key: n} for jurisdiction_id, n in counts.items()},
    )
