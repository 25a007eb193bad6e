"""One issuing mechanism for every numbered paper (safetyportal/documents/issuing.py, services.issue()/preview()):
each kind issues through the one service, the edit guard, the number guard, xlsx documents, the confirmation page,
the migration that made the three models issued records, and no repeated issuing code left in the apps."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models.deletion import ProtectedError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import CampaignSummary, Notice, NoticeStatus
from inspections.models import RectificationOrder
from safetyportal.documents import services
from safetyportal.documents.admin import status_widget
from safetyportal.documents.context import AUTHORITY_KEY
from safetyportal.documents.issuing import IssuedRecord, IssueStatus
from safetyportal.documents.models import (
    DocumentNumberSequence,
    DocumentStatus,
    GeneratedDocument,
    RegisterEntry,
    RegisterOrigin,
)
from safetyportal.documents.numbering import next_number, reserve_number
from safetyportal.documents.registry import register_builder
from safetyportal.history import RecordHistory
from tests.campaigns.factories import CampaignSummaryFactory
from tests.core.documents_support import make_notice
from tests.core.factories import StaffUserFactory
from tests.inspections.factories import RectificationOrderFactory

pytestmark = pytest.mark.django_db

FROZEN = {"query_date": "2024-07-05", "totals": {"sessions": 569, "participants": 97696}}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def enqueued(monkeypatch) -> list[int]:
    ids: list[int] = []
    monkeypatch.setattr(services, "enqueue", lambda pk: ids.append(pk) or True)
    return ids


@pytest.fixture(autouse=True)
def frozen_figures(monkeypatch):
    """The summary's figures at issue (campaigns.figures.summary_snapshot, engineer B's): a known dict here, so that
    these tests check the mechanism, not the figures (tests/campaigns covers those)."""
    try:
        import campaigns.figures as figures
    except ImportError:  # not written yet: a stand-in module, in these tests only
        figures = types.ModuleType("campaigns.figures")
        monkeypatch.setitem(sys.modules, "campaigns.figures", figures)
    monkeypatch.setattr(figures, "summary_snapshot", lambda campaign, **kwargs: dict(FROZEN), raising=False)
    # FROZEN is no real summary snapshot: its check against the narrative is tested in tests/campaigns
    monkeypatch.setattr(CampaignSummary, "check_snapshot", lambda self, snapshot: None)


def order() -> RectificationOrder:
    return RectificationOrderFactory(findings="一、安全出口堵塞")


KINDS: dict[str, Callable[[], IssuedRecord]] = {
    "notice": make_notice,
    "summary": CampaignSummaryFactory,
    "order": order,
}
CONTENT_CHANGE = {"notice": ("title", "改过的标题"), "summary": ("narrative", "改过"), "order": ("findings", "改过")}


def issue_now(record: IssuedRecord, by, **kwargs) -> IssuedRecord:  # type: ignore[no-untyped-def]
    return services.issue(record, by=by, **kwargs)


# --- The one service ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_issues_through_the_one_service(
    kind, admin_user_office, enqueued, django_capture_on_commit_callbacks
):
    record = KINDS[kind]()
    year = timezone.localdate().year
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        issued = issue_now(record, admin_user_office)

    assert issued.status == IssueStatus.ISSUED and issued.is_editable is False
    assert (issued.year, issued.serial) == (year, 1)
    assert issued.number == f"{record.authority.code}〔{year}〕1号"
    assert issued.issued_on == timezone.localdate() and issued.issued_by == admin_user_office
    assert before <= issued.issued_at <= timezone.now()
    stored = {key: value for key, value in issued.snapshot.items() if key != AUTHORITY_KEY}
    assert stored == (FROZEN if kind == "summary" else {}) and before <= issued.snapshot_taken_at
    authority = record.authority
    assert issued.snapshot[AUTHORITY_KEY] == {
        "id": authority.pk, "name": authority.name, "header": authority.header, "code": authority.code, "seal": ""
    }  # fmt: skip
    document = issued.document
    assert document.kind == type(record).DOCUMENT_KIND and document.source == issued
    assert not document.is_preview and document.number == issued.number and document.verify_token
    entry = RegisterEntry.objects.get()
    assert (entry.number, entry.origin, entry.kind, entry.source) == (
        issued.number,
        RegisterOrigin.ISSUED,
        type(record).DOCUMENT_KIND,
        issued,
    )
    assert entry.created_by == admin_user_office and entry.title
    history = RecordHistory.objects.get(action="issue", object_id=issued.pk)
    assert history.actor == admin_user_office and history.changes["number"] == ["", issued.number]
    expected = [document.pk]
    if kind == "summary":
        workbook = issued.workbook
        assert workbook.kind == "campaign_summary_workbook" and workbook.number == issued.number
        assert not workbook.is_preview and workbook.verify_token is None  # the PDF is what a reader verifies
        expected.append(workbook.pk)
    assert enqueued == expected


@pytest.mark.parametrize("kind", KINDS)
def test_issuing_needs_the_kinds_permission(kind, enqueued):
    record = KINDS[kind]()
    clerk = StaffUserFactory()
    clerk.user_permissions.add(*Permission.objects.filter(codename__startswith="change_"))
    with pytest.raises(PermissionDenied):
        issue_now(record, clerk)
    record.refresh_from_db()
    assert record.status == IssueStatus.DRAFT and record.number == ""
    assert not RegisterEntry.objects.exists() and not GeneratedDocument.objects.exists()


def test_issuing_twice_is_refused_without_a_number(admin_user_office, enqueued):
    issued = issue_now(make_notice(), admin_user_office)
    with pytest.raises(ValidationError, match="该通知已印发，不能重复印发。"):
        issue_now(issued, admin_user_office)
    assert RegisterEntry.objects.count() == 1 and DocumentNumberSequence.objects.get().last_serial == 1


def test_a_failing_issue_leaves_no_number_no_register_row_no_document(admin_user_office, enqueued, monkeypatch):
    record = order()

    def broken(self, by):  # type: ignore[no-untyped-def]
        raise RuntimeError("after_issue failed")

    monkeypatch.setattr(RectificationOrder, "after_issue", broken)
    with pytest.raises(RuntimeError):
        issue_now(record, admin_user_office)
    record.refresh_from_db()
    assert record.status == IssueStatus.DRAFT and record.number == "" and record.snapshot is None
    assert not RegisterEntry.objects.exists() and not GeneratedDocument.objects.exists()
    assert not DocumentNumberSequence.objects.filter(last_serial__gt=0).exists()
    assert enqueued == []


def test_the_kinds_own_checks_refuse_before_a_number_is_taken(admin_user_office, enqueued):
    late = RectificationOrderFactory(findings="期限已过", deadline=timezone.localdate())
    empty = CampaignSummaryFactory(narrative="  ")
    with pytest.raises(ValidationError, match="整改期限须晚于下达日期"):
        issue_now(late, admin_user_office)
    with pytest.raises(ValidationError, match="请先填写总结正文"):
        issue_now(empty, admin_user_office)
    assert not RegisterEntry.objects.exists()


def test_the_expected_number_guard_refuses_a_number_taken_meanwhile(admin_user_office, enqueued):
    notice = make_notice()
    year = timezone.localdate().year
    _serial, shown = next_number(authority=notice.authority, year=year)
    reserve_number(authority=notice.authority, year=year, by=admin_user_office, note="纸质发文")

    with pytest.raises(ValidationError) as refused:
        issue_now(notice, admin_user_office, expected_number=shown)

    assert refused.value.code == "number_changed" and f"晋安办〔{year}〕2号" in refused.value.messages[0]
    notice.refresh_from_db()
    assert notice.status == IssueStatus.DRAFT
    assert list(RegisterEntry.objects.values_list("serial", "origin")) == [(1, RegisterOrigin.RESERVED)]
    issued = issue_now(notice, admin_user_office, expected_number=f"晋安办〔{year}〕2号")
    assert issued.serial == 2


def test_correction_supersedes_in_the_after_issue_hook(admin_user_office, enqueued):
    original = issue_now(make_notice(), admin_user_office)
    correction = make_notice(supersedes=original)
    issue_now(correction, admin_user_office)
    original.refresh_from_db()
    assert original.status == NoticeStatus.SUPERSEDED


def test_preview_requests_the_pdf_and_the_companions_from_live_data(staff_user, enqueued):
    summary = CampaignSummaryFactory()
    preview = services.preview(summary, by=staff_user)
    kinds = set(GeneratedDocument.objects.values_list("kind", "is_preview", "verify_token"))
    assert kinds == {("campaign_summary", True, None), ("campaign_summary_workbook", True, None)}
    assert preview.kind == "campaign_summary" and preview.number == ""
    summary.refresh_from_db()
    assert summary.workbook is None and summary.snapshot is None  # a preview changes nothing on the record


# --- The edit guard ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_an_issued_record_cannot_change_its_content_or_number(kind, admin_user_office, enqueued):
    issued = issue_now(KINDS[kind](), admin_user_office)
    field, value = CONTENT_CHANGE[kind]
    model = type(issued)

    for name, new in ((field, value), ("number", "晋安办〔2024〕99号"), ("status", IssueStatus.DRAFT)):
        current = model._base_manager.get(pk=issued.pk)
        setattr(current, name, new)
        with pytest.raises(ValidationError, match=str(model.locked_message)):
            current.save()
    current = model._base_manager.get(pk=issued.pk)
    current.save()  # unchanged: fine
    assert getattr(model._base_manager.get(pk=issued.pk), field) != value


def test_a_draft_stays_editable(admin_user_office):
    summary = CampaignSummaryFactory()
    summary.narrative = "一、基本情况\n改过。"
    summary.save()
    assert CampaignSummary.objects.get(pk=summary.pk).narrative.endswith("改过。")


def test_a_campaign_summary_is_a_legal_record(client, admin_user_office):
    summary = CampaignSummaryFactory()
    with pytest.raises(ProtectedError):
        summary.delete()
    with pytest.raises(ProtectedError):
        CampaignSummary.objects.filter(pk=summary.pk).delete()
    client.force_login(admin_user_office)
    url = reverse("admin:campaigns_campaignsummary_delete", args=[summary.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert CampaignSummary.objects.filter(pk=summary.pk).exists()


def test_each_kind_keeps_its_wording():
    order_fields = {f.name: str(f.verbose_name) for f in RectificationOrder._meta.fields}
    assert (order_fields["number"], order_fields["issued_by"]) == ("文书编号", "签发人")
    assert RectificationOrder(status="issued").get_status_display() == "已下达"
    assert Notice(status="superseded").get_status_display() == "已被更正"
    assert (Notice.issue_permission, RectificationOrder.issue_permission) == (
        "campaigns.issue_notice",
        "inspections.issue_rectificationorder",
    )


# --- xlsx documents ------------------------------------------------------------------------------------------------


@register_builder("test_xlsx", "测试表格", output="xlsx")
def _xlsx_builder(document: GeneratedDocument) -> bytes:
    if document.title == "坏表格":
        raise ValueError("no figures")
    return b"PK\x03\x04 a workbook"


def test_an_xlsx_kind_goes_through_the_same_rows(client, staff_user):
    document = services.request_document(kind="test_xlsx", title="统计表")
    rendered = services.render(document_id=document.pk)

    assert rendered.status == DocumentStatus.DONE and rendered.progress == 100 and rendered.attempts == 1
    assert rendered.file.name.endswith(f"{rendered.uuid}.xlsx") and rendered.page_count is None
    assert rendered.size_bytes == len(b"PK\x03\x04 a workbook") and len(rendered.sha256) == 64
    assert "下载Excel" in status_widget(rendered)
    client.force_login(staff_user)
    response = client.get(reverse("admin:safetyportal_generateddocument_download", args=[document.pk]))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith(".xlsx")
    assert b"".join(response.streaming_content) == b"PK\x03\x04 a workbook"


def test_a_failing_xlsx_builder_fails_with_a_reason():
    document = services.request_document(kind="test_xlsx", title="坏表格")
    failed = services.render(document_id=document.pk)
    assert failed.status == DocumentStatus.FAILED and "no figures" in failed.error and not failed.file


# --- The admin: one mixin, one template -------------------------------------------------------------------------


def admin_url(record: IssuedRecord, view: str) -> str:
    return reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_{view}", args=[record.pk])


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_confirmation_page_shows_number_addressees_and_preview_pages(client, admin_user_office, enqueued):
    notice = make_notice(recipients_text="各街道办事处、镇人民政府")
    number = f"晋安办〔{timezone.localdate().year}〕1号"
    client.force_login(admin_user_office)

    page = client.get(admin_url(notice, "issue")).content.decode()
    assert number in page and "实际文号会顺延" in page
    assert "各街道办事处、镇人民政府" in page and "尚未生成预览稿" in page
    assert f"确认印发，使用{number}" in page and 'name="csrfmiddlewaretoken"' in page
    assert not RegisterEntry.objects.exists()  # looking takes nothing

    preview = services.preview(notice, by=admin_user_office)
    services.render(document_id=preview.pk)
    page = client.get(admin_url(notice, "issue")).content.decode()
    pages = GeneratedDocument.objects.get(pk=preview.pk).page_count
    assert f"最近一次预览稿共{pages}页" in page

    response = client.post(admin_url(notice, "issue"), {"expected_number": number})
    assert response.status_code == 302 and response["Location"] == admin_url(notice, "change")
    assert f"通知已印发，发文字号：{number}。正式文件生成中。" in messages_of(response)


def test_the_confirmation_page_shows_the_new_number_when_another_was_taken(client, admin_user_office, enqueued):
    notice = make_notice()
    year = timezone.localdate().year
    client.force_login(admin_user_office)
    client.get(admin_url(notice, "issue"))
    reserve_number(authority=notice.authority, year=year, by=admin_user_office, note="纸质发文")

    response = client.post(admin_url(notice, "issue"), {"expected_number": f"晋安办〔{year}〕1号"})

    assert response.status_code == 200
    page = response.content.decode()
    assert f'value="晋安办〔{year}〕2号"' in page and "请重新确认" in page
    notice.refresh_from_db()
    assert notice.status == IssueStatus.DRAFT


@pytest.mark.parametrize(("kind", "verb", "other"), [("notice", "印发", "下达"), ("order", "下达", "印发")])
def test_the_confirmation_page_speaks_the_kinds_verb(kind, verb, other, client, admin_user_office, enqueued):
    record = KINDS[kind]()
    client.force_login(admin_user_office)
    page = client.get(admin_url(record, "issue")).content.decode()
    assert f"{verb}前请核对" in page and f"{verb}后将分配" in page and f"建议先预览核对后再{verb}" in page
    assert f"{other}前请核对" not in page and f"{other}后将分配" not in page
    assert f'name="expected_issued_on" value="{timezone.localdate().isoformat()}"' in page


def test_a_confirmation_posted_after_midnight_is_refused_and_shown_again(client, admin_user_office, enqueued):
    notice = make_notice()
    today = timezone.localdate()
    number = f"晋安办〔{today.year}〕1号"
    client.force_login(admin_user_office)
    yesterday = today - dt.timedelta(days=1)  # the page was shown before midnight

    response = client.post(
        admin_url(notice, "issue"), {"expected_number": number, "expected_issued_on": yesterday.isoformat()}
    )

    assert response.status_code == 200
    shown = f"{yesterday.year}年{yesterday.month}月{yesterday.day}日"
    assert any(f"确认页显示的是{shown}" in message and "请重新确认" in message for message in messages_of(response))
    page = response.content.decode()
    assert f'name="expected_issued_on" value="{today.isoformat()}"' in page
    notice.refresh_from_db()
    assert notice.status == IssueStatus.DRAFT and notice.number == "" and not RegisterEntry.objects.exists()
    assert not DocumentNumberSequence.objects.filter(last_serial__gt=0).exists()

    response = client.post(
        admin_url(notice, "issue"), {"expected_number": number, "expected_issued_on": today.isoformat()}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.number, notice.issued_on) == (number, today)


def test_an_unregistered_kind_is_named_in_chinese():
    from safetyportal.documents.registry import kind_label

    assert kind_label("notice") == "通知" and kind_label("retired_kind") == "未知文书类型（retired_kind）"


def test_issuing_and_previewing_are_csrf_protected_posts(admin_user_office, enqueued):
    notice = make_notice()
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user_office)
    assert client.post(admin_url(notice, "issue"), {"expected_number": ""}).status_code == 403
    assert client.post(admin_url(notice, "pdfpreview")).status_code == 403
    assert client.get(admin_url(notice, "pdfpreview")).status_code == 200
    notice.refresh_from_db()
    assert notice.status == IssueStatus.DRAFT and not GeneratedDocument.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_every_kinds_admin_previews_confirms_and_issues(kind, client, admin_user_office, enqueued):
    record = KINDS[kind]()
    model = type(record)
    client.force_login(admin_user_office)
    change = client.get(admin_url(record, "change")).content.decode()
    verb = str(model.ISSUE_VERB)
    assert 'name="_preview"' in change and f"{verb}（分配{model.number_label()}并锁定）" in change

    assert client.post(admin_url(record, "pdfpreview")).status_code == 302
    assert GeneratedDocument.objects.filter(is_preview=True, kind=model.DOCUMENT_KIND).count() == 1
    number = f"{record.authority.code}〔{timezone.localdate().year}〕1号"
    page = client.get(admin_url(record, "issue")).content.decode()
    assert number in page and f"确认{verb}，使用{number}" in page
    response = client.post(admin_url(record, "issue"), {"expected_number": number})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.number == number and record.status == IssueStatus.ISSUED
    change = client.get(admin_url(record, "change")).content.decode()
    assert 'name="_issue"' not in change and number in change


def test_the_confirmation_page_refuses_an_issued_record_and_a_clerk(client, admin_user_office, enqueued):
    issued = issue_now(make_notice(), admin_user_office)
    client.force_login(admin_user_office)
    response = client.get(admin_url(issued, "issue"))
    assert response.status_code == 302 and "该通知已印发，不能重复印发。" in messages_of(response)

    clerk = StaffUserFactory()
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_notice", "change_notice"]))
    client.force_login(clerk)
    draft = make_notice(title="另一份通知")
    response = client.get(admin_url(draft, "issue"))
    assert response.status_code == 302 and "您没有印发通知的权限。" in messages_of(response)


# --- The migration keeps every number, file and link ---------------------------------------------------------------

BEFORE = [("safetyportal", "0009_jurisdiction_audit"), ("campaigns", "0003_activity_returns"),
          ("inspections", "0001_initial")]  # fmt: skip
AFTER = [("campaigns", "0004_issued_records"), ("inspections", "0002_issued_records")]


def _old_rows(apps, media_root: Path) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Issued rows as the old models stored them: a notice, a summary with its xlsx, an order."""
    User = apps.get_model("auth", "User")
    Authority = apps.get_model("safetyportal", "IssuingAuthority")
    Document = apps.get_model("safetyportal", "GeneratedDocument")
    Sequence = apps.get_model("safetyportal", "DocumentNumberSequence")
    Jurisdiction = apps.get_model("safetyportal", "Jurisdiction")
    Enterprise = apps.get_model("safetyportal", "Enterprise")
    Campaign = apps.get_model("campaigns", "Campaign")
    user = User.objects.create(username="clerk-migration", is_staff=True)
    city = Authority.objects.create(name="晋江市安全生产委员会办公室", header="文件", code="晋安办")
    bureau = Authority.objects.create(name="晋江市应急管理局", header="文件", code="晋应急责改")
    Sequence.objects.create(authority=city, year=2024, last_serial=63)
    Sequence.objects.create(authority=bureau, year=2024, last_serial=1)
    notice_doc = Document.objects.create(
        kind="notice", title="通知", number="晋安办〔2024〕62号", file="documents/n.pdf"
    )
    summary_doc = Document.objects.create(kind="campaign_summary", title="总结", number="晋安办〔2024〕63号")
    order_doc = Document.objects.create(kind="rectification_order", title="指令书", number="晋应急责改〔2024〕1号")
    Notice = apps.get_model("campaigns", "Notice")
    notice = Notice.objects.create(
        authority=city, title="关于开展2024年全市“安全生产月”活动的通知", body="正文", status="issued", year=2024,
        serial=62, number="晋安办〔2024〕62号", issued_on=dt.date(2024, 5, 28),
        issued_at=timezone.make_aware(dt.datetime(2024, 5, 28, 9)), issued_by=user, document=notice_doc,
    )  # fmt: skip
    (media_root / "summaries").mkdir(parents=True)
    (media_root / "summaries" / "old.xlsx").write_bytes(b"PK old workbook")
    campaign = Campaign.objects.create(kind="safety_month", year=2024, name="安全生产月",
                                       starts_on=dt.date(2024, 6, 1), ends_on=dt.date(2024, 6, 30))  # fmt: skip
    summary = apps.get_model("campaigns", "CampaignSummary").objects.create(
        campaign=campaign, authority=city, title="2024年“安全生产月”活动总结", narrative="正文", status="issued",
        year=2024, serial=63, number="晋安办〔2024〕63号", issued_on=dt.date(2024, 7, 5), issued_by=user,
        document=summary_doc, xlsx_file="summaries/old.xlsx", xlsx_status="done",
        xlsx_generated_at=timezone.make_aware(dt.datetime(2024, 7, 5, 10)),
    )  # fmt: skip
    town = Jurisdiction.objects.create(code="350582100", name="青阳街道", level="subdistrict", path="350582100/")
    enterprise = Enterprise.objects.create(name="晋江市某鞋业有限公司", credit_code="91350582MA00000001",
                                           industry="manufacturing", jurisdiction=town)  # fmt: skip
    order = apps.get_model("inspections", "RectificationOrder").objects.create(
        enterprise=enterprise, authority=bureau, deadline=dt.date(2024, 8, 1), status="issued", year=2024, serial=1,
        number="晋应急责改〔2024〕1号", issued_on=dt.date(2024, 7, 10), issued_by=user, document=order_doc,
    )  # fmt: skip
    return {"notice": notice.pk, "summary": summary.pk, "order": order.pk, "user": user.pk}


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_number_file_and_link_and_goes_back(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        executor.loader.build_graph()
        ids = _old_rows(executor.loader.project_state(BEFORE).apps, tmp_path)

        executor.migrate(AFTER)
        executor.loader.build_graph()
        apps = executor.loader.project_state(AFTER).apps
        notice = apps.get_model("campaigns", "Notice").objects.get(pk=ids["notice"])
        summary = apps.get_model("campaigns", "CampaignSummary").objects.get(pk=ids["summary"])
        order = apps.get_model("inspections", "RectificationOrder").objects.get(pk=ids["order"])
        assert (notice.number, notice.serial) == ("晋安办〔2024〕62号", 62)
        assert notice.document.file.name == "documents/n.pdf"
        assert (summary.number, summary.document.number) == ("晋安办〔2024〕63号", "晋安办〔2024〕63号")
        workbook = summary.workbook
        assert workbook.kind == "campaign_summary_workbook" and workbook.file.name == "summaries/old.xlsx"
        assert workbook.status == "done" and not workbook.is_preview and workbook.size_bytes == 15
        assert summary.issued_at == summary.document.created_at
        assert (order.number, order.issued_on, order.issued_at) == (
            "晋应急责改〔2024〕1号",
            dt.date(2024, 7, 10),
            order.document.created_at,
        )
        entries = apps.get_model("safetyportal", "RegisterEntry").objects.order_by("authority__code", "serial")
        register = entries.filter(origin="issued")
        assert [(e.number, e.kind, e.source_id, e.created_by_id) for e in register] == [
            ("晋安办〔2024〕62号", "notice", ids["notice"], ids["user"]),
            ("晋安办〔2024〕63号", "campaign_summary", ids["summary"], ids["user"]),
            ("晋应急责改〔2024〕1号", "rectification_order", ids["order"], ids["user"]),
        ]
        # 晋安办's old sequence had handed out 1-61 too: historic rows, so that the register has no gap.
        historic = entries.exclude(origin="issued")
        assert [e.serial for e in historic] == list(range(1, 62))
        assert {(e.origin, e.note, e.source_id, e.kind) for e in historic} == {
            ("reserved", "历史占用（迁移前已使用，未在本系统登记）", None, "")
        }

        executor.migrate(BEFORE)
        executor.loader.build_graph()
        apps = executor.loader.project_state(BEFORE).apps
        summary = apps.get_model("campaigns", "CampaignSummary").objects.get(pk=ids["summary"])
        assert (summary.xlsx_file, summary.xlsx_status, summary.number) == (
            "summaries/old.xlsx",
            "done",
            "晋安办〔2024〕63号",
        )
        assert apps.get_model("campaigns", "Notice").objects.get(pk=ids["notice"]).number == "晋安办〔2024〕62号"
    finally:
        executor.loader.build_graph()
        executor.migrate(leaves)


@pytest.mark.django_db(transaction=True)
def test_the_migration_registers_the_serials_an_old_sequence_used_without_a_record(settings, tmp_path):
    """A sequence at 5 with records for 2 (a notice) and 4 (an order of the same authority): 1, 3 and 5 become
    historic rows, whichever app's migration runs first; going back keeps them as historic rows, no gap either."""
    settings.MEDIA_ROOT = tmp_path
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    historic = "历史占用（迁移前已使用，未在本系统登记）"
    try:
        executor.migrate(BEFORE)
        executor.loader.build_graph()
        apps = executor.loader.project_state(BEFORE).apps
        city = apps.get_model("safetyportal", "IssuingAuthority").objects.create(
            name="晋江市安全生产委员会办公室", header="文件", code="晋安办"
        )
        sequences = apps.get_model("safetyportal", "DocumentNumberSequence").objects
        sequences.create(authority=city, year=2024, last_serial=5)
        notice = apps.get_model("campaigns", "Notice").objects.create(
            authority=city, title="通知", body="正文", status="issued", year=2024, serial=2, number="晋安办〔2024〕2号",
            issued_on=dt.date(2024, 5, 28),
        )  # fmt: skip
        town = apps.get_model("safetyportal", "Jurisdiction").objects.create(
            code="350582100", name="青阳街道", level="subdistrict", path="350582100/"
        )
        enterprise = apps.get_model("safetyportal", "Enterprise").objects.create(
            name="晋江市某鞋业有限公司", credit_code="91350582MA00000001", industry="manufacturing", jurisdiction=town
        )
        order = apps.get_model("inspections", "RectificationOrder").objects.create(
            enterprise=enterprise, authority=city, deadline=dt.date(2024, 8, 1), status="issued", year=2024, serial=4,
            number="晋安办〔2024〕4号", issued_on=dt.date(2024, 7, 10),
        )  # fmt: skip

        old_campaigns, old_inspections = BEFORE[1], BEFORE[2]
        neither = [old_campaigns, old_inspections]
        for first in ([old_campaigns, AFTER[1]], [AFTER[0], old_inspections]):  # inspections first, then campaigns
            executor.migrate(first)
            executor.loader.build_graph()
            executor.migrate(AFTER)
            executor.loader.build_graph()
            entries = executor.loader.project_state(AFTER).apps.get_model("safetyportal", "RegisterEntry").objects
            assert [(e.serial, e.number, e.origin, e.source_id, e.note) for e in entries.order_by("serial")] == [
                (1, "晋安办〔2024〕1号", "reserved", None, historic),
                (2, "晋安办〔2024〕2号", "issued", notice.pk, ""),
                (3, "晋安办〔2024〕3号", "reserved", None, historic),
                (4, "晋安办〔2024〕4号", "issued", order.pk, ""),
                (5, "晋安办〔2024〕5号", "reserved", None, historic),
            ]
            executor.migrate(neither)
            executor.loader.build_graph()
            state = executor.loader.project_state([*neither, ("safetyportal", "0010_document_register")])
            entries = state.apps.get_model("safetyportal", "RegisterEntry").objects
            assert [(e.serial, e.origin, e.note) for e in entries.order_by("serial")] == [
                (serial, "reserved", historic) for serial in range(1, 6)
            ]
    finally:
        executor.loader.build_graph()
        executor.migrate(leaves)


# --- No repeated issuing code ----------------------------------------------------------------------------------------

ISSUING_FILES = ["campaigns/models.py", "campaigns/services.py", "campaigns/admin.py", "inspections/models.py",
                 "inspections/services.py", "inspections/admin.py"]  # fmt: skip


ISSUING_WORDS = re.compile(r"issue|allocate_number|request_document|serial|expected_number|印发|下达")


@pytest.mark.skipif(shutil.which("duplicates") is None, reason="the duplicates tool is not installed here")
def test_duplicates_finds_no_issuing_code_repeated_across_the_apps(tmp_path):
    """What issue 11 asks: the numbered models share one mechanism, so no run of issuing code (numbers, issuing,
    documents) stands in two apps. Same-shape field declarations and choices elsewhere are not issuing code."""
    base = Path(django_settings.BASE_DIR)
    documents = [str(path.relative_to(base)) for path in (base / "safetyportal/documents").glob("*.py")]
    for name in [*ISSUING_FILES, *documents]:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(base / name, target)
    out = subprocess.run(
        ["duplicates", "--repo", str(tmp_path), "--most", "200"], capture_output=True, text=True, timeout=120
    ).stdout

    def side_text(side: str) -> str:
        name, first, last = re.fullmatch(r"(\S+\.py):(\d+)-(\d+)", side).groups()
        lines = (tmp_path / name).read_text(encoding="utf-8").splitlines()
        return "\n".join(lines[int(first) - 1 : int(last)])

    repeated = []
    for row in (line for line in out.splitlines() if re.match(r"D\d+ ", line)):
        sides = re.findall(r"\S+\.py:\d+-\d+", row)
        apps = {side.split("/")[0] for side in sides}
        if len(apps) > 1 and all(ISSUING_WORDS.search(side_text(side)) for side in sides):
            repeated.append(row)
    assert not repeated, out
