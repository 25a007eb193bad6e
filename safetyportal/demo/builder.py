"""Builds the demo city (晋江市) so that a new installation shows a living portal.

The data is generated first, purely and deterministically (``generate_demo_data``: one ``random.Random`` with a fixed
seed, no database reads), then written by ``build_demo`` in one transaction. Every row is keyed on its natural key
(code, name, credit code, ID number, username), so running the builder again creates nothing new and rewrites only
rows whose demo values were changed by hand; untouched rows keep their ``updated_at``. Passwords are set only when
an account is created.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc

from safetyportal.documents.models import IssuingAuthority
from safetyportal.models import (
    Enterprise,
    Gender,
    Jurisdiction,
    JurisdictionLevel,
    MemberUnit,
    OfficerProfile,
    Person,
    TimeStamped,
)
from safetyportal.roles import ADMIN_GROUP, STAFF_GROUP, sync_roles

from .canary import CANARY_ID_NUMBERS, CANARY_NAMES, CANARY_PHONES
from .ids import demo_id_number, legacy_demo_id_number
from .jinjiang import (
    COMMUNITY_ACCOUNTS,
    COMMUNITY_ACCOUNTS_TOWNSHIP,
    COUNTY_CODE,
    COUNTY_KIND,
    COUNTY_NAME,
    DEMO_PASSWORD,
    DEMO_SEED,
    GIVEN_FEMALE,
    GIVEN_MALE,
    ID_COUNTY_CODES,
    LANDLINE_AREA,
    LANDLINE_PREFIXES,
    MEMBER_UNIT_ACCOUNTS,
    MEMBER_UNITS,
    MOBILE_PREFIXES,
    OFFICER_TITLE,
    ROADS,
    SECTORS,
    SURNAMES,
    TOWNSHIPS,
    TRADE_NAMES,
    Township,
)

ENTERPRISE_COUNT = 300
PEOPLE_COUNT = 200  # plus the canary identities

Row = dict[str, Any]

# GB 11714 organisation code: the characters allowed inside a USCC, and the check-digit weights.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    is_staff: bool = False
    is_superuser: bool = False
    group: str | None = None
    township_code: str | None = None  # officers of a jurisdiction (a township's or a community's code) only
    officer_phone: str = ""
    member_unit_name: str | None = None  # officers of a committee member unit only


@dataclass
class DemoData:
    """Everything the builder writes; references between rows use natural keys, resolved when writing."""

    townships: list[Row] = field(default_factory=list)
    communities: list[Row] = field(default_factory=list)  # with "parent_code"
    member_units: list[Row] = field(default_factory=list)
    enterprises: list[Row] = field(default_factory=list)  # with "jurisdiction_code", "supervisor_name"
    people: list[Row] = field(default_factory=list)  # with "jurisdiction_code", "enterprise_code"
    accounts: list[DemoAccount] = field(default_factory=list)


def _org_check_digit(body: str) -> str:
    total = sum(int(char, 36) * weight for char, weight in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


class _Generator:
    """Random but reproducible names and numbers; never repeats a number and never produces a canary value."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.used: set[str] = {*CANARY_PHONES, *CANARY_ID_NUMBERS, *CANARY_NAMES}

    def unique(self, make: Any) -> str:
        while True:
            value = make()
            if value not in self.used:
                self.used.add(value)
                return value

    def gender(self, male_share: float = 0.65) -> str:
        return Gender.MALE if self.rng.random() < male_share else Gender.FEMALE

    def person_name(self, gender: str) -> str:
        rng = self.rng
        surname = rng.choices([s for s, _ in SURNAMES], weights=[w for _, w in SURNAMES])[0]
        pool = GIVEN_MALE if gender == Gender.MALE else GIVEN_FEMALE
        given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.75 else "")
        return surname + given

    def mobile(self) -> str:
        return self.unique(lambda: self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randint(0, 99_999_999):08d}")

    def landline(self) -> str:
        return self.unique(
            lambda: f"{LANDLINE_AREA}-{self.rng.choice(LANDLINE_PREFIXES)}{self.rng.randint(0, 999_999):06d}"
        )

    def id_number(self, gender: str) -> str:
        rng = self.rng
        counties = [c for c, _ in ID_COUNTY_CODES]
        weights = [w for _, w in ID_COUNTY_CODES]
        first, last = dt.date(1965, 1, 1).toordinal(), dt.date(2002, 12, 31).toordinal()

        def make() -> str:
            county = rng.choices(counties, weights=weights)[0]
            birth = dt.date.fromordinal(rng.randint(first, last))
            parity = rng.choice("13579" if gender == Gender.MALE else "02468")  # the 17th digit: odd for men
            body = f"{county}{birth:%Y%m%d}{rng.randint(0, 99):02d}{parity}"
            return demo_id_number(body)

        return self.unique(make)

    def credit_code(self) -> str:
        """A GB 32100 code of a company registered in Jinjiang: 91 + 350582 + organisation code + check."""
        rng = self.rng

        def make() -> str:
            if rng.random() < 0.6:  # registered since 2015: "MA" codes
                org = "MA" + rng.choice("2348") + "".join(rng.choice(_USCC_ALPHABET) for _ in range(5))
            else:  # an older organisation code, carried over
                org = f"{rng.randint(15, 79)}{rng.randint(0, 999_999):06d}"
            body = f"91{COUNTY_CODE}{org}{_org_check_digit(org)}"
            return body + uscc.calc_check_digit(body)

        return self.unique(make)


