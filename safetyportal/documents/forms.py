"""Forms of the number register's admin pages (set the next serial, reserve a number)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import IssuingAuthority
from .numbering import MAX_SERIAL


def _this_year() -> int:
    return timezone.localdate().year


class _RegisterForm(forms.Form):
    authority = forms.ModelChoiceField(
        label=_("发文机关"), queryset=IssuingAuthority.objects.filter(is_active=True), empty_label=None
    )
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2999, initial=_this_year)


class NextSerialForm(_RegisterForm):
    next_serial = forms.IntegerField(
        label=_("下一序号"),
        min_value=1,
        max_value=MAX_SERIAL,
        help_text=_("门户下一次印发将使用此序号。跳过的序号登记为“门户外已编号”，设定后不能改小。"),
    )
    note = forms.CharField(
        label=_("说明"), max_length=120, required=False, help_text=_("如：与纸质发文登记簿衔接（已用至62号）")
    )


class ReserveForm(_RegisterForm):
    serial = forms.IntegerField(
        label=_("序号"), min_value=1, max_value=MAX_SERIAL, required=False, help_text=_("留空则预留下一个可用序号")
    )
    title = forms.CharField(label=_("文件标题"), max_length=200, required=False)
    note = forms.CharField(label=_("预留说明"), max_length=200, help_text=_("如：纸质发文，经办人及用途"))
