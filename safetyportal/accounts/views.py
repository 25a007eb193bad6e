"""The second login step, enrolment of an authenticator, recovery codes (see services.py for the rules)."""

from __future__ import annotations

from base64 import b32encode
from typing import TYPE_CHECKING, Any

import segno
from django.contrib import messages
from django.contrib.auth.views import LoginView, redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from ..scoping import is_office_staff
from . import services
from .forms import CodeForm, EnrolForm, RegenerateCodesForm

if TYPE_CHECKING:
    from ..types import User, UserOrAnonymous

    _LoginViewBase = LoginView
else:
    _LoginViewBase = object


class TwoStepLoginMixin(_LoginViewBase):
    """For a LoginView: a correct password starts a pending login (services.begin_login) instead of signing in; the
    browser goes on to the code step, or to enrolment when the account has no authenticator yet."""

    def form_valid(self, form: Any) -> HttpResponse:
        needs_enrolment = services.begin_login(
            self.request,
            form.get_user(),
            next_url=self.get_success_url(),
            login_url=self.request.get_full_path(),
        )
        return redirect("accounts:setup" if needs_enrolment else "accounts:verify")


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, no_store=True, private=True)
    return response


def _pending(request: HttpRequest) -> tuple[User, str] | HttpResponse:
    """(pending user, the login page it came from), or a redirect back to that page when there is no (or no longer
    a) pending login."""
    login_url = services.pending_login_url(request)
    had_pending = services.PENDING_KEY in request.session
    user = services.pending_user(request)
    if user is not None:
        return user, login_url
    if had_pending:
        messages.error(request, _("登录已超时，请重新输入用户名和密码。"))
    return redirect(login_url)


def _ended(request: HttpRequest, login_url: str) -> HttpResponse:
    messages.error(request, _("验证码错误次数过多，请重新输入用户名和密码。"))
    return redirect(login_url)


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if isinstance(pending, HttpResponse):
        return pending
    user, login_url = pending
    if services.totp_device(user) is None:
        return redirect("accounts:setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.check_code(request, user, form.cleaned_data["code"])
        if check.device is not None:
            next_url = services.complete_login(request, user, check.device)
            if check.device.persistent_id.startswith("otp_static."):
                left = services.recovery_codes_left(user)
                notice = _("您用了一个恢复码登录，还剩 %(left)d 个。请尽快在“两步验证”页面重新生成恢复码。")
                messages.warning(request, notice % {"left": left})
            return redirect(next_url)
        if check.ended:
            return _ended(request, login_url)
        form.add_error("code", check.error)
    context = {"form": form, "account": user, "login_url": login_url}
    return _private(render(request, "accounts/verify.html", context))


def _qr_data_uri(text: str) -> str:
    """The QR code drawn on the server as an SVG data URI (no external service, nothing for the CSP to allow)."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff")


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Enrolment, right after the password of an account that has no authenticator yet."""
    pending = _pending(request)
    if isinstance(pending, HttpResponse):
        return pending
    user, login_url = pending
    if services.totp_device(user) is not None:
        return redirect("accounts:verify")  # replacing a device takes a superuser's reset, never a password alone
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, codes, check = services.enrol(request, user, form.cleaned_data["code"])
        if device is not None:
            next_url = services.complete_login(request, user, device)
            services.remember_new_codes(request, codes, next_url)
            messages.success(request, _("两步验证已开启。"))
            return redirect("accounts:recovery_codes")
        if check.ended:
            return _ended(request, login_url)
        form.add_error("code", check.error)
    candidate = services.enrolment_device(user, services.enrolment_key(request))
    context = {
        "form": form,
        "account": user,
        "login_url": login_url,
        "qr": _qr_data_uri(candidate.config_url),
        "secret": _grouped(b32encode(candidate.bin_key).decode()),
    }
    return _private(render(request, "accounts/setup.html", context))


def _home_of(user: UserOrAnonymous) -> str:
    return reverse("admin:index") if is_office_staff(user) else resolve_url("portal:home")


@never_cache
@require_http_methods(["GET"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once: the session forgets them as this page is rendered."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    codes, next_url = services.take_new_codes(request)
    if not codes:
        return redirect("accounts:security")
    context = {
        "codes": [services.format_code(code) for code in codes],
        "next_url": next_url or _home_of(request.user),
    }
    return _private(render(request, "accounts/recovery_codes.html", context))


@never_cache
@require_http_methods(["GET"])
def security(request: HttpRequest) -> HttpResponse:
    """The signed-in user's second factor: their authenticator, how many recovery codes are left, new codes."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _security_page(request, request.user, RegenerateCodesForm())


def _security_page(request: HttpRequest, user: User, form: RegenerateCodesForm) -> HttpResponse:
    context = {
        "form": form,
        "device": services.totp_device(user),
        "codes_left": services.recovery_codes_left(user),
        "home_url": _home_of(user),
    }
    return _private(render(request, "accounts/security.html", context))


@never_cache
@sensitive_post_parameters("code")
@require_POST
def regenerate_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, against a current authenticator code (a session cookie alone is not enough)."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("accounts:security"))
    form = RegenerateCodesForm(request.POST)
    if form.is_valid():
        codes, error = services.confirm_and_regenerate_recovery_codes(request.user, form.cleaned_data["code"])
        if codes:
            services.remember_new_codes(request, codes, reverse("accounts:security"))
            messages.success(request, _("已生成新的恢复码，以前的恢复码全部作废。"))
            return HttpResponseRedirect(reverse("accounts:recovery_codes"))
        form.add_error("code", error)
    return _security_page(request, request.user, form)


class AdminPasswordStepView(TwoStepLoginMixin, LoginView):
    """The admin's login form (PortalAdminSite.login) as the first of two steps."""
