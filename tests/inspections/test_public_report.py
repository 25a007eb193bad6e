"""The public report form (/report/) and the tracking page (/report/track/): photos re-encoded without EXIF or GPS,
a tracking code of 128 bits stored hashed, rate limits, the honeypot, and nothing saved on bad input."""

from __future__ import annotations

import hashlib
import io
import json
import math

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from inspections import selectors, services
from inspections.models import Hazard, HazardPhoto, HazardSource, HazardStatus, PublicReport, ReporterIdentity
from tests.core.factories import JurisdictionFactory, StaffUserFactory
from tests.inspections.conftest import GPS_IFD, jpeg_with_exif

pytestmark = pytest.mark.django_db

REPORT_URL = "/report/"
TRACK_URL = "/report/track/"


@pytest.fixture
def township(db):
    return JurisdictionFactory(name="灵源街道")


def report_data(township, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "category": "ebike",
        "jurisdiction": str(township.pk),
        "place": "灵源街道某小区3号楼楼道",
        "description": "楼道里每天晚上都有电动车充电，电线从二楼窗户拉下来。",
        "anonymous": "on",
        "name": "",
        "phone": "",
        "website": "",
    }
    data.update(overrides)
    return data


def photos(count: int) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(f"IMG_{n}.jpg", jpeg_with_exif(color), content_type="image/jpeg")
        for n, color in zip(range(count), ["red", "green", "blue", "white", "black", "gray"], strict=False)
    ]


def submit(client: Client, township, files=(), **overrides):  # type: ignore[no-untyped-def]
    return client.post(REPORT_URL, {**report_data(township, **overrides), "photos": list(files)})


