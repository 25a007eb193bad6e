"""One factory per model of the circulars (通报)."""

from __future__ import annotations

import datetime as dt

import factory

from committee.circular_models import Circular, CircularKind, CircularReceipt
from tests.committee.factories import IssuingAuthorityFactory
from tests.core.factories import JurisdictionFactory

SIMPLE_TABLE = {
    "columns": ["单位", "应报送（份）", "已报送（份）"],
    "rows": [["甲街道", 3, 2], ["乙街道", 4, 4]],
    "total_row": ["合计", 7, 6],
    "note": "",
}


class CircularFactory(factory.django.DjangoModelFactory):
    """A draft circular with one section whose table is given (no data source)."""

    class Meta:
        model = Circular

    kind = CircularKind.ASSESSMENT
    title = factory.Sequence(lambda n: f"关于2024年第二季度安全生产工作考核情况的通报{n}")
    authority = factory.SubFactory(IssuingAuthorityFactory)
    period_starts_on = dt.date(2024, 4, 1)
    period_ends_on = dt.date(2024, 6, 30)
    as_of = dt.date(2024, 6, 30)
    opening = "现将有关情况通报如下。"
    content = factory.LazyFunction(
        lambda: {
            "sections": [
                {"key": "s1", "source": "", "heading": "考核情况", "paragraphs": ["考核结果如下。"],
                 "table": dict(SIMPLE_TABLE), "drafted_table": None}
            ]
        }
    )  # fmt: skip
    closing = "各单位要认真整改。"


class CircularReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CircularReceipt

    circular = factory.SubFactory(CircularFactory)
    jurisdiction = factory.SubFactory(JurisdictionFactory)
