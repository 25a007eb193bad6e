"""/healthz and /readyz for load balancers, process supervisors and monitoring (docs/monitoring.md).

- ``/healthz`` (liveness): the process answers. No database, cache or file access, so it stays cheap and never
  fails because something else is down; restart the process only when this fails.
- ``/readyz`` (readiness): database, cache, broker, a recent heartbeat from a worker of every queue, and no document
  waiting longer than the sweeper period (safetyportal/probes.py). 200 when everything holds, 503 otherwise, with one
  line per check. One query and two Redis round trips, each with its own timeout. Like /metrics it answers only the
  monitoring networks (METRICS_ALLOWED_NETWORKS; anyone else gets the ordinary 404): it shows internal state and
  costs a query, while /healthz, for load balancers, is open and free.

Both answer JSON without personal data, are never cached, set no cookie, are not rate-limited and run behind
ALLOWED_HOSTS like every other page (a probe sends the portal's host name)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import probes
from .metrics import is_monitoring_address
from .net import client_ip


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    if not is_monitoring_address(client_ip(request)):
        raise Http404  # internal state and a query per call: for the monitoring networks, like /metrics
    readiness = probes.readiness()
    return JsonResponse(readiness.as_dict(), status=200 if readiness.ok else 503)