def tracking_code(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    start = html.index('id="tracking-code">') + len('id="tracking-code">')
    return html[start : html.index("</p>", start)].strip()


def test_the_form_is_chinese_and_mobile_ready(client):
    response = client.get(REPORT_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "安全隐患随手拍" in html and "匿名举报" in html
    assert 'name="viewport"' in html
    assert "multiple" in html and 'accept="image/jpeg,image/png,image/webp"' in html


def test_an_anonymous_report_with_three_photos_arrives_with_exif_removed(client, township, exif_jpeg):
    response = submit(client, township, photos(3))

    assert response.status_code == 200, response.content.decode()[:2000]
    report = PublicReport.objects.get()
    hazard = report.hazard
    assert hazard.source == HazardSource.PUBLIC and hazard.status == HazardStatus.ACCEPTED
    assert report.is_anonymous and not ReporterIdentity.objects.exists()
    stored = list(HazardPhoto.objects.filter(hazard=hazard))
    assert len(stored) == 3 and {p.stage for p in stored} == {"report"}
    for photo in stored:
        for name in (photo.image, photo.thumbnail):
            assert name.startswith("derived/hazards/report/")
            data = default_storage.open(name).read()
            with Image.open(io.BytesIO(data)) as image:
                assert image.format == "JPEG"
                assert not image.getexif(), name
                assert not image.getexif().get_ifd(GPS_IFD)
                assert "comment" not in image.info
            for marker in (b"Exif", b"CanaryPhone", b"Model-GPS-Leak", b"secret comment"):
                assert marker not in data, (name, marker)


def test_the_tracking_code_has_128_bits_is_shown_once_and_stored_hashed(client, township):
    response = submit(client, township)
    code = tracking_code(response)

    groups = code.split("-")
    assert [len(group) for group in groups] == [4] * 7  # read in groups of four
    raw = "".join(groups)
    assert set(raw) <= set(services.TRACKING_ALPHABET) and not set(raw) & set("01OIL")
    assert len(raw) * math.log2(len(services.TRACKING_ALPHABET)) >= 128
    report = PublicReport.objects.get()
    assert report.tracking_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert code not in str(PublicReport.objects.values_list().get())
    assert response.headers["Cache-Control"].count("no-store") == 1
    assert "Location" not in response.headers  # never put in a URL


def test_a_tracking_code_reveals_only_its_own_report(client, township):
    first = tracking_code(submit(client, township, description="第一条举报：商场消防通道堵塞，杂物很多。"))
    second = tracking_code(submit(client, township, description="第二条举报：夜市煤气罐放在炉子旁边。"))
    one, two = PublicReport.objects.order_by("pk")
    staff_user = StaffUserFactory(is_superuser=True)
    services.transition_hazard(hazard=two.hazard, to_status="verifying", by=staff_user, reason="转属地核查")

    page = client.post(TRACK_URL, {"code": first}).content.decode()
    assert one.hazard.number in page and two.hazard.number not in page
    assert "已受理" in page and "核查中" not in page
    assert "商场消防通道" not in page  # the status history only: not even the report's own text
    page = client.post(TRACK_URL, {"code": second}).content.decode()
    assert two.hazard.number in page and one.hazard.number not in page and "核查中" in page
    assert "转属地核查" not in page  # reasons are internal
    page = client.post(TRACK_URL, {"code": first[:-1] + ("A" if first[-1] != "A" else "B")}).content.decode()
    assert "未找到" in page and one.hazard.number not in page


def test_the_tracking_page_is_a_post_form_and_guesses_are_rate_limited(client, township):
    assert 'method="post"' in client.get(TRACK_URL).content.decode()
    assert client.get(TRACK_URL, {"code": "x" * 22}).status_code == 200  # a code in the URL is ignored
    statuses = [client.post(TRACK_URL, {"code": f"guess-{n:020d}"}).status_code for n in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert other.post(TRACK_URL, {"code": "guess-" + "0" * 20}).status_code == 200


def test_the_sixth_report_within_an_hour_from_one_address_is_refused(client, township):
    statuses = [submit(client, township).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert "请求过于频繁" in submit(client, township).content.decode()
    assert PublicReport.objects.count() == 5
    assert submit(Client(REMOTE_ADDR="10.9.9.9"), township).status_code == 200


def test_reports_behind_a_trusted_proxy_are_counted_per_client(settings, township):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(50):
        client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        assert submit(client, township).status_code == 200
    assert PublicReport.objects.count() == 50


def test_a_filled_honeypot_is_silently_dropped(client, township):
    response = submit(client, township, photos(1), website="http://spam.example")
    assert response.status_code == 200
    assert "举报已提交" in response.content.decode() and len(tracking_code(response)) >= 22
    assert not Hazard.objects.exists() and not HazardPhoto.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description": "太短"}, "隐患描述至少需要10个字"),
        ({"category": "nuclear"}, "选择一个有效的选项"),
        ({"jurisdiction": "999999"}, "选择一个有效的选项"),
        ({"place": ""}, "这个字段是必填项"),
        ({"anonymous": "", "name": "张三", "phone": ""}, "实名举报请填写姓名和联系电话"),
        ({"anonymous": "", "name": "张三", "phone": "12345"}, "请输入有效的手机号码或固定电话"),
    ],
)
def test_bad_input_saves_nothing_and_says_why_in_chinese(client, township, overrides, message):
    response = submit(client, township, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Hazard.objects.exists()


def test_bad_photos_save_nothing(client, township):
    gif = SimpleUploadedFile("a.jpg", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/jpeg")
    response = submit(client, township, [gif])
    assert response.status_code == 400
    assert "只接受JPEG、PNG或WebP格式的照片" in response.content.decode()
    response = submit(client, township, photos(6))
    assert response.status_code == 400 and "最多上传5张照片" in response.content.decode()
    assert not Hazard.objects.exists() and not HazardPhoto.objects.exists()


def test_a_named_report_keeps_the_identity_apart_and_out_of_the_text(client, township):
    response = submit(
        client,
        township,
        anonymous="",
        name="岑哨兵",
        phone="139-0000-0003",
        description="楼下超市天天在店里给电动车充电。我是岑哨兵，电话13900000003，可以联系我。",
        place="岑哨兵家楼下的超市",
    )
    assert response.status_code == 200
    report = PublicReport.objects.get()
    assert not report.is_anonymous
    assert ReporterIdentity.objects.get(report=report).name == "岑哨兵"
    hazard = report.hazard
    for text in (hazard.description, hazard.address, report.place):
        assert "岑哨兵" not in text and "13900000003" not in text
    assert "岑哨兵" not in response.content.decode()


def test_report_for_code_ignores_silly_codes():
    assert selectors.report_for_code("") is None
    assert selectors.report_for_code("x" * 500) is None


def test_the_tracking_code_is_read_as_people_type_it(client, township):
    code = tracking_code(submit(client, township))
    raw = code.replace("-", "")
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in raw.lower())
    for typed in (code, code.lower(), raw, " ".join(code.split("-")), code.replace("-", "."), full_width):
        page = client.post(TRACK_URL, {"code": typed}).content.decode()
        assert "未找到" not in page, typed


def test_a_code_of_the_old_form_is_still_found(client, township):
    legacy = "Ab3_k9-ZZq1xYw2Pq8rTtA"  # secrets.token_urlsafe(16), the form before the readable alphabet
    submit(client, township)
    PublicReport.objects.update(tracking_hash=hashlib.sha256(legacy.encode()).hexdigest())
    assert "未找到" not in client.post(TRACK_URL, {"code": legacy}).content.decode()
    assert "未找到" in client.post(TRACK_URL, {"code": legacy.lower()}).content.decode()  # it stays case-sensitive


def test_the_done_page_offers_a_copy_button(client, township):
    html = submit(client, township).content.decode()
    assert 'data-copy-target="tracking-code"' in html and "js/copy-code.js" in html


def real_name(township, **overrides):  # type: ignore[no-untyped-def]
    return report_data(township, anonymous="", name="张三", phone="138 0000 1111", **overrides)


@pytest.fixture(autouse=True)
def broker(monkeypatch):  # type: ignore[no-untyped-def]
    """What would reach the broker; the worker's side runs at once."""
    from inspections import tasks

    sent: list = []

    def delay(sealed: str) -> None:
        sent.append(sealed)
        services.send_tracking_code_sms(sealed)

    monkeypatch.setattr(tasks.send_tracking_code_sms, "delay", delay)
    return sent


def test_a_real_name_reporter_may_have_the_code_sent_by_sms(
    client, township, settings, tmp_path, django_capture_on_commit_callbacks, broker
):
    settings.SMS_BACKEND, settings.SMS_FILE_DIR = "file", tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REPORT_URL, real_name(township, sms_code="on"))
    code = tracking_code(response)
    (sent,) = [json.loads(line) for path in tmp_path.iterdir() for line in path.read_text().splitlines()]
    assert sent["phone"] == "+8613800001111" and code in sent["text"]
    (sealed,) = broker
    assert code not in sealed and code.replace("-", "") not in sealed and "13800001111" not in sealed
    assert code not in str(list(PublicReport.objects.values_list())) + str(list(Hazard.objects.values_list()))


def test_the_console_backend_never_logs_the_code(
    client, township, settings, caplog, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "console"
    with caplog.at_level("INFO"), django_capture_on_commit_callbacks(execute=True):
        code = tracking_code(client.post(REPORT_URL, real_name(township, sms_code="on")))
    assert "SMS to" in caplog.text
    assert code not in caplog.text and code.replace("-", "") not in caplog.text and "13800001111" not in caplog.text


def test_sms_only_for_a_mobile_and_never_for_an_anonymous_report(
    client, township, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND, settings.SMS_FILE_DIR = "file", tmp_path
    landline = report_data(township, anonymous="", name="张三", phone="0595-88881234", sms_code="on")
    response = client.post(REPORT_URL, landline)
    assert response.status_code == 400 and "短信只能发到手机号码" in response.content.decode()
    assert not PublicReport.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REPORT_URL, report_data(township, sms_code="on"))  # anonymous: the box is ignored
    assert PublicReport.objects.count() == 1 and not list(tmp_path.iterdir())
