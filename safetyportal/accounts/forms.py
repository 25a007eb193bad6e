from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def code_field(label: StrOrPromise, required: StrOrPromise, **attrs: Any) -> forms.CharField:
    """A one-time code as typed on a phone (normalised by services.py, so the length is generous)."""
    return forms.CharField(
        label=label,
        max_length=32,
        strip=True,
        error_messages={"required": required},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", **attrs}),
    )


class CodeForm(forms.Form):
    """The second step: a 6-digit code from the authenticator app, or an 8-character recovery code."""

    code = code_field(
        _("验证码"),
        _("请输入验证码。"),
        inputmode="text",
        autocapitalize="off",
        spellcheck="false",
        autofocus=True,
    )


class EnrolForm(forms.Form):
    """The first code from a newly added authenticator, which proves it holds the secret."""

    code = code_field(_("验证器显示的6位数字"), _("请输入验证器显示的6位数字。"))


class RegenerateCodesForm(forms.Form):
    """New recovery codes are made only against a current code of the user's authenticator (services.py)."""

    code = code_field(_("验证器当前显示的6位数字"), _("请输入验证器当前显示的6位数字。"))
