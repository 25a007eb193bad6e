"""Review 12 §8: staff download a return's or a notice's attachment only with the permission to view returns or
notices (as the admin's pages ask); a staff account of another trade's group gets 404."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from tests.campaigns.factories import ActivityReturnFactory, NoticeAttachmentFactory, ReturnAttachmentFactory
from tests.core.factories import StaffUserFactory


def _urls(task, unit_a) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    returned = ReturnAttachmentFactory(activity_return=ActivityReturnFactory(task=task, jurisdiction=unit_a))
    noticed = NoticeAttachmentFactory(issued=True, recipients=[unit_a])
    return (
        reverse("portal:return_attachment", args=[returned.activity_return_id, returned.pk]),
        reverse("portal:notice_attachment", args=[noticed.notice_id, noticed.pk]),
    )


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_staff_without_the_view_permissions_download_no_attachment(media_root, task, unit_a):
    return_url, notice_url = _urls(task, unit_a)
    client = _client(StaffUserFactory())  # staff, in no group: e.g. a training clerk's account before its role
    assert client.get(return_url).status_code == 404
    assert client.get(notice_url).status_code == 404


def test_staff_with_the_view_permissions_download_them(media_root, task, unit_a):
    return_url, notice_url = _urls(task, unit_a)
    user = StaffUserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="campaigns", codename__in=["view_activityreturn"])
    )
    client = _client(user)
    assert client.get(return_url).status_code == 200
    assert client.get(notice_url).status_code == 404
    user.user_permissions.add(Permission.objects.get(content_type__app_label="campaigns", codename="view_notice"))
    assert _client(type(user).objects.get(pk=user.pk)).get(notice_url).status_code == 200
