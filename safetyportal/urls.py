from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

from . import health, metrics, views

portal_patterns: tuple[list[URLPattern | URLResolver], str] = (
    [
        path("", views.home, name="home"),
        path("login/", views.OfficerLoginView.as_view(), name="login"),
        path("logout/", views.OfficerLogoutView.as_view(), name="logout"),
        path("returns/", include("campaigns.urls")),
        path("notices/", include("campaigns.attachment_urls")),  # notices/<id>/attachments/<id>/
        path("", include("safetyportal.messaging.urls")),  # settings/messages/, messages/<id>/read/
        path("inbox/", include("campaigns.inbox_urls")),
        path("campaigns/", include("campaigns.portal_campaign_urls")),  # an office's own campaigns (cascade)
    ],
    "portal",
)

urlpatterns = [
    path("", views.index, name="index"),
    # Browsers ask for /favicon.ico on every site whatever the page says.
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.ico", permanent=True)),
    # Monitoring (docs/monitoring.md): liveness, readiness, Prometheus metrics (monitoring networks only).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("portal/", include(portal_patterns)),
    path("accounts/", include("safetyportal.accounts.urls")),
    path("", include("safetyportal.documents.urls")),  # verify/<token>/
    path("portal/hazards/", include("inspections.portal_urls")),
    path("portal/committee/", include("committee.urls")),
    path("supervision/", include("committee.public_urls")),  # 挂牌督办公示 (public listing)
    path("", include("inspections.urls")),
    path("certificates/", include("training.urls")),
    path("publicity/", include("publicity.urls")),
    path("notices/", include("campaigns.public_urls")),  # 通知公告 (public notices)
]
