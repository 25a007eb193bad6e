"""Staff in the admin: review returns one at a time or in bulk, see their photos, import and export returns and
tasks (all or nothing, errors by row), draft, preview and issue the campaign summary."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaigns.models import ActivityReturn, CampaignSummary, CampaignTask, ReturnEvent, ReturnStatus, SummaryStatus
from safetyportal.documents import services as document_services
from tests.campaigns.factories import ActivityReturnFactory, CampaignTaskFactory, ReturnPhotoFactory
from tests.core.documents_support import make_authority

pytestmark = pytest.mark.django_db

CSV_FORMAT = "1"  # safetyportal.spreadsheets.SPREADSHEET_FORMATS: xlsx, csv


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def waiting(task, unit, **fields) -> ActivityReturn:
    now = timezone.now()
    return ActivityReturnFactory(
        task=task, jurisdiction=unit, status=ReturnStatus.SUBMITTED, first_submitted_at=now, submitted_at=now, **fields
    )


def change_url(activity_return) -> str:
    return reverse("admin:campaigns_activityreturn_change", args=[activity_return.pk])


# --- Review ----------------------------------------------------------------------------------------------------------


def test_staff_accept_one_return_from_its_page(staff_client, staff_user, task, unit_a):
    activity_return = waiting(task, unit_a)
    ReturnPhotoFactory(activity_return=activity_return)
    page = staff_client.get(change_url(activity_return)).content.decode()
    assert 'name="_accept"' in page and 'name="_send_back"' in page and "报送记录" in page
    assert reverse("admin:campaigns_activityreturn_photo_thumbnail", args=[activity_return.photos.get().pk]) in page

    response = staff_client.post(change_url(activity_return), {"_accept": "1"})

    assert response.status_code == 302
    activity_return.refresh_from_db()
    assert activity_return.status == ReturnStatus.ACCEPTED and activity_return.reviewed_by == staff_user
    assert f"已审核通过：{activity_return.title}。" in messages_of(response)
    assert 'name="_accept"' not in staff_client.get(change_url(activity_return)).content.decode()


def test_sending_back_from_its_page_needs_a_reason(staff_client, task, unit_a):
    activity_return = waiting(task, unit_a)
    response = staff_client.post(change_url(activity_return), {"_send_back": "1", "return_reason": ""})
    assert "请填写退回原因。" in messages_of(response)
    assert ActivityReturn.objects.get(pk=activity_return.pk).status == ReturnStatus.SUBMITTED

    staff_client.post(change_url(activity_return), {"_send_back": "1", "return_reason": "参与人数与照片不符"})
    activity_return.refresh_from_db()
    assert activity_return.status == ReturnStatus.RETURNED and activity_return.return_reason == "参与人数与照片不符"


def test_content_is_read_only_for_staff(staff_client, task, unit_a):
    activity_return = waiting(task, unit_a)
    page = staff_client.get(change_url(activity_return)).content.decode()
    assert 'name="participants"' not in page and 'name="status"' not in page


def test_bulk_accept_moves_the_waiting_ones_and_reports_the_others(staff_client, task, unit_a, unit_b):
    ready = [waiting(task, unit_a), waiting(task, unit_b)]
    draft = ActivityReturnFactory(task=task, jurisdiction=unit_a)
    response = staff_client.post(
        reverse("admin:campaigns_activityreturn_changelist"),
        {"action": "accept_selected", ACTION_CHECKBOX_NAME: [r.pk for r in [*ready, draft]]},
    )
    assert response.status_code == 302
    text = " ".join(messages_of(response))
    assert "已审核通过2份报送。" in text and f"报送{draft.pk}未处理" in text
    assert ActivityReturn.objects.filter(status=ReturnStatus.ACCEPTED).count() == 2
    assert ActivityReturn.objects.get(pk=draft.pk).status == ReturnStatus.DRAFT


def test_bulk_send_back_asks_for_the_reason_first(staff_client, task, unit_a):
    returns = [waiting(task, unit_a) for _ in range(3)]
    data = {"action": "send_back_selected", ACTION_CHECKBOX_NAME: [r.pk for r in returns]}
    url = reverse("admin:campaigns_activityreturn_changelist")
    form = staff_client.post(url, data)
    assert form.status_code == 200 and "确认退回" in form.content.decode()
    assert ActivityReturn.objects.filter(status=ReturnStatus.SUBMITTED).count() == 3

    done = staff_client.post(url, {**data, "apply": "1", "reason": "请按统一模板重新填报"})
    assert done.status_code == 302 and "已退回3份报送。" in messages_of(done)
    assert set(ActivityReturn.objects.values_list("status", "return_reason")) == {
        (ReturnStatus.RETURNED, "请按统一模板重新填报")
    }


def test_admin_serves_photos_to_staff_only(client, staff_client, officer_a, task, unit_a):
    photo = ReturnPhotoFactory(activity_return=waiting(task, unit_a))
    url = reverse("admin:campaigns_activityreturn_photo", args=[photo.pk])
    response = staff_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    client.force_login(officer_a)
    assert client.get(url).status_code == 302  # to the admin login
    assert staff_client.get(reverse("admin:campaigns_activityreturn_photo", args=[999999])).status_code == 404


def test_staff_can_pick_photos_for_the_summary(staff_client, task, unit_a):
    activity_return = waiting(task, unit_a)
    photo = ReturnPhotoFactory(activity_return=activity_return)
    data = {
        "photos-TOTAL_FORMS": "1",
        "photos-INITIAL_FORMS": "1",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
        "photos-0-id": str(photo.pk),
        "photos-0-activity_return": str(activity_return.pk),
        "photos-0-selected_for_summary": "on",
        "_continue": "1",
    }
    response = staff_client.post(change_url(activity_return), data)
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.selected_for_summary
    assert ActivityReturn.objects.get(pk=activity_return.pk).status == ReturnStatus.SUBMITTED


# --- Import and export --------------------------------------------------------------------------------------------

RETURN_HEADER = ["任务编号", "报送单位代码", "报送周期截止日期", "活动类型", "活动名称", "活动日期", "活动地点",
                 "开展场次（场）", "参与人数（人次）", "主要做法和成效", "状态"]  # fmt: skip


def as_csv(header: list[str], rows: list[list[object]], name: str) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def return_rows(task, unit, count: int) -> list[list[object]]:
    due = task.due_on.isoformat()
    return [
        [
            task.pk,
            unit.code,
            due,
            "宣传咨询",
            f"纸质报送{i}",
            "2024-06-16",
            "文化广场",
            2,
            150,
            "现场宣传。",
            "已审核通过",
        ]
        for i in range(count)
    ]


def confirm_import(client, response, model: str):
    confirm = response.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    return client.post(reverse(f"admin:campaigns_{model}_process_import"), data)


def test_importing_returns_is_all_or_nothing_with_errors_by_row(admin_user_office, client, task, unit_a, unit_b):
    client.force_login(admin_user_office)
    rows = return_rows(task, unit_a, 5)
    rows[1][1] = "999999999"  # unknown unit (row 3)
    rows[3][3] = "放烟花"  # not an activity type (row 5)
    rows[4][2] = "2000-01-01"  # not a period of the task (row 6)
    url = reverse("admin:campaigns_activityreturn_import")
    response = client.post(url, {"format": CSV_FORMAT, "import_file": as_csv(RETURN_HEADER, rows, "returns.csv")})
    text = "\n".join(messages_of(response))
    assert "导入失败，未导入任何数据" in text
    assert "第3行" in text and "999999999" in text
    assert "第5行，“活动类型”" in text
    assert "第6行，“报送周期截止日期”：报送周期截止日期不属于该任务的报送周期。" in text
    assert not ActivityReturn.objects.exists()


def test_imported_paper_returns_are_dated_and_logged(admin_user_office, client, task, unit_a):
    client.force_login(admin_user_office)
    url = reverse("admin:campaigns_activityreturn_import")
    response = client.post(
        url, {"format": CSV_FORMAT, "import_file": as_csv(RETURN_HEADER, return_rows(task, unit_a, 3), "r.csv")}
    )
    assert confirm_import(client, response, "activityreturn").status_code == 302
    imported = list(ActivityReturn.objects.all())
    assert len(imported) == 3
    assert all(
        r.status == ReturnStatus.ACCEPTED and r.first_submitted_at and r.reviewed_by == admin_user_office
        for r in imported
    )
    assert ReturnEvent.objects.filter(kind="imported").count() == 3


def test_import_cannot_change_the_status_of_an_existing_return(admin_user_office, client, task, unit_a):
    existing = waiting(task, unit_a)
    client.force_login(admin_user_office)
    header = ["报送编号", *RETURN_HEADER]
    row = [existing.pk, *return_rows(task, unit_a, 1)[0]]
    response = client.post(
        reverse("admin:campaigns_activityreturn_import"),
        {"format": CSV_FORMAT, "import_file": as_csv(header, [row], "r.csv")},
    )
    assert "第2行，“状态”：导入不能更改已有报送的状态" in "\n".join(messages_of(response))
    assert ActivityReturn.objects.get(pk=existing.pk).status == ReturnStatus.SUBMITTED


TASK_HEADER = ["活动编号", "任务名称", "报送频次", "截止日期", "承办街道（镇）代码", "至少照片（张）"]


def test_importing_tasks_names_unknown_units_and_imports_nothing(admin_user_office, client, campaign, unit_a, unit_b):
    client.force_login(admin_user_office)
    rows = [
        [campaign.pk, "报送活动方案", "一次性", "2024-06-07", f"{unit_a.code}、{unit_b.code}", 0],
        [campaign.pk, "报送活动总结", "一次性", "2024-07-03", f"{unit_a.code},350582999", 0],
    ]
    url = reverse("admin:campaigns_campaigntask_import")
    response = client.post(url, {"format": CSV_FORMAT, "import_file": as_csv(TASK_HEADER, rows, "tasks.csv")})
    text = "\n".join(messages_of(response))
    assert "第3行，“承办街道（镇）代码”：未找到行政区划“350582999”。" in text
    assert not CampaignTask.objects.exists()

    rows[1][4] = unit_a.code
    response = client.post(url, {"format": CSV_FORMAT, "import_file": as_csv(TASK_HEADER, rows, "tasks.csv")})
    assert confirm_import(client, response, "campaigntask").status_code == 302
    plan = CampaignTask.objects.get(title="报送活动方案")
    assert set(plan.jurisdictions.all()) == {unit_a, unit_b}


def test_export_of_tasks_round_trips_its_units(admin_user_office, client, campaign, unit_a, unit_b):
    CampaignTaskFactory(campaign=campaign, title="=SUM(1)", units=[unit_a, unit_b])
    client.force_login(admin_user_office)
    response = client.post(
        reverse("admin:campaigns_campaigntask_export"),
        {"format": CSV_FORMAT, "resource": "0", "campaigntaskresource_id": "on", "campaigntaskresource_title": "on",
         "campaigntaskresource_jurisdictions": "on"},
    )  # fmt: skip
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "'=SUM(1)" in text and f"{unit_a.code}、{unit_b.code}" in text


# --- Summary ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def enqueued(monkeypatch) -> list[int]:
    ids: list[int] = []
    monkeypatch.setattr(document_services, "enqueue", lambda pk: ids.append(pk) or True)
    return ids


def test_staff_draft_preview_and_issue_a_summary(client, admin_user_office, campaign, task, unit_a, enqueued,
                                                 django_capture_on_commit_callbacks):  # fmt: skip
    ActivityReturnFactory(task=task, jurisdiction=unit_a, status=ReturnStatus.ACCEPTED, sessions=9, participants=880)
    authority = make_authority()
    client.force_login(admin_user_office)
    add = client.get(reverse("admin:campaigns_campaignsummary_add"), {"campaign": campaign.pk})
    assert add.status_code == 200 and "保存后系统将根据已审核通过的活动报送生成总结草稿" in add.content.decode()

    response = client.post(
        reverse("admin:campaigns_campaignsummary_add"),
        {"campaign": campaign.pk, "authority": authority.pk, "title": "", "_continue": "1"},
    )
    summary = CampaignSummary.objects.get()
    assert response.status_code == 302
    assert "共开展各类活动9场次，参与880人次" in summary.narrative
    change = reverse("admin:campaigns_campaignsummary_change", args=[summary.pk])
    page = client.get(change).content.decode()
    assert "当前统计" in page and "1份报送，9场次，880人次" in page and "印发（分配发文字号并锁定）" in page
    assert "实时数据（截至" in page  # a draft's figures are live, and say so

    edited = summary.narrative + "\n三、特色亮点补充"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(change, {"title": summary.title, "authority": authority.pk, "narrative": edited, "_preview": "1"})
    summary.refresh_from_db()
    assert summary.narrative.endswith("特色亮点补充") and len(enqueued) == 2  # the PDF and the workbook

    response = client.post(
        change, {"title": summary.title, "authority": authority.pk, "narrative": edited, "_issue": "1"}
    )
    issue = reverse("admin:campaigns_campaignsummary_issue", args=[summary.pk])
    assert response.status_code == 302 and response["Location"] == issue
    number = f"晋安办〔{timezone.localdate().year}〕1号"
    confirm = client.get(issue).content.decode()
    assert number in confirm and "活动总结统计表" in confirm  # the number to be taken, the workbook made with it
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(issue, {"expected_number": number})
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.ISSUED and summary.number == number
    assert f"活动总结已印发，发文字号：{summary.number}。正式文件生成中。" in messages_of(response)
    assert len(enqueued) == 4 and summary.snapshot is not None and summary.workbook_id

    response = client.post(change, {"title": "改过", "authority": authority.pk, "narrative": "改过", "_continue": "1"})
    assert "已印发的活动总结不能修改。" in messages_of(response)
    assert CampaignSummary.objects.get().narrative == edited

    # Returns accepted after the issue do not change what the issued summary's page shows: its frozen figures.
    ActivityReturnFactory(task=task, jurisdiction=unit_a, status=ReturnStatus.ACCEPTED, sessions=5, participants=20)
    page = client.get(change).content.decode()
    assert "印发时冻结的数据（截至" in page and "1份报送，9场次，880人次" in page
    assert "实时数据" not in page and "14场次" not in page


@pytest.mark.parametrize("model", ["activityreturn", "campaigntask"])
def test_view_only_staff_cannot_import_or_export(client, model):
    from django.contrib.auth.models import Permission

    from tests.core.factories import StaffUserFactory

    viewer = StaffUserFactory()
    viewer.user_permissions.add(Permission.objects.get(codename=f"view_{model}"))
    client.force_login(viewer)
    assert client.get(reverse(f"admin:campaigns_{model}_changelist")).status_code == 200
    for name in ("import", "export"):
        url = reverse(f"admin:campaigns_{model}_{name}")
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403
