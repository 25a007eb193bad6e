from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Logins in two steps (password, then a code from the user's authenticator app), enrolment and recovery codes.

    No models of its own: the devices are django-otp's (otp_totp, otp_static)."""

    name = "safetyportal.accounts"
    label = "accounts"
    verbose_name = _("账号安全")

    def ready(self) -> None:
        from safetyportal.apps import loads_admin

        from . import demo  # noqa: F401  (registers the demo loader that enrols the demo accounts)

        if loads_admin():  # not in a worker (PORTAL_ROLE=worker), which imports no admin module
            from .admin import attach_to_user_admin

            # The admin's autodiscover ran in PortalAdminConfig.ready() (first app): the user admin is registered now.
            attach_to_user_admin()
