"""The anonymous claim (凭查询码领取举报奖励) and the confidentiality of the payee's details: the tracking code proves
the claim; a wrong code and a report without a reward get the same answer; guesses are throttled; the details are
encrypted at rest and never appear in a page, a list, a history row or a log — only on the custodian's screen, each
read leaving one log row with its reason."""

from __future__ import annotations

import logging
import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from inspections import reward_services, reward_views, services, views
from inspections.models import Hazard, HazardStatus
from inspections.reward_models import PaymentMethod, RewardClaim, RewardClaimAccessLog
from tests.core.factories import JurisdictionFactory, StaffUserFactory
from tests.inspections.factories import PenaltyCaseFactory
from tests.inspections.factories_rewards import RewardClaimFactory, RewardFactory, valid_id
from tests.otp import as_verified

pytestmark = pytest.mark.django_db

CLAIM_URL = "/report/reward/"
ID_NUMBER = valid_id("35058219870315246")
ACCOUNT = "6228480123456789012"
PHONE = "13905958642"
NAME = "甄领奖"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def reported(status: str = HazardStatus.RECTIFYING):  # type: ignore[no-untyped-def]
    """A citizen's report through the real service (so the code is real), advanced to ``status``."""
    report, code = services.submit_public_report(
        category="fire",
        jurisdiction=JurisdictionFactory(name="灵源街道"),
        place="某小区3号楼",
        description="安全出口被锁闭。",
    )
    Hazard.objects.filter(pk=report.hazard_id).update(status=status)
    report.hazard.refresh_from_db()
    return report, code


@pytest.fixture
def rewarded(staff):
    report, code = reported()
    penalty = PenaltyCaseFactory(hazard=report.hazard, fine=Decimal(80000))
    reward = reward_services.propose_reward(report=report, by=staff, penalty=penalty)
    return reward, code


def claim_data(code: str, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "action": "claim",
        "code": code,
        "payee_name": NAME,
        "id_number": ID_NUMBER,
        "payment_method": PaymentMethod.BANK,
        "bank_name": "中国农业银行晋江支行",
        "account": ACCOUNT,
        "phone": PHONE,
    }
    data.update(overrides)
    return data


def without_csrf(html: str) -> str:
    return CSRF.sub("", html)


def test_the_page_is_a_post_form_that_fits_a_phone(client):
    html = client.get(CLAIM_URL).content.decode()
    assert 'method="post"' in html and "csrfmiddlewaretoken" in html and "查询码" in html
    assert "no-store" in client.get(CLAIM_URL).headers["Cache-Control"]
    assert "<table" not in html


def test_the_right_code_shows_the_reward_and_the_claim_form(client, rewarded):
    reward, code = rewarded
    html = client.post(CLAIM_URL, {"action": "check", "code": code.lower()}).content.decode()
    assert "12,000" in html or "12000" in html
    assert "待审批" in html and 'id="claim-form"' in html and reward.report.hazard.number in html


def test_a_wrong_code_a_report_without_reward_and_a_voided_reward_look_the_same(client, staff, rewarded):
    reward, code = rewarded
    _report, unrewarded_code = reported()
    wrong = without_csrf(
        client.post(CLAIM_URL, {"action": "check", "code": "ABCD-EFGH-JKMN-PQRS-TUVW"}).content.decode()
    )
    unrewarded = without_csrf(client.post(CLAIM_URL, {"action": "check", "code": unrewarded_code}).content.decode())
    reward_services.void_reward(reward=reward, by=staff, reason="重新计算")
    voided = without_csrf(client.post(CLAIM_URL, {"action": "check", "code": code}).content.decode())
    assert wrong == unrewarded == voided
    assert 'id="claim-not-found"' in wrong and 'id="claim-form"' not in wrong
    # Claiming with such a code saves nothing either.
    client.post(CLAIM_URL, claim_data(unrewarded_code))
    assert not RewardClaim.objects.exists()


