"""The binding check at issue: the figures frozen in the summary's snapshot are the figures its text states.

The confirmation page warns on live figures (``CampaignSummary.check_issuable``); a return accepted after that page
was shown, even inside the issuing transaction before the snapshot is read, refuses the issue on the snapshot
itself (``check_snapshot``): nothing numbered, register and sequence unchanged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from campaigns import figures, services
from campaigns.models import ReturnStatus, SummaryStatus
from safetyportal.documents import services as document_services
from safetyportal.documents.models import DocumentNumberSequence, GeneratedDocument, RegisterEntry
from safetyportal.documents.numbering import set_next_serial
from tests.campaigns.factories import ActivityReturnFactory, CampaignFactory, CampaignTaskFactory
from tests.core.documents_support import make_authority
from tests.core.factories import CountyFactory

pytestmark = pytest.mark.django_db

ISSUED_ON = dt.date(2024, 7, 5)


def test_a_return_accepted_after_the_confirmation_page_refuses_the_issue(admin_user_office, unit_a, monkeypatch):
    monkeypatch.setattr(document_services, "enqueue", lambda pk: True)
    june = CampaignFactory(starts_on=dt.date(2024, 6, 1), ends_on=dt.date(2024, 6, 30), jurisdiction=CountyFactory())
    task = CampaignTaskFactory(campaign=june, units=[unit_a])
    ActivityReturnFactory(
        task=task, jurisdiction=unit_a, status=ReturnStatus.ACCEPTED, activity_type="drill", sessions=10,
        participants=100, media_reports=1,
    )  # fmt: skip
    authority = make_authority()
    set_next_serial(authority=authority, year=2024, next_serial=5, by=admin_user_office)
    summary = services.create_summary(campaign=june, authority=authority, by=admin_user_office)
    summary.check_issuable(ISSUED_ON)  # what the confirmation page checked: the text matches the tables
    register_before = list(RegisterEntry.objects.order_by("pk").values_list("pk", "number", "title", "note"))

    # A return is accepted between the confirmation page (and the live check) and the snapshot.
    original = figures.summary_snapshot
    calls: list[int] = []

    def accept_then_snapshot(campaign: Any, **kwargs: Any) -> dict[str, Any]:
        calls.append(1)
        ActivityReturnFactory(
            task=task, jurisdiction=unit_a, status=ReturnStatus.ACCEPTED, activity_type="consultation", sessions=5,
            participants=50, media_reports=0, leaflets=0, booklets=0, wall_charts=0, boards=0, banners=0,
            giveaways=0,
        )  # fmt: skip
        return original(campaign, **kwargs)

    monkeypatch.setattr(figures, "summary_snapshot", accept_then_snapshot)
    with pytest.raises(ValidationError) as refused:
        document_services.issue(summary, by=admin_user_office, issued_on=ISSUED_ON, expected_number="晋安办〔2024〕5号")

    assert calls == [1]  # the snapshot is built once
    assert refused.value.error_list[0].code == "stale_figures"
    assert "开展各类活动（场次）：正文10，统计表15" in refused.value.messages[0]
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.DRAFT and summary.number == "" and summary.snapshot is None
    assert list(RegisterEntry.objects.order_by("pk").values_list("pk", "number", "title", "note")) == register_before
    assert DocumentNumberSequence.objects.get(authority=authority, year=2024).last_serial == 4
    assert not GeneratedDocument.objects.filter(is_preview=False).exists()


def test_the_stored_snapshot_is_the_one_checked(admin_user_office, unit_a, monkeypatch):
    monkeypatch.setattr(document_services, "enqueue", lambda pk: True)
    june = CampaignFactory(starts_on=dt.date(2024, 6, 1), ends_on=dt.date(2024, 6, 30), jurisdiction=CountyFactory())
    task = CampaignTaskFactory(campaign=june, units=[unit_a])
    ActivityReturnFactory(
        task=task, jurisdiction=unit_a, status=ReturnStatus.ACCEPTED, activity_type="drill", sessions=10,
        participants=100, media_reports=1,
    )  # fmt: skip
    summary = services.create_summary(campaign=june, authority=make_authority(), by=admin_user_office)
    checked: list[dict[str, Any]] = []
    check = type(summary).check_snapshot
    monkeypatch.setattr(type(summary), "check_snapshot", lambda self, data: checked.append(data) or check(self, data))

    issued = document_services.issue(summary, by=admin_user_office, issued_on=ISSUED_ON)

    assert [issued.snapshot] == checked and issued.snapshot["totals"]["sessions"] == 10
