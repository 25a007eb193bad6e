"""The public 通知公告 pages (issue 13): only issued notices staff published (``Notice.is_public``) are shown; a draft,
a non-public or a superseded notice answers 404; the body is masked; the issued PDF is a download; constant queries;
the flag stays editable after issue (admin buttons, history row) while the content does not."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.models import Notice, NoticeStatus
from safetyportal.documents import services as document_services
from safetyportal.documents.models import DocumentStatus, GeneratedDocument
from safetyportal.front import FRONT_CACHE_KEY
from safetyportal.history import RecordHistory
from tests.core.documents_support import make_notice

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)


def public_notice(*, is_public: bool = True, status: str = NoticeStatus.ISSUED, **fields: object) -> Notice:
    """An issued (by default public) notice made directly, without the issuing service (fast; no PDF)."""
    serial = next(_serial)
    issued = status != NoticeStatus.DRAFT
    defaults: dict[str, object] = {
        "status": status,
        "is_public": is_public,
        "number": f"晋安办〔2024〕{serial}号" if issued else "",
        "issued_on": dt.date(2024, 5, 1) + dt.timedelta(days=serial % 200) if issued else None,
        "issued_at": timezone.now() if issued else None,
    }
    defaults.update(fields)
    return make_notice(addressed=False, **defaults)


def with_pdf(notice: Notice) -> Notice:
    document = GeneratedDocument.objects.create(kind="notice", title=notice.title, status=DocumentStatus.DONE)
    document.file.save("notice.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    Notice.objects.filter(pk=notice.pk).update(document=document)
    return Notice.objects.get(pk=notice.pk)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.delete(FRONT_CACHE_KEY.format(day=timezone.localdate().isoformat()))
    yield
    cache.delete(FRONT_CACHE_KEY.format(day=timezone.localdate().isoformat()))


def test_the_list_shows_issued_public_notices_only_newest_first(client):
    old = public_notice(title="关于开展消防检查的通知", issued_on=dt.date(2024, 3, 1))
    new = public_notice(title="关于开展安全生产月活动的通知", issued_on=dt.date(2024, 6, 1))
    public_notice(title="内部通知不公开", is_public=False)
    public_notice(title="草稿通知", status=NoticeStatus.DRAFT)
    public_notice(title="已被更正的通知", status=NoticeStatus.SUPERSEDED)

    response = client.get("/notices/")
    text = response.content.decode()
    assert response.status_code == 200
    assert text.index(new.title) < text.index(old.title)
    assert new.number in text and "2024-06-01" in text
    for hidden in ("内部通知不公开", "草稿通知", "已被更正的通知"):
        assert hidden not in text
    assert 'aria-current="page">通知公告</a>' in text


def test_the_list_is_paginated(client):
    for i in range(25):
        public_notice(title=f"公开通知第{i}号")
    text = client.get("/notices/").content.decode()
    assert text.count('href="/notices/') >= 20 and "第1页 / 共2页" in text
    assert "第2页 / 共2页" in client.get("/notices/?page=2").content.decode()


@pytest.mark.parametrize(
    "fields",
    [{"is_public": False}, {"status": NoticeStatus.DRAFT}, {"status": NoticeStatus.SUPERSEDED}],
    ids=["not-public", "draft", "superseded"],
)
def test_a_draft_non_public_or_superseded_notice_answers_404(client, fields):
    notice = with_pdf(public_notice(**fields))
    assert client.get(f"/notices/{notice.pk}/").status_code == 404
    assert client.get(f"/notices/{notice.pk}/pdf/").status_code == 404


def test_the_detail_shows_number_date_and_the_masked_body(client):
    notice = public_notice(
        title="关于开展安全检查的通知",
        body="请各单位认真开展检查。\n联系人：张三丰，电话13812345678。",
        issued_on=dt.date(2024, 5, 20),
    )
    text = client.get(f"/notices/{notice.pk}/").content.decode()
    assert notice.title in text and notice.number in text and "2024年5月20日" in text
    assert "请各单位认真开展检查。" in text
    assert "13812345678" not in text
    assert "下载正式文件" not in text  # no PDF yet


def test_the_pdf_is_a_download_with_a_chinese_name(client):
    notice = with_pdf(public_notice(title="关于开展安全检查的通知"))
    assert "下载正式文件" in client.get(f"/notices/{notice.pk}/").content.decode()
    response = client.get(f"/notices/{notice.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert "%E6%99%8B%E5%AE%89%E5%8A%9E" in disposition  # 晋安办
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_pdf_not_yet_rendered_answers_404(client):
    notice = public_notice()
    assert client.get(f"/notices/{notice.pk}/pdf/").status_code == 404


@pytest.mark.parametrize("n", [2, 20])
def test_list_and_detail_queries_are_constant(client, django_assert_max_num_queries, n):
    notices = [with_pdf(public_notice(title=f"公开通知{i}")) for i in range(n)]
    with django_assert_max_num_queries(2):  # count + page
        assert client.get("/notices/").status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get(f"/notices/{notices[-1].pk}/").status_code == 200


def test_the_front_page_lists_the_latest_five_public_notices(client):
    for i in range(7):
        public_notice(title=f"首页通知{i}", issued_on=dt.date(2024, 1, 1 + i))
    public_notice(title="不公开的通知", is_public=False)
    text = client.get("/").content.decode()
    box = text[text.index('id="front-notices"') : text.index('id="front-announcements"')]
    assert [f"首页通知{i}" in box for i in range(7)] == [False, False, True, True, True, True, True]
    assert "不公开的通知" not in box and 'href="/notices/"' in box


def test_the_flag_stays_editable_after_issue_but_the_content_does_not(admin_user_office):
    notice = public_notice(is_public=False)
    notice = Notice.objects.get(pk=notice.pk)
    notice.is_public = True
    notice.save()  # not a content field: the edit guard lets it through
    notice.body = "改过的正文"
    with pytest.raises(ValidationError):
        notice.save()


def test_publish_and_withdraw_record_history_and_refresh_the_front_page(
    client, admin_user_office, django_capture_on_commit_callbacks
):
    notice = public_notice(title="发布与撤回的通知", is_public=False)
    assert "发布与撤回的通知" not in client.get("/").content.decode()  # cached now

    with django_capture_on_commit_callbacks(execute=True):
        assert services.set_notice_public(notice=notice, public=True, by=admin_user_office)
    assert not services.set_notice_public(notice=notice, public=True, by=admin_user_office)  # no change, no row
    assert "发布与撤回的通知" in client.get("/").content.decode()
    assert client.get(f"/notices/{notice.pk}/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        services.set_notice_public(notice=notice, public=False, by=admin_user_office)
    assert "发布与撤回的通知" not in client.get("/").content.decode()
    assert client.get(f"/notices/{notice.pk}/").status_code == 404
    actions = list(
        RecordHistory.objects.filter(object_id=notice.pk, content_type__model="notice")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["publish", "withdraw"]


def test_staff_publish_an_issued_notice_in_the_admin_but_cannot_change_its_body(admin_user_office, monkeypatch):
    monkeypatch.setattr(document_services, "enqueue", lambda document_id: True)
    notice = document_services.issue(make_notice(), by=admin_user_office)
    staff = Client()
    staff.force_login(admin_user_office)
    url = reverse("admin:campaigns_notice_change", args=[notice.pk])

    page = staff.get(url).content.decode()
    assert 'name="_publish"' in page and 'name="_unpublish"' not in page
    staff.post(url, {"_publish": "1"})
    assert Notice.objects.get(pk=notice.pk).is_public
    assert 'name="_unpublish"' in staff.get(url).content.decode()

    staff.post(url, {"body": "篡改的正文", "_save": "1"})
    assert Notice.objects.get(pk=notice.pk).body == notice.body

    staff.post(url, {"_unpublish": "1"})
    assert not Notice.objects.get(pk=notice.pk).is_public


def test_a_draft_is_never_public_even_with_the_flag(client):
    notice = public_notice(status=NoticeStatus.DRAFT, is_public=True)
    assert client.get(f"/notices/{notice.pk}/").status_code == 404
    assert notice.title not in client.get("/notices/").content.decode()


def test_the_demos_2024_notice_is_public_and_the_loader_stays_idempotent(settings, monkeypatch, client):
    from campaigns.demo import load_demo_notices
    from safetyportal.demo.builder import build_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(document_services, "enqueue", lambda pk: True)
    build_demo()
    load_demo_notices()
    load_demo_notices()
    public = Notice.objects.get(is_public=True)
    assert public.number == "晋安办〔2024〕63号"
    assert (
        RecordHistory.objects.filter(object_id=public.pk, content_type__model="notice", action="publish").count() == 1
    )
    assert public.title in client.get("/notices/").content.decode()
