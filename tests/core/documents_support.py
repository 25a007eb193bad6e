"""Helpers for tests of the documents engine."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from campaigns.models import Notice, NoticeStatus
from safetyportal.documents.models import IssuingAuthority
from safetyportal.models import Jurisdiction, JurisdictionLevel

NOTICE_BODY = """今年6月是第23个全国“安全生产月”，主题是“人人讲安全、个个会应急——畅通生命通道”，6月16日为全国“安全宣传咨询日”。
一、深入宣传贯彻习近平总书记关于安全生产重要论述
各社区、有关单位和各企业主要负责人要组织开展学习，把理论学习成果转化为谋划推动工作的创新思路、务实举措、有效方法。
二、广泛宣传发动，深入开展应急演练活动
（一）聚焦“畅通生命通道”这一主要内容，组织开展宣传、演练和整治行动。
（二）社区、学校等要结合实际，开展科普知识宣传和情景模拟、实战推演、逃生演练、自救互救等活动。"""


def make_authority(code: str = "晋安办") -> IssuingAuthority:
    return IssuingAuthority.objects.get_or_create(
        code=code,
        defaults={
            "name": f"{code}测试机关" if code != "晋安办" else "晋江市安全生产委员会办公室",
            "header": "晋江市安全生产委员会办公室文件",
        },
    )[0]


def make_notice(*, addressed: bool = True, **overrides: object) -> Notice:
    """A draft notice; ``addressed`` picks the county (晋江市) as its one 主送 unit, so that it may be issued
    (``Notice.check_issuable`` refuses a notice addressed by text alone)."""
    fields = {
        "authority": make_authority(),
        "title": "关于开展2024年全市“安全生产月”活动的通知",
        "recipients_text": "各街道办事处、镇人民政府，市安委会各成员单位",
        "body": NOTICE_BODY,
        "attachments_text": "“安全生产月”活动信息报送表",
        "contact_note": "联系人：王某，联系电话：0595-85612345",
        "copy_to": "市委办、市政府办",
    }
    fields.update(overrides)
    notice = Notice.objects.create(**fields)
    if addressed and notice.status == NoticeStatus.DRAFT:  # an issued one made directly is locked
        county = Jurisdiction.objects.get_or_create(
            code="350582", defaults={"name": "晋江市", "level": JurisdictionLevel.COUNTY, "kind": "市"}
        )[0]
        notice.recipient_jurisdictions.add(county)
    return notice


def require_poppler() -> None:
    if not shutil.which("pdftotext") or not shutil.which("pdffonts"):
        pytest.fail("poppler-utils is missing: run `make setup-dev` (scripts/setup.sh dev) to install it")


def pdf_text(path: str | Path) -> str:
    require_poppler()
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def pdf_fonts(path: str | Path) -> str:
    require_poppler()
    return subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
