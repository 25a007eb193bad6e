"""Included in the portal's URLconf (namespace ``portal``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("settings/messages/", views.message_settings, name="message_settings"),
    path("messages/<int:pk>/read/", views.message_read, name="message_read"),
    path("messages/read/", views.messages_read_all, name="messages_read_all"),
]
