"""Circulars (通报): drafting from the data, frozen figures, sums validated at issue, delivery, the portal pages
(IDOR, constant queries), the admin's draft form and section editing, and a property test of the table builders."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.models import ReturnStatus
from committee import circular_drafts as drafts
from committee import circular_services as services
from committee.circular_documents import build_circular, circular_context
from committee.circular_drafts import CircularSection, CircularTable
from committee.circular_models import Circular, CircularReceipt
from safetyportal import workdays
from safetyportal.documents import services as document_services
from safetyportal.documents.models import GeneratedDocument
from safetyportal.messaging.models import PortalMessage
from safetyportal.unit_figures import HazardFigures, ReturnFigures, month_period, unit_key
from tests.campaigns.factories import ActivityReturnFactory, CampaignFactory, CampaignTaskFactory
from tests.committee.factories import IssuingAuthorityFactory
from tests.committee.factories_circulars import CircularFactory, CircularReceiptFactory
from tests.core.factories import CommunityFactory, JurisdictionFactory, MemberUnitFactory, OfficerProfileFactory

pytestmark = pytest.mark.django_db

JUNE = month_period(2024, 6)
AS_OF = dt.date(2024, 7, 1)
SH = workdays.SHANGHAI


@pytest.fixture(autouse=True)
def authority(db):
    return IssuingAuthorityFactory(
        code="晋安办", name="晋江市安全生产委员会办公室", header="晋江市安全生产委员会办公室文件"
    )


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=SH)


def file_return(task, unit, when: dt.datetime) -> None:
    ActivityReturnFactory(
        task=task,
        jurisdiction=unit,
        period_due=task.due_on,
        status=ReturnStatus.SUBMITTED,
        first_submitted_at=when,
        submitted_at=when,
    )


@pytest.fixture
def june(db):
    """Three towns given a return due 17 June 2024: 甲 files on time, 乙 two days late, 丙 never."""
    a, b, c = (JurisdictionFactory(name=n) for n in ("甲街道", "乙街道", "丙镇"))
    community = CommunityFactory(parent=a, name="甲一社区")
    task = CampaignTaskFactory(campaign=CampaignFactory(), due_on=dt.date(2024, 6, 17), units=[a, b, c, community])
    file_return(task, a, at(dt.date(2024, 6, 16)))
    file_return(task, b, at(dt.date(2024, 6, 19)))
    return SimpleNamespace(a=a, b=b, c=c, community=community, task=task, keys=[unit_key(u) for u in (a, b, c)])


def _draft(world, by, kind: str = "returns") -> Circular:
    return services.draft_from_data(kind=kind, period=JUNE, addressees=world.keys, by=by, as_of=AS_OF)


# --- Drafting from the data -------------------------------------------------------------------------------------


def test_returns_circular_is_drafted_from_the_data(june, admin_user_office):
    circular = _draft(june, admin_user_office)
    returns, never = circular.sections
    table = CircularTable.from_dict(services.live_tables(circular)[returns["key"]])
    assert [row[:7] for row in table.rows] == [
        ["甲街道", 1, 1, 1, 0, 0, 0],
        ["乙街道", 1, 1, 0, 1, 0, 2],
        ["丙镇", 1, 0, 0, 0, 1, 14],  # a missing slot accrues up to 数据截至 (1 July; review 15 #5)
    ]
    assert table.total_row[:8] == ["合计", 3, 2, 1, 1, 1, 16, "66.7%"]
    # The community's slot is outside the table's units: a separate labelled line, never mixed into the 合计.
    assert table.note.startswith("另：") and "应报送1份、已报送0份" in table.note
    text = "".join(returns["paragraphs"])
    assert "应报送3份，已报送2份" in text and "乙街道（1份）" in text and "丙镇（1份）" in text
    assert "丙镇" in "".join(never["paragraphs"]) and "甲街道" not in "".join(never["paragraphs"])
    assert circular.status == "draft" and circular.title == "关于2024年6月报送情况的通报"
    assert sorted(circular.recipient_keys()) == sorted(june.keys)


def test_combined_circular_reads_every_provider(june, admin_user_office, monkeypatch):
    hazards = {unit_key(june.a): HazardFigures(due=4, closed_on_time=2, closed_late=1, open_overdue=1)}
    duty = {june.a.pk: [SimpleNamespace(year=2024, month=6, cases=2, articles=1, met=True)],
            june.b.pk: [SimpleNamespace(year=2024, month=6, cases=0, articles=0, met=False)]}  # fmt: skip
    fakes = {
        "hazard_figures": lambda period, as_of=None: hazards,
        "overdue_by_unit": lambda as_of: {unit_key(june.c): 2},
        "duty_by_unit": lambda period, as_of=None: duty,
    }
    real = drafts._provider
    monkeypatch.setattr(drafts, "_provider", lambda module, name, label: fakes.get(name) or real(module, name, label))
    circular = _draft(june, admin_user_office, kind="combined")
    assert [s["source"] for s in circular.sections] == [
        "returns", "never_reported", "hazards", "supervision", "exposure_duty"
    ]  # fmt: skip
    tables = services.live_tables(circular)
    assert tables["hazards"]["total_row"] == ["合计", 4, 2, 1, 1, 0]
    assert tables["hazards"]["columns"][5] == "待复核及其他（项）"
    assert tables["supervision"]["rows"] == [["丙镇", 2]]
    assert tables["exposure_duty"]["rows"][1] == ["乙街道", 0, 0, 0, 1, "6月"]
    text = "".join(p for s in circular.sections for p in s["paragraphs"])
    assert (
        "存在逾期未整改隐患的单位：甲街道（1项）" in text and "未完成每月至少曝光一起典型案例任务的单位：乙街道" in text
    )


def test_a_missing_provider_is_a_clear_error(june, admin_user_office, monkeypatch):
    def missing(module, name, label):
        raise ValidationError(f"“{label}”的数据来源（{module}.{name}）尚未提供，暂不能生成该部分。")

    monkeypatch.setattr(drafts, "_provider", missing)
    with pytest.raises(ValidationError, match="尚未提供"):
        _draft(june, admin_user_office, kind="hazards")
    assert not Circular.objects.exists()


# --- Issue: frozen figures, sums, stale text, delivery -------------------------------------------------------------


def test_issued_figures_are_frozen(june, admin_user_office, no_broker, media_root):
    circular = _draft(june, admin_user_office)
    issued = document_services.issue(circular, by=admin_user_office)
    assert issued.number and issued.snapshot["as_of"] == "2024-07-01" and issued.snapshot_taken_at
    before = circular_context(Circular.objects.get(pk=circular.pk))["sections"][0]["table"]
    # 丙镇 files after the issue: the live figures change, the issued circular does not.
    file_return(june.task, june.c, at(dt.date(2024, 6, 28)))
    issued = Circular.objects.get(pk=circular.pk)
    assert services.live_tables(issued)["returns"]["total_row"][2] == 3
    after = circular_context(issued)["sections"][0]["table"]
    assert after == before and after["total_row"][2] == 2
    spec = build_circular(GeneratedDocument.objects.get(pk=issued.document_id))
    assert spec.context["frozen"] and "于印发时取数并冻结" in spec.context["figures_note"]
    assert spec.context["sections"][0]["table"]["total_row"][2] == 2


def test_a_preview_reads_live_data_and_says_so(june, admin_user_office, no_broker):
    circular = _draft(june, admin_user_office)
    document = document_services.preview(circular, by=admin_user_office)
    spec = build_circular(document)
    assert not spec.context["frozen"] and spec.context["figures_note"].startswith("预览稿：统计数据为实时数据")


def test_draft_with_a_table_that_does_not_add_up_is_refused(admin_user_office):
    table = CircularTable(["单位", "得分"], [["甲街道", 90], ["乙街道", 80]], ["合计", 171])
    with pytest.raises(ValidationError, match="“得分”列的合计为171，各行之和为170"):
        services.draft_circular(
            kind="assessment", title="考核通报", period=JUNE, by=admin_user_office,
            sections=[CircularSection("考核结果", ["如下。"], table)], addressees=[unit_key(JurisdictionFactory())],
        )  # fmt: skip


def test_issue_refuses_a_table_whose_total_is_not_the_sum(admin_user_office, no_broker):
    circular = CircularFactory()
    circular.recipient_jurisdictions.add(JurisdictionFactory())
    content = circular.content
    content["sections"][0]["table"]["total_row"] = ["合计", 8, 6]
    Circular.objects.filter(pk=circular.pk).update(content=content)
    with pytest.raises(ValidationError) as refused:
        document_services.issue(Circular.objects.get(pk=circular.pk), by=admin_user_office)
    assert "第一部分“考核情况”统计表“应报送（份）”列的合计为8，各行之和为7" in "".join(refused.value.messages)
    circular.refresh_from_db()
    assert circular.status == "draft" and not circular.number and not CircularReceipt.objects.exists()


def test_text_drafted_from_older_figures_is_refused_until_redrafted(june, admin_user_office, no_broker):
    circular = _draft(june, admin_user_office)
    file_return(june.task, june.c, at(dt.date(2024, 6, 28)))
    with pytest.raises(ValidationError, match="自起草以来已变化"):
        document_services.issue(Circular.objects.get(pk=circular.pk), by=admin_user_office)
    services.redraft(circular, by=admin_user_office)
    issued = document_services.issue(Circular.objects.get(pk=circular.pk), by=admin_user_office)
    assert "已报送3份" in "".join(issued.sections[0]["paragraphs"])


def test_issue_delivers_a_receipt_per_unit_and_notifies_officers(june, admin_user_office, no_broker):
    officer_a = OfficerProfileFactory(jurisdiction=june.a).user
    officer_community = OfficerProfileFactory(jurisdiction=june.community).user
    circular = _draft(june, admin_user_office)
    issued = document_services.issue(circular, by=admin_user_office)
    assert CircularReceipt.objects.filter(circular=issued).count() == 3
    message = PortalMessage.objects.get(user=officer_a)
    assert issued.number in message.text and message.url == reverse("committee:circular_detail", args=[issued.pk])
    assert not PortalMessage.objects.filter(user=officer_community).exists()
    issued.title = "改"
    with pytest.raises(ValidationError):
        issued.save()


def test_assessment_circular_from_package_c_contract(admin_user_office, no_broker):
    town = JurisdictionFactory(name="灵源街道")
    table = CircularTable(
        ["单位", "得分", "排名"], [["灵源街道", 95, "1"]], ["合计", 95, ""], note="另：样本不足未排名1个。"
    )
    circular = services.draft_circular(
        kind="assessment", title="关于2024年第二季度考核情况的通报", period=JUNE, by=admin_user_office,
        sections=[CircularSection("考核排名", ["考核结果如下。"], table)], addressees=[unit_key(town)],
    )  # fmt: skip
    issued = document_services.issue(circular, by=admin_user_office)
    assert issued.snapshot["tables"]["s1"]["note"] == "另：样本不足未排名1个。"
    assert CircularReceipt.objects.get(circular=issued).jurisdiction == town


def test_the_pdf_renders_in_the_official_layout(june, admin_user_office, no_broker, media_root):
    import subprocess

    issued = document_services.issue(_draft(june, admin_user_office), by=admin_user_office)
    rendered = document_services.render(document_id=issued.document_id)
    assert rendered.status == "done", rendered.error
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=rendered.file.read(), capture_output=True, check=True
    ).stdout.decode()
    flat = "".join(text.split())
    assert issued.number in flat and "丙镇" in flat and "合计" in flat and "工作要求" in flat
    assert rendered.page_count <= 3


# --- Portal: IDOR and constant queries ----------------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_addressed_units_see_a_circular_and_its_pdf(june, admin_user_office, no_broker, media_root):
    circular = _draft(june, admin_user_office)
    circular.recipient_jurisdictions.set([june.a])
    services.redraft(circular, by=admin_user_office)
    issued = document_services.issue(Circular.objects.get(pk=circular.pk), by=admin_user_office)
    document_services.render(document_id=issued.document_id)
    outsiders = [
        OfficerProfileFactory(jurisdiction=june.b).user,
        OfficerProfileFactory(jurisdiction=june.community).user,  # a community of the addressed town
        OfficerProfileFactory(jurisdiction=None, member_unit=MemberUnitFactory()).user,
    ]
    for user in outsiders:
        client = _client(user)
        for name in ("committee:circular_detail", "committee:circular_pdf"):
            assert client.get(reverse(name, args=[issued.pk])).status_code == 404
        assert issued.title not in client.get(reverse("committee:circular_list")).content.decode()
    receipt = CircularReceipt.objects.get(circular=issued)
    assert receipt.first_opened_at is None  # nothing changed
    officer = OfficerProfileFactory(jurisdiction=june.a).user
    client = _client(officer)
    page = client.get(reverse("committee:circular_detail", args=[issued.pk]))
    assert page.status_code == 200 and issued.number in page.content.decode()
    receipt.refresh_from_db()
    assert receipt.first_opened_by == officer
    pdf = client.get(reverse("committee:circular_pdf", args=[issued.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_a_draft_is_never_shown_in_the_portal(admin_user_office):
    receipt = CircularReceiptFactory()
    officer = OfficerProfileFactory(jurisdiction=receipt.jurisdiction).user
    assert _client(officer).get(reverse("committee:circular_detail", args=[receipt.circular_id])).status_code == 404


def test_staff_and_anonymous_do_not_use_the_portal_pages(staff_user):
    url = reverse("committee:circular_list")
    assert Client().get(url).status_code == 302
    assert _client(staff_user).get(url).status_code == 403


@pytest.mark.parametrize("count", [1, 15])
def test_circular_list_runs_a_constant_number_of_queries(count, django_assert_max_num_queries):
    town = JurisdictionFactory()
    officer = OfficerProfileFactory(jurisdiction=town).user
    for _index in range(count):
        circular = CircularFactory(
            status="issued", number=f"晋安办〔2024〕{_index + 1}号", issued_on=dt.date(2024, 7, 2)
        )
        CircularReceiptFactory(circular=circular, jurisdiction=town)
    client = _client(officer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("committee:circular_list"))
    assert page.status_code == 200
    assert page.content.decode().count("晋安办〔2024〕") == count


# --- Admin --------------------------------------------------------------------------------------------------------


def test_admin_drafts_from_data_and_edits_sections(june, client, admin_user_office, no_broker):
    client.force_login(admin_user_office)
    assert client.get(reverse("admin:committee_circular_changelist")).status_code == 200
    assert client.get(reverse("admin:committee_circular_draft")).status_code == 200
    response = client.post(
        reverse("admin:committee_circular_draft"),
        {"kind": "returns", "period_type": "month", "year": 2024, "month": 6, "as_of": "2024-07-01",
         "addressees": "chosen", "jurisdictions": [june.a.pk, june.b.pk, june.c.pk],
         "authority": services.default_authority().pk},
    )  # fmt: skip
    circular = Circular.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{circular.pk}/change/")
    change = reverse("admin:committee_circular_change", args=[circular.pk])
    page = client.get(change)
    assert page.status_code == 200 and "预览稿：统计数据为实时数据" in page.content.decode()
    form = {
        "authority": circular.authority_id, "title": circular.title, "period_starts_on": "2024-06-01",
        "period_ends_on": "2024-06-30", "as_of": "2024-07-01",
        "recipient_jurisdictions": [june.a.pk, june.b.pk, june.c.pk], "recipients_text": "",
        "opening": "导语。", "closing": "要求。", "contact_note": "", "copy_to": "",
        "section_0_keep": "on", "section_0_order": "2", "section_0_heading": "报送情况",
        "section_0_paragraphs": "改写的段落。",
        "section_1_order": "1", "section_1_heading": "未报送单位", "section_1_paragraphs": "丙镇未报送。",
        "receipts-TOTAL_FORMS": "0", "receipts-INITIAL_FORMS": "0", "_continue": "保存",
    }  # fmt: skip
    response = client.post(change, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    circular.refresh_from_db()
    assert [(s["key"], s["paragraphs"]) for s in circular.sections] == [("returns", ["改写的段落。"])]
    assert client.get(reverse("admin:committee_circular_issue", args=[circular.pk])).status_code == 200


def test_admin_draft_form_needs_an_addressee(client, admin_user_office):
    client.force_login(admin_user_office)
    response = client.post(
        reverse("admin:committee_circular_draft"),
        {"kind": "returns", "period_type": "quarter", "year": 2024, "quarter": 2, "addressees": "chosen",
         "authority": services.default_authority().pk},
    )  # fmt: skip
    assert response.status_code == 200 and "请至少选择一个主送单位" in response.content.decode()


# --- Property: every 合计 is the sum of its rows ------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=500)
keys = st.lists(st.integers(min_value=1, max_value=40), unique=True, max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    listed=keys,
    extra=keys,
    data=st.data(),
)
def test_every_total_is_the_sum_of_its_rows(listed, extra, data):
    units = [(("jurisdiction", pk), f"单位{pk}") for pk in listed]
    all_keys = [("jurisdiction", pk) for pk in set(listed) | set(extra)] + [("member_unit", 1)]

    def returns(_key):
        due, filed, late = data.draw(counts), data.draw(counts), data.draw(counts)
        filed = min(filed, due)
        late = min(late, filed)
        return ReturnFigures(due=due, filed=filed, on_time=filed - late, late=late, missing=due - filed,
                             late_days=data.draw(counts))  # fmt: skip

    def hazards(_key):
        due = data.draw(counts)
        a = data.draw(st.integers(0, due))
        b = data.draw(st.integers(0, due - a))
        overdue = data.draw(st.integers(0, due - a - b))
        return HazardFigures(due=due, closed_on_time=a, closed_late=b, open_overdue=overdue)

    return_figures = {key: returns(key) for key in all_keys}
    hazard_figures = {key: hazards(key) for key in all_keys}
    supervision = {key: data.draw(counts) for key in all_keys}
    duty = {
        pk: [SimpleNamespace(month=m, cases=data.draw(counts), articles=data.draw(counts), met=data.draw(st.booleans()))
             for m in range(1, data.draw(st.integers(1, 12)) + 1)]
        for _kind, pk in all_keys
    }  # fmt: skip
    tables = [
        drafts.returns_table(return_figures, units),
        drafts.never_reported_table(return_figures, units),
        drafts.hazards_table(hazard_figures, units),
        drafts.supervision_table(supervision, units),
        drafts.exposure_duty_table(duty, units),
    ]
    for table in tables:
        assert drafts.table_errors(table) == []
        if table.total_row is None:
            assert table.rows == []
            continue
        for index, total in enumerate(table.total_row):
            if drafts.is_number(total):
                assert total == sum(row[index] for row in table.rows)  # independent re-sum
    # The units outside the table are never in it: the table's 应报送 合计 is exactly the listed units' due.
    assert tables[0].total_row[1] == sum(return_figures[key].due for key, _name in units)
    listed_keys = {key for key, _name in units}
    outside_due = sum(f.due for key, f in return_figures.items() if key not in listed_keys)
    assert (f"应报送{outside_due}份" in tables[0].note) == bool(outside_due)


def test_table_errors_name_the_column_and_both_figures():
    table = CircularTable(["单位", "数"], [["甲", 1], ["乙", "二"]], ["合计", 3])
    assert drafts.table_errors(table) == ["统计表“数”列有合计，但各行不全是数字。"]
    assert drafts.table_errors(CircularTable(["单位", "数"], [["甲", 1]], ["合计", 2]), where="第一部分") == [
        "第一部分统计表“数”列的合计为2，各行之和为1，两者不一致。"
    ]


def test_period_text():
    from safetyportal.unit_figures import Period, quarter, year_period

    assert drafts.period_text(JUNE) == "2024年6月"
    assert drafts.period_text(quarter(2024, 2)) == "2024年第二季度"
    assert drafts.period_text(year_period(2024)) == "2024年"
    assert drafts.period_text(Period(dt.date(2024, 6, 1), dt.date(2024, 7, 3))) == "2024年6月1日至7月3日"


# --- Demo ---------------------------------------------------------------------------------------------------------


def test_demo_issues_the_2024_returns_circular_and_leaves_a_draft(settings, monkeypatch, media_root):
    from campaigns.demo import load_demo_campaigns, load_demo_notices
    from committee.circular_demo import ISSUED_TITLE, load_demo_circulars
    from safetyportal.demo.builder import build_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(document_services, "enqueue", lambda pk: True)
    build_demo()
    load_demo_notices()
    load_demo_campaigns()
    counts = load_demo_circulars()
    assert load_demo_circulars() == counts  # idempotent
    issued = Circular.objects.get(title=ISSUED_TITLE)
    assert issued.number == "晋安办〔2024〕70号" and issued.issued_on == dt.date(2024, 7, 5)
    table = issued.snapshot["tables"]["returns"]
    assert drafts.table_errors(CircularTable.from_dict(table)) == []
    assert len(table["rows"]) >= 19 and issued.receipts.count() == len(issued.recipient_keys())
    named = "".join(p for s in issued.sections for p in s["paragraphs"])
    assert "逾期报送的单位" in named or "未报送" in named
    assert Circular.objects.filter(status="draft").count() == 1


def test_combined_circular_with_the_real_providers(june, admin_user_office):
    from inspections.models import HazardStatus
    from tests.inspections.factories import HazardFactory

    HazardFactory(jurisdiction=june.b, status=HazardStatus.RECTIFYING, rectification_deadline=dt.date(2024, 6, 20))
    HazardFactory(
        jurisdiction=june.community, status=HazardStatus.RECTIFYING, rectification_deadline=dt.date(2024, 6, 20)
    )
    circular = _draft(june, admin_user_office, kind="combined")
    tables = services.live_tables(circular)
    assert tables["hazards"]["rows"][1] == ["乙街道", 1, 0, 0, 1, 0]
    assert tables["hazards"]["total_row"] == ["合计", 1, 0, 0, 1, 0]
    assert "到期隐患1项，其中逾期未整改1项" in tables["hazards"]["note"]  # the community's, outside the table
    assert [row[0] for row in tables["exposure_duty"]["rows"]] == ["甲街道", "乙街道", "丙镇"]
    assert tables["exposure_duty"]["total_row"][4] == 3  # no case exposed: every town missed June
    assert tables["supervision"]["rows"] == [] and tables["supervision"]["total_row"] is None
    for section in circular.sections:
        table = CircularTable.from_dict(tables[section["key"]])
        assert drafts.table_errors(table) == [], section["key"]


def test_admin_issues_after_confirmation_and_locks_the_circular(june, client, admin_user_office, no_broker):
    circular = _draft(june, admin_user_office)
    client.force_login(admin_user_office)
    confirm = client.get(reverse("admin:committee_circular_issue", args=[circular.pk]))
    number = confirm.context["expected_number"]
    assert "甲街道" in confirm.content.decode()
    client.post(
        reverse("admin:committee_circular_issue", args=[circular.pk]),
        {"expected_number": number, "expected_issued_on": confirm.context["issued_on"].isoformat()},
    )
    circular.refresh_from_db()
    assert circular.status == "issued" and circular.number == number and circular.receipts.count() == 3
    page = client.get(reverse("admin:committee_circular_change", args=[circular.pk])).content.decode()
    assert "于印发时取数并冻结" in page and "甲街道" in page
    assert client.get(reverse("admin:committee_circular_changelist")).status_code == 200
    client.post(reverse("admin:committee_circular_change", args=[circular.pk]), {"title": "改", "_continue": "1"})
    circular.refresh_from_db()
    assert circular.title == "关于2024年6月报送情况的通报"


# --- Review 15 ------------------------------------------------------------------------------------------------------


def test_exposure_duty_months_not_over_are_not_missed():
    """#3: at 数据截至 20 Nov, October met, November running and not met, December not begun: only October is
    judged; November is 未到期 (left out of both counts, named in the note) and December is not due."""
    units = [(("jurisdiction", 1), "甲街道")]

    def month(number, met, started, over):
        return SimpleNamespace(year=2026, month=number, cases=int(met), articles=int(met), met=met, started=started,
                               over=over)  # fmt: skip

    duty = {1: [month(10, True, True, True), month(11, False, True, False), month(12, False, False, False)]}
    table = drafts.exposure_duty_table(duty, units)
    assert table.rows == [["甲街道", 1, 1, 1, 0, "—"]]
    assert "11月截至数据截至日尚未结束" in table.note and "12月" not in table.note
    assert drafts.table_errors(table) == []
    text = "".join(drafts.exposure_duty_paragraphs(table, "2026年第四季度"))
    assert "各单位均完成每月曝光典型案例任务" in text and "未到期" in text and "12月" not in text
    # November over and still not met: missed.
    duty[1][1] = month(11, False, True, True)
    assert drafts.exposure_duty_table(duty, units).rows == [["甲街道", 1, 1, 1, 1, "11月"]]


def test_exposure_duty_circular_counts_to_its_as_of(june, admin_user_office):
    """#3 with the real provider: an article after 数据截至 does not count; the running month is 未到期."""
    from safetyportal.unit_figures import quarter
    from tests.inspections.factories import ExposureCaseFactory
    from tests.inspections.factories_articles import MediaArticleFactory

    MediaArticleFactory(
        jurisdiction=june.a, published_on=dt.date(2024, 4, 10), cases=[ExposureCaseFactory(jurisdiction=june.a)]
    )
    MediaArticleFactory(jurisdiction=june.a, published_on=dt.date(2024, 5, 25),
                        cases=[ExposureCaseFactory(jurisdiction=june.a)])  # fmt: skip
    circular = services.draft_from_data(
        kind="exposure_duty", period=quarter(2024, 2), addressees=june.keys, by=admin_user_office,
        as_of=dt.date(2024, 5, 20),
    )  # fmt: skip
    table = services.live_tables(circular)["exposure_duty"]
    # 甲: April met, May running (the 25 May article is after 数据截至), June not begun.
    assert table["rows"][0] == ["甲街道", 1, 1, 1, 0, "—"]
    assert table["rows"][1] == ["乙街道", 0, 0, 0, 1, "4月"]
    assert "5月截至数据截至日尚未结束" in table["note"]
    text = "".join(circular.sections[0]["paragraphs"])
    assert "乙街道（4月）" in text and "6月" not in text


