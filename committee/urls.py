"""Officer portal routes (/portal/committee/). Each part of the toolkit keeps its routes in its own module."""

from django.urls import path

from . import assessment_urls, circular_urls, supervision_urls, views

app_name = "committee"

urlpatterns = [
    path("", views.hub_page, name="hub"),
    path("interviews/", views.interview_list, name="interviews"),
    path("commitments/<int:pk>/done/", views.commitment_done, name="commitment_done"),
    *supervision_urls.urlpatterns,
    *circular_urls.urlpatterns,
    *assessment_urls.urlpatterns,
]
