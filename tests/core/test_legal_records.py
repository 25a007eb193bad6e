"""The legal-record kit lives in safetyportal and every app uses it (issue 11): append-only event logs (campaigns'
ReturnEvent among them), voiding with a reason through one service, one history of every app's legal records with
its admin, and the migration that moved RecordHistory out of inspections keeping its rows."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as project_settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.models import ReturnEvent, ReturnStatus
from inspections import models as inspection_models
from inspections import services as inspection_services
from inspections.models import ExposureCase, Inspection
from safetyportal import records
from safetyportal.history import RecordHistory
from safetyportal.history_admin import action_label
from safetyportal.roles import ADMIN_GROUP
from safetyportal.services import record_history, snapshot, void_record
from tests.campaigns.factories import CampaignTaskFactory, ReturnEventFactory
from tests.core.factories import EnterpriseFactory, StaffUserFactory
from tests.core.test_id_numbers import scratch_database_url  # noqa: F401  (fixture: an empty database beside)
from tests.inspections.factories import ExposureCaseFactory, InspectionFactory, PenaltyCaseFactory
from tests.training.factories import CertificateFactory
from training import services as training_services
from training.models import Certificate, CertificateStatus

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def office_admin(db):
    return StaffUserFactory(groups=[Group.objects.get(name=ADMIN_GROUP)])


def history(obj) -> list[tuple[str, str]]:
    rows = RecordHistory.objects.filter(
        content_type__app_label=obj._meta.app_label, content_type__model=obj._meta.model_name, object_id=obj.pk
    ).order_by("pk")
    return [(row.action, row.get_action_display()) for row in rows]


# One kit, old imports kept --------------------------------------------------------------------------------------------


def test_the_kit_lives_in_safetyportal_and_inspections_re_exports_it():
    assert inspection_models.VoidableRecord is records.VoidableRecord
    assert inspection_models.RecordStatus is records.RecordStatus
    assert inspection_models.ScopedLegalQuerySet is records.ScopedLegalQuerySet
    assert inspection_models.RecordHistory is RecordHistory
    assert RecordHistory._meta.app_label == "safetyportal"
    assert RecordHistory._meta.db_table == "safetyportal_recordhistory"
    assert inspection_services.record_history is record_history
    assert inspection_services.snapshot is snapshot
    for model in (Inspection, inspection_models.PenaltyCase, inspection_models.RectificationOrder, Certificate):
        assert issubclass(model, records.Voidable)
    for model in (RecordHistory, ReturnEvent, inspection_models.HazardEvent):
        assert issubclass(model, records.AppendOnlyModel)
        assert isinstance(model.objects.all(), records.AppendOnlyQuerySetMixin)


# Append-only event logs -----------------------------------------------------------------------------------------------


@pytestmark_db
def test_return_events_are_created_never_changed_or_deleted():
    event = ReturnEventFactory(reason="首次报送")
    other = ReturnEventFactory(activity_return=event.activity_return, kind="submitted")
    event.reason = "改过"
    with pytest.raises(PermissionDenied, match="报送记录不能修改。"):
        event.save()
    with pytest.raises(PermissionDenied, match="报送记录不能修改。"):
        ReturnEvent.objects.filter(pk=event.pk).update(reason="改过")
    with pytest.raises(PermissionDenied, match="报送记录不能修改。"):
        ReturnEvent.objects.bulk_update([event, other], ["reason"])
    with pytest.raises(PermissionDenied, match="报送记录不能删除。"):
        event.delete()
    with pytest.raises(PermissionDenied, match="报送记录不能删除。"):
        ReturnEvent.objects.all().delete()
    with pytest.raises(PermissionDenied, match="报送记录不能删除。"):
        event.activity_return.events.all().delete()
    assert list(ReturnEvent.objects.order_by("pk").values_list("reason", flat=True)) == ["首次报送", ""]


@pytestmark_db
def test_a_draft_deleted_by_its_officer_takes_its_events_a_submitted_return_keeps_them(unit_a, officer_a):
    task = CampaignTaskFactory(due_on=timezone.localdate() + dt.timedelta(days=2), units=[unit_a])
    fields = {
        "activity_type": "drill",
        "title": "疏散逃生演练",
        "activity_date": timezone.localdate(),
        "place": "灵水社区",
        "participants": 120,
        "description": "组织疏散逃生演练。",
    }

    def draft():
        return campaign_services.create_return(
            task=task, jurisdiction=unit_a, period_due=task.periods()[0].due, fields=fields, by=officer_a
        )

    never_sent = draft()
    assert never_sent.events.count() == 1
    campaign_services.delete_return(activity_return=never_sent, by=officer_a)
    assert not ReturnEvent.objects.filter(activity_return_id=never_sent.pk).exists()

    sent = draft()
    campaign_services.submit_return(activity_return=sent, by=officer_a)
    with pytest.raises(ValidationError):
        campaign_services.delete_return(activity_return=sent, by=officer_a)
    sent.refresh_from_db()
    assert sent.status == ReturnStatus.SUBMITTED
    assert list(sent.events.values_list("kind", flat=True)) == ["created", "submitted"]


@pytestmark_db
def test_history_rows_are_append_only(office_admin):
    row = record_history(InspectionFactory(), action="change", by=office_admin, changes={"summary": ["a", "b"]})
    row.note = "改过"
    with pytest.raises(PermissionDenied, match="操作记录不能修改。"):
        row.save()
    with pytest.raises(PermissionDenied, match="操作记录不能修改。"):
        RecordHistory.objects.update(note="x")
    with pytest.raises(PermissionDenied, match="操作记录不能删除。"):
        RecordHistory.objects.all().delete()
    assert RecordHistory.objects.get().note == ""


# Voiding, one service for every app ----------------------------------------------------------------------------------


@pytestmark_db
def test_void_record_keeps_who_when_why_and_writes_history_for_records_of_several_apps(office_admin):
    inspection, penalty = InspectionFactory(), PenaltyCaseFactory()
    certificate, second = CertificateFactory(), CertificateFactory()

    voided = void_record(record=inspection, by=office_admin, reason="  重复登记  ")
    assert voided.is_voided and voided.record_status == "voided"
    assert (voided.voided_by, voided.void_reason) == (office_admin, "重复登记") and voided.voided_at
    inspection_services.void_record(record=penalty, by=office_admin, reason="决定书编号录错")
    training_services.void_certificate(
        certificate=certificate, by=office_admin, reason="持证人申请", status="cancelled"
    )
    training_services.void_certificate(certificate=second, by=office_admin, reason="违章作业", status="revoked")

    assert history(inspection) == [("void", "作废")]
    assert history(penalty) == [("void", "作废")]
    assert history(certificate) == [("cancel", "注销")]
    assert history(second) == [("revoke", "吊销")]
    row = RecordHistory.objects.get(action="revoke")
    assert row.changes == {"status": [CertificateStatus.VALID, CertificateStatus.REVOKED]}
    assert row.note == "违章作业" and row.actor == office_admin
    assert second.holder.id_number not in row.object_repr  # the certificate shows masked


@pytestmark_db
def test_void_record_refuses_an_empty_reason_a_second_void_and_a_status_that_is_not_voided(office_admin):
    inspection, certificate = InspectionFactory(), CertificateFactory()
    with pytest.raises(ValidationError, match="请填写作废理由。"):
        void_record(record=inspection, by=office_admin, reason=" ")
    with pytest.raises(ValidationError, match="请填写注销或吊销的原因。"):
        void_record(record=certificate, by=office_admin, reason="", status="revoked")
    with pytest.raises(ValidationError):
        void_record(record=certificate, by=office_admin, reason="到期", status=CertificateStatus.EXPIRED)
    void_record(record=inspection, by=office_admin, reason="重复登记")
    with pytest.raises(ValidationError, match="该记录已作废。"):
        void_record(record=inspection, by=office_admin, reason="再次作废")
    void_record(record=certificate, by=office_admin, reason="申请注销", status="cancelled")
    with pytest.raises(ValidationError, match="证书已注销或吊销。"):
        void_record(record=certificate, by=office_admin, reason="吊销", status="revoked")
    assert RecordHistory.objects.count() == 2


@pytestmark_db
def test_history_keeps_an_encrypted_id_number_masked(office_admin):
    certificate = CertificateFactory()
    values = snapshot(certificate)
    assert "number_hmac" not in values
    assert values["number"] != certificate.number and values["number"].startswith(certificate.number[:4])
    assert certificate.holder.id_number[6:14] not in values["number"]  # no birth date


@pytestmark_db
def test_a_certificate_change_in_the_admin_leaves_a_history_row(office_admin):
    certificate = CertificateFactory()
    employer = EnterpriseFactory()
    certificate.employer = employer
    training_services.change_certificate(certificate=certificate, by=office_admin)
    training_services.change_certificate(certificate=certificate, by=office_admin)  # nothing changed: no row
    row = RecordHistory.objects.get()
    assert (row.action, row.get_action_display(), row.actor) == ("change", "修改", office_admin)
    assert row.changes == {"employer": [None, employer.pk]}


def test_every_action_code_written_by_the_services_has_a_chinese_label():
    labels = {
        "create": "登记",
        "change": "修改",
        "void": "作废",
        "issue": "印发",
        "publish": "发布",
        "withdraw": "撤回",
        "expire": "到期",
        "reward": "奖励",
        "cancel": "注销",
        "revoke": "吊销",
    }
    assert {code: action_label(code) for code in labels} == labels
    assert action_label("unknown") == "unknown"


# The history admin ---------------------------------------------------------------------------------------------------


@pytestmark_db
def test_one_history_list_shows_every_apps_records_in_constant_queries(office_admin, django_assert_max_num_queries):
    client = Client()
    client.force_login(office_admin)

    def make(n: int) -> None:
        for _ in range(n):
            void_record(record=InspectionFactory(), by=office_admin, reason="重复登记")
            certificate = CertificateFactory()
            void_record(record=certificate, by=office_admin, reason="申请注销", status="cancelled")
            inspection_services.publish_case(case=ExposureCaseFactory(status="draft"), by=office_admin)

    make(2)
    client.get("/admin/safetyportal/recordhistory/")  # warm the session and content-type caches
    with django_assert_max_num_queries(20) as small:
        response = client.get("/admin/safetyportal/recordhistory/")
    make(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/admin/safetyportal/recordhistory/")
    text = response.content.decode()
    assert response.status_code == 200
    for label in ("作废", "注销", "发布"):
        assert label in text
    assert "/admin/inspections/inspection/" in text and "/admin/training/certificate/" in text
    assert RecordHistory.objects.values("content_type").distinct().count() == 3

    row = RecordHistory.objects.filter(action="cancel").first()
    detail = client.get(f"/admin/safetyportal/recordhistory/{row.pk}/change/")
    assert detail.status_code == 200 and "证书状态" in detail.content.decode()
    for query in ("action__exact=void", f"content_type__id__exact={row.content_type_id}", "q=测试", "at__year=2026"):
        assert client.get(f"/admin/safetyportal/recordhistory/?{query}").status_code == 200


@pytestmark_db
def test_record_pages_show_their_history_panel(office_admin):
    client = Client()
    client.force_login(office_admin)
    inspection, certificate = InspectionFactory(), CertificateFactory()
    void_record(record=inspection, by=office_admin, reason="重复登记")
    void_record(record=certificate, by=office_admin, reason="违章作业", status="revoked")
    for url, label in (
        (f"/admin/inspections/inspection/{inspection.pk}/change/", "作废"),
        (f"/admin/training/certificate/{certificate.pk}/change/", "吊销"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "操作记录" in text and label in text, url


@pytestmark_db
def test_exposure_publish_and_withdraw_still_write_history(office_admin):
    case = ExposureCaseFactory(status="draft")
    inspection_services.publish_case(case=case, by=office_admin)
    inspection_services.withdraw_case(case=ExposureCase.objects.get(pk=case.pk), by=office_admin, reason="信息有误")
    assert history(case) == [("publish", "发布"), ("withdraw", "撤回")]


# The migration --------------------------------------------------------------------------------------------------------

MIGRATION_SCRIPT = r"""
import json
import django
django.setup()
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