def _both_units():
    town, member = ("jurisdiction", 1), ("member_unit", 7)
    return town, member, [(town, "甲街道"), (member, "住建局")]


def test_hazards_of_towns_and_member_units_are_not_added_twice():
    """#4: 10 due hazards, all in 甲街道 with 住建局 responsible: no 合计 of 20; two groups with their subtotals, the
    paragraph takes the towns' subtotal, and the sums check covers each subtotal."""
    town, member, units = _both_units()
    figures = {key: HazardFigures(due=10, closed_on_time=4, closed_late=1, open_overdue=3) for key in (town, member)}
    table = drafts.hazards_table(figures, units)
    assert table.total_row is None
    assert table.rows == [
        ["甲街道", 10, 4, 1, 3, 2], ["镇街合计", 10, 4, 1, 3, 2],
        ["住建局", 10, 4, 1, 3, 2], ["成员单位合计", 10, 4, 1, 3, 2],
    ]  # fmt: skip
    assert "不可相加" in table.note
    assert drafts.table_errors(table) == []
    text = "".join(drafts.hazards_paragraphs(table, "2024年6月"))
    assert "到期应整改隐患10项" in text and "20项" not in text and "不重复计数" in text
    assert "镇街合计" not in text and "甲街道（3项）、住建局（3项）" in text
    # A subtotal that does not add up is refused by the issue-time check.
    table.rows[1][1] = 11
    assert drafts.table_errors(table) == ["统计表“到期隐患（项）”列的镇街合计为11，各行之和为10，两者不一致。"]
    # One kind only: one 合计, as before.
    only_towns = drafts.hazards_table(figures, units[:1])
    assert only_towns.total_row == ["合计", 10, 4, 1, 3, 2] and "不可相加" not in only_towns.note


