"""The publicity app's figures for other apps (the campaign summary), through safetyportal.figures."""

from __future__ import annotations

from safetyportal.figures import FigureScope, Measure, ProvidedFigures

from .selectors import MEASURES, campaign_publicity_totals

CAMPAIGN_MEASURES = tuple(Measure(key, label, unit) for key, label, unit in MEASURES)


def campaign_publicity_figures(scope: FigureScope) -> ProvidedFigures:
    """The publicity figures of the items and visits linked to the scope's campaign (none without a campaign).
    Four queries."""
    if scope.campaign_id is None:
        return ProvidedFigures(measures=CAMPAIGN_MEASURES, totals={})
    return ProvidedFigures(measures=CAMPAIGN_MEASURES, totals=campaign_publicity_totals(campaign_id=scope.campaign_id))
