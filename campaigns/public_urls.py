"""Public 通知公告 pages, included at /notices/ (namespace ``notices``)."""

from django.urls import path

from . import public_views

app_name = "notices"

urlpatterns = [
    path("", public_views.notice_list, name="list"),
    path("<int:pk>/", public_views.notice_detail, name="detail"),
    path("<int:pk>/pdf/", public_views.notice_pdf, name="pdf"),
]
