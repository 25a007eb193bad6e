"""``{% rollup_note as note %}``: on an office's own return form, that its communities' and member units' accepted
returns are added to its figures automatically (campaigns.rollup), so the office reports its own activities only."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from safetyportal.models import Jurisdiction, MemberUnit

from ..cascade import office_jurisdiction

register = template.Library()


@register.simple_tag(takes_context=True)
def rollup_note(context: dict[str, Any]) -> str:
    request = context.get("request")
    office = office_jurisdiction(getattr(request, "user", None))
    if office is None:
        return ""
    if not (
        Jurisdiction.objects.filter(parent=office).exists() or MemberUnit.objects.filter(jurisdiction=office).exists()
    ):
        return ""
    return _(
        "本表只填报%(unit)s本级开展的活动。所辖社区（村）和本级成员单位在%(unit)s活动中报送并经审核通过的数据，"
        "汇总时由系统自动计入%(unit)s，请勿重复填报。"
    ) % {"unit": office.name}
