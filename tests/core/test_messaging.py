"""Messages to officers (issue 12, safetyportal/messaging): the portal, the unit's 企业微信 group robot and SMS, once
per account, item, channel and day, sent by the worker with retries, never blocking the request."""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from safetyportal.messaging import notify, services
from safetyportal.messaging.models import (
    Channel,
    DeliveryStatus,
    MessageDelivery,
    MessagePreference,
    PortalMessage,
    UnitChannel,
)
from safetyportal.messaging.tasks import deliver
from safetyportal.messaging.transports import TransportError, wecom_payload
from tests.core.factories import OfficerProfileFactory
from tests.core.messaging_factories import (
    MessageDeliveryFactory,
    MessagePreferenceFactory,
    PortalMessageFactory,
    UnitChannelFactory,
)

# Generated per run: the repository holds no credential-shaped literal (tests/security/test_debug_and_secrets.py).
FAKE_SECRET_ID = "id" + secrets.token_hex(8)
FAKE_SECRET_KEY = secrets.token_urlsafe(12)

pytestmark = pytest.mark.django_db

ROBOT_KEY = "693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa"
PHONE = "+8613912345678"


# A fake HTTP service on loopback ------------------------------------------------------------------------------------


@dataclass
class Recorded:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeService:
    """Answers each POST with the next scripted (status, JSON) pair (the last one repeats) and records it."""

    answers: list[tuple[int, dict[str, Any]]]
    requests: list[Recorded] = field(default_factory=list)
    delay: float = 0.0
    url: str = ""


