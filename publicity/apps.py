from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = _("宣传统计")

    def ready(self) -> None:
        from . import demo, documents  # noqa: F401  (register the report builder and the demo loader)
