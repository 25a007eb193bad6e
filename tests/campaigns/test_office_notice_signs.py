"""Review 12 §4 and §5: a notice addressed by text alone (no unit picked) is refused at issue, in the admin and in
the portal (it would reach nobody's 收文 and its 签收 board would read 0/0); the subdistrict office chases the 签收 of
its own issued notices from the portal (提醒未签收单位, the admin's service, once a day per unit); another office gets
404."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from campaigns import cascade, inbox_services
from campaigns.models import Notice, NoticeReceipt, NoticeStatus
from safetyportal.documents import services as document_services
from tests.campaigns.test_cascade import client_for, network  # noqa: F401 (the fixture)
from tests.core.documents_support import make_notice

pytestmark = pytest.mark.django_db

REFUSAL = "请至少选择一个主送单位"


@pytest.fixture(autouse=True)
def no_broker(monkeypatch) -> None:
    monkeypatch.setattr(document_services, "enqueue", lambda document_id: True)


@pytest.fixture
def sent(monkeypatch) -> list[dict]:
    calls: list[dict] = []

    def record(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs)
        return len(kwargs["users"])

    monkeypatch.setattr(inbox_services, "_notify", record)
    return calls


def test_a_notice_with_text_recipients_only_is_refused_by_the_service(admin_user_office):
    notice = make_notice(addressed=False, recipients_text="各街道办事处、镇人民政府")
    with pytest.raises(ValidationError) as refused:
        document_services.issue(notice, by=admin_user_office)
    assert REFUSAL in " ".join(refused.value.messages)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT and not notice.number
    assert not NoticeReceipt.objects.filter(notice=notice).exists()


def test_the_admin_confirmation_refuses_a_notice_without_addressed_units(admin_user_office):
    notice = make_notice(addressed=False)
    client = client_for(admin_user_office)
    url = reverse("admin:campaigns_notice_issue", args=[notice.pk])
    page = client.get(url).content.decode()
    assert REFUSAL in page and 'name="expected_number"' not in page
    page = client.post(url, {"expected_number": "晋安办〔2026〕1号"}).content.decode()
    assert REFUSAL in page
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT and not notice.number


def test_the_portal_confirmation_refuses_a_notice_without_addressed_units(network):  # noqa: F811
    office = network["office"]
    notice = Notice.objects.create(
        authority=network["authority"], title="只有文字主送", body="正文", recipients_text="各社区", created_by=office
    )
    client = client_for(office)
    url = reverse("portal:office_notice_issue", args=[notice.pk])
    page = client.get(url).content.decode()
    assert REFUSAL in page and 'name="_confirm"' not in page and "未选择主送单位" in page
    response = client.post(url, {"expected_number": "灵安办〔2026〕1号", "_confirm": "1"})
    assert response.status_code == 400 and REFUSAL in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT and not notice.number
    assert not NoticeReceipt.objects.filter(notice=notice).exists()
    # Addressed, the page counts the receipts issuing will create.
    notice.recipient_jurisdictions.add(*network["communities"])
    page = client.get(url).content.decode()
    assert REFUSAL not in page and "将向3个单位收文" in page


@pytest.fixture
def office_notice(network):  # noqa: F811
    notice = cascade.save_notice(
        by=network["office"],
        fields={"title": "灵源的通知", "body": "一、总体要求\n各社区要高度重视。"},
        assignment=cascade.Assignment(all_children=True),
    )
    return document_services.issue(notice, by=network["office"])


def test_the_office_reminds_its_addressees_that_have_not_signed(network, office_notice, sent):  # noqa: F811
    receipt = office_notice.receipts.get(jurisdiction=network["communities"][0])
    inbox_services.sign_receipt(receipt=receipt, by=network["community_officer"])
    client = client_for(network["office"])
    page = client.get(reverse("portal:office_notice_issue", args=[office_notice.pk])).content.decode()
    url = reverse("portal:office_notice_remind", args=[office_notice.pk])
    assert f'action="{url}"' in page and "提醒未签收单位" in page
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "已提醒2个未签收单位" in response.content.decode()
    assert set(
        NoticeReceipt.objects.filter(notice=office_notice, reminder_count=1).values_list("jurisdiction", flat=True)
    ) == {c.pk for c in network["communities"][1:]}
    response = client.post(url, follow=True)  # the same day: nothing new
    assert "没有需要提醒的单位" in response.content.decode()
    assert "已提醒1次" in response.content.decode()


def test_another_office_and_a_community_get_404_and_remind_nobody(network, office_notice, sent):  # noqa: F811
    url = reverse("portal:office_notice_remind", args=[office_notice.pk])
    for user in (network["other_office"], network["community_officer"]):
        assert client_for(user).post(url).status_code == 404
        with pytest.raises(PermissionDenied):
            inbox_services.remind_unsigned(notice=office_notice, by=user)
    assert not NoticeReceipt.objects.filter(notice=office_notice, reminder_count__gt=0).exists()
    assert sent == []