def _township_rows() -> tuple[list[Row], list[Row]]:
    townships: list[Row] = []
    communities: list[Row] = []
    for township in TOWNSHIPS:
        townships.append({"code": township.code, "name": township.name, "kind": township.kind})
        communities.extend(
            {"code": place.code, "name": place.name, "kind": place.kind, "parent_code": township.code}
            for place in township.communities
        )
    return townships, communities


def _enterprise_rows(gen: _Generator) -> list[Row]:
    rng = gen.rng
    rows: list[Row] = []
    weights = [t.weight for t in TOWNSHIPS]
    for _ in range(ENTERPRISE_COUNT):
        township: Township = rng.choices(TOWNSHIPS, weights=weights)[0]
        sector_key = rng.choices([k for k, _ in township.trades], weights=[w for _, w in township.trades])[0]
        sector = SECTORS[sector_key]
        name = gen.unique(lambda sector=sector: rng.choice(sector.patterns).format(t=rng.choice(TRADE_NAMES)))
        number = rng.randint(1, 288)
        if rng.random() < 0.8:
            place = rng.choice(township.communities)
            jurisdiction_code = place.code
            street = "工业区" if place.kind == "村" and rng.random() < 0.5 else rng.choice(ROADS)
            address = f"{COUNTY_NAME}{township.name}{place.name}{street}{number}号"
        else:
            jurisdiction_code = township.code
            street = f"{township.short_name}工业园区" if township.kind == "镇" else rng.choice(ROADS)
            address = f"{COUNTY_NAME}{township.name}{street}{number}号"
        legal_representative = gen.person_name(gen.gender(0.85))
        contact_name = legal_representative if rng.random() < 0.3 else gen.person_name(gen.gender())
        rows.append(
            {
                "credit_code": gen.credit_code(),
                "name": name,
                "industry": sector.industry,
                "jurisdiction_code": jurisdiction_code,
                "address": address,
                "legal_representative": legal_representative,
                "contact_name": contact_name,
                "contact_phone": gen.mobile() if rng.random() < 0.6 else gen.landline(),
                "risk_grade": rng.choices("ABCD", weights=sector.grades)[0],
                "supervisor_name": sector.supervisor,
            }
        )
    return rows


def _person_row(gen: _Generator, name: str, gender: str, id_number: str, phone: str, enterprise: Row | None) -> Row:
    if enterprise is not None:
        jurisdiction_code = enterprise["jurisdiction_code"]
    else:
        jurisdiction_code = gen.rng.choice(gen.rng.choice(TOWNSHIPS).communities).code
    return {
        "id_number": id_number,
        "name": name,
        "gender": gender,
        "phone": phone,
        "enterprise_code": enterprise["credit_code"] if enterprise else None,
        "jurisdiction_code": jurisdiction_code,
    }


def _people_rows(gen: _Generator, enterprises: list[Row]) -> list[Row]:
    rng = gen.rng
    rows: list[Row] = []
    for _ in range(PEOPLE_COUNT):
        gender = gen.gender()
        enterprise = rng.choice(enterprises) if rng.random() < 0.9 else None
        rows.append(_person_row(gen, gen.person_name(gender), gender, gen.id_number(gender), gen.mobile(), enterprise))
    # The canaries: ordinary-looking employees whose identities must never appear unmasked anywhere public.
    for name, id_number, phone in zip(CANARY_NAMES, CANARY_ID_NUMBERS, CANARY_PHONES, strict=True):
        gender = Gender.MALE if int(id_number[16]) % 2 else Gender.FEMALE
        rows.append(_person_row(gen, name, gender, id_number, phone, rng.choice(enterprises)))
    return rows


