from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("培训与持证")

    def ready(self) -> None:
        from . import demo, documents  # noqa: F401  (register the list builder and the demo loader)
