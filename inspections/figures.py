"""The inspections app's figures for other apps (the campaign summary), through safetyportal.figures."""

from __future__ import annotations

from safetyportal.figures import FigureScope, Measure, ProvidedFigures

from .media_duty import article_counts
from .selectors import published_case_counts

CASES = Measure("cases", "曝光台公开典型案例", "个")
# Seed 000 ("295篇1399起"): media articles (篇) and the distinct cases they carried (起), any media level.
ARTICLES = Measure("media_articles", "媒体曝光报道", "篇")
ARTICLE_CASES = Measure("media_cases", "媒体曝光案例", "起")


def exposure_case_figures(scope: FigureScope) -> ProvidedFigures:
    """Exposure cases published in the scope's period (withdrawn ones excluded), in total and per jurisdiction of
    the case (a township, or the county for city-wide cases); then the media articles (篇) published in the period
    per the article's jurisdiction and the distinct cases they carried (起) per the case's jurisdiction. ``cases``
    stays the first measure (the summary's exposure column reads ``measures[0]``). Three queries."""
    counts = published_case_counts(start=scope.starts_on, end=scope.ends_on)
    articles, article_cases = article_counts(start=scope.starts_on, end=scope.ends_on)
    by_jurisdiction: dict[int, dict[str, int]] = {}
    for key, values in ((CASES.key, counts), (ARTICLES.key, articles), (ARTICLE_CASES.key, article_cases)):
        for jurisdiction_id, n in values.items():
            by_jurisdiction.setdefault(jurisdiction_id, {})[key] = n
    return ProvidedFigures(
        measures=(CASES, ARTICLES, ARTICLE_CASES),
        totals={
            CASES.key: sum(counts.values()),
            ARTICLES.key: sum(articles.values()),
            ARTICLE_CASES.key: sum(article_cases.values()),
        },
        by_jurisdiction=by_jurisdiction,
    )
