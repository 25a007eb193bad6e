from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from . import admin_a11y
from .accounts.services import is_verified
from .scoping import is_officer

if TYPE_CHECKING:
    from .types import User

admin_a11y.install()  # Chinese alt text on the admin's boolean icons


class PortalAdminSite(admin.AdminSite):
    """The office's admin. Subdistrict officers never enter it, even if someone ticks "staff" on their account."""

    site_title = _("安委办管理后台")
    index_title = _("工作台")

    @property
    def site_header(self) -> str:  # type: ignore[override]  # read from settings where Django has a class attribute
        return settings.OFFICE_NAME

    def register(
        self,
        model_or_iterable: type[models.Model] | Iterable[type[models.Model]],
        admin_class: type[admin.ModelAdmin[Any]] | None = None,
        **options: Any,
    ) -> None:
        """Every admin registered here accepts only its declared filters (safetyportal.admin_base, T55)."""
        from .admin_base import strict_admin_class

        super().register(model_or_iterable, strict_admin_class(admin_class or admin.ModelAdmin), **options)

    def has_permission(self, request: HttpRequest) -> bool:
        return (
            super().has_permission(request)
            and is_verified(request.user)  # the second factor (safetyportal.accounts)
            and not is_officer(request.user)
            and not hasattr(request.user, "officer_profile")
        )

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        """Django's index with the office desk on top: what needs doing today (safetyportal/desk.py)."""
        from .desk import desk

        # The admin's views are wrapped in admin_view(): only staff with the second factor get here.
        return super().index(request, {"desk": desk(cast("User", request.user)), **(extra_context or {})})

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Django's admin login, except that a correct password leads to the code step (safetyportal.accounts)
        rather than signing in."""
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        from django.contrib.admin.forms import AdminAuthenticationForm

        from .accounts.views import AdminPasswordStepView

        context = {
            **self.each_context(request),
            "title": _("登录"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
        }
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        context.update(extra_context or {})
        request.current_app = self.name
        view = AdminPasswordStepView.as_view(
            extra_context=context,
            authentication_form=self.login_form or AdminAuthenticationForm,
            template_name=self.login_template or "admin/login.html",
        )
        # as_view() is typed for any response; a LoginView answers with a page or a redirect
        return cast(HttpResponse, view(request))
