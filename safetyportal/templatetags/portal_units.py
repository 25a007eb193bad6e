"""The officer's portal unit in templates: ``{% load portal_units %}{% portal_unit user as unit %}`` gives a
``PortalUnit`` (``unit.name``, ``unit.kind``, ``unit.kind_label``) or None."""

from __future__ import annotations

from typing import Any

from django import template

from ..scoping import PortalUnit, officer_unit

register = template.Library()


@register.simple_tag
def portal_unit(user: Any) -> PortalUnit | None:
    return officer_unit(user)
