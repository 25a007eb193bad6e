import pytest
from django.urls import reverse

from tests.core.factories import EnterpriseFactory
from tests.otp import device_for, pass_second_factor

pytestmark = pytest.mark.django_db


def test_officer_logs_into_the_portal(client, officer_a, password):
    device_for(officer_a)
    response = client.post(reverse("portal:login"), {"username": officer_a.username, "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify")  # then the second factor (tests/security/test_mfa.py)
    response = pass_second_factor(client, officer_a)
    assert response["Location"] == reverse("portal:home")
    page = client.get(reverse("portal:home"))
    assert "甲街道工作台" in page.content.decode()


def test_officer_is_refused_by_the_admin(client, officer_a, password):
    client.force_login(officer_a)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_officer_marked_staff_by_mistake_is_still_refused_by_the_admin(client, officer_a):
    officer_a.is_staff = True
    officer_a.is_superuser = True
    officer_a.save()
    client.force_login(officer_a)
    assert client.get(reverse("admin:index")).status_code == 302


def test_staff_cannot_use_the_officer_login(client, staff_user, password):
    response = client.post(reverse("portal:login"), {"username": staff_user.username, "password": password})
    assert response.status_code == 200
    assert "不是门户单位工作人员账号" in response.content.decode()


def test_staff_are_refused_by_the_portal(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("portal:home")).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_dashboard_counts_only_own_unit(client, officer_a, unit_a, unit_b):
    EnterpriseFactory.create_batch(3, jurisdiction=unit_a)
    EnterpriseFactory.create_batch(5, jurisdiction=unit_b)
    client.force_login(officer_a)
    response = client.get(reverse("portal:home"))
    assert response.context["enterprise_stats"]["total"] == 3


@pytest.mark.parametrize("rows", [2, 40])
def test_dashboard_query_count_does_not_grow_with_rows(client, officer_a, unit_a, rows, django_assert_max_num_queries):
    EnterpriseFactory.create_batch(rows, jurisdiction=unit_a)
    client.force_login(officer_a)
    with django_assert_max_num_queries(20):  # constant: the apps' dashboard sections add a few each
        assert client.get(reverse("portal:home")).status_code == 200


@pytest.mark.django_db
def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.ico")
