"""Demo circulars (通报): the 2024 安全生产月 returns circular issued as 晋安办〔2024〕70号 on 5 July 2024 (after the
summaries were due on 3 July, seed 002's "who did not report"), addressed to every subdistrict and town and to the
member units that had returns due, and a draft of the third quarter's combined circular for staff to edit.

Drafted through the real services from the demo's own data (the units named are those the demo's returns leave
late or missing); idempotent."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from safetyportal.demo.registry import register_demo_loader
from safetyportal.documents import services as document_services
from safetyportal.documents.models import IssuingAuthority
from safetyportal.documents.numbering import next_number, set_next_serial
from safetyportal.models import Jurisdiction, JurisdictionLevel
from safetyportal.unit_figures import JURISDICTION, MEMBER_UNIT, Period, UnitKey, quarter

from . import circular_services as services
from .circular_drafts import _provider
from .circular_models import Circular

ISSUED_TITLE = "关于2024年全市“安全生产月”活动信息报送情况的通报"
ISSUED_SERIAL = 70  # 晋安办〔2024〕70号
ISSUED_ON = dt.date(2024, 7, 5)
JUNE_2024 = Period(dt.date(2024, 6, 1), dt.date(2024, 6, 30))
AS_OF = dt.date(2024, 7, 3)  # the day the month's summaries were due
OPENING = (
    "2024年6月是第23个全国“安全生产月”。根据《关于开展2024年全市“安全生产月”活动的通知》（晋安办〔2024〕63号）"
    "要求，各街道（镇）、市安委会有关成员单位应按时报送活动方案、每周活动信息和“安全宣传咨询日”活动情况。"
    "现将活动期间信息报送情况通报如下。"
)
CLOSING = (
    "各街道（镇）、各有关单位要高度重视安全生产信息报送工作，明确专人负责，严格按照规定时限和要求报送。\n"
    "逾期报送和未报送的单位要认真查找原因，于2024年7月12日前将情况说明报送市安委办。"
    "市安委办将把信息报送情况纳入年度安全生产工作考核。"
)


def _addressees(period: Period, as_of: dt.date) -> list[UnitKey]:
    """Every subdistrict and town, and the member units that had returns due in the period."""
    towns = Jurisdiction.objects.filter(level=JurisdictionLevel.SUBDISTRICT).values_list("pk", flat=True)
    keys: list[UnitKey] = [(JURISDICTION, pk) for pk in towns]
    return_figures = _provider("campaigns.unit_figures", "return_figures", "报送情况")
    figures = return_figures(period, as_of=as_of)
    keys += sorted(key for key, value in figures.items() if key[0] == MEMBER_UNIT and value.due > 0)
    return keys


@register_demo_loader("committee.circulars", order=70)
def load_demo_circulars() -> dict[str, int]:
    User = get_user_model()
    staff = User._default_manager.filter(username="admin").first()
    authority = IssuingAuthority.objects.filter(code="晋安办").first()
    if staff is None or authority is None:
        return {}
    try:
        with transaction.atomic():
            if not Circular.objects.filter(title=ISSUED_TITLE).exists():
                circular = services.draft_from_data(
                    kind="returns", period=JUNE_2024, addressees=_addressees(JUNE_2024, AS_OF), by=staff,
                    authority=authority, as_of=AS_OF, title=ISSUED_TITLE,
                )  # fmt: skip
                circular.opening, circular.closing = OPENING, CLOSING
                circular.recipients_text = "各街道办事处、镇人民政府，市安委会有关成员单位"
                circular.contact_note = "联系人：市安委办综合科，联系电话：0595-85612345"
                circular.copy_to = "市安委会各成员单位"
                circular.save()
                if next_number(authority=authority, year=ISSUED_ON.year)[0] < ISSUED_SERIAL:
                    set_next_serial(authority=authority, year=ISSUED_ON.year, next_serial=ISSUED_SERIAL, by=staff)
                document_services.issue(circular, by=staff, issued_on=ISSUED_ON)
            q3 = quarter(2024, 3)
            if not Circular.objects.filter(status="draft", period_starts_on=q3.starts_on).exists():
                town_ids = Jurisdiction.objects.filter(level=JurisdictionLevel.SUBDISTRICT).values_list("pk", flat=True)
                towns: list[UnitKey] = [(JURISDICTION, pk) for pk in town_ids]
                try:
                    services.draft_from_data(
                        kind="combined", period=q3, addressees=towns, by=staff, authority=authority
                    )
                except ValidationError:  # a provider not installed: the returns part alone
                    services.draft_from_data(kind="returns", period=q3, addressees=towns, by=staff, authority=authority)
    except ValidationError:
        return {"通报": Circular.objects.count()}
    return {"通报": Circular.objects.count(), "已印发通报": Circular.objects.exclude(status="draft").count()}
