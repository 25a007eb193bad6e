from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("宣传活动")

    def ready(self) -> None:
        from safetyportal.selectors import register_dashboard_section

        from . import demo, documents, inbox_selectors, selectors  # noqa: F401  (register the builders and demo data)

        register_dashboard_section("campaigns")(selectors.officer_dashboard)
        register_dashboard_section("inbox")(inbox_selectors.home_section)  # 收文 and tasks due soon, on top
        from . import cascade_demo  # noqa: F401  (灵源街道's own campaign, seed 003: the cascade's demo)
