"""Notice attachments in the officer portal, included by safetyportal.urls under /portal/notices/ inside the
``portal`` namespace (``portal:notice_attachment``)."""

from django.urls import path

from . import attachment_views

urlpatterns = [
    path(
        "<int:notice_pk>/attachments/<int:attachment_id>/",
        attachment_views.notice_attachment,
        name="notice_attachment",
    ),
]
