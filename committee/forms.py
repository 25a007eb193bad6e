from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CommitmentDoneForm(forms.Form):
    note = forms.CharField(label=_("完成情况说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
