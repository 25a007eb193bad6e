"""The admin's boolean icons with Chinese alternative text (issue 13).

Django draws ✓/✗ in changelists and read-only fields with ``admin_list._boolean_icon``, whose ``alt`` is the Python
value ("True", "False", "None"): a screen reader reads English. Every caller looks the function up in that module when
it runs (``helpers.py`` and ``utils.py`` import it inside the function), so replacing it there once, at start-up, is
enough. The search icon's ``alt="Search"`` is a template: templates/admin/search_form.html."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

BOOLEAN_ALT = {True: "是", False: "否", None: "未知"}
BOOLEAN_ICON = {True: "yes", False: "no", None: "unknown"}


def boolean_icon(field_val: Any) -> SafeString:
    return format_html(
        '<img src="{}" alt="{}">', static(f"admin/img/icon-{BOOLEAN_ICON[field_val]}.svg"), BOOLEAN_ALT[field_val]
    )


def install() -> None:
    admin_list._boolean_icon = boolean_icon  # type: ignore[attr-defined]  # private in the stubs, public in use