def test_hazards_remainder_column_is_named_for_what_it_counts():
    """#6: the remainder (已受理/核查中/待复核 …, whatever the deadline) is not labelled 未到期."""
    assert drafts.HAZARD_COLUMNS[5] == "待复核及其他（项）"
    assert "未到期（项）" not in drafts.HAZARD_COLUMNS


def test_supervision_of_towns_and_member_units_is_not_added_twice():
    """#4: one overdue supervision counted under its town and its member unit is one, not two."""
    town, member, units = _both_units()
    table = drafts.supervision_table({town: 1, member: 1}, units)
    assert table.total_row is None
    assert table.rows == [["甲街道", 1], ["镇街合计", 1], ["住建局", 1], ["成员单位合计", 1]]
    assert drafts.table_errors(table) == []
    text = "".join(drafts.supervision_paragraphs(table, dt.date(2024, 7, 1)))
    assert "1个街道（镇）共有1项督办事项逾期未办结：甲街道（1项）" in text and "住建局（1项）" in text
    assert "共有2项" not in text


def test_combined_circular_addressed_to_towns_and_member_units_issues(june, admin_user_office, monkeypatch):
    """#4 end to end: addressees "both", the subtotal tables pass the binding sums check at issue."""
    member = MemberUnitFactory(name="住建局")
    keys = [*june.keys, unit_key(member)]
    figures = HazardFigures(due=2, closed_on_time=1, closed_late=0, open_overdue=1)
    fakes = {
        "hazard_figures": lambda period, as_of=None: {unit_key(june.a): figures, unit_key(member): figures},
        "overdue_by_unit": lambda as_of: {unit_key(june.a): 1, unit_key(member): 1},
    }
    real = drafts._provider
    monkeypatch.setattr(drafts, "_provider", lambda module, name, label: fakes.get(name) or real(module, name, label))
    circular = services.draft_from_data(kind="hazards", period=JUNE, addressees=keys, by=admin_user_office,
                                        as_of=AS_OF)  # fmt: skip
    table = services.live_tables(circular)["hazards"]
    assert table["total_row"] is None and table["rows"][3] == ["镇街合计", 2, 1, 0, 1, 0]
    assert "到期应整改隐患2项" in "".join(circular.sections[0]["paragraphs"])
    snapshot = services.circular_snapshot(circular)
    services.check_circular_snapshot(circular, snapshot)  # does not raise


def test_reissued_circular_prints_the_addressees_frozen_at_issue(june, admin_user_office, no_broker, media_root):
    """#8: a town renamed after the issue keeps its old name in the 主送 line of a re-rendered circular."""
    circular = _draft(june, admin_user_office)
    issued = document_services.issue(circular, by=admin_user_office)
    assert issued.snapshot["addressees"] == ["甲街道", "乙街道", "丙镇"]
    june.a.name = "甲镇"
    june.a.save(update_fields=["name"])
    issued = Circular.objects.get(pk=circular.pk)
    assert "甲镇" in issued.addressees()  # live
    spec = build_circular(GeneratedDocument.objects.get(pk=issued.document_id))
    assert spec.context["recipients"] == "甲街道、乙街道、丙镇："
