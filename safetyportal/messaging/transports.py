"""How a message leaves the portal: the 企业微信 group robot (its documented webhook) and SMS backends.

Every failure a retry may cure is raised as ``TransportError`` with a short reason that never contains a secret (the
robot's key travels in the URL, so network errors are reported by their class name only)."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any, Protocol

import requests
from django.conf import settings
from django.utils import timezone

from ..validators import mask_phone

logger = logging.getLogger(__name__)

WECOM_TEXT_MAX_BYTES = 2048  # the robot's documented limit for msgtype "text" (UTF-8)


class TransportError(Exception):
    """A send that failed and may succeed later (the worker retries it with backoff)."""


def _truncate_utf8(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", "ignore") + "…"


# 企业微信 group robot ------------------------------------------------------------------------------------------------


def wecom_payload(content: str, mentioned_mobiles: list[str] | None = None) -> dict[str, Any]:
    text: dict[str, Any] = {"content": _truncate_utf8(content, WECOM_TEXT_MAX_BYTES)}
    if mentioned_mobiles:
        text["mentioned_mobile_list"] = mentioned_mobiles
    return {"msgtype": "text", "text": text}


def send_wecom(*, key: str, content: str, mentioned_mobiles: list[str] | None = None) -> None:
    """POST a text message to the group robot ``key`` (``WECOM_WEBHOOK_BASE?key=…``); errcode 0 is success."""
    try:
        response = requests.post(
            settings.WECOM_WEBHOOK_BASE,
            params={"key": key},
            json=wecom_payload(content, mentioned_mobiles),
            timeout=settings.MESSAGES_SEND_TIMEOUT_SECONDS,
        )
    except requests.RequestException as error:  # its message holds the URL, i.e. the key: keep only the class
        raise TransportError(f"企业微信网络错误（{type(error).__name__}）") from None
    if response.status_code != 200:
        raise TransportError(f"企业微信 HTTP {response.status_code}")
    try:
        answer = response.json()
        errcode = int(answer.get("errcode", -1))
    except (ValueError, AttributeError, TypeError):
        raise TransportError("企业微信应答无法解析") from None
    if errcode != 0:
        raise TransportError(f"企业微信 errcode {errcode}：{str(answer.get('errmsg', ''))[:80]}")


# SMS ------------------------------------------------------------------------------------------------------------


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str, sensitive: bool = False) -> None:
        """Send ``text`` to ``phone`` (E.164, "+8613800001111"); raise ``TransportError`` on failure. A
        ``sensitive`` text (e.g. a hazard report's tracking code) is never written to a log."""


class ConsoleSmsBackend:
    """Development default: one log line, the number masked (and the text too when it is sensitive)."""

    def send(self, *, phone: str, text: str, sensitive: bool = False) -> None:
        shown = "（内容含查询码，已隐去）" if sensitive else text
        logger.info("SMS to %s: %s", mask_phone(phone.removeprefix("+86")), shown)


class FileSmsBackend:
    """Appends one JSON line per message to ``SMS_FILE_DIR/sms-YYYY-MM-DD.jsonl`` (tests, demos, audits)."""

    _lock = threading.Lock()

    def send(self, *, phone: str, text: str, sensitive: bool = False) -> None:
        folder = Path(settings.SMS_FILE_DIR)
        now = timezone.localtime()
        line = json.dumps({"at": now.isoformat(), "phone": phone, "text": text}, ensure_ascii=False)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with self._lock, (folder / f"sms-{now:%Y-%m-%d}.jsonl").open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError as error:
            raise TransportError(f"短信文件无法写入（{type(error).__name__}）") from None


class TencentSmsBackend:
    """Tencent Cloud SMS (API 2021-01-11, ``SendSms``) through its official SDK. The message text is the single
    parameter of the approved template ``TENCENT_SMS_TEMPLATE_ID`` (e.g. "{1}，请登录门户查看。")."""

    def _client(self) -> Any:
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        scheme, _, endpoint = settings.TENCENT_SMS_ENDPOINT.partition("://")
        http = HttpProfile(protocol=scheme, endpoint=endpoint, reqTimeout=settings.MESSAGES_SEND_TIMEOUT_SECONDS)
        profile = ClientProfile(httpProfile=http)
        cred = credential.Credential(settings.TENCENT_SMS_SECRET_ID, settings.TENCENT_SMS_SECRET_KEY)
        return sms_client.SmsClient(cred, settings.TENCENT_SMS_REGION, profile)

    def send(self, *, phone: str, text: str, sensitive: bool = False) -> None:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.sms.v20210111 import models

        limit = settings.TENCENT_SMS_PARAM_MAX_LENGTH
        parameter = text if not limit or len(text) <= limit else text[: limit - 1] + "…"
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [phone]
        request.SmsSdkAppId = settings.TENCENT_SMS_SDK_APP_ID
        request.SignName = settings.TENCENT_SMS_SIGN_NAME
        request.TemplateId = settings.TENCENT_SMS_TEMPLATE_ID
        request.TemplateParamSet = [parameter]
        try:
            response = self._client().SendSms(request)
        except TencentCloudSDKException as error:
            raise TransportError(f"腾讯云短信 {error.get_code()}") from None
        statuses = response.SendStatusSet or []
        if not statuses or statuses[0].Code != "Ok":
            code = statuses[0].Code if statuses else "NoStatus"
            raise TransportError(f"腾讯云短信 {code}")


SMS_BACKENDS: dict[str, type] = {
    "console": ConsoleSmsBackend,
    "file": FileSmsBackend,
    "tencent": TencentSmsBackend,
}


def sms_backend() -> SmsBackend:
    return SMS_BACKENDS[settings.SMS_BACKEND]()
