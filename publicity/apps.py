from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = _("宣传统计")

    def ready(self) -> None:
        from safetyportal.figures import CAMPAIGN_PUBLICITY, register_figure_provider

        from . import demo, documents  # noqa: F401  (register the report builder and the demo loader)
        from .figures import campaign_publicity_figures

        register_figure_provider(CAMPAIGN_PUBLICITY, _("宣传投放情况"), campaign_publicity_figures)
