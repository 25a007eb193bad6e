from django.urls import path

from . import views

app_name = "publicity"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:campaign_id>/", views.campaign, name="campaign"),
    path("covers/<int:pk>/", views.cover, name="cover"),
]
