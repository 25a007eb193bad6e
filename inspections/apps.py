from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("隐患排查与曝光")

    def ready(self) -> None:
        from . import demo, documents  # noqa: F401  (register the order builder and the demo loader)
