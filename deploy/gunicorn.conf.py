"""gunicorn settings for the portal: `gunicorn -c deploy/gunicorn.conf.py` (deploy/systemd/portal-web.service).

Under systemd the listening socket comes from portal-web.socket (socket activation: gunicorn takes the descriptor
systemd passes and ignores ``bind``); started by hand it listens on loopback only. nginx (deploy/nginx/portal.conf)
is always in front: it buffers uploads and slow clients, so that synchronous workers are never held by a slow phone.
"""

from __future__ import annotations

import multiprocessing
import os

wsgi_app = "safetyportal.wsgi:application"
bind = ["127.0.0.1:8000"]
# One worker per request at a time; 2 x cores + 1 keeps the CPUs busy while some wait on PostgreSQL.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
# A request taking longer than this is killed (nginx gives up at 75 s): photo processing of a full return form
# takes a few seconds (benchmarks/README.md), PDFs are made by the Celery workers, not here.
timeout = 60
graceful_timeout = 30
# Workers are replaced after this many requests (plus a random part, so they do not all restart together).
max_requests = 1000
max_requests_jitter = 100
# Logs go to stderr, i.e. the journal; nginx writes the access log.
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
# The request line and headers a client may send (defaults), stated here so that nginx's limits are the larger.
limit_request_line = 4094
limit_request_fields = 100
proc_name = "portal-web"


def child_exit(server: object, worker: object) -> None:
    """A worker that exits leaves its gauges behind in PROMETHEUS_MULTIPROC_DIR (safetyportal/metrics.py)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
