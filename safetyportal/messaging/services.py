"""Writes of the messaging package: ``notify()`` records and enqueues, ``deliver()`` (in the worker) sends."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..masking import mask_public_text
from .models import Channel, DeliveryStatus, MessageDelivery, MessagePreference, PortalMessage, UnitChannel
from .transports import TransportError, send_wecom, sms_backend

logger = logging.getLogger(__name__)

KEY_MAX_LENGTH = 100
TEXT_MAX_LENGTH = 500


def _user_ids(users: Iterable[Any]) -> list[int]:
    ids = {user if isinstance(user, int) else user.pk for user in users}
    return sorted(pk for pk in ids if pk is not None)


def message_text(text: str) -> str:
    """What leaves the portal: third parties' numbers and names masked (``mask_public_text``), one line per line,
    at most 500 characters."""
    masked = mask_public_text(text or "").text.strip()
    return masked if len(masked) <= TEXT_MAX_LENGTH else masked[: TEXT_MAX_LENGTH - 1] + "…"


def notify(*, users: Iterable[Any], key: str, text: str, url: str = "", portal: bool = True) -> int:
    """Send ``text`` about the item ``key`` (e.g. "reminder:task:12") to each of ``users`` (users or ids): a portal
    message, plus the 企业微信 group and/or SMS each account chose. At most once per account, item, channel and day
    (Asia/Shanghai): a second call the same day sends nothing new, even concurrently (a unique constraint). The
    channels are served by the worker after the transaction commits, so the caller never waits for them.

    ``portal=False`` skips the portal message (for callers that show the item in the portal themselves).
    Returns the number of accounts that got something new."""
    key = (key or "").strip()
    if not key or len(key) > KEY_MAX_LENGTH:
        raise ValueError(f"message key must be 1 to {KEY_MAX_LENGTH} characters")
    ids = _user_ids(users)
    if not ids:
        return 0
    text = message_text(text)
    url = (url or "")[:300]
    today = timezone.localdate()
    preferences = {p.user_id: p for p in MessagePreference.objects.filter(user_id__in=ids)}
    batch = uuid.uuid4()
    rows = []
    for user_id in ids:
        channels = [Channel.PORTAL] if portal else []
        preference = preferences.get(user_id)
        if preference is not None and preference.wecom:
            channels.append(Channel.WECOM)
        if preference is not None and preference.sms:
            channels.append(Channel.SMS)
        rows += [
            MessageDelivery(user_id=user_id, key=key, channel=c, day=today, batch=batch, text=text, url=url)
            for c in channels
        ]
    if not rows:
        return 0
    with transaction.atomic():
        # ignore_conflicts: rows already there (today, or from a concurrent call) are left alone; this batch's own
        # rows are then the ones carrying its id.
        MessageDelivery.objects.bulk_create(rows, ignore_conflicts=True)
        mine = list(MessageDelivery.objects.filter(batch=batch).values_list("pk", "user_id", "channel", "key", "day"))
        portal_rows = [(row[0], row[1]) for row in mine if row[2] == Channel.PORTAL]
        if portal_rows:
            now = timezone.now()
            PortalMessage.objects.bulk_create(
                [
                    PortalMessage(user_id=user_id, key=key, text=text, url=url, created_at=now)
                    for _, user_id in portal_rows
                ]
            )
            MessageDelivery.objects.filter(pk__in=[pk for pk, _ in portal_rows]).update(
                status=DeliveryStatus.SENT, sent_at=now, attempts=1
            )
        groups = _send_groups([row for row in mine if row[2] != Channel.PORTAL])
        if groups:
            transaction.on_commit(lambda: enqueue(groups))
    return len({row[1] for row in mine})


def _units(user_ids: Iterable[int]) -> dict[int, tuple[str, int] | None]:
    """Each officer's unit as ("j", jurisdiction id) or ("m", member unit id); None for other accounts."""
    from ..models import OfficerProfile

    units: dict[int, tuple[str, int] | None] = {}
    for user_id, jurisdiction_id, member_unit_id in OfficerProfile.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "jurisdiction_id", "member_unit_id"
    ):
        units[user_id] = ("m", member_unit_id) if member_unit_id else ("j", jurisdiction_id)
    return units


def _send_groups(rows: list[tuple[int, int, str, str, dt.date]]) -> list[list[int]]:
    """Delivery ids sent together, from rows (pk, user id, channel, key, day): one SMS each; one robot post per unit,
    item and day for the accounts of that unit (the post @-mentions them), so a group never reads the same message
    once per colleague."""
    groups: list[list[int]] = []
    wecom: dict[object, list[int]] = defaultdict(list)
    units = _units([row[1] for row in rows if row[2] == Channel.WECOM])
    for pk, user_id, channel, key, day in rows:
        if channel == Channel.WECOM:
            wecom[(units.get(user_id) or ("user", user_id), key, day)].append(pk)
        else:
            groups.append([pk])
    return list(wecom.values()) + groups


