"""Forms of the messaging package: an account's channel choice, a unit's group robot (staff admin)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MessagePreference, UnitChannel

_ROBOT_KEY = re.compile(r"^[A-Za-z0-9-]{8,100}$")


class MessagePreferenceForm(forms.ModelForm):
    class Meta:
        model = MessagePreference
        fields = ["wecom", "sms"]
        labels = {"wecom": _("企业微信群（本单位群机器人转发）"), "sms": _("短信（发送到登记的手机号码）")}


class UnitChannelForm(forms.ModelForm):
    """The robot key is written, never shown: an empty field keeps the stored key; "清除密钥" removes it."""

    wecom_key = forms.CharField(
        label=_("群机器人 Webhook 密钥"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("群机器人 Webhook 地址中 key= 之后的部分。留空则保留已保存的密钥；密钥加密保存，不再显示。"),
    )
    clear_key = forms.BooleanField(label=_("清除密钥"), required=False)

    class Meta:
        model = UnitChannel
        fields = ["jurisdiction", "member_unit", "group_name", "wecom_key", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["wecom_key"] = ""

    def clean_wecom_key(self) -> str:
        value = (self.cleaned_data.get("wecom_key") or "").strip()
        if "key=" in value:  # the whole webhook URL pasted: keep what follows key=
            value = value.split("key=", 1)[1].split("&", 1)[0]
        if value and not _ROBOT_KEY.match(value):
            raise forms.ValidationError(_("密钥格式不正确：应为 Webhook 地址中 key= 之后的字母、数字和连字符。"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("jurisdiction") is None) == (data.get("member_unit") is None):
            raise forms.ValidationError(_("请选择区划或成员单位（二者选一）。"))
        return data

    def save(self, commit: bool = True) -> UnitChannel:
        channel = super().save(commit=False)
        new_key = self.cleaned_data.get("wecom_key") or ""
        if self.cleaned_data.get("clear_key"):
            channel.wecom_key = ""
        elif new_key:
            channel.wecom_key = new_key
        elif channel.pk:
            channel.wecom_key = UnitChannel.objects.get(pk=channel.pk).wecom_key
        if commit:
            channel.save()
        return channel
