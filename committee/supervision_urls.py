"""Portal routes of the committee's supervision part (issue 15), added to committee/urls.py (namespace "committee")."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import supervision_views as views

urlpatterns: list[URLPattern] = [
    path("supervision/", views.supervision_list, name="supervision_list"),
    path("supervision/<int:pk>/", views.supervision_detail, name="supervision_detail"),
    path("supervision/<int:pk>/progress/", views.supervision_progress, name="supervision_progress"),
    path("supervision/<int:pk>/extension/", views.supervision_extension, name="supervision_extension"),
    path(
        "supervision/<int:pk>/files/<int:attachment_pk>/",
        views.supervision_attachment,
        name="supervision_attachment",
    ),
    path(
        "supervision/<int:pk>/evidence/<int:evidence_pk>/",
        views.supervision_evidence,
        name="supervision_evidence",
    ),
]
