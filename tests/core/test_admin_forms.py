import pytest
from django.urls import reverse

from safetyportal.models import Person

pytestmark = pytest.mark.django_db


def person_form(unit, id_number: str) -> dict[str, str]:
    return {"name": "林某某", "gender": "M", "id_number": id_number, "phone": "", "jurisdiction": str(unit.pk)}


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        ("350199199001011238", "身份证号码校验位错误"),
        ("3501991990010112", "身份证号码应为18位"),
        ("350582199002301234", "出生日期无效"),
    ],
)
def test_bad_id_numbers_in_the_admin_form_get_a_clear_message(client, admin_user_office, unit_a, id_number, message):
    client.force_login(admin_user_office)
    response = client.post(reverse("admin:safetyportal_person_add"), person_form(unit_a, id_number))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Person.objects.exists()


def test_number_that_crashes_stdnum_validate_is_handled(client, admin_user_office, unit_a):
    # stdnum's cn.ric.validate() raises KeyError on this number (unknown county under a known prefecture).
    client.force_login(admin_user_office)
    response = client.post(reverse("admin:safetyportal_person_add"), person_form(unit_a, "350199199001011237"))
    assert response.status_code == 302
    assert Person.objects.get().id_number == "350199199001011237"


def test_person_list_shows_masked_numbers(client, admin_user_office, unit_a):
    Person.objects.create(name="林某某", id_number="350582199001011234", jurisdiction=unit_a)
    client.force_login(admin_user_office)
    page = client.get(reverse("admin:safetyportal_person_changelist")).content.decode()
    assert "3505************34" in page
    assert "350582199001011234" not in page
