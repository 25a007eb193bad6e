"""Reads of the shared organisation model."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

from django.db.models import Count, Q

from .charts import pie_chart
from .models import Enterprise, Industry, Jurisdiction, JurisdictionLevel
from .scoping import officer_jurisdiction

if TYPE_CHECKING:
    from .types import User

# Sections domain apps add to the officer dashboard, registered from their AppConfig.ready(): name -> function(user)
# returning a dict, shown by templates/portal/home.html as ``sections.<name>``.
DashboardSection: TypeAlias = "Callable[[User], dict[str, Any]]"
DASHBOARD_SECTIONS: dict[str, DashboardSection] = {}


def register_dashboard_section(name: str) -> Callable[[DashboardSection], DashboardSection]:
    def decorator(build: DashboardSection) -> DashboardSection:
        DASHBOARD_SECTIONS[name] = build
        return build

    return decorator


def portal_dashboard(user: User) -> dict[str, Any]:
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
