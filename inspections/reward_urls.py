"""Public route of the reward ledger: the claim page (凭查询码领取举报奖励). Included by inspections/urls.py
(namespace ``inspections``)."""

from django.urls import path

from . import reward_views

urlpatterns = [
    path("report/reward/", reward_views.reward_claim, name="reward_claim"),
]