@pytest.fixture
def fake_service() -> Iterator[Callable[..., FakeService]]:
    servers: list[ThreadingHTTPServer] = []

    def start(answers: list[tuple[int, dict[str, Any]]], delay: float = 0.0) -> FakeService:
        service = FakeService(answers=list(answers), delay=delay)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = urlsplit(self.path)
                service.requests.append(Recorded(parts.path, parse_qs(parts.query), dict(self.headers), body))
                if service.delay:
                    time.sleep(service.delay)
                status, answer = service.answers.pop(0) if len(service.answers) > 1 else service.answers[0]
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        service.url = f"http://127.0.0.1:{server.server_address[1]}"
        return service

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def run_tasks_eagerly(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """``deliver.delay`` runs the task in-process (with its retries), as the worker would; the groups are recorded."""
    published: list[list[int]] = []

    def delay(ids: list[int]) -> None:
        published.append(ids)
        deliver.apply(args=[ids])

    monkeypatch.setattr(deliver, "delay", delay)
    return published


@pytest.fixture
def robot(fake_service: Callable[..., FakeService], settings: Any) -> Callable[..., FakeService]:
    def start(answers: list[tuple[int, dict[str, Any]]], delay: float = 0.0) -> FakeService:
        service = fake_service(answers, delay)
        settings.WECOM_WEBHOOK_BASE = service.url + "/cgi-bin/webhook/send"
        return service

    return start


@pytest.fixture
def officer(unit_a: Any) -> Any:
    return OfficerProfileFactory(jurisdiction=unit_a, phone=PHONE).user


# notify(): portal messages, masking, preferences, once a day ---------------------------------------------------


def test_notify_writes_a_portal_message_and_only_the_portal_without_a_choice(
    officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        reached = notify(users=[officer], key="notice:7", text="请签收通知。", url="/portal/inbox/7/")

    assert reached == 1
    message = PortalMessage.objects.get()
    assert (message.user, message.key, message.text, message.url, message.read_at) == (
        officer,
        "notice:7",
        "请签收通知。",
        "/portal/inbox/7/",
        None,
    )
    delivery = MessageDelivery.objects.get()
    assert (delivery.channel, delivery.status) == (Channel.PORTAL, DeliveryStatus.SENT)
    assert callbacks == []  # nothing for the worker


def test_third_parties_numbers_and_names_are_masked_in_every_channel(officer, django_capture_on_commit_callbacks):
    MessagePreferenceFactory(user=officer, wecom=True, sms=True)
    text = "隐患举报人张三（电话13812345678，身份证350582199001011234）反映的问题请尽快核查。"
    with django_capture_on_commit_callbacks():
        notify(users=[officer], key="hazard:3", text=text)

    texts = {
        *PortalMessage.objects.values_list("text", flat=True),
        *MessageDelivery.objects.values_list("text", flat=True),
    }
    assert len(texts) == 1
    shown = texts.pop()
    assert "13812345678" not in shown and "350582199001011234" not in shown and "张三" not in shown
    assert "张某" in shown and "请尽快核查" in shown


def test_the_same_item_is_sent_once_a_day_per_account_and_channel(
    officer, officer_b, django_capture_on_commit_callbacks
):
    MessagePreferenceFactory(user=officer, sms=True)
    with django_capture_on_commit_callbacks() as first:
        assert notify(users=[officer, officer_b], key="task:1", text="第一次") == 2
    with django_capture_on_commit_callbacks() as second:
        assert notify(users=[officer, officer_b.pk], key="task:1", text="第二次") == 0

    assert PortalMessage.objects.count() == 2 and MessageDelivery.objects.count() == 3
    assert len(first) == 1 and second == []
    # Another item the same day is sent.
    assert notify(users=[officer], key="task:2", text="另一事项") == 1


def test_the_day_is_the_shanghai_date(officer, monkeypatch):
    # 2026-12-06 17:30 UTC is 12月7日 01:30 in Shanghai: a new day there.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 6, 17, 30, tzinfo=dt.UTC))
    notify(users=[officer], key="task:1", text="提醒")
    assert MessageDelivery.objects.get().day == dt.date(2026, 12, 7)


def test_the_next_day_the_item_is_sent_again(officer, monkeypatch):
    notify(users=[officer], key="task:1", text="提醒")
    tomorrow = timezone.now() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    assert notify(users=[officer], key="task:1", text="提醒") == 1
    assert PortalMessage.objects.count() == 2


def test_each_accounts_choice_is_respected(unit_a, django_capture_on_commit_callbacks, monkeypatch):
    published: list[list[int]] = []
    monkeypatch.setattr(deliver, "delay", published.append)
    portal_only = OfficerProfileFactory(jurisdiction=unit_a).user
    wecom = MessagePreferenceFactory(user=OfficerProfileFactory(jurisdiction=unit_a).user, wecom=True).user
    sms = MessagePreferenceFactory(user=OfficerProfileFactory(jurisdiction=unit_a).user, sms=True).user
    both = MessagePreferenceFactory(user=OfficerProfileFactory(jurisdiction=unit_a).user, wecom=True, sms=True).user

    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[portal_only, wecom, sms, both], key="task:9", text="提醒")

    channels = {(d.user_id, d.channel) for d in MessageDelivery.objects.exclude(channel=Channel.PORTAL)}
    assert channels == {(wecom.pk, "wecom"), (sms.pk, "sms"), (both.pk, "wecom"), (both.pk, "sms")}
    assert PortalMessage.objects.count() == 4
    # One robot post for the unit's two accounts, one SMS each.
    wecom_ids = set(MessageDelivery.objects.filter(channel=Channel.WECOM).values_list("pk", flat=True))
    assert sorted(map(sorted, published)) == sorted(
        [sorted(wecom_ids)] + [[d.pk] for d in MessageDelivery.objects.filter(channel=Channel.SMS)]
    )


def test_portal_false_leaves_the_portal_to_the_caller(officer):
    MessagePreferenceFactory(user=officer, sms=True)
    notify(users=[officer], key="task:1", text="提醒", portal=False)
    assert not PortalMessage.objects.exists()
    assert list(MessageDelivery.objects.values_list("channel", flat=True)) == ["sms"]


def test_a_key_is_required():
    with pytest.raises(ValueError):
        notify(users=[], key=" ", text="x")


# 企业微信 group robot against a loopback fake ----------------------------------------------------------------------


def test_the_group_robot_receives_the_documented_webhook_call(
    unit_a, officer, robot, run_tasks_eagerly, django_capture_on_commit_callbacks
):
    service = robot([(200, {"errcode": 0, "errmsg": "ok"})])
    UnitChannelFactory(jurisdiction=unit_a, wecom_key=ROBOT_KEY)
    colleague = OfficerProfileFactory(jurisdiction=unit_a, phone="+8613700001111").user
    for user in (officer, colleague):
        MessagePreferenceFactory(user=user, wecom=True)

    with django_capture_on_commit_callbacks(execute=True):
        notify(
            users=[officer, colleague],
            key="notice:5",
            text="请签收《关于开展安全生产月活动的通知》。",
            url="/portal/inbox/5/",
        )

    assert len(service.requests) == 1  # one post for the unit's group
    call = service.requests[0]
    assert call.path == "/cgi-bin/webhook/send" and call.query == {"key": [ROBOT_KEY]}
    assert call.headers["Content-Type"] == "application/json"
    body = call.json()
    assert body["msgtype"] == "text"
    assert "请签收《关于开展安全生产月活动的通知》。" in body["text"]["content"]
    assert body["text"]["content"].endswith(settings.SITE_URL + "/portal/inbox/5/")
    assert sorted(body["text"]["mentioned_mobile_list"]) == ["13700001111", "13912345678"]
    assert set(MessageDelivery.objects.filter(channel="wecom").values_list("status", "attempts")) == {("sent", 1)}


def test_a_robot_error_is_retried_with_backoff_until_it_succeeds(
    unit_a, officer, robot, run_tasks_eagerly, django_capture_on_commit_callbacks
):
    service = robot([(200, {"errcode": 45009, "errmsg": "api freq out of limit"}), (502, {}), (200, {"errcode": 0})])
    UnitChannelFactory(jurisdiction=unit_a)
    MessagePreferenceFactory(user=officer, wecom=True)

    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[officer], key="task:1", text="提醒")

    assert len(service.requests) == 3
    delivery = MessageDelivery.objects.get(channel="wecom")
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 3, "")
    assert deliver.autoretry_for == (TransportError,) and deliver.retry_backoff is True
    assert deliver.max_retries == settings.MESSAGES_MAX_RETRIES


