"""The inbox's filter form (收文: search by title or number, unread/unsigned)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=50)
    show = forms.ChoiceField(
        label=_("显示"),
        required=False,
        choices=[("", _("全部通知")), ("unread", _("未读")), ("unsigned", _("未签收"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("标题或发文字号")
