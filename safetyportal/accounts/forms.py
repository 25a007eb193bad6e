from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """The second step: a 6-digit code from the authenticator app, or an 8-character recovery code."""

    code = forms.CharField(
        label=_("验证码"),
        max_length=32,
        strip=True,
        error_messages={"required": _("请输入验证码。")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class EnrolForm(forms.Form):
    """The first code from a newly added authenticator, which proves it holds the secret."""

    code = forms.CharField(
        label=_("验证器显示的6位数字"),
        max_length=32,
        strip=True,
        error_messages={"required": _("请输入验证器显示的6位数字。")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class RegenerateCodesForm(forms.Form):
    """New recovery codes are made only against a current code of the user's authenticator (services.py)."""

    code = forms.CharField(
        label=_("验证器当前显示的6位数字"),
        max_length=32,
        strip=True,
        error_messages={"required": _("请输入验证器当前显示的6位数字。")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