def enqueue(groups: list[list[int]]) -> None:
    """Publish one worker task per group. A broker that is down is logged, never raised to the request: the
    sweeper (``sweep_deliveries``) publishes pending deliveries again."""
    from .tasks import deliver

    for ids in groups:
        try:
            deliver.delay(ids)
        except Exception:
            logger.warning("message delivery %s not queued; the sweeper will retry", ids, exc_info=True)


def _robot(unit: tuple[str, int] | None) -> UnitChannel | None:
    if unit is None:
        return None
    lookup = {"jurisdiction_id": unit[1]} if unit[0] == "j" else {"member_unit_id": unit[1]}
    channel = UnitChannel.objects.filter(is_active=True, **lookup).first()
    return channel if channel is not None and channel.wecom_key else None


def _content(delivery: MessageDelivery) -> str:
    link = f"\n{settings.SITE_URL}{delivery.url}" if delivery.url.startswith("/") else ""
    return f"【{settings.OFFICE_NAME}】{delivery.text}{link}"


def _phones(user_ids: Iterable[int]) -> dict[int, str]:
    from ..models import OfficerProfile

    return {
        user_id: phone.as_e164
        for user_id, phone in OfficerProfile.objects.filter(user_id__in=user_ids).values_list("user_id", "phone")
        if phone and getattr(phone, "is_valid", lambda: False)()
    }


def _send(deliveries: list[MessageDelivery]) -> str | None:
    """Send one group; returns why nothing could be sent (the deliveries are then skipped), or None."""
    first = deliveries[0]
    user_ids = [d.user_id for d in deliveries]
    if first.channel == Channel.WECOM:
        robot = _robot(_units(user_ids).get(first.user_id))
        if robot is None:
            return _("本单位未设置企业微信群机器人")
        phones = _phones(user_ids)
        mentions = [phones[u].removeprefix("+86") for u in user_ids if u in phones]
        send_wecom(key=str(robot.wecom_key), content=_content(first), mentioned_mobiles=mentions)
        return None
    if first.channel == Channel.SMS:
        phone = _phones(user_ids).get(first.user_id)
        if not phone:
            return _("账号未登记手机号码")
        sms_backend().send(phone=phone, text=first.text)
        return None
    return _("未知渠道")


def deliver(*, delivery_ids: list[int], final: bool = False) -> int:
    """Send the pending deliveries among ``delivery_ids`` (one group, see ``_send_groups``); returns how many were
    sent. Idempotent: rows already sent, skipped or being sent by another worker (locked) are left alone. On a
    transport error the attempt is recorded and ``TransportError`` raised for the task to retry; with ``final`` the
    rows are marked failed first."""
    error: TransportError | None = None
    with transaction.atomic():
        deliveries = list(
            MessageDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk__in=delivery_ids, status=DeliveryStatus.PENDING)
            .order_by("pk")
        )
        if not deliveries:
            return 0
        now = timezone.now()
        for delivery in deliveries:
            delivery.attempts += 1
        try:
            skipped = _send(deliveries)
        except TransportError as failure:
            error = failure
            status, reason, sent_at = (DeliveryStatus.FAILED if final else DeliveryStatus.PENDING), str(failure), None
        else:
            status = DeliveryStatus.SKIPPED if skipped else DeliveryStatus.SENT
            reason, sent_at = skipped or "", (None if skipped else now)
        for delivery in deliveries:
            delivery.status, delivery.last_error, delivery.sent_at = status, reason[:200], sent_at
        MessageDelivery.objects.bulk_update(deliveries, ["attempts", "status", "last_error", "sent_at"])
    if error is not None:
        logger.warning("message delivery %s failed: %s", delivery_ids, error)
        raise error
    return len(deliveries) if status == DeliveryStatus.SENT else 0


def sweep_deliveries(*, now: dt.datetime | None = None) -> int:
    """Publish again the deliveries still pending long after their last possible retry (a broker that was down at
    commit, a worker lost); give up on those of a previous day (a reminder is moot the day after)."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=2 * settings.MESSAGES_RETRY_BACKOFF_MAX_SECONDS + 300)
    pending = MessageDelivery.objects.filter(status=DeliveryStatus.PENDING).exclude(channel=Channel.PORTAL)
    pending.filter(day__lt=timezone.localdate(now)).update(status=DeliveryStatus.FAILED, last_error=_("过期未发送"))
    rows = list(
        pending.filter(created_at__lt=stale).order_by("pk").values_list("pk", "user_id", "channel", "key", "day")[:1000]
    )
    if rows:
        enqueue(_send_groups(rows))
    return len(rows)


def mark_read(*, user: AbstractBaseUser, message_id: int | None = None) -> int:
    """Mark one of the account's portal messages (or all of them) as read; another account's id changes nothing."""
    unread = PortalMessage.objects.filter(user_id=user.pk, read_at__isnull=True)
    if message_id is not None:
        unread = unread.filter(pk=message_id)
    return unread.update(read_at=timezone.now())


def set_preference(*, user: AbstractBaseUser, wecom: bool, sms: bool) -> MessagePreference:
    preference, _ = MessagePreference.objects.update_or_create(user_id=user.pk, defaults={"wecom": wecom, "sms": sms})
    return preference
