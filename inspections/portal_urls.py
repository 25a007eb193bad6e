"""Officer portal routes (/portal/hazards/): hazards of the officer's own jurisdiction."""

from django.urls import path

from . import exposure_portal_views, portal_views

app_name = "hazards"

urlpatterns = [
    path("", portal_views.hazard_list, name="list"),
    path("new/", portal_views.hazard_create, name="create"),
    path("<int:pk>/", portal_views.hazard_detail, name="detail"),
    path("<int:pk>/transition/", portal_views.hazard_transition, name="transition"),
    path("<int:pk>/photos/<int:photo_pk>/", portal_views.hazard_photo, name="photo"),
    path("inspections-due/", portal_views.due_inspections, name="due_inspections"),
    # Exposure submissions by towns and the monthly media duty (package E, docs/exposure_submissions.md).
    path("exposure/", exposure_portal_views.submission_list, name="exposure_submissions"),
    path("exposure/new/", exposure_portal_views.submission_create, name="exposure_submission_create"),
    path("exposure/<int:pk>/", exposure_portal_views.submission_detail, name="exposure_submission_detail"),
    path("media-duty/", exposure_portal_views.media_duty, name="media_duty"),
]
