"""A test-only URLconf: the project's routes plus a view that raises (for the 500 page) and a few object routes
(for testing the route inventory itself). Used with ``override_settings(ROOT_URLCONF=…)``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path

from safetyportal.urls import urlpatterns as project_urlpatterns

BOOM_MARKER = "probe-boom-7f3c1e secret detail that must never reach the browser"


def boom(request: HttpRequest) -> HttpResponse:
    local_value = "probe-local-variable-5d2a"  # noqa: F841 (a debug page would show locals)
    raise RuntimeError(BOOM_MARKER)


def ok(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("ok")


probe_portal_patterns = (
    [path("probe/<slug:token>/", ok, name="probe_token")],
    "probe",
)

urlpatterns = [
    path("boom/", boom, name="boom"),
    path("probe/<int:pk>/", ok, name="probe_object"),
    re_path(r"^probe/year/(?P<year>[0-9]{4})/$", ok, name="probe_year"),
    path("portal/", include(probe_portal_patterns)),
    *project_urlpatterns,
]
