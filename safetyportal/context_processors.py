from django.conf import settings
from django.http import HttpRequest


def office(request: HttpRequest) -> dict[str, str]:
    return {"OFFICE_NAME": settings.OFFICE_NAME, "CITY_NAME": settings.CITY_NAME}
