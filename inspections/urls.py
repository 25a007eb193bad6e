"""Public routes: hazard reports and the exposure pages (included at the site root)."""

from django.urls import path

from . import reward_urls, views

app_name = "inspections"

urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/track/", views.track, name="track"),
    path("exposure/", views.exposure_list, name="exposure_list"),
    path("exposure/<int:pk>/", views.exposure_detail, name="exposure_detail"),
    path("exposure/feed.atom", views.exposure_feed, name="exposure_feed"),
    path("exposure/data.json", views.exposure_data, name="exposure_data"),
    path("exposure/sitemap.xml", views.exposure_sitemap, name="exposure_sitemap"),
    path("exposure/sitemap-<int:year>-<int:month>.xml", views.exposure_sitemap_month, name="exposure_sitemap_month"),
    *reward_urls.urlpatterns,
]
