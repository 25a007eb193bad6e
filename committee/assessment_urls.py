"""Portal routes of the committee's assessment part (issue 15), added to committee/urls.py (namespace "committee")."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import assessment_views

urlpatterns: list[URLPattern] = [
    path("assessment/", assessment_views.assessment_mine, name="assessment_mine"),
]
