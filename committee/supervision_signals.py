"""A hazard supervision follows its hazard: when the hazard's jurisdiction or responsible unit changes (reassigned
in ``inspections.services.transition`` or ``update_hazard``), its open supervisions are re-scoped
(``supervision_services.rescope_for_hazard``), so the unit now responsible sees and files them and the former one no
longer reaches them.

inspections does not import committee: the receiver is connected here to a lazy sender (``"inspections.Hazard"``;
Django's model signals resolve it once the model is loaded). Connected from ``CommitteeConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

SCOPE_FIELDS = frozenset({"jurisdiction", "jurisdiction_id", "responsible_unit", "responsible_unit_id"})


def hazard_saved(sender: Any, instance: Any, created: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    if created or kwargs.get("raw"):
        return  # a new hazard has no supervision yet; fixtures load as they are
    if update_fields is not None and not (set(update_fields) & SCOPE_FIELDS):
        return
    from .supervision_services import rescope_for_hazard

    rescope_for_hazard(
        instance.pk,
        jurisdiction_id=instance.jurisdiction_id,
        responsible_unit_id=instance.responsible_unit_id,
    )


post_save.connect(hazard_saved, sender="inspections.Hazard", dispatch_uid="committee.supervision.hazard_saved")