def test_after_the_last_retry_the_delivery_is_failed_and_the_key_never_logged(
    unit_a, officer, fake_service, settings, run_tasks_eagerly, monkeypatch, django_capture_on_commit_callbacks
):
    # Nothing listens on the robot's address: a connection error every time.
    settings.WECOM_WEBHOOK_BASE = "http://127.0.0.1:9/cgi-bin/webhook/send"
    monkeypatch.setattr(deliver, "max_retries", 2)
    UnitChannelFactory(jurisdiction=unit_a)
    MessagePreferenceFactory(user=officer, wecom=True)

    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[officer], key="task:1", text="提醒")

    delivery = MessageDelivery.objects.get(channel="wecom")
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert "企业微信网络错误" in delivery.last_error and ROBOT_KEY not in delivery.last_error


def test_a_unit_without_a_robot_is_skipped_not_retried(officer, run_tasks_eagerly, django_capture_on_commit_callbacks):
    MessagePreferenceFactory(user=officer, wecom=True)
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[officer], key="task:1", text="提醒")
    delivery = MessageDelivery.objects.get(channel="wecom")
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("skipped", 1, "本单位未设置企业微信群机器人")


def test_the_robot_text_respects_the_documented_2048_bytes():
    content = wecom_payload("提醒" * 2000)["text"]["content"]
    assert len(content.encode()) <= 2048


def test_delivering_twice_sends_once(unit_a, officer, robot):
    service = robot([(200, {"errcode": 0})])
    UnitChannelFactory(jurisdiction=unit_a)
    delivery = MessageDeliveryFactory(user=officer, channel=Channel.WECOM)
    assert services.deliver(delivery_ids=[delivery.pk]) == 1
    assert services.deliver(delivery_ids=[delivery.pk]) == 0
    assert len(service.requests) == 1


# SMS: Tencent Cloud's SDK against a loopback fake, the file and console backends ---------------------------------


