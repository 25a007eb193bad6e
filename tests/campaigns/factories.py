"""One factory per model of the campaigns app."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import factory
from PIL import Image

from campaigns.models import (
    ActivityReturn,
    ActivityType,
    AttachmentKind,
    Campaign,
    CampaignKind,
    CampaignStatus,
    CampaignSummary,
    CampaignTask,
    KeyDay,
    NoticeAttachment,
    Recurrence,
    Reminder,
    ReminderKind,
    ReturnAttachment,
    ReturnEvent,
    ReturnEventKind,
    ReturnPhoto,
    ReturnStatus,
)
from safetyportal.images import process_image, store_image
from tests.core.documents_support import make_authority, make_notice
from tests.core.factories import JurisdictionFactory, OfficerProfileFactory

JUNE_2024 = (dt.date(2024, 6, 1), dt.date(2024, 6, 30))


def jpeg_bytes(size: tuple[int, int] = (64, 48), colour: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    kind = CampaignKind.SAFETY_MONTH
    year = 2024
    edition = "第23个"
    name = factory.Sequence(lambda n: f"“安全生产月”{n}")
    national_theme = "人人讲安全、个个会应急——畅通生命通道"
    starts_on = JUNE_2024[0]
    ends_on = JUNE_2024[1]
    status = CampaignStatus.RUNNING


class KeyDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyDay

    campaign = factory.SubFactory(CampaignFactory)
    date = dt.date(2024, 6, 16)
    name = "安全宣传咨询日"


class CampaignTaskFactory(factory.django.DjangoModelFactory):
    """A one-off task due 17 June 2024, assigned to the units passed as ``units=[...]``."""

    class Meta:
        model = CampaignTask
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"活动信息报送{n}")
    requirements = "报送活动开展情况。"
    recurrence = Recurrence.ONCE
    due_on = dt.date(2024, 6, 17)

    @factory.post_generation
    def units(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.jurisdictions.add(*extracted)

    @factory.post_generation
    def members(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.member_units.add(*extracted)


class ActivityReturnFactory(factory.django.DjangoModelFactory):
    """A draft return; pass ``status=`` and submission fields for others (or use the services)."""

    class Meta:
        model = ActivityReturn

    task = factory.SubFactory(CampaignTaskFactory)
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    period_due = factory.LazyAttribute(lambda o: o.task.periods()[0].due)
    activity_type = ActivityType.CONSULTATION
    title = factory.Sequence(lambda n: f"安全宣传咨询活动{n}")
    activity_date = dt.date(2024, 6, 16)
    place = "文化广场"
    sessions = 2
    participants = 300
    leaflets = 500
    booklets = 100
    wall_charts = 10
    boards = 6
    banners = 3
    giveaways = 200
    media_reports = 1
    exposures = 0
    description = "现场宣传咨询，发放资料，解答群众咨询。"
    status = ReturnStatus.DRAFT
    # A drill or training return counts its totals as drills or training (as migration 0007 mapped existing returns).
    drill_sessions = factory.LazyAttribute(lambda o: o.sessions if o.activity_type == ActivityType.DRILL else 0)
    drill_participants = factory.LazyAttribute(lambda o: o.participants if o.activity_type == ActivityType.DRILL else 0)
    training_sessions = factory.LazyAttribute(lambda o: o.sessions if o.activity_type == ActivityType.TRAINING else 0)
    training_participants = factory.LazyAttribute(
        lambda o: o.participants if o.activity_type == ActivityType.TRAINING else 0
    )


class ReturnEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnEvent

    activity_return = factory.SubFactory(ActivityReturnFactory)
    kind = ReturnEventKind.CREATED


class ReturnPhotoFactory(factory.django.DjangoModelFactory):
    """A photo stored through the real pipeline (under MEDIA_ROOT/derived/returns/)."""

    class Meta:
        model = ReturnPhoto

    activity_return = factory.SubFactory(ActivityReturnFactory)
    image = ""
    thumbnail = ""
    width = 0
    height = 0

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> ReturnPhoto:
        if not kwargs.get("image"):
            stored = store_image(process_image(io.BytesIO(jpeg_bytes())), "returns")
            kwargs.update(image=stored.name, thumbnail=stored.thumbnail_name, width=stored.width, height=stored.height)
        return super()._create(model_class, *args, **kwargs)


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reminder

    officer = factory.LazyFunction(lambda: OfficerProfileFactory().user)
    task = factory.SubFactory(CampaignTaskFactory)
    date = dt.date(2024, 6, 15)
    kind = ReminderKind.DUE_SOON
    message = "即将到期"


class CampaignSummaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignSummary

    campaign = factory.SubFactory(CampaignFactory)
    authority = factory.LazyFunction(make_authority)
    title = "2024年“安全生产月”活动总结"
    narrative = "一、基本情况\n活动期间共开展各类活动。"


class ReturnAttachmentFactory(factory.django.DjangoModelFactory):
    """An attachment stored through the real checks (a small PDF under MEDIA_ROOT/private/returns/)."""

    class Meta:
        model = ReturnAttachment

    activity_return = factory.SubFactory(ActivityReturnFactory)
    kind = AttachmentKind.PLAN

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> ReturnAttachment:
        from safetyportal.uploads import check_attachment, store_private
        from tests.core.attachment_files import pdf_bytes

        data = kwargs.pop("data", None) or pdf_bytes()
        checked = check_attachment(io.BytesIO(data), name=str(kwargs.pop("name", "活动方案.pdf")))
        row = model_class(*args, **kwargs)
        row.set_file(checked, store_private(checked, "returns"))
        row.save()
        return row


class NoticeAttachmentFactory(factory.django.DjangoModelFactory):
    """An attachment of a notice addressed to ``recipients`` (jurisdictions) and ``member_recipients``; the notice is
    marked issued afterwards with ``issued=True`` (attachments are added to drafts only)."""

    class Meta:
        model = NoticeAttachment

    notice = factory.LazyFunction(lambda: make_notice(addressed=False))

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> NoticeAttachment:
        from safetyportal.uploads import check_attachment, store_private
        from tests.core.attachment_files import pdf_bytes

        recipients = kwargs.pop("recipients", ())
        member_recipients = kwargs.pop("member_recipients", ())
        issued = kwargs.pop("issued", False)
        checked = check_attachment(io.BytesIO(pdf_bytes()), name=str(kwargs.pop("name", "信息报送表.pdf")))
        row = model_class(*args, **kwargs)
        row.set_file(checked, store_private(checked, "notices"))
        row.save()
        notice = row.notice
        notice.recipient_jurisdictions.add(*recipients)
        notice.recipient_units.add(*member_recipients)
        if issued:
            type(notice).objects.filter(pk=notice.pk).update(status="issued")
            notice.refresh_from_db()
        return row


class NoticeReceiptFactory(factory.django.DjangoModelFactory):
    """A unit's receipt (收文) of an issued notice; pass ``jurisdiction=`` or ``member_unit=`` (a new subdistrict by
    default). Issuing through ``safetyportal.documents.services.issue`` creates them for real."""

    class Meta:
        model = "campaigns.NoticeReceipt"

    notice = factory.LazyFunction(lambda: _issued_notice())
    jurisdiction = factory.LazyAttribute(lambda o: None if o.member_unit is not None else JurisdictionFactory())
    member_unit = None


_receipt_serials = itertools.count(1000)


def _issued_notice() -> object:
    from tests.core.documents_support import make_notice as make

    serial = next(_receipt_serials)
    return make(status="issued", number=f"晋安办〔2024〕{serial}号", issued_on=JUNE_2024[0])
