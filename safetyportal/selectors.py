"""Reads of the shared organisation model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count, Q

from .charts import pie_chart
from .models import Enterprise, Industry, Jurisdiction, JurisdictionLevel
from .scoping import officer_jurisdiction

# Sections domain apps add to the officer dashboard, registered from their AppConfig.ready(): name -> function(user)
# returning a dict, shown by templates/portal/home.html as ``sections.<name>``.
DASHBOARD_SECTIONS: dict[str, Callable[[Any], dict[str, Any]]] = {}


def register_dashboard_section(
    name: str,
) -> Callable[[Callable[[Any], dict[str, Any]]], Callable[[Any], dict[str, Any]]]:
    def decorator(build: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
        DASHBOARD_SECTIONS[name] = build
        return build

    return decorator


def portal_dashboard(user: Any) -> dict[str, Any]:
    """What an officer's dashboard shows about their own unit (constant number of queries)."""
    jurisdiction = officer_jurisdiction(user)
    enterprises = Enterprise.objects.for_user(user)
    stats = enterprises.aggregate(
        total=Count("pk"),
        grade_a=Count("pk", filter=Q(risk_grade="A")),
        grade_b=Count("pk", filter=Q(risk_grade="B")),
    )
    communities = Jurisdiction.objects.for_user(user).filter(level=JurisdictionLevel.COMMUNITY).count()
    by_industry = dict(
        enterprises.order_by().values_list("industry").annotate(n=Count("pk")).values_list("industry", "n")
    )
    labels = dict(Industry.choices)
    chart = pie_chart("辖区生产经营单位行业分布", {str(labels.get(k, k)): v for k, v in sorted(by_industry.items())})
    return {
        "jurisdiction": jurisdiction,
        "enterprise_stats": stats,
        "community_count": communities,
        "industry_chart": chart,
        "sections": {name: build(user) for name, build in DASHBOARD_SECTIONS.items()},
    }
