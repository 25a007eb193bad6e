"""Portal routes of the committee's circular part (issue 15), added to committee/urls.py (namespace "committee")."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
