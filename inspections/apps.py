from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("隐患排查与曝光")

    def ready(self) -> None:
        from safetyportal.figures import EXPOSURE_CASES, register_figure_provider

        from . import (  # noqa: F401  (register the order builder and the demo loader)
            demo,
            documents,
            exposure_demo,
            reward_demo,
        )
        from .figures import exposure_case_figures

        register_figure_provider(EXPOSURE_CASES, _("曝光台公开典型案例"), exposure_case_figures)
