"""The public reward claim page (/report/reward/): the reporter proves the claim with the tracking code and gives the
payment details, which are encrypted at once and never shown back. Throttled like the tracking page; POST with CSRF;
a wrong code and a report without a reward get the same answer; responses are never cached."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from safetyportal.throttle import hit, too_many_requests
from safetyportal.validators import IdNumberFormField

from . import reward_selectors, reward_services
from .reward_models import PaymentMethod, RewardClaim, RewardStatus
from .views import TRACK_RATES

TEMPLATE = "inspections/reward_claim.html"
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
SENSITIVE = ("code", "payee_name", "id_number", "bank_name", "account", "phone")


class RewardCodeForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}),
    )


class RewardClaimForm(RewardCodeForm):
    payee_name = forms.CharField(label=_("领奖人姓名"), max_length=32)
    id_number = IdNumberFormField(label=_("身份证号码"), widget=forms.TextInput(attrs={"autocomplete": "off"}))
    payment_method = forms.ChoiceField(
        label=_("领取方式"), choices=PaymentMethod.choices, widget=forms.RadioSelect, initial=PaymentMethod.BANK
    )
    bank_name = forms.CharField(label=_("开户银行"), max_length=64, required=False)
    account = forms.CharField(
        label=_("银行账号"),
        max_length=40,
        required=False,
        help_text=_("户名须为领奖人本人"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    phone = forms.CharField(label=_("联系电话"), max_length=20)

    def clean_phone(self) -> str:
        phone = re.sub(r"[\s-]", "", self.cleaned_data.get("phone", ""))
        if not (MOBILE.match(phone) or LANDLINE.match(phone)):
            raise forms.ValidationError(_("请输入有效的手机号码或固定电话。"))
        return phone

    def clean_account(self) -> str:
        account = re.sub(r"[\s-]", "", self.cleaned_data.get("account", ""))
        if account and not re.fullmatch(r"\d{12,30}", account):
            raise forms.ValidationError(_("银行账号应为12至30位数字。"))
        return account

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        bank = data.get("payment_method") == PaymentMethod.BANK
        if bank and not (data.get("bank_name") and data.get("account")) and not self.has_error("account"):
            self.add_error("account", _("银行转账须填写开户银行和银行账号。"))
        return data


def _no_store(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, no_store=True, private=True)
    return response


@sensitive_post_parameters(*SENSITIVE)
@sensitive_variables()  # every frame below the view: the payment details passed to the service too
@require_http_methods(["GET", "POST"])
def reward_claim(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _no_store(render(request, TEMPLATE, {"code_form": RewardCodeForm()}))
    if hit(request, "reward-claim", TRACK_RATES):
        return too_many_requests(request)
    claiming = request.POST.get("action") == "claim"
    code_form = RewardCodeForm(request.POST)
    reward = None
    if code_form.is_valid():
        reward = reward_selectors.reward_for_code(code_form.cleaned_data["code"])
    if reward is None:
        # A wrong code, a report without a reward and a voided reward look the same.
        return _no_store(render(request, TEMPLATE, {"code_form": RewardCodeForm(), "not_found": True}))
    context: dict[str, Any] = {
        "reward": reward,
        "amount": reward_services.yuan(reward.amount),
        "paid": reward.status == RewardStatus.PAID,
    }
    claim_received = RewardClaim.objects.filter(reward=reward).exists()  # (never loads the encrypted values)
    if reward.status == RewardStatus.PAID:
        return _no_store(render(request, TEMPLATE, context))
    if not claiming:
        context.update(claim_form=RewardClaimForm(initial={"code": code_form.cleaned_data["code"]}))
        context["claim_received"] = claim_received
        return _no_store(render(request, TEMPLATE, context))
    form = RewardClaimForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            reward_services.submit_claim(
                reward=reward,
                payee_name=data["payee_name"],
                id_number=data["id_number"],
                payment_method=data["payment_method"],
                bank_name=data["bank_name"],
                account=data["account"],
                phone=data["phone"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
            else:
                form.add_error(None, error.messages)
        else:
            return _no_store(render(request, TEMPLATE, {"done": True}))
    # Shown again with its errors but without what was typed: no ID number, account or phone in the page.
    data = request.POST.copy()
    for name in ("payee_name", "id_number", "bank_name", "account", "phone"):
        data.pop(name, None)
    form.data = data
    context.update(claim_form=form, claim_received=claim_received)
    return _no_store(render(request, TEMPLATE, context, status=400))
