"""Training figures per jurisdiction for the committee (assessment "training delivered"):
``training_figures(period)``.

Two GROUP BY queries whatever the number of sessions, enrolments and certificates. Definitions:
``safetyportal.unit_figures.TrainingFigures`` and docs/unit_figures.md."""

from __future__ import annotations

from django.db.models import Count, Q
from django.db.models.functions import Coalesce

from safetyportal.unit_figures import JURISDICTION, Period, TrainingFigures, UnitKey

from .models import VOIDED_STATUSES, Certificate, EnrolmentResult, TrainingSession


def training_figures(period: Period) -> dict[UnitKey, TrainingFigures]:
    """Per jurisdiction (``("jurisdiction", pk)`` keys only: training records name no member unit): sessions held
    there that ended in ``period``, their attended enrolments and passes, and certificates first issued in
    ``period`` to people of the jurisdiction (the employer's, else the holder's), cancelled or revoked ones left out.
    Only jurisdictions with something to count appear; the figures are the jurisdiction's own (not rolled up to its
    parent). Two queries."""
    counts: dict[int, dict[str, int]] = {}
    sessions = (
        TrainingSession.objects.filter(jurisdiction__isnull=False, ends_on__range=(period.starts_on, period.ends_on))
        .values("jurisdiction_id")
        .annotate(
            sessions=Count("pk", distinct=True),
            trainees=Count("enrolments", filter=Q(enrolments__attended=True)),
            passed=Count("enrolments", filter=Q(enrolments__attended=True, enrolments__result=EnrolmentResult.PASSED)),
        )
        .order_by()
    )
    for row in sessions:
        counts[row["jurisdiction_id"]] = {
            "sessions": row["sessions"],
            "trainees": row["trainees"],
            "passed": row["passed"],
        }
    certificates = (
        Certificate.objects.filter(first_issued_on__range=(period.starts_on, period.ends_on))
        .exclude(status__in=VOIDED_STATUSES)
        .annotate(unit=Coalesce("employer__jurisdiction_id", "holder__jurisdiction_id"))
        .filter(unit__isnull=False)
        .values("unit")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in certificates:
        counts.setdefault(row["unit"], {})["certificates"] = row["n"]
    return {(JURISDICTION, pk): TrainingFigures(**values) for pk, values in counts.items()}


__all__ = ["training_figures"]
