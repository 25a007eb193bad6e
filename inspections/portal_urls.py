"""Officer portal routes (/portal/hazards/): hazards of the officer's own jurisdiction."""

from django.urls import path

from . import portal_views

app_name = "hazards"

urlpatterns = [
    path("", portal_views.hazard_list, name="list"),
    path("new/", portal_views.hazard_create, name="create"),
    path("<int:pk>/", portal_views.hazard_detail, name="detail"),
    path("<int:pk>/transition/", portal_views.hazard_transition, name="transition"),
    path("<int:pk>/photos/<int:photo_pk>/", portal_views.hazard_photo, name="photo"),
    path("inspections-due/", portal_views.due_inspections, name="due_inspections"),
]
