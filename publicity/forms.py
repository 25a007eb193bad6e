from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyportal.images import PhotoField
from safetyportal.spreadsheets import MAX_XLSX_BYTES

from . import selectors
from .models import PublicityItem


def https_url_formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    """Form fields of a model, with links assumed https:// when typed without a scheme (Django 6's default)."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class PublicityItemAdminForm(forms.ModelForm):
    cover_upload = PhotoField(
        label=_("上传封面图"), required=False, max_files=1, help_text=_("JPEG、PNG或WebP，上传后重新编码保存")
    )

    class Meta:
        model = PublicityItem
        formfield_callback = https_url_formfield
        fields = (
            "kind",
            "channel",
            "campaign",
            "title",
            "published_on",
            "link",
            "summary",
            "is_published",
            "reads",
            "read_users",
            "shares",
            "likes",
            "wows",
            "plays",
            "placements_count",
            "copies_printed",
            "copies_distributed",
            "with_picture",
            "story_key",
            "position",
        )


class WechatImportForm(forms.Form):
    channel = forms.ModelChoiceField(
        label=_("公众号"), queryset=selectors.wechat_channels(), empty_label=None, help_text=_("文件所属的公众号")
    )
    file = forms.FileField(
        label=_("公众号后台导出的统计文件（.xlsx）"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    create_missing = forms.BooleanField(
        label=_("新增系统中没有的推文"),
        required=False,
        initial=True,
        help_text=_("不勾选时，文件中的推文必须已在系统中（按标题和发表日期匹配），否则整份文件不导入"),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_XLSX_BYTES:
            raise ValidationError(_("文件过大（超过30MB），请拆分后再导入。"))
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("请上传.xlsx文件（如为.xls或.csv，请先用Excel另存为.xlsx）。"))
        return upload.read()


class FiguresFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)
    campaign = forms.TypedChoiceField(label=_("活动"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, years: list[int], campaigns: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        choices = sorted(set(years) | {this_year}, reverse=True)
        self.fields["year"].choices = [(y, f"{y}年") for y in choices]
        self.fields["campaign"].choices = [("", _("全部活动")), *campaigns]

    def filters(self, default_year: int) -> tuple[int, int | None]:
        if not self.is_valid():
            return default_year, None
        return self.cleaned_data.get("year") or default_year, self.cleaned_data.get("campaign")


class MonthForm(forms.Form):
    month = forms.CharField(required=False, max_length=7)

    def month_value(self, default: dt.date) -> tuple[int, int]:
        if self.is_valid() and self.cleaned_data["month"]:
            try:
                parsed = dt.datetime.strptime(self.cleaned_data["month"], "%Y-%m")
            except ValueError:
                return default.year, default.month
            if 2000 <= parsed.year <= 2100:
                return parsed.year, parsed.month
        return default.year, default.month


class PublicSearchForm(forms.Form):
    q = forms.CharField(label=_("标题关键词"), required=False, max_length=selectors.MAX_SEARCH_LENGTH)
    kind = forms.ChoiceField(
        label=_("类型"),
        required=False,
        choices=[("", _("全部")), ("article", _("微信推文")), ("video", _("短视频")), ("news", _("新闻报道"))],
    )
    after = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"kind": "", "query": "", "after": None}
        return {
            "kind": self.cleaned_data["kind"],
            "query": self.cleaned_data["q"],
            "after": selectors.Cursor.decode(self.cleaned_data["after"]),
        }
