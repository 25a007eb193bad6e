from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = _("安委会工作")

    def ready(self) -> None:
        from . import documents  # noqa: F401  (register the interview notice builder)
