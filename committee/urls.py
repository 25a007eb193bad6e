"""Officer portal routes (/portal/committee/)."""

from django.urls import path

from . import views

app_name = "committee"

urlpatterns = [
    path("interviews/", views.interview_list, name="interviews"),
    path("commitments/<int:pk>/done/", views.commitment_done, name="commitment_done"),
]