before = [("inspections", "0002_issued_records"), ("safetyportal", "0011_authority_seal")]
after = [("inspections", "0003_record_history_move")]
FIELDS = ("pk", "content_type_id", "object_id", "object_repr", "action", "actor_id", "at", "changes", "note")


def rows(History):
    return [[str(value) for value in row] for row in History.objects.order_by("pk").values_list(*FIELDS)]


def tables():
    names = set(connection.introspection.table_names())
    return sorted(name for name in names if name.endswith("_recordhistory"))


executor = MigrationExecutor(connection)
executor.migrate(before)
apps = executor.loader.project_state(before).apps
ContentType = apps.get_model("contenttypes", "ContentType")
Permission = apps.get_model("auth", "Permission")
Group = apps.get_model("auth", "Group")
User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
own_type, _ = ContentType.objects.get_or_create(app_label="inspections", model="recordhistory")
permission, _ = Permission.objects.get_or_create(
    content_type=own_type, codename="view_recordhistory", defaults={"name": "Can view 操作记录"}
)
group = Group.objects.create(name="只看操作记录")
group.permissions.add(permission)
inspection_type, _ = ContentType.objects.get_or_create(app_label="inspections", model="inspection")
user = User.objects.create(username="clerk")
History = apps.get_model("inspections", "RecordHistory")
for index in range(3):
    History.objects.create(
        content_type=inspection_type, object_id=index + 1, object_repr=f"检查记录{index}", action="void",
        actor=user, changes={"record_status": ["active", "voided"]}, note="重复登记",
    )
