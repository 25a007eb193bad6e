"""The notice inbox in the officer portal, included by safetyportal.urls under /portal/inbox/ inside the ``portal``
namespace (names: ``portal:inbox``, ``portal:inbox_detail``, ``portal:inbox_pdf``, ``portal:inbox_sign``)."""

from django.urls import path

from . import inbox_views as views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.inbox_detail, name="inbox_detail"),
    path("<int:pk>/pdf/", views.inbox_pdf, name="inbox_pdf"),
    path("<int:pk>/sign/", views.inbox_sign, name="inbox_sign"),
]