def _accounts(gen: _Generator) -> list[DemoAccount]:
    accounts = [
        DemoAccount("admin", "系统管理员", is_staff=True, is_superuser=True, group=ADMIN_GROUP),
        DemoAccount("staff", "安委办工作人员", is_staff=True, group=STAFF_GROUP),
    ]
    accounts.extend(
        DemoAccount(t.username, f"{t.name}{OFFICER_TITLE}", township_code=t.code, officer_phone=gen.mobile())
        for t in TOWNSHIPS
    )
    # Accounts of a community and of member units (issue 12), drawn after the townships' so their numbers stay.
    township = next(t for t in TOWNSHIPS if t.name == COMMUNITY_ACCOUNTS_TOWNSHIP)
    places = {place.name: place.code for place in township.communities}
    accounts.extend(
        DemoAccount(username, first_name, township_code=places[place], officer_phone=gen.mobile())
        for username, place, first_name in COMMUNITY_ACCOUNTS
    )
    accounts.extend(
        DemoAccount(username, first_name, member_unit_name=unit, officer_phone=gen.mobile())
        for username, unit, first_name in MEMBER_UNIT_ACCOUNTS
    )
    return accounts


def generate_demo_data(seed: int = DEMO_SEED) -> DemoData:
    """The whole demo data set, computed without touching the database (same seed, same data)."""
    gen = _Generator(seed)
    townships, communities = _township_rows()
    member_units = [
        {
            "name": unit.name,
            "short_name": unit.short_name,
            "sectors": unit.sectors,
            "contact_name": gen.person_name(gen.gender()),
            "contact_phone": gen.landline(),
        }
        for unit in MEMBER_UNITS
    ]
    enterprises = _enterprise_rows(gen)
    people = _people_rows(gen, enterprises)
    return DemoData(townships, communities, member_units, enterprises, people, _accounts(gen))


def _sync(model: type[TimeStamped], key: str, rows: list[Row]) -> dict[Any, Any]:
    """Create the missing rows and update the ones that differ; return every row's object by key."""
    keys = [row[key] for row in rows]
    existing = model._default_manager.in_bulk(keys, field_name=key)
    new: list[TimeStamped] = []
    changed: list[TimeStamped] = []
    changed_fields: set[str] = set()
    now = timezone.now()
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            new.append(model(**row))
            continue
        diff = [name for name, value in row.items() if getattr(obj, name) != value]
        if diff:
            for name in diff:
                setattr(obj, name, row[name])
            obj.updated_at = now
            changed.append(obj)
            changed_fields.update(diff)
    if new:
        model._default_manager.bulk_create(new)
    if changed:
        model._default_manager.bulk_update(changed, [*sorted(changed_fields), "updated_at"])
    return model._default_manager.in_bulk(keys, field_name=key)


def _write_jurisdictions(data: DemoData) -> dict[str, Jurisdiction]:
    county = _sync(
        Jurisdiction,
        "code",
        [
            {
                "code": COUNTY_CODE,
                "name": COUNTY_NAME,
                "level": JurisdictionLevel.COUNTY,
                "kind": COUNTY_KIND,
                "parent_id": None,
                "path": f"{COUNTY_CODE}/",
            }
        ],
    )[COUNTY_CODE]
    townships = _sync(
        Jurisdiction,
        "code",
        [
            {
                **row,
                "level": JurisdictionLevel.SUBDISTRICT,
                "parent_id": county.pk,
                "path": f"{county.path}{row['code']}/",
            }
            for row in data.townships
        ],
    )
    communities = _sync(
        Jurisdiction,
        "code",
        [
            {
                "code": row["code"],
                "name": row["name"],
                "kind": row["kind"],
                "level": JurisdictionLevel.COMMUNITY,
                "parent_id": townships[row["parent_code"]].pk,
                "path": f"{townships[row['parent_code']].path}{row['code']}/",
            }
            for row in data.communities
        ],
    )
    return {COUNTY_CODE: county, **townships, **communities}


def _move_legacy_people(data: DemoData) -> int:
    """Give the demo's people written by an older demo (wrong check digit) their correct number, so that the sync
    below updates them instead of adding them again. Only numbers this demo generates are looked for."""
    legacy = {legacy_demo_id_number(row["id_number"][:17]): row["id_number"] for row in data.people}
    legacy = {old: new for old, new in legacy.items() if old != new}
    # PersonQuerySet.in_bulk looks up by the unique HMAC column; the plugin only knows Django's unique-field rule
    stale = Person.objects.in_bulk(list(legacy), field_name="id_number")  # type: ignore[misc]
    if not stale:
        return 0
    taken = set(Person.objects.filter(id_number__in=[legacy[old] for old in stale]).values_list("id_number", flat=True))
    moved = [person for old, person in stale.items() if legacy[old] not in taken]
    for person in moved:
        person.id_number = legacy[person.id_number]
        person.id_check_failed = False
        person.updated_at = timezone.now()
    Person.objects.bulk_update(moved, ["id_number", "id_check_failed", "updated_at"])
    return len(moved)


def _hash_passwords(password: str, count: int) -> list[str]:
    """One salted hash per new account. PBKDF2 releases the GIL, so threads use every core."""
    if count == 0:
        return []
    with ThreadPoolExecutor(max_workers=min(count, os.cpu_count() or 1)) as pool:
        return list(pool.map(make_password, [password] * count))


