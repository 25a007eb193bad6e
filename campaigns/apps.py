from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("宣传活动")

    def ready(self) -> None:
        from . import demo, documents  # noqa: F401  (register the notice builder and the demo notices)