def test_a_claim_is_encrypted_at_rest_and_never_shown_back(client, rewarded, caplog):
    reward, code = rewarded
    caplog.set_level(logging.DEBUG)
    response = client.post(CLAIM_URL, claim_data(code))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="claim-done"' in html
    assert "no-store" in response.headers["Cache-Control"]
    for secret in (ID_NUMBER, ACCOUNT, PHONE, NAME):
        assert secret not in html
        assert secret not in caplog.text
    claim = RewardClaim.objects.get(reward=reward)
    assert (claim.payee_name, claim.id_number, claim.account, claim.phone) == (NAME, ID_NUMBER, ACCOUNT, PHONE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT payee_name, id_number, account, phone, bank_name FROM inspections_rewardclaim")
        raw = " ".join(str(value) for value in cursor.fetchone())
    for secret in (ID_NUMBER, ACCOUNT, PHONE, NAME, "农业银行"):
        assert secret not in raw
    # Checking again says details arrived, and shows none of them.
    again = client.post(CLAIM_URL, {"action": "check", "code": code}).content.decode()
    assert "已收到您的领奖信息" in again and ID_NUMBER not in again and ACCOUNT not in again


def test_a_claim_can_be_corrected_until_paid(client, rewarded, other_staff, staff):
    reward, code = rewarded
    client.post(CLAIM_URL, claim_data(code))
    client.post(CLAIM_URL, claim_data(code, phone="13800001111"))
    claim = RewardClaim.objects.get()
    assert (claim.phone, claim.times_submitted) == ("13800001111", 2)
    reward_services.approve_reward(reward=reward, by=other_staff)
    reward_services.record_payment(reward=reward, by=staff, paid_on=timezone.localdate(), voucher_number="付-9")
    html = client.post(CLAIM_URL, claim_data(code, phone="13800002222")).content.decode()
    assert "已发放" in html and 'id="claim-form"' not in html
    assert RewardClaim.objects.get().phone == "13800001111"


@pytest.fixture
def other_staff(db):
    from django.contrib.auth.models import Group

    from safetyportal.roles import STAFF_GROUP

    return StaffUserFactory(groups=[Group.objects.get(name=STAFF_GROUP)])


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"id_number": ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")}, "校验位"),
        ({"id_number": "3505821987"}, "18位"),
        ({"phone": "12345"}, "有效的手机号码"),
        ({"account": ""}, "开户银行和银行账号"),
        ({"account": "12AB"}, "12至30位数字"),
    ],
)
def test_bad_details_are_refused_and_not_echoed(client, rewarded, overrides, message):
    _reward, code = rewarded
    response = client.post(CLAIM_URL, claim_data(code, **overrides))
    html = response.content.decode()
    assert response.status_code == 400 and message in html
    assert not RewardClaim.objects.exists()
    for secret in (ID_NUMBER, ACCOUNT, PHONE, NAME):
        assert secret not in html


def test_cash_needs_no_account(client, rewarded):
    _reward, code = rewarded
    response = client.post(CLAIM_URL, claim_data(code, payment_method=PaymentMethod.CASH, account="", bank_name=""))
    assert response.status_code == 200
    assert RewardClaim.objects.get().account == ""


