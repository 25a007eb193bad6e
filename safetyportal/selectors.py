"""Reads of the shared organisation model."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from .models import Enterprise, Jurisdiction, JurisdictionLevel
from .scoping import officer_jurisdiction


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
    return {"jurisdiction": jurisdiction, "enterprise_stats": stats, "community_count": communities}
