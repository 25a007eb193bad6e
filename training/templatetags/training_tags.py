from __future__ import annotations

from django import template

from safetyportal.validators import mask_name

register = template.Library()


@register.filter
def masked_name(value: str | None) -> str:
    """A private person's name as published: surname kept (孙某)."""
    return mask_name(value)