@pytest.fixture
def tencent(fake_service: Callable[..., FakeService], settings: Any) -> Callable[..., FakeService]:
    def start(answers: list[tuple[int, dict[str, Any]]]) -> FakeService:
        service = fake_service(answers)
        settings.SMS_BACKEND = "tencent"
        settings.TENCENT_SMS_ENDPOINT = service.url
        settings.TENCENT_SMS_SECRET_ID = FAKE_SECRET_ID
        settings.TENCENT_SMS_SECRET_KEY = FAKE_SECRET_KEY
        settings.TENCENT_SMS_SDK_APP_ID = "1400006666"
        settings.TENCENT_SMS_SIGN_NAME = "某市安委办"
        settings.TENCENT_SMS_TEMPLATE_ID = "1614338"
        settings.TENCENT_SMS_REGION = "ap-guangzhou"
        return service

    return start


def _sms_ok(phone: str = PHONE) -> dict[str, Any]:
    status = {"SerialNo": "5000:1", "PhoneNumber": phone, "Fee": 1, "SessionContext": "", "Code": "Ok"}
    return {"Response": {"SendStatusSet": [{**status, "Message": "send success", "IsoCode": "CN"}], "RequestId": "r1"}}


def test_the_tencent_sdk_sends_sendsms_with_template_number_and_signature(
    officer, tencent, run_tasks_eagerly, django_capture_on_commit_callbacks
):
    service = tencent([(200, _sms_ok())])
    MessagePreferenceFactory(user=officer, sms=True)

    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[officer], key="task:1", text="【即将到期】安全生产月“活动方案”将于3天后截止", portal=False)

    assert len(service.requests) == 1
    call = service.requests[0]
    assert call.headers["X-TC-Action"] == "SendSms" and call.headers["X-TC-Version"] == "2021-01-11"
    assert call.headers["X-TC-Region"] == "ap-guangzhou"
    assert call.headers["Authorization"].startswith("TC3-HMAC-SHA256 Credential=" + FAKE_SECRET_ID + "/")
    assert FAKE_SECRET_KEY not in json.dumps(call.headers)
    assert call.json() == {
        "PhoneNumberSet": [PHONE],
        "SmsSdkAppId": "1400006666",
        "SignName": "某市安委办",
        "TemplateId": "1614338",
        "TemplateParamSet": ["【即将到期】安全生产月“活动方案”将于3天后截止"],
    }
    assert MessageDelivery.objects.get().status == "sent"


def test_a_provider_error_is_retried(officer, tencent, run_tasks_eagerly, django_capture_on_commit_callbacks):
    error = {"Error": {"Code": "LimitExceeded.PhoneNumberThirtySecondLimit", "Message": "频率限制"}, "RequestId": "r0"}
    refused = {"Response": {"SendStatusSet": [{"Code": "FailedOperation.InsufficientBalanceInSmsPackage"}]}}
    service = tencent([(200, {"Response": error}), (200, refused), (200, _sms_ok())])
    MessagePreferenceFactory(user=officer, sms=True)

    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[officer], key="task:1", text="提醒", portal=False)

    assert len(service.requests) == 3
    delivery = MessageDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("sent", 3)


