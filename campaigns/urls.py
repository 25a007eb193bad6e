"""Activity returns in the officer portal, included by safetyportal.urls under /portal/returns/ inside the
``portal`` namespace (names: ``portal:return_list``, ``portal:return_detail``…)."""

from django.urls import path

from . import attachment_views, views

urlpatterns = [
    path("", views.return_list, name="return_list"),
    path("export/", views.return_export, name="return_export"),
    path("reminders/read/", views.reminders_read, name="reminders_read"),
    path("new/<int:task_id>/", views.return_create, name="return_create"),
    path("<int:pk>/", views.return_detail, name="return_detail"),
    path("<int:pk>/edit/", views.return_edit, name="return_edit"),
    path("<int:pk>/submit/", views.return_submit, name="return_submit"),
    path("<int:pk>/delete/", views.return_delete, name="return_delete"),
    path("<int:pk>/photos/<int:photo_id>/", views.return_photo, name="return_photo"),
    path("<int:pk>/photos/<int:photo_id>/thumbnail/", views.return_photo_thumbnail, name="return_photo_thumbnail"),
    path("<int:pk>/photos/<int:photo_id>/delete/", views.return_photo_delete, name="return_photo_delete"),
    path("<int:pk>/attachments/<int:attachment_id>/", attachment_views.return_attachment, name="return_attachment"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/delete/",
        attachment_views.return_attachment_delete,
        name="return_attachment_delete",
    ),
]
