from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("c/<str:token>/", views.token_result, name="token"),
    path("c/<str:token>/report/", views.report_fake, name="report"),
    path("lists/", views.lists, name="lists"),
    path("lists/<slug:code>/", views.list_detail, name="list_detail"),
    path("lists/<slug:code>/pdf/", views.list_pdf, name="list_pdf"),
]
