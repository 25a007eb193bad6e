"""Factories for the security suite's own models (one per model)."""

from __future__ import annotations

import factory

from safetyportal.models import RoleChange, RoleChangeKind


class RoleChangeFactory(factory.django.DjangoModelFactory):
    """An audit row as the signals write it (for list-size tests; real rows come from real changes)."""

    class Meta:
        model = RoleChange

    actor_name = "系统"
    target_name = factory.Sequence(lambda n: f"user{n}")
    kind = RoleChangeKind.STAFF
    before = "否"
    after = "是"
