"""Portal pages of the messaging package: the account's channel choice and marking messages as read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..views import officer_required
from . import selectors, services
from .forms import MessagePreferenceForm
from .models import PortalMessage

if TYPE_CHECKING:
    from ..types import AuthenticatedRequest


def _back(request: AuthenticatedRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "portal:home"
    return redirect(target)


@officer_required
@require_http_methods(["GET", "POST"])
def message_settings(request: AuthenticatedRequest) -> HttpResponse:
    preference = selectors.preference_for(request.user)
    form = MessagePreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        services.set_preference(user=request.user, wecom=form.cleaned_data["wecom"], sms=form.cleaned_data["sms"])
        messages.success(request, _("消息接收设置已保存。"))
        return redirect("portal:message_settings")
    profile = getattr(request.user, "officer_profile", None)
    return render(
        request,
        "portal/message_settings.html",
        {
            "form": form,
            "has_phone": bool(profile and profile.phone),
            "has_robot": selectors.unit_has_robot(request.user),
        },
    )


@officer_required
@require_POST
def message_read(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Another account's message is the same 404 as one that does not exist, and stays unread."""
    message = get_object_or_404(PortalMessage, pk=pk, user_id=request.user.pk)
    services.mark_read(user=request.user, message_id=message.pk)
    return _back(request)


@officer_required
@require_POST
def messages_read_all(request: AuthenticatedRequest) -> HttpResponse:
    services.mark_read(user=request.user)
    return _back(request)
