"""The officer's spreadsheet of returns masks personal data in its free-text columns exactly as the portal pages do
(SECURITY.md T64): a phone, ID number or name typed into a return's title, place or description never reaches the
downloaded file; figures and dates stay as they were."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from safetyportal.masking import mask_personal, normalise
from tests.campaigns.factories import ActivityReturnFactory

pytestmark = pytest.mark.django_db

PLACE = "灵源街道中心广场（联系人张三丰１３９ １２３４ ５６７８）"
DESCRIPTION = "负责人李建国带队，身份证350582199001011231，座机0595-85681234；发放宣传单1,200份，2024年6月16日开展。"
TITLE = "当事人王小明、赵大勇参加的宣传活动"


def test_officer_export_masks_free_text_like_the_portal_page(officer_client, task, unit_a):
    activity_return = ActivityReturnFactory(
        task=task, jurisdiction=unit_a, title=TITLE, place=PLACE, description=DESCRIPTION, participants=860
    )
    response = officer_client.get(reverse("portal:return_export"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    (row,) = list(sheet.iter_rows(min_row=2, values_only=True))
    cells = dict(zip(header, row, strict=True))
    flat = normalise("".join(str(value) for value in row if value is not None)).replace(" ", "")
    for secret in ("13912345678", "张三丰", "李建国", "350582199001011231", "85681234", "王小明", "赵大勇"):
        assert secret not in flat, secret
    assert cells["活动地点"] == mask_personal(PLACE)
    assert cells["主要做法和成效"] == mask_personal(DESCRIPTION)
    assert cells["活动名称"] == mask_personal(TITLE)
    assert "1,200份" in cells["主要做法和成效"] and "2024年6月16日" in cells["主要做法和成效"]
    assert cells["报送编号"] == activity_return.pk and cells["参与人数（人次）"] == 860  # numbers stay numbers

    # The return's detail page shows the same masked text.
    page = officer_client.get(reverse("portal:return_detail", args=[activity_return.pk])).content.decode()
    assert "13912345678" not in normalise(page).replace(" ", "") and "350582199001011231" not in page
