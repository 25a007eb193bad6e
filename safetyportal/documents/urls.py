"""The documents engine's public page, /verify/<token>/, in a URLconf of its own. The root URLconf includes it at
its root; the renderer reverses the link it prints on every document against this one alone
(safetyportal/documents/context.py), so that a worker building that link does not import every view of the portal
(the admin's and the apps', with import-export, openpyxl and numpy behind them)."""

from django.urls import path

from . import views

urlpatterns = [
    path("verify/<str:token>/", views.verify, name="verify"),
]
