from __future__ import annotations

import secrets
from typing import Any

from django import template
from django.utils.html import format_html, json_script

from .. import masking
from ..validators import mask_id_number, mask_phone

register = template.Library()


@register.simple_tag
def echart(option: dict[str, Any], height: str = "320px") -> str:
    """A chart container and its option as a JSON data block (drawn by static/js/charts.js)."""
    element_id = f"chart-{secrets.token_hex(4)}"
    return format_html(
        '<div class="chart" data-echart="{}-data" data-height="{}"></div>{}',
        element_id,
        height,
        json_script(option, f"{element_id}-data"),
    )


@register.filter
def masked_id(value: str | None) -> str:
    return mask_id_number(value)


@register.filter
def masked_phone(value: Any) -> str:
    return mask_phone(value)


@register.filter
def mask_personal(value: Any) -> str:
    """Free text typed by people, with ID, phone and bank card numbers and names masked (the result is still escaped
    by autoescaping, so it chains with ``linebreaks``)."""
    return masking.mask_personal(str(value or ""))
