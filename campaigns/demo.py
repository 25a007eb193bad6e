"""Demo notices for the campaigns app, from the office documents in shared/seeds (灵源街道's 2024 notice quoting
晋安办〔2024〕63号). Issued through the real service, so the worker renders their PDFs."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from safetyportal.demo.registry import register_demo_loader
from safetyportal.documents.models import IssuingAuthority

from . import services
from .models import Notice, NoticeStatus

MONTH_NOTICE_BODY = """\
今年6月是第23个全国“安全生产月”，主题是“人人讲安全、个个会应急——畅通生命通道”，6月16日为全国“安全宣传咨询日”。为深入贯彻落实上级部署要求，结合我市实际，现将有关事项通知如下。
一、深入宣传贯彻习近平总书记关于安全生产重要论述
紧紧围绕宣传贯彻习近平总书记关于安全生产重要论述和重要指示批示精神，各街道（镇）、有关单位和各企业主要负责人要组织开展《深入学习贯彻习近平关于应急管理的重要论述》的学习，把理论学习成果转化为谋划推动工作的创新思路、务实举措、有效方法。
二、广泛宣传发动，深入开展应急演练活动
（一）聚焦“畅通生命通道”这一主要内容，组织开展宣传、演练和整治行动。各有关单位要督促本辖区、本行业企业根据本行业领域事故特点开展应急预案演练，让全体员工自觉维护“生命通道”的畅通。
（二）社区、学校等要结合实际，开展科普知识宣传和情景模拟、实战推演、逃生演练、自救互救等活动，重点围绕学校防灾避险演练100%全覆盖等工程重点工作内容。
三、精心组织开展“安全宣传咨询日”活动
6月16日，各街道（镇）要组织开展“安全宣传咨询日”现场活动，举行安全倡议、安全宣誓、现场咨询等活动，提升宣传实效。
四、工作要求
各街道（镇）、市安委会各成员单位要于6月7日前报送活动方案，每周五16:00前报送活动信息，7月3日前报送活动总结。"""

DEMO_NOTICES = [
    {
        "code": "晋安办",
        "title": "关于开展2024年全市“安全生产月”活动的通知",
        "recipients_text": "各街道办事处、镇人民政府，市安委会各成员单位",
        "body": MONTH_NOTICE_BODY,
        "attachments_text": "2024年“安全生产月”活动信息报送表\n2024年“安全生产月”活动总结报送模板",
        "contact_note": "联系人：市安委办综合科，联系电话：0595-85612345",
        "copy_to": "市委办、市政府办",
        "issue_on": dt.date(2024, 5, 28),
    },
    {
        "code": "晋安办",
        "title": "关于做好“安全宣传咨询日”活动信息报送工作的通知",
        "recipients_text": "各街道办事处、镇人民政府",
        "body": (
            "请各街道（镇）于6月17日12:00前报送“安全宣传咨询日”活动开展情况，包括活动场次、参与人数、"
            "发放宣传资料数量和现场照片。\n一、报送内容\n活动开展情况简要文字材料一份，现场照片3至5张。\n"
            "二、报送方式\n通过街道（镇）报送平台填报。"
        ),
        "attachments_text": "",
        "contact_note": "联系人：市安委办综合科，联系电话：0595-85612345",
        "copy_to": "",
        "issue_on": None,  # left as a draft
    },
]


@register_demo_loader("campaigns.notices", order=10)
def load_demo_notices() -> dict[str, int]:
    User = get_user_model()
    staff = User._default_manager.filter(username="admin").first()
    with transaction.atomic():
        for row in DEMO_NOTICES:
            authority = IssuingAuthority.objects.get(code=row["code"])
            notice, _created = Notice.objects.get_or_create(
                authority=authority,
                title=row["title"],
                defaults={
                    k: row[k] for k in ("recipients_text", "body", "attachments_text", "contact_note", "copy_to")
                },
            )
            if row["issue_on"] and notice.status == NoticeStatus.DRAFT and staff is not None:
                services.issue_notice(notice=notice, by=staff, issued_on=row["issue_on"])
    return {"通知": Notice.objects.count(), "已印发通知": Notice.objects.exclude(status="draft").count()}