kept = rows(History)
tables_before = tables()

executor = MigrationExecutor(connection)
executor.migrate(after)
apps = executor.loader.project_state(after).apps
History = apps.get_model("safetyportal", "RecordHistory")
moved = rows(History)
new = History.objects.create(content_type_id=inspection_type.pk, object_id=9, object_repr="新", action="create")
ContentType = apps.get_model("contenttypes", "ContentType")
Group = apps.get_model("auth", "Group")
type_after = list(ContentType.objects.filter(pk=own_type.pk).values_list("app_label", "model"))
grants = Group.objects.get(name="只看操作记录").permissions
group_permissions = list(grants.values_list("pk", "content_type__app_label"))
tables_after = tables()

executor = MigrationExecutor(connection)
executor.migrate(before)
apps = executor.loader.project_state(before).apps
back = apps.get_model("inspections", "RecordHistory").objects.count()
type_back = list(apps.get_model("contenttypes", "ContentType").objects.filter(pk=own_type.pk).values_list("app_label"))
print(json.dumps({
    "kept": kept, "moved": moved, "new_pk": new.pk, "type_after": type_after, "permission": permission.pk,
    "group_permissions": group_permissions, "tables": [tables_before, tables_after, tables()], "back": back,
    "type_back": type_back,
}))
"""


@pytestmark_db
def test_the_move_keeps_every_history_row_its_ids_and_its_permission(scratch_database_url, tmp_path):  # noqa: F811
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safetyportal.settings",
        "TESTING": "1",
        "DATABASE_URL": scratch_database_url,
        "VAR_DIR": str(tmp_path),
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    done = subprocess.run(
        [sys.executable, "-c", MIGRATION_SCRIPT],
        cwd=project_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(result["kept"]) == 3
    assert result["moved"] == result["kept"]  # same ids, same values, nothing copied or lost
    assert result["new_pk"] == int(result["kept"][-1][0]) + 1  # the id sequence went with the table
    assert result["type_after"] == [["safetyportal", "recordhistory"]]
    assert result["group_permissions"] == [[result["permission"], "safetyportal"]]  # the grant followed the model
    assert result["tables"] == [
        ["inspections_recordhistory"],
        ["safetyportal_recordhistory"],
        ["inspections_recordhistory"],
    ]
    assert result["back"] == 4  # reversible: the rows go back with the table
    assert result["type_back"] == [["inspections"]]


# Queryset updates of issued records ----------------------------------------------------------------------------------


@pytest.fixture
def issued_notices(db, settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """An issued notice and a draft one (issued through the one service, the PDF not rendered)."""
    from safetyportal.documents import services as document_services
    from tests.core.documents_support import make_notice

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(document_services, "enqueue", lambda pk: True)
    return make_notice, lambda record, by: document_services.issue(record, by=by)


def test_queryset_update_refuses_content_changes_of_issued_records_but_not_status_or_drafts(
    issued_notices, office_admin
):
    from campaigns.models import Notice, NoticeStatus

    make_notice, issue = issued_notices
    issued, draft = issue(make_notice(), office_admin), make_notice()
    for changes in ({"title": "改过的标题"}, {"body": "改过"}, {"authority": draft.authority}):
        with pytest.raises(ValidationError) as refused:
            Notice.objects.filter(pk__in=[issued.pk, draft.pk]).update(**changes)
        assert "已印发的通知不能修改" in str(refused.value)
    issued.title = "改过的标题"
    with pytest.raises(ValidationError), transaction.atomic():  # bulk_update's own atomic block has no savepoint
        Notice.objects.bulk_update([issued], ["title"])  # bulk_update goes through update()
    issued.refresh_from_db()
    assert issued.title != "改过的标题" and issued.status == NoticeStatus.ISSUED

    assert Notice.objects.filter(pk=draft.pk).update(title="草稿可改") == 1  # a draft stays editable
    assert Notice.objects.filter(pk=issued.pk).update(status=NoticeStatus.SUPERSEDED) == 1  # status only: allowed


def test_a_correction_writes_a_supersede_history_row_on_the_superseded_notice(issued_notices, office_admin):
    from campaigns.models import NoticeStatus

    make_notice, issue = issued_notices
    original = issue(make_notice(), office_admin)
    issue(make_notice(supersedes=original), office_admin)
    original.refresh_from_db()
    assert original.status == NoticeStatus.SUPERSEDED
    rows = RecordHistory.objects.filter(object_id=original.pk, action="supersede")
    assert [(row.actor, row.changes["status"]) for row in rows] == [(office_admin, ["issued", "superseded"])]
    assert action_label("supersede") == "被更正"


def test_history_names_fields_related_lists_and_rows_in_chinese():
    """The change history never shows a code: a related list by its model's name, a related row as "名称 #pk", a
    field by its verbose name (an unknown name stays as it is)."""
    from committee.models import Accident, AccidentAttachment, Commitment, Interview
    from safetyportal.history_admin import _field_label

    assert _field_label(Accident, "attachments") == str(AccidentAttachment._meta.verbose_name_plural)
    assert _field_label(Interview, "commitment:1") == f"{Commitment._meta.verbose_name} #1"
    assert _field_label(Interview, "scope_jurisdiction") == "可见范围（区划）"
    assert _field_label(Interview, "head_name") == "被约谈人姓名"
    assert _field_label(Interview, "no_such_field") == "no_such_field"
