"""Audit screens in Chinese (issue 13): 操作记录 with Chinese action names, record kinds and field names;
生成的文书 with the kinds' Chinese names and no "Uuid"; people shown by their names, not their login names."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from safetyportal.documents.models import GeneratedDocument
from safetyportal.people import person_name
from safetyportal.services import record_history
from tests.core.factories import StaffUserFactory
from tests.inspections.factories import ExposureCaseFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def test_person_name_is_the_chinese_name_then_the_login_name() -> None:
    user_model = get_user_model()
    assert person_name(user_model(username="lingyuan", first_name="林晓")) == "林晓"
    assert person_name(user_model(username="x", first_name="三", last_name="张")) == "张三"
    assert person_name(user_model(username="x", first_name="Ada", last_name="Lovelace")) == "Ada Lovelace"
    assert person_name(user_model(username="staff")) == "staff"
    assert person_name(None) == ""
    assert str(user_model(username="lingyuan", first_name="林晓")) == "林晓"  # every admin list shows the name


def test_the_history_list_is_chinese(client, admin_user_office) -> None:
    actor = StaffUserFactory(username="wangli", first_name="王丽")
    case = ExposureCaseFactory()
    record_history(
        case,
        action="publish",
        by=actor,
        changes={"public_title": ["", "某公司违法案"], "status": ["draft", "published"]},
    )
    client.force_login(admin_user_office)
    response = client.get(reverse("admin:safetyportal_recordhistory_changelist"), **EN)
    body = response.content.decode()
    assert response.status_code == 200
    assert "选择要查看的操作记录" in body or "选择要修改的操作记录" in body
    assert "记录类型" in body
    assert str(case._meta.verbose_name) in body
    for english in ("content type", "Content type", "CONTENT TYPE", "public_title", ">publish<", "wangli"):
        assert english not in body, english
    assert "王丽" in body and "发布" in body and "公开标题" in body
    row = case.pk and response.context["cl"].result_list[0]
    detail = client.get(reverse("admin:safetyportal_recordhistory_change", args=[row.pk]), **EN).content.decode()
    assert "公开标题" in detail and "public_title" not in detail
    assert ">draft<" not in detail and ">published<" not in detail  # choice values by their labels


def test_the_history_kind_filter_names_models_in_chinese(client, admin_user_office) -> None:
    case = ExposureCaseFactory()
    record_history(case, action="create", by=None)
    client.force_login(admin_user_office)
    url = reverse("admin:safetyportal_recordhistory_changelist")
    page = client.get(url, **EN)
    choices = [
        choice["display"] for spec in page.context["cl"].filter_specs for choice in spec.choices(page.context["cl"])
    ]
    assert str(case._meta.verbose_name) in [str(c) for c in choices]
    kind = page.context["cl"].filter_specs[1].lookup_choices[0][0]
    assert client.get(url, {"content_type__id__exact": kind}).status_code == 200


def test_generated_documents_show_kind_names_and_no_uuid(client, admin_user_office) -> None:
    document = GeneratedDocument.objects.create(kind="sample_report", title="示例", requested_by=admin_user_office)
    client.force_login(admin_user_office)
    listing = client.get(reverse("admin:safetyportal_generateddocument_changelist"), **EN).content.decode()
    assert "示例统计报告" in listing
    assert ">sample_report<" not in listing
    detail = client.get(reverse("admin:safetyportal_generateddocument_change", args=[document.pk]), **EN)
    body = detail.content.decode()
    assert "Uuid" not in body and "UUID" not in body
    assert "文件识别码" in body and "示例统计报告" in body
