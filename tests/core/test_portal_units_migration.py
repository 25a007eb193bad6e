"""Review 12 §9: migration safetyportal 0013 (portal units) is reversed only while no officer belongs to a member
unit; otherwise the reverse refuses before any of its steps is undone, naming the accounts, and nothing is lost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.executor import MigrationExecutor

from safetyportal.models import OfficerProfile
from tests.core.factories import JurisdictionFactory, MemberUnitFactory, OfficerProfileFactory, UserFactory

BEFORE = [("safetyportal", "0012_record_history")]
UNITS = ("safetyportal", "0013_portal_units")


def _profiles() -> list[tuple[str, str | None, str | None]]:
    return sorted(OfficerProfile.objects.values_list("user__username", "jurisdiction__name", "member_unit__name"))


@pytest.mark.django_db(transaction=True)
def test_reverse_refuses_while_a_member_unit_officer_exists_and_keeps_it():
    OfficerProfileFactory(user=UserFactory(username="jiaotong_ju"), jurisdiction=None, member_unit=MemberUnitFactory())
    OfficerProfileFactory(user=UserFactory(username="lingyuan"), jurisdiction=JurisdictionFactory())
    before = _profiles()
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        with pytest.raises(IrreversibleError, match="jiaotong_ju") as refused:
            MigrationExecutor(connection).migrate(BEFORE)
        assert "lingyuan" not in str(refused.value)
        assert UNITS in MigrationExecutor(connection).loader.applied_migrations  # 0013 itself was not undone
    finally:
        MigrationExecutor(connection).migrate(leaves)
    assert _profiles() == before


@pytest.mark.django_db(transaction=True)
def test_reverse_runs_when_every_officer_has_a_jurisdiction():
    OfficerProfileFactory(jurisdiction=JurisdictionFactory())
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        MigrationExecutor(connection).migrate(BEFORE)
        assert UNITS not in MigrationExecutor(connection).loader.applied_migrations
    finally:
        MigrationExecutor(connection).migrate(leaves)