def test_the_provider_error_code_is_recorded_between_retries(officer, tencent):
    tencent([(200, {"Response": {"Error": {"Code": "InternalError.Timeout", "Message": "x"}, "RequestId": "r"}})])
    delivery = MessageDeliveryFactory(user=officer, channel=Channel.SMS)
    with pytest.raises(TransportError):
        services.deliver(delivery_ids=[delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        "pending",
        1,
        "腾讯云短信 InternalError.Timeout",
    )


def test_an_account_without_a_phone_is_skipped(unit_a, tencent):
    service = tencent([(200, _sms_ok())])
    user = OfficerProfileFactory(jurisdiction=unit_a, phone="").user
    delivery = MessageDeliveryFactory(user=user, channel=Channel.SMS)
    services.deliver(delivery_ids=[delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("skipped", "账号未登记手机号码") and service.requests == []


def test_the_file_backend_appends_json_lines(officer, settings, tmp_path):
    settings.SMS_BACKEND, settings.SMS_FILE_DIR = "file", tmp_path
    for n in range(2):
        services.deliver(delivery_ids=[MessageDeliveryFactory(user=officer, channel=Channel.SMS, text=f"提醒{n}").pk])
    (written,) = tmp_path.glob("sms-*.jsonl")
    lines = [json.loads(line) for line in written.read_text().splitlines()]
    assert [(line["phone"], line["text"]) for line in lines] == [(PHONE, "提醒0"), (PHONE, "提醒1")]


def test_the_console_backend_logs_the_number_masked(officer, caplog):
    with caplog.at_level(logging.INFO, logger="safetyportal.messaging.transports"):
        services.deliver(delivery_ids=[MessageDeliveryFactory(user=officer, channel=Channel.SMS).pk])
    assert "139******78" in caplog.text and "13912345678" not in caplog.text


# Never blocking the request ------------------------------------------------------------------------------------------


def test_a_request_does_not_wait_for_a_channel_that_is_down(
    unit_a, officer, robot, monkeypatch, django_capture_on_commit_callbacks
):
    """The robot answers after 5 s: notify() only writes rows and publishes; the worker does the waiting."""
    service = robot([(200, {"errcode": 0})], delay=5)
    UnitChannelFactory(jurisdiction=unit_a)
    MessagePreferenceFactory(user=officer, wecom=True)
    published: list[list[int]] = []
    monkeypatch.setattr(deliver, "delay", published.append)

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[officer], key="task:1", text="提醒")
    assert time.monotonic() - started < 1
    assert service.requests == [] and len(published) == 1
    assert MessageDelivery.objects.get(channel="wecom").status == "pending"


def test_a_broker_that_is_down_is_logged_and_the_sweeper_publishes_later(
    officer, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    MessagePreferenceFactory(user=officer, sms=True)

    def broker_down(ids: list[int]) -> None:
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(deliver, "delay", broker_down)
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        notify(users=[officer], key="task:1", text="提醒")  # no exception reaches the caller
    assert "not queued" in caplog.text

    published: list[list[int]] = []
    monkeypatch.setattr(deliver, "delay", published.append)
    delivery = MessageDelivery.objects.get(channel="sms")
    assert services.sweep_deliveries() == 0  # too recent: a retry may still be on its way
    # Age the delivery instead of moving the clock on: a clock moved 25 minutes forward crosses midnight in Shanghai
    # after 23:35 and the sweeper then rightly gives the (previous day's) delivery up.
    age = dt.timedelta(seconds=2 * settings.MESSAGES_RETRY_BACKOFF_MAX_SECONDS + 301)
    MessageDelivery.objects.filter(pk=delivery.pk).update(created_at=delivery.created_at - age)
    assert services.sweep_deliveries() == 1 and published == [[delivery.pk]]


def test_the_sweeper_gives_up_on_a_previous_days_delivery(officer):
    old = MessageDeliveryFactory(user=officer, day=timezone.localdate() - dt.timedelta(days=1))
    services.sweep_deliveries()
    old.refresh_from_db()
    assert (old.status, old.last_error) == ("failed", "过期未发送")


# Concurrency on PostgreSQL -------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_calls_send_once(unit_a, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgresql://…)")
    monkeypatch.setattr(deliver, "delay", lambda ids: None)
    users = [OfficerProfileFactory(jurisdiction=unit_a).user for _ in range(3)]
    for user in users:
        MessagePreferenceFactory(user=user, sms=True, wecom=True)
    barrier = threading.Barrier(6)
    reached: list[int] = []
    errors: list[BaseException] = []

    def send() -> None:
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            reached.append(notify(users=users, key="notice:1", text="请签收"))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sum(reached) == 3  # each account reached by exactly one of the six calls
    assert PortalMessage.objects.count() == 3
    assert MessageDelivery.objects.count() == 9  # portal, wecom, sms for each


# Portal pages ------------------------------------------------------------------------------------------------------


def _render_include(user: Any) -> str:
    request = RequestFactory().get("/portal/")
    request.user = user
    return render_to_string("portal/_messages.html", request=request)


def test_the_include_lists_unread_messages_in_constant_queries(officer, django_assert_max_num_queries):
    PortalMessageFactory(user=officer, text="第一条")
    with django_assert_max_num_queries(1):
        html = _render_include(officer)
    assert "第一条" in html and reverse("portal:message_read", args=[PortalMessage.objects.get().pk]) in html
    PortalMessageFactory.create_batch(15, user=officer)
    PortalMessageFactory(user=officer, text="已读", read_at=timezone.now())
    PortalMessageFactory(text="别人的")
    with django_assert_max_num_queries(1):
        html = _render_include(officer)
    assert (
        html.count('class="message-text"') == 10 and "已读" not in html.replace("标为已读", "") and "别人的" not in html
    )


def test_an_offsite_link_in_a_message_is_not_linked(officer):
    PortalMessageFactory(user=officer, text="外链", url="//evil.example/")
    assert "evil.example" not in _render_include(officer)


def test_another_accounts_message_is_not_found_and_stays_unread(client, unit_a, officer, officer_b):
    mine = PortalMessageFactory(user=officer)
    theirs = PortalMessageFactory(user=officer_b)
    colleagues = PortalMessageFactory(user=OfficerProfileFactory(jurisdiction=unit_a).user)  # same unit, own messages
    client.force_login(officer)
    assert client.post(reverse("portal:message_read", args=[colleagues.pk])).status_code == 404
    assert client.post(reverse("portal:message_read", args=[10**9])).status_code == 404

    response = client.post(reverse("portal:message_read", args=[theirs.pk]), {"next": "/portal/"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    colleagues.refresh_from_db()
    assert theirs.read_at is None and colleagues.read_at is None

    response = client.post(reverse("portal:message_read", args=[mine.pk]), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(reverse("portal:message_read", args=[mine.pk])).status_code == 405


def test_mark_all_as_read(client, officer):
    PortalMessageFactory.create_batch(3, user=officer)
    client.force_login(officer)
    client.post(reverse("portal:messages_read_all"))
    assert not PortalMessage.objects.filter(read_at__isnull=True).exists()


def test_an_officer_chooses_the_channels(client, officer):
    client.force_login(officer)
    url = reverse("portal:message_settings")
    assert url == "/portal/settings/messages/"
    page = client.get(url)
    assert page.status_code == 200 and "消息接收设置" in page.content.decode()

    response = client.post(url, {"wecom": "on"})
    assert response.status_code == 302
    preference = MessagePreference.objects.get(user=officer)
    assert (preference.wecom, preference.sms) == (True, False)
    client.post(url, {"sms": "on"})
    preference.refresh_from_db()
    assert (preference.wecom, preference.sms) == (False, True)


def test_the_settings_page_is_for_officers_only(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("portal:message_settings")).status_code == 403


# The robot key: encrypted at rest, never shown ---------------------------------------------------------------------


def test_the_robot_key_is_encrypted_at_rest_and_never_shown_in_full(admin_client_office, unit_a):
    channel = UnitChannelFactory(jurisdiction=unit_a, wecom_key=ROBOT_KEY)
    with connection.cursor() as cursor:
        cursor.execute("SELECT wecom_key FROM safetyportal_unitchannel WHERE id = %s", [channel.pk])
        (raw,) = cursor.fetchone()
    assert ROBOT_KEY not in raw

    change = reverse("admin:safetyportal_unitchannel_change", args=[channel.pk])
    for url in (reverse("admin:safetyportal_unitchannel_changelist"), change):
        page = admin_client_office.get(url).content.decode()
        assert ROBOT_KEY not in page and "…5aaa" in page

    # Saving without typing a key keeps it; a pasted webhook URL keeps only the key.
    form = {"jurisdiction": unit_a.pk, "member_unit": "", "group_name": "新群名", "wecom_key": "", "is_active": "on"}
    assert admin_client_office.post(change, form).status_code == 302
    channel.refresh_from_db()
    assert (channel.group_name, channel.wecom_key) == ("新群名", ROBOT_KEY)
    pasted = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=aaaa1111-2222-3333-4444-555566667777"
    admin_client_office.post(change, {**form, "wecom_key": pasted})
    channel.refresh_from_db()
    assert channel.wecom_key == "aaaa1111-2222-3333-4444-555566667777"


@pytest.fixture
def admin_client_office(client, admin_user_office):
    client.force_login(admin_user_office)
    return client


def test_a_unit_channel_names_exactly_one_unit(unit_a):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        UnitChannel.objects.create(jurisdiction=None, member_unit=None, wecom_key=ROBOT_KEY)


# The morning reminders go through notify() too -------------------------------------------------------------------


def test_the_morning_reminders_reach_the_chosen_channels_once(
    unit_a, officer, monkeypatch, django_capture_on_commit_callbacks
):
    from campaigns import services as campaign_services
    from campaigns.models import Reminder
    from tests.campaigns.factories import CampaignFactory, CampaignTaskFactory

    today = timezone.localdate()
    campaign = CampaignFactory(
        year=today.year, starts_on=today - dt.timedelta(days=20), ends_on=today + dt.timedelta(days=40)
    )
    task = CampaignTaskFactory(campaign=campaign, title="活动方案", due_on=today + dt.timedelta(days=2), units=[unit_a])
    portal_only = OfficerProfileFactory(jurisdiction=unit_a).user
    MessagePreferenceFactory(user=officer, sms=True)
    published: list[list[int]] = []
    monkeypatch.setattr(deliver, "delay", published.append)

    with django_capture_on_commit_callbacks(execute=True):
        first = campaign_services.send_reminders(today=today)
        again = campaign_services.send_reminders(today=today)

    assert (first.created, again.created) == (2, 0)
    assert Reminder.objects.filter(officer__in=[officer, portal_only]).count() == 2  # the portal's list, as before
    assert not PortalMessage.objects.exists()  # no second portal entry for the same reminder
    delivery = MessageDelivery.objects.get()
    assert (delivery.user, delivery.channel, delivery.key) == (officer, "sms", f"campaigns.reminder:{task.pk}")
    assert "活动方案" in delivery.text and published == [[delivery.pk]]


def test_the_settings_page_says_when_the_unit_has_no_robot_or_the_account_no_phone(client, unit_a):
    user = OfficerProfileFactory(jurisdiction=unit_a, phone="").user
    client.force_login(user)
    page = client.get(reverse("portal:message_settings")).content.decode()
    assert "尚未设置企业微信群机器人" in page and "尚未登记手机号码" in page
    UnitChannelFactory(jurisdiction=unit_a, wecom_key="")
    assert "尚未设置企业微信群机器人" in client.get(reverse("portal:message_settings")).content.decode()
    UnitChannel.objects.update(is_active=True)
    channel = UnitChannel.objects.get()
    channel.wecom_key = ROBOT_KEY
    channel.save()
    assert "尚未设置企业微信群机器人" not in client.get(reverse("portal:message_settings")).content.decode()


def test_more_than_ten_unread_messages_show_ten_and_say_so(officer):
    PortalMessageFactory.create_batch(12, user=officer)
    html = _render_include(officer)
    assert html.count('class="message-text"') == 10 and "10+" in html


# Settings: range-checked at start-up -----------------------------------------------------------------------------

TENCENT_OK = {
    "SMS_BACKEND": "tencent",
    "TENCENT_SMS_SECRET_ID": FAKE_SECRET_ID,
    "TENCENT_SMS_SECRET_KEY": FAKE_SECRET_KEY,
    "TENCENT_SMS_SDK_APP_ID": "1400006666",
    "TENCENT_SMS_SIGN_NAME": "某市安委办",
    "TENCENT_SMS_TEMPLATE_ID": "1614338",
}
BAD_MESSAGING_VALUES: list[tuple[dict[str, str | None], str]] = [
    ({"MESSAGES_MAX_RETRIES": "-1"}, "MESSAGES_MAX_RETRIES"),
    ({"MESSAGES_MAX_RETRIES": "many"}, "MESSAGES_MAX_RETRIES"),
    ({"MESSAGES_RETRY_BACKOFF_MAX_SECONDS": "5"}, "MESSAGES_RETRY_BACKOFF_MAX_SECONDS"),
    ({"MESSAGES_SEND_TIMEOUT_SECONDS": "0"}, "MESSAGES_SEND_TIMEOUT_SECONDS"),
    ({"WECOM_WEBHOOK_BASE": "ftp://qyapi.weixin.qq.com/cgi-bin/webhook/send"}, "WECOM_WEBHOOK_BASE"),
    ({"WECOM_WEBHOOK_BASE": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"}, "WECOM_WEBHOOK_BASE"),
    ({"SMS_BACKEND": "aliyun"}, "SMS_BACKEND"),
    ({"SMS_BACKEND": "tencent"}, "TENCENT_SMS_SECRET_ID"),
    ({**TENCENT_OK, "TENCENT_SMS_SECRET_KEY": None}, "TENCENT_SMS_SECRET_KEY"),
    ({**TENCENT_OK, "TENCENT_SMS_TEMPLATE_ID": "活动提醒"}, "TENCENT_SMS_TEMPLATE_ID"),
    ({"TENCENT_SMS_ENDPOINT": "https://sms.tencentcloudapi.com/v1"}, "TENCENT_SMS_ENDPOINT"),
    ({"TENCENT_SMS_PARAM_MAX_LENGTH": "1000"}, "TENCENT_SMS_PARAM_MAX_LENGTH"),
]


def test_messaging_settings_are_checked_at_start_up(tmp_path):
    from tests.core.test_settings_validation import assert_refused, dev_env, run_settings

    good = {**TENCENT_OK, "TENCENT_SMS_ENDPOINT": "http://127.0.0.1:8081", "WECOM_WEBHOOK_BASE": "http://127.0.0.1:1/"}
    cases = [overrides for overrides, _ in BAD_MESSAGING_VALUES] + [good, {"SMS_BACKEND": "File"}]
    outcomes = run_settings(dev_env(tmp_path), cases)
    for (overrides, variable), outcome in zip(BAD_MESSAGING_VALUES, outcomes, strict=False):
        assert_refused(outcome, variable, overrides)
        assert FAKE_SECRET_KEY not in outcome[1]
    assert outcomes[-2:] == [None, None]


# A real worker on the "messages" queue --------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_the_messages_queue_retries_and_delivers(unit_a, fake_service):
    from tests.worker import celery_worker, wait_for

    service = fake_service([(200, {"errcode": 45009, "errmsg": "api freq out of limit"}), (200, {"errcode": 0})])
    UnitChannelFactory(jurisdiction=unit_a)
    user = MessagePreferenceFactory(user=OfficerProfileFactory(jurisdiction=unit_a).user, wecom=True).user

    webhook = service.url + "/cgi-bin/webhook/send"
    with celery_worker(WECOM_WEBHOOK_BASE=webhook, extra_args=["-Q", "messages"]):
        notify(users=[user], key="notice:1", text="请签收通知。")  # autocommit: published at once

        def sent() -> bool:
            return MessageDelivery.objects.filter(channel="wecom", status="sent").exists()

        wait_for(sent, timeout=90, message="the robot message sent by the worker")
    assert len(service.requests) == 2
    assert MessageDelivery.objects.get(channel="wecom").attempts == 2


def test_the_sweeper_posts_each_item_of_a_unit_separately(unit_a, monkeypatch):
    users = [OfficerProfileFactory(jurisdiction=unit_a).user for _ in range(2)]
    long_ago = timezone.now() - dt.timedelta(hours=2)
    rows = [
        MessageDeliveryFactory(user=user, channel=Channel.WECOM, key=key, created_at=long_ago)
        for key in ("task:1", "task:2")
        for user in users
    ]
    published: list[list[int]] = []
    monkeypatch.setattr(deliver, "delay", published.append)
    monkeypatch.setattr(timezone, "now", lambda: long_ago + dt.timedelta(hours=1, minutes=59))
    assert services.sweep_deliveries() == 4
    assert sorted(map(sorted, published)) == [[rows[0].pk, rows[1].pk], [rows[2].pk, rows[3].pk]]
