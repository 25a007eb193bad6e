from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .scoping import is_officer


class PortalAdminSite(admin.AdminSite):
    """The office's admin. Subdistrict officers never enter it, even if someone ticks "staff" on their account."""

    site_title = _("安委办管理后台")
    index_title = _("工作台")

    @property
    def site_header(self) -> str:  # type: ignore[override]
        return settings.OFFICE_NAME

    def has_permission(self, request: HttpRequest) -> bool:
        return (
            super().has_permission(request)
            and not is_officer(request.user)
            and not hasattr(request.user, "officer_profile")
        )
