"""An office's own campaigns, tasks, reviews, boards and notices, included by safetyportal.urls under
/portal/campaigns/ inside the ``portal`` namespace (``portal:campaign_list`` …)."""

from django.urls import path

from . import portal_campaign_views as views

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("derive/<int:parent_id>/", views.campaign_derive, name="campaign_derive"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/tasks/new/", views.task_edit, name="campaign_task_create"),
    path("<int:pk>/tasks/<int:task_id>/", views.task_edit, name="campaign_task_edit"),
    path("<int:pk>/review/", views.review_list, name="campaign_review"),
    path("<int:pk>/board/", views.board, name="campaign_board"),
    path("review/<int:pk>/", views.review_detail, name="campaign_review_detail"),
    path("notices/", views.notice_list, name="office_notices"),
    path("notices/new/", views.notice_edit, name="office_notice_create"),
    path("notices/<int:pk>/", views.notice_issue, name="office_notice_issue"),
    path("notices/<int:pk>/edit/", views.notice_edit, name="office_notice_edit"),
    path("notices/<int:pk>/preview/", views.notice_preview, name="office_notice_preview"),
    path("notices/<int:pk>/remind/", views.notice_remind, name="office_notice_remind"),
    path("notices/<int:pk>/documents/<int:document_id>/", views.notice_document, name="office_notice_document"),
]