def test_guesses_are_throttled_like_the_tracking_page(client, monkeypatch):
    assert reward_views.TRACK_RATES is views.TRACK_RATES  # the tracking page's limits (10/min, 50/day by default)
    # Per hour here, so that a slow run crossing a minute boundary cannot reset the window mid-test.
    monkeypatch.setattr(reward_views, "TRACK_RATES", ["10/h", "50/d"])
    statuses = [client.post(CLAIM_URL, {"action": "check", "code": f"guess-{n:020d}"}).status_code for n in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_csrf_is_required():
    client = Client(enforce_csrf_checks=True)
    assert client.post(CLAIM_URL, {"action": "check", "code": "x" * 20}).status_code == 403


def test_id_number_is_validated_with_the_projects_gb11643_validator():
    with pytest.raises(ValidationError):
        reward_services.submit_claim(
            reward=RewardFactory(),
            payee_name=NAME,
            id_number="11010519491231002Y",
            payment_method=PaymentMethod.CASH,
            phone=PHONE,
        )
    claim = reward_services.submit_claim(
        reward=RewardFactory(),
        payee_name=NAME,
        id_number="１１０１０５１９４９１２３１００２ｘ",  # full-width digits and a lower-case x are normalised
        payment_method=PaymentMethod.CASH,
        phone=PHONE,
    )
    assert claim.id_number == "11010519491231002X"


# The custodian -------------------------------------------------------------------------------------------------------


def claim_url(claim) -> str:  # type: ignore[no-untyped-def]
    return f"/admin/inspections/reward/{claim.reward_id}/claim/"


def test_no_admin_page_or_default_permission_reaches_a_claim():
    assert RewardClaim not in admin.site._registry
    assert not Permission.objects.filter(content_type__model="rewardclaim").exists()


def test_each_read_by_a_custodian_writes_one_log_row(client, custodian):
    claim = RewardClaimFactory(id_number=ID_NUMBER, account=ACCOUNT, phone=PHONE, payee_name=NAME)
    client.force_login(custodian)
    form = client.get(claim_url(claim))
    assert form.status_code == 200 and ID_NUMBER not in form.content.decode()
    assert not RewardClaimAccessLog.objects.exists()
    response = client.post(claim_url(claim), {"reason": "财务核对收款账户"})
    html = response.content.decode()
    assert ID_NUMBER in html and ACCOUNT in html and PHONE in html and NAME in html
    assert "no-store" in response.headers["Cache-Control"]
    log = RewardClaimAccessLog.objects.get()
    assert (log.user, log.claim, log.reason) == (custodian, claim, "财务核对收款账户")
    client.post(claim_url(claim), {"reason": "第二次：电话核实"})
    assert RewardClaimAccessLog.objects.count() == 2
    client.post(claim_url(claim), {"reason": ""})  # no reason: nothing shown, nothing logged
    assert RewardClaimAccessLog.objects.count() == 2
    with pytest.raises(Exception):  # noqa: B017 (append-only: the model refuses)
        RewardClaimAccessLog.objects.all().delete()


def test_staff_without_the_custodian_permission_see_nothing(client, staff):
    claim = RewardClaimFactory(id_number=ID_NUMBER)
    client.force_login(staff)
    assert client.post(claim_url(claim), {"reason": "想看看"}).status_code == 403
    assert not RewardClaimAccessLog.objects.exists()
    with pytest.raises(PermissionDenied):
        reward_services.reveal_claim(claim=claim, by=as_verified(staff), reason="想看看")


def test_an_unverified_session_cannot_read_a_claim(custodian):
    claim = RewardClaimFactory()
    custodian.is_verified = lambda: False
    with pytest.raises(PermissionDenied):
        reward_services.reveal_claim(claim=claim, by=custodian, reason="核对收款账户")


def test_the_details_never_reach_the_admin_lists_change_pages_or_history(client, office_user_all, rewarded):
    reward, code = rewarded
    Client().post(CLAIM_URL, claim_data(code))
    client.force_login(office_user_all)
    pages = [
        "/admin/inspections/reward/",
        f"/admin/inspections/reward/{reward.pk}/change/",
        f"/admin/inspections/reward/{reward.pk}/approve/",
        f"/admin/inspections/reward/{reward.pk}/history/",
        "/admin/inspections/publicreport/",
        f"/admin/inspections/publicreport/{reward.report_id}/change/",
        f"/admin/inspections/hazard/{reward.report.hazard_id}/change/",
        "/admin/inspections/rewardclaimaccesslog/",
        "/admin/safetyportal/recordhistory/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 302), url
        html = response.content.decode()
        for secret in (ID_NUMBER, ACCOUNT, PHONE, NAME):
            assert secret not in html, (url, secret)
    change = client.get(f"/admin/inspections/reward/{reward.pk}/change/").content.decode()
    assert "已提交（加密保存）" in change


@pytest.fixture
def office_user_all(db):
    """A superuser (every permission but, unverified for the reveal, nothing to show)."""
    return StaffUserFactory(is_superuser=True)
