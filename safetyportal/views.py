"""The officer portal's shell (/portal/): login, logout and the dashboard that later apps fill."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from .accounts.services import is_verified
from .accounts.views import TwoStepLoginMixin
from .front import front_page
from .scoping import is_officer, officer_unit
from .selectors import portal_dashboard

if TYPE_CHECKING:
    from .types import AuthenticatedRequest


def officer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in officers of a portal unit only: others are sent to the login page, staff are refused."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (request.user.is_authenticated and is_verified(request.user)):  # password and second factor
            return redirect_to_login(request.get_full_path())
        if not is_officer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class OfficerAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "not_officer": _("该账号不是门户单位工作人员账号。安委办工作人员请从管理后台登录。"),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not is_officer(user):
            raise forms.ValidationError(self.error_messages["not_officer"], code="not_officer")


class OfficerLoginView(TwoStepLoginMixin, auth_views.LoginView):
    """The first of two steps: a correct password leads to the code step (safetyportal.accounts)."""

    template_name = "portal/login.html"
    authentication_form = OfficerAuthenticationForm
    redirect_authenticated_user = False


class OfficerLogoutView(auth_views.LogoutView):
    pass


@require_GET
@officer_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """The unit's home page: unread notices and tasks due soon on top (the apps' dashboard sections), then the
    unit's figures."""
    return render(request, "portal/home.html", {**portal_dashboard(request.user), "unit": officer_unit(request.user)})


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "index.html", {"front": front_page()})
