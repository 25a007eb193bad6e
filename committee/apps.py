from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = _("安委会工作")

    def ready(self) -> None:
        # PDF builders (documents engine) and demo loaders register themselves on import.
        from . import (  # noqa: F401
            assessment_demo,
            circular_demo,
            circular_documents,
            demo,
            documents,
            supervision_demo,
            supervision_documents,
            supervision_signals,
        )
