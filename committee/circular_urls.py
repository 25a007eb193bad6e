"""Portal routes of the circulars (/portal/committee/circulars/), added to committee/urls.py (namespace
"committee"): ``committee:circular_list``, ``committee:circular_detail``, ``committee:circular_pdf``."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import circular_views as views

urlpatterns: list[URLPattern] = [
    path("circulars/", views.circular_list, name="circular_list"),
    path("circulars/<int:pk>/", views.circular_detail, name="circular_detail"),
    path("circulars/<int:pk>/pdf/", views.circular_pdf, name="circular_pdf"),
]
