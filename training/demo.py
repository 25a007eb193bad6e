"""Demo data of the training app, shaped on 晋江市应急管理局's 2024 figures (/work/shared/seeds/000):

- 49 主要负责人和安全管理人员 sessions with 5,638 attendances, 46 入企宣讲 sessions with 1,282;
- 328 new 低压电工 certificates, 132 高压电工, 654 焊工, 166 高处作业;
- 550 低压电工 re-examinations, 59 高压电工, 199 焊工, 216 高处作业;
plus older certificates so that every status appears (待复审, 逾期未复审, 过期, 注销), two published lists, and the
canary identities holding certificates (they must never appear unmasked on a public page).

Generated deterministically (one ``random.Random``), written with ``bulk_create``; idempotent: a second run finds the
demo institutions and writes nothing."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc

from safetyportal.demo.canary import CANARY_ID_NUMBERS, CANARY_NAMES
from safetyportal.demo.ids import demo_id_number, legacy_demo_id_number
from safetyportal.demo.jinjiang import GIVEN_FEMALE, GIVEN_MALE, ID_COUNTY_CODES, SURNAMES
from safetyportal.demo.registry import register_demo_loader
from safetyportal.documents.services import request_document
from safetyportal.models import Enterprise, Gender, Jurisdiction, JurisdictionLevel, Person

from .models import (
    ITEM_CATEGORY,
    BatchKind,
    Certificate,
    CertificateReview,
    CertificateSource,
    CertificateStatus,
    Enrolment,
    EnrolmentResult,
    InstitutionStatus,
    OperationItem,
    PublicationBatch,
    PublicationEntry,
    ReviewResult,
    SessionCategory,
    TrainingInstitution,
    TrainingSession,
    add_years,
)
from .services import certificate_dates, new_verify_token, status_on

SEED = 2024_0320
YEAR = 2024
NEW_PEOPLE = 4_200

NEW_IN_2024 = {
    OperationItem.LOW_VOLTAGE: 328,
    OperationItem.HIGH_VOLTAGE: 132,
    OperationItem.FUSION_WELDING: 654,
    OperationItem.SCAFFOLDING: 96,  # 高处作业 166 = 96 + 70
    OperationItem.HEIGHT_INSTALL: 70,
}
REVIEWED_IN_2024 = {
    OperationItem.LOW_VOLTAGE: 550,
    OperationItem.HIGH_VOLTAGE: 59,
    OperationItem.FUSION_WELDING: 199,
    OperationItem.SCAFFOLDING: 120,  # 高处作业 216 = 120 + 96
    OperationItem.HEIGHT_INSTALL: 96,
}
MANAGEMENT = [(SessionCategory.PRINCIPAL, 20, 2_300), (SessionCategory.SAFETY_MANAGER, 29, 3_338)]  # 49 / 5,638
TALKS = (SessionCategory.ENTERPRISE_TALK, 46, 1_282)
INITIAL_SESSION_SIZE = 60
REVIEW_SESSION_SIZE = 80

INSTITUTIONS = [
    {
        "name": "晋江市安泰职业技能培训学校",
        "filing_number": "闽应急培备〔2022〕0581号",
        "certificate_types": [
            OperationItem.LOW_VOLTAGE,
            OperationItem.HIGH_VOLTAGE,
            OperationItem.SCAFFOLDING,
            OperationItem.HEIGHT_INSTALL,
        ],
        "address": "晋江市青阳街道世纪大道1288号",
        "legal_representative": "施明辉",
        "contact_name": "许雅琳",
        "contact_phone": "0595-85661234",
        "inspection_notes": "2024年5月督导检查：实操场地、师资与备案一致，培训档案齐全。",
    },
    {
        "name": "晋江市鸿业焊接技术培训中心",
        "filing_number": "闽应急培备〔2021〕0577号",
        "certificate_types": [OperationItem.FUSION_WELDING, OperationItem.PRESSURE_WELDING, OperationItem.BRAZING],
        "address": "晋江市磁灶镇张林工业区",
        "legal_representative": "吴振东",
        "contact_name": "蔡丽芳",
        "contact_phone": "0595-85791234",
        "inspection_notes": "2024年9月督导检查：焊接实操工位通风不足，已责令整改并复查合格。",
    },
    {
        "name": "泉州市华安安全技术培训有限公司",
        "filing_number": "闽应急培备〔2020〕0502号",
        "certificate_types": [OperationItem.LOW_VOLTAGE, OperationItem.REFRIGERATION_OPERATION],
        "address": "泉州市丰泽区东海街道",
        "legal_representative": "黄国华",
        "contact_name": "林晓燕",
        "contact_phone": "0595-22561234",
        "status": InstitutionStatus.SUSPENDED,
        "inspection_notes": "2024年11月检查发现培训学时不足，暂停备案，整改期三个月。",
    },
]
TRAINERS = ("陈建明", "王志强", "林秀玲", "张国文", "李海峰", "吴丽芳", "蔡振东", "许文华")


class _Names:
    def __init__(self, rng: random.Random, used: set[str]) -> None:
        self.rng = rng
        self.used = used

    def name(self, gender: str) -> str:
        rng = self.rng
        while True:
            surname = rng.choices([s for s, _ in SURNAMES], weights=[w for _, w in SURNAMES])[0]
            pool = GIVEN_MALE if gender == Gender.MALE else GIVEN_FEMALE
            name = surname + rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.75 else "")
            if name not in CANARY_NAMES:
                return name

    def id_number(self, gender: str) -> str:
        rng = self.rng
        counties = [c for c, _ in ID_COUNTY_CODES]
        weights = [w for _, w in ID_COUNTY_CODES]
        first, last = dt.date(1966, 1, 1).toordinal(), dt.date(2004, 12, 31).toordinal()
        while True:
            county = rng.choices(counties, weights=weights)[0]
            birth = dt.date.fromordinal(rng.randint(first, last))
            parity = rng.choice("13579" if gender == Gender.MALE else "02468")
            body = f"{county}{birth:%Y%m%d}{rng.randint(0, 99):02d}{parity}"
            number = demo_id_number(body)
            if number not in self.used:
                self.used.add(number)
                return number


def _credit_code(index: int) -> str:
    body = f"52350582MJD{index:06d}"[:17]
    return body + uscc.calc_check_digit(body)


def _date_in(rng: random.Random, year: int, month_from: int = 1, month_to: int = 12) -> dt.date:
    month = rng.randint(month_from, month_to)
    return dt.date(year, month, rng.randint(1, 28))


class _Builder:
    def __init__(self, today: dt.date, *, avoid_existing: bool = True) -> None:
        self.today = today
        self.rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not secrets
        self.enterprises = list(Enterprise.objects.order_by("credit_code").values_list("pk", "jurisdiction_id"))
        self.townships = list(
            Jurisdiction.objects.filter(level=JurisdictionLevel.SUBDISTRICT).order_by("code").values_list("pk", "name")
        )
        # Sorted here: the column holds ciphertext, so ORDER BY id_number would be random.
        existing = sorted(Person.objects.values_list("pk", "id_number", "enterprise_id"), key=lambda row: row[1])
        self.names = _Names(self.rng, {number for _pk, number, _e in existing} if avoid_existing else set())
        self.people: list[tuple[int, int | None]] = [(pk, enterprise) for pk, _n, enterprise in existing]
        self.canaries = [pk for pk, number, _e in existing if number in CANARY_ID_NUMBERS]
        self.holders: dict[str, set[int]] = {item: set() for item in OperationItem.values}

    def new_people(self) -> list[Person]:
        rows = []
        for _ in range(NEW_PEOPLE):
            gender = Gender.MALE if self.rng.random() < 0.85 else Gender.FEMALE
            enterprise, jurisdiction = self.rng.choice(self.enterprises)
            rows.append(
                Person(
                    name=self.names.name(gender),
                    gender=gender,
                    id_number=self.names.id_number(gender),
                    enterprise_id=enterprise,
                    jurisdiction_id=jurisdiction,
                )
            )
        return rows

    def create_people(self) -> None:
        created = Person.objects.bulk_create(self.new_people(), batch_size=1000)
        self.people += [(p.pk, p.enterprise_id) for p in created]
        self.rng.shuffle(self.people)
        self.pool = iter(self.people)

    def pick_holder(self, item: str) -> tuple[int, int | None]:
        """A person not yet holding ``item``; canaries first for 低压电工 so that they appear on the lists."""
        if item == OperationItem.LOW_VOLTAGE and self.canaries:
            pk = self.canaries.pop()
            self.holders[item].add(pk)
            return pk, self.rng.choice(self.enterprises)[0]
        while True:
            pk, enterprise = next(self.pool)
            if pk not in self.holders[item]:
                self.holders[item].add(pk)
                return pk, enterprise

    def institutions(self) -> list[TrainingInstitution]:
        objects = []
        for index, row in enumerate(INSTITUTIONS, 1):
            objects.append(
                TrainingInstitution(
                    credit_code=_credit_code(index),
                    valid_from=dt.date(2020 + index % 3, 3, 1),
                    valid_until=dt.date(2027 + index % 3, 2, 28),
                    **{"status": InstitutionStatus.FILED, **row},
                )
            )
        return TrainingInstitution.objects.bulk_create(objects)

    def session(self, **fields: Any) -> TrainingSession:
        township = self.rng.choice(self.townships)
        starts_on = fields.pop("starts_on")
        days = fields.pop("days", 1)
        return TrainingSession(
            starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=days - 1),
            jurisdiction_id=township[0],
            place=fields.pop("place", f"{township[1]}便民服务中心培训室"),
            trainers="、".join(self.rng.sample(TRAINERS, 2)),
            **fields,
        )

    def certificate(
        self, holder: int, employer: int | None, item: str, issued_on: dt.date, **extra: Any
    ) -> Certificate:
        person_number = self.numbers[holder]
        valid_from, valid_until, review_due_on = certificate_dates(issued_on)
        fields = {
            "valid_from": valid_from,
            "valid_until": valid_until,
            "review_due_on": review_due_on,
            "source": CertificateSource.TRAINING,
            **extra,
        }
        fields.setdefault(
            "status",
            status_on(valid_until=fields["valid_until"], review_due_on=fields["review_due_on"], today=self.today),
        )
        return Certificate(
            number="T" + person_number,
            holder_id=holder,
            category=ITEM_CATEGORY[item],
            operation_item=item,
            first_issued_on=issued_on,
            employer_id=employer,
            verify_token=new_verify_token(),
            **fields,
        )


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@register_demo_loader("training", order=30)
def load_demo_training() -> dict[str, int]:
    if not Enterprise.objects.exists():
        return _counts()
    if TrainingInstitution.objects.filter(name=INSTITUTIONS[0]["name"]).exists():
        with transaction.atomic():
            _move_legacy_numbers(timezone.localdate())
        return _counts()
    with transaction.atomic():
        _build(timezone.localdate())
    return _counts()


def _move_legacy_numbers(today: dt.date) -> None:
    """A database loaded by an older demo holds its people under wrong check digits (safetyportal/demo/ids.py): give
    the people this loader generated their correct number, and every certificate whose number is the old form of
    its holder's number the new form. The people are found by replaying the generator (same seed; without the
    database's numbers, which only ever mattered on a collision), so nobody else's number is touched."""
    replay = _Builder(today, avoid_existing=False)
    pairs = {}
    for person in replay.new_people():
        old = legacy_demo_id_number(person.id_number[:17])
        if old != person.id_number:
            pairs[old] = person.id_number
    stale = Person.objects.in_bulk(list(pairs), field_name="id_number")
    taken = set(Person.objects.filter(id_number__in=[pairs[old] for old in stale]).values_list("id_number", flat=True))
    moved = [person for old, person in stale.items() if pairs[old] not in taken]
    now = timezone.now()
    for person in moved:
        person.id_number, person.id_check_failed, person.updated_at = pairs[person.id_number], False, now
    Person.objects.bulk_update(moved, ["id_number", "id_check_failed", "updated_at"], batch_size=1000)
    certificates = []
    # Numbers are encrypted at rest, so they are compared here rather than in SQL.
    everyone = Certificate.objects.select_related("holder").only("pk", "number", "holder__id_number")
    for certificate in everyone:
        current = certificate.holder.id_number
        if certificate.number != "T" + current and certificate.number == "T" + legacy_demo_id_number(current[:17]):
            certificate.number = "T" + current
            certificates.append(certificate)
    Certificate.objects.bulk_update(certificates, ["number"], batch_size=1000)


def _build(today: dt.date) -> None:
    b = _Builder(today)
    b.create_people()
    b.numbers = dict(Person.objects.values_list("pk", "id_number"))
    rng = b.rng
    institutions = b.institutions()
    by_item = {item: inst for inst in institutions for item in inst.certificate_types}

    # Management training and talks: sessions with attendance only.
    sessions: list[TrainingSession] = []
    attendance: list[tuple[int, int]] = []  # (index of session, people per session)
    for category, count, total in [*MANAGEMENT, TALKS]:
        sizes = [total // count + (1 if i < total % count else 0) for i in range(count)]
        label = dict(SessionCategory.choices)[category]
        for i, size in enumerate(sizes, 1):
            hours = (
                48 if category == SessionCategory.SAFETY_MANAGER else 32 if category == SessionCategory.PRINCIPAL else 2
            )
            sessions.append(
                b.session(
                    name=f"{YEAR}年{label}培训第{i}期"
                    if category != SessionCategory.ENTERPRISE_TALK
                    else f"{YEAR}年入企宣讲第{i}场",
                    category=category,
                    starts_on=_date_in(rng, YEAR),
                    days=4 if hours >= 32 else 1,
                    hours=hours,
                    capacity=size + 10,
                    institution=institutions[0] if category != SessionCategory.ENTERPRISE_TALK else None,
                )
            )
            attendance.append((len(sessions) - 1, size))

    # Special-operation sessions: initial training (new certificates) and re-examination (reviews) per item.
    initial: list[tuple[int, str, int]] = []
    for item, total in NEW_IN_2024.items():
        for index, chunk in enumerate(_chunks(list(range(total)), INITIAL_SESSION_SIZE), 1):
            sessions.append(
                b.session(
                    name=f"{YEAR}年{OperationItem(item).label}初训第{index}期",
                    category=SessionCategory.SPECIAL_INITIAL,
                    operation_item=item,
                    institution=by_item.get(item),
                    starts_on=_date_in(rng, YEAR, 1, 11),
                    days=5,
                    hours=80,
                    capacity=INITIAL_SESSION_SIZE + 5,
                )
            )
            initial.append((len(sessions) - 1, item, len(chunk)))
    review: list[tuple[int, str, int]] = []
    for item, total in REVIEWED_IN_2024.items():
        for index, chunk in enumerate(_chunks(list(range(total)), REVIEW_SESSION_SIZE), 1):
            sessions.append(
                b.session(
                    name=f"{YEAR}年{OperationItem(item).label}复审培训第{index}期",
                    category=SessionCategory.SPECIAL_REVIEW,
                    operation_item=item,
                    institution=by_item.get(item),
                    starts_on=_date_in(rng, YEAR, 1, 11),
                    days=1,
                    hours=8,
                    capacity=REVIEW_SESSION_SIZE + 5,
                )
            )
            review.append((len(sessions) - 1, item, len(chunk)))
    sessions = TrainingSession.objects.bulk_create(sessions)

    enrolments: list[Enrolment] = []
    everyone = [pk for pk, _e in b.people]
    employer_of = dict(b.people)
    for index, size in attendance:
        for person in rng.sample(everyone, size):
            enrolments.append(
                Enrolment(
                    session=sessions[index], person_id=person, enterprise_id=employer_of.get(person), attended=True
                )
            )

    certificates: list[Certificate] = []
    certificate_enrolment: list[Enrolment] = []
    for index, item, passed in initial:
        session = sessions[index]
        for _ in range(passed):
            holder, employer = b.pick_holder(item)
            certificates.append(
                b.certificate(holder, employer, item, session.ends_on, institution_id=session.institution_id)
            )
            enrolment = Enrolment(
                session=session,
                person_id=holder,
                enterprise_id=employer,
                attended=True,
                theory_score=rng.randint(80, 99),
                practical_score=rng.randint(80, 99),
                result=EnrolmentResult.PASSED,
            )
            enrolments.append(enrolment)
            certificate_enrolment.append(enrolment)
        for _ in range(rng.randint(2, 6)):  # some failed or did not come
            person = rng.choice(everyone)
            if person in b.holders[item]:
                continue
            b.holders[item].add(person)
            absent = rng.random() < 0.3
            enrolments.append(
                Enrolment(
                    session=session,
                    person_id=person,
                    enterprise_id=employer_of.get(person),
                    attended=not absent,
                    theory_score=None if absent else rng.randint(45, 79),
                    practical_score=None if absent else rng.randint(60, 95),
                    result=EnrolmentResult.ABSENT if absent else EnrolmentResult.FAILED,
                )
            )

    # Certificates issued in 2021, reviewed in 2024 (next review 2027).
    reviewed: list[tuple[Certificate, dt.date, TrainingSession, Enrolment]] = []
    for index, item, count in review:
        session = sessions[index]
        for _ in range(count):
            holder, employer = b.pick_holder(item)
            issued_on = dt.date(YEAR - 3, session.ends_on.month, min(session.ends_on.day, 28))
            _from, _until, first_due = certificate_dates(issued_on)
            next_due = add_years(first_due, 3)
            certificate = b.certificate(
                holder,
                employer,
                item,
                issued_on,
                review_due_on=next_due,
                last_reviewed_on=session.ends_on,
                institution_id=session.institution_id,
            )
            enrolment = Enrolment(
                session=session,
                person_id=holder,
                enterprise_id=employer,
                attended=True,
                theory_score=rng.randint(80, 99),
                result=EnrolmentResult.PASSED,
            )
            certificates.append(certificate)
            enrolments.append(enrolment)
            certificate_enrolment.append(enrolment)
            reviewed.append((certificate, first_due, session, enrolment))

    # Older certificates, so that every status appears: 2023 (review due now or overdue), 2019 (expired), 2025.
    for year, count in ((2023, 240), (2019, 60), (2025, 180)):
        for _ in range(count):
            item = rng.choices(list(NEW_IN_2024), weights=list(NEW_IN_2024.values()))[0]
            holder, employer = b.pick_holder(item)
            month_to = 10 if year == 2025 else 12
            certificates.append(
                b.certificate(holder, employer, item, _date_in(rng, year, 1, month_to), source=CertificateSource.IMPORT)
            )
    for certificate in rng.sample(certificates[-180:], 3):
        certificate.status = CertificateStatus.CANCELLED
        certificate.voided_at = timezone.now()
        certificate.void_reason = "持证人申请注销（已不从事该工种）。"
    revoked = certificates[-181]
    revoked.status = CertificateStatus.REVOKED
    revoked.voided_at = timezone.now()
    revoked.void_reason = "2025年执法检查发现持证人违章作业导致事故，依法吊销。"

    certificates = Certificate.objects.bulk_create(certificates, batch_size=1000)
    # Enrolments that issued or renewed a certificate point at it.
    holder_item = {(c.holder_id, c.operation_item): c for c in certificates}
    for enrolment in certificate_enrolment:
        enrolment.certificate = holder_item[(enrolment.person_id, enrolment.session.operation_item)]
    Enrolment.objects.bulk_create(enrolments, batch_size=1000)
    CertificateReview.objects.bulk_create(
        [
            CertificateReview(
                certificate=certificate,
                reviewed_on=session.ends_on,
                result=ReviewResult.PASSED,
                due_before=first_due,
                next_due_on=certificate.review_due_on,
                enrolment=enrolment,
            )
            for certificate, first_due, session, enrolment in reviewed
        ],
        batch_size=1000,
    )

    # The published lists of 2024 (the office "对外公布新考核获证人员名单").
    for code, title, kind in (
        (f"{YEAR}-01", f"{YEAR}年特种作业新取证人员名单", BatchKind.NEW),
        (f"{YEAR}-02", f"{YEAR}年特种作业复审合格人员名单", BatchKind.REVIEWED),
    ):
        batch = PublicationBatch.objects.create(
            code=code,
            title=title,
            kind=kind,
            issued_on=dt.date(YEAR, 12, 31),
            is_published=True,
            published_at=timezone.now(),
            publicity_from=dt.date(YEAR + 1, 1, 2),
            publicity_to=dt.date(YEAR + 1, 1, 8),
            objection_unit=f"{settings.CITY_NAME}应急管理局",
            objection_phone="0595-85612345",
            objection_address=f"{settings.CITY_NAME}青阳街道世纪大道应急管理局",
        )
        if kind == BatchKind.NEW:
            ids = Certificate.objects.filter(first_issued_on__year=YEAR)
        else:
            ids = Certificate.objects.filter(reviews__reviewed_on__year=YEAR)
        ids = ids.order_by("operation_item", "holder__name", "pk").values_list("pk", flat=True)
        PublicationEntry.objects.bulk_create(
            [PublicationEntry(batch=batch, certificate_id=pk, position=i) for i, pk in enumerate(ids, 1)],
            batch_size=1000,
        )
        batch.document = request_document(kind="certificate_list", title=title, source=batch, issued_on=batch.issued_on)
        batch.save(update_fields=["document"])


def _counts() -> dict[str, int]:
    return {
        "培训机构": TrainingInstitution.objects.count(),
        "培训班": TrainingSession.objects.count(),
        "参训记录": Enrolment.objects.count(),
        "特种作业操作证": Certificate.objects.count(),
        "复审记录": CertificateReview.objects.count(),
        "公示名单": PublicationBatch.objects.count(),
    }
