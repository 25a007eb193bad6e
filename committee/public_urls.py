"""Public routes of supervision (挂牌督办公示), mounted at /supervision/ (namespace "supervision_public")."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import supervision_views as views

app_name = "supervision_public"

urlpatterns: list[URLPattern] = [
    path("", views.public_list, name="list"),
]