def _write_accounts(
    data: DemoData, jurisdictions: dict[str, Jurisdiction], password: str, units: dict[str, MemberUnit]
) -> None:
    User = get_user_model()
    usernames = [account.username for account in data.accounts]
    existing = User._default_manager.in_bulk(usernames, field_name="username")
    missing = [account for account in data.accounts if account.username not in existing]
    hashes = _hash_passwords(password, len(missing))
    User._default_manager.bulk_create(
        [
            User(
                username=account.username,
                first_name=account.first_name,
                is_staff=account.is_staff,
                is_superuser=account.is_superuser,
                is_active=True,
                password=hashed,
            )
            for account, hashed in zip(missing, hashes, strict=True)
        ]
    )
    users = User._default_manager.in_bulk(usernames, field_name="username")
    groups = {group.name: group for group in Group.objects.filter(name__in=[ADMIN_GROUP, STAFF_GROUP])}
    for account in data.accounts:
        user = users[account.username]
        wanted = {
            "first_name": account.first_name,
            "is_staff": account.is_staff,
            "is_superuser": account.is_superuser,
            "is_active": True,
        }
        diff = [name for name, value in wanted.items() if getattr(user, name) != value]
        if diff:
            for name in diff:
                setattr(user, name, wanted[name])
            user.save(update_fields=diff)
        if account.group:
            user.groups.add(groups[account.group])
    _sync(
        OfficerProfile,
        "user_id",
        [
            {
                "user_id": users[account.username].pk,
                "jurisdiction_id": jurisdictions[account.township_code].pk if account.township_code else None,
                "member_unit_id": units[account.member_unit_name].pk if account.member_unit_name else None,
                "title": "安监站站长" if account.township_code in {t.code for t in TOWNSHIPS} else "安全生产联络员",
                "phone": account.officer_phone,
            }
            for account in data.accounts
            if account.township_code or account.member_unit_name
        ],
    )


def demo_counts() -> dict[str, int]:
    """Current totals of what the demo fills (the whole table, demo rows or not)."""
    return {
        "jurisdictions": Jurisdiction.objects.count(),
        "subdistricts": Jurisdiction.objects.filter(level=JurisdictionLevel.SUBDISTRICT).count(),
        "communities": Jurisdiction.objects.filter(level=JurisdictionLevel.COMMUNITY).count(),
        "member_units": MemberUnit.objects.count(),
        "enterprises": Enterprise.objects.count(),
        "people": Person.objects.count(),
        "users": get_user_model()._default_manager.count(),
        "officers": OfficerProfile.objects.count(),
    }


def build_demo(*, password: str | None = None) -> dict[str, int]:
    """Create or refresh the demo city; idempotent. ``password`` (default ``DEMO_PASSWORD``) is given only to
    accounts created by this run. Returns ``demo_counts()``."""
    data = generate_demo_data()
    with transaction.atomic():
        sync_roles()
        jurisdictions = _write_jurisdictions(data)
        county = jurisdictions[COUNTY_CODE]
        units = _sync(MemberUnit, "name", [{**row, "jurisdiction_id": county.pk} for row in data.member_units])
        enterprises = _sync(
            Enterprise,
            "credit_code",
            [
                {
                    **{k: v for k, v in row.items() if k not in ("jurisdiction_code", "supervisor_name")},
                    "jurisdiction_id": jurisdictions[row["jurisdiction_code"]].pk,
                    "supervisor_id": units[row["supervisor_name"]].pk,
                }
                for row in data.enterprises
            ],
        )
        _move_legacy_people(data)
        _sync(
            Person,
            "id_number",
            [
                {
                    **{k: v for k, v in row.items() if k not in ("jurisdiction_code", "enterprise_code")},
                    "jurisdiction_id": jurisdictions[row["jurisdiction_code"]].pk,
                    "enterprise_id": enterprises[row["enterprise_code"]].pk if row["enterprise_code"] else None,
                }
                for row in data.people
            ],
        )
        _write_accounts(data, jurisdictions, password or DEMO_PASSWORD, units)
        _write_authorities()
        return demo_counts()


DEMO_AUTHORITIES = [
    {"name": "晋江市安全生产委员会办公室", "header": "晋江市安全生产委员会办公室文件", "code": "晋安办",
     "contact": "市安委办综合科 0595-85612345"},
    {"name": "晋江市应急管理局", "header": "晋江市应急管理局文件", "code": "晋应急", "contact": "0595-85612350"},
]  # fmt: skip


def _write_authorities() -> None:
    for row in DEMO_AUTHORITIES:
        IssuingAuthority.objects.update_or_create(code=row["code"], defaults=row)
