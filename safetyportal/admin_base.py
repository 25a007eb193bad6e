"""Strict query strings for every admin changelist (SECURITY.md T55).

Django's stock ``ModelAdmin.lookup_allowed`` accepts any lookup on the model's own fields, so that
``?description__regex=[`` reached the database and an invalid pattern gave a 500, and ``?password__startswith=`` on
the user list was an oracle. Here a changelist honours only:

- the parameters its declared ``list_filter`` entries generate (``status__exact``, ``jurisdiction__id__exact``,
  ``created_at__gte`` …, computed from the filter classes without running a query);
- the ``date_hierarchy`` parameters (``<field>__year``/``__month``/``__day``, with values that make a real date);
- the lookups a raw-id popup sends for a ``limit_choices_to`` (Django's own exception);
- Django's own parameters, which it parses safely itself: search ``q``, ordering ``o`` (indexes into the displayed
  columns only), page ``p``, ``all``, ``_popup``, ``_to_field`` (checked by Django, 400 when not allowed), ``e``,
  ``_facets``.

Any other parameter is refused with Django's own ``DisallowedModelAdminLookup`` (400). A value that cannot make a
valid query (a NUL character, an impossible date, an over-long search) raises ``IncorrectLookupParameters``, which
Django answers with its normal redirect to ``?e=1``. Nothing in a query string reaches the database unchecked.

``PortalAdminSite.register`` gives every registered admin (the project's, ``auth``'s and ``axes``') this mixin, so a
new admin cannot forget it; ``tests/security/test_query_string_fuzz.py`` proves it for the whole registry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.contrib.admin.filters import (
    AllValuesFieldListFilter,
    DateFieldListFilter,
    EmptyFieldListFilter,
    FieldListFilter,
    ListFilter,
    RelatedFieldListFilter,
    SimpleListFilter,
)
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.admin.widgets import url_params_from_lookup_dict
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import HttpRequest

from .types import ModelAdminMixinBase

# A search longer than this (characters or words) is refused: every word adds an OR over every search field, and a
# few thousand words exceed SQLite's expression depth.
MAX_SEARCH_CHARS = 200
MAX_SEARCH_WORDS = 20
# Date hierarchy years that make a valid range in Asia/Shanghai and in UTC (the year after must exist too).
MIN_YEAR, MAX_YEAR = 1900, 2999
_LEADING_YEAR = re.compile(r"^\s*(\d+)-")


def field_filter_parameters(field_path: str, field: Any, filter_class: type | None) -> set[str]:
    """The query-string names a ``FieldListFilter`` generates for ``field_path`` (as in Django's filter classes)."""
    if filter_class is None or filter_class is FieldListFilter.create:
        filter_class = next(
            # Django's private registry of the field filter classes (not in the stubs)
            (cls for test, cls in FieldListFilter._field_list_filters if test(field)),  # type: ignore[attr-defined]
            FieldListFilter,
        )
    own = getattr(filter_class, "expected_parameter_names", None)
    if callable(own):  # a project filter class may declare its names itself
        return set(own(field_path, field))
    if issubclass(filter_class, EmptyFieldListFilter):
        return {f"{field_path}__isempty"}
    if issubclass(filter_class, RelatedFieldListFilter):
        return {f"{field_path}__{field.target_field.name}__exact", f"{field_path}__isnull"}
    if issubclass(filter_class, DateFieldListFilter):
        return {f"{field_path}__gte", f"{field_path}__lt", f"{field_path}__isnull"}
    if issubclass(filter_class, AllValuesFieldListFilter):
        return {field_path, f"{field_path}__isnull"}
    # Boolean and choices filters, and any other field filter: exact value or empty.
    return {f"{field_path}__exact", f"{field_path}__isnull"}


def list_filter_parameters(model: type[models.Model], list_filter: Iterable[Any]) -> set[str]:
    """Every parameter name the given ``list_filter`` entries may read from a query string."""
    names: set[str] = set()
    for entry in list_filter:
        if isinstance(entry, type) and issubclass(entry, ListFilter):
            if issubclass(entry, SimpleListFilter) and entry.parameter_name:
                names.add(entry.parameter_name)
            else:
                names.update(getattr(entry, "expected_parameter_names", lambda: ())())
            continue
        field_path, filter_class = entry if isinstance(entry, (tuple, list)) else (entry, None)
        if isinstance(field_path, models.Field):
            field, field_path = field_path, field_path.name
        else:
            try:
                field = get_fields_from_path(model, field_path)[-1]
            except (FieldDoesNotExist, NotRelationField):
                continue  # Django's system checks report a bad list_filter; nothing to accept here
        names.update(field_filter_parameters(field_path, field, filter_class))
    return names


def date_hierarchy_parameters(date_hierarchy: str | None) -> set[str]:
    if not date_hierarchy:
        return set()
    return {f"{date_hierarchy}__{part}" for part in ("year", "month", "day")}


class StrictQueryStringMixin(ModelAdminMixinBase):
    """Mixed into every ModelAdmin: only declared filters are accepted, and no query string gives a 5xx."""

    def allowed_lookup_parameters(self, request: HttpRequest) -> set[str]:
        return list_filter_parameters(self.model, self.get_list_filter(request)) | date_hierarchy_parameters(
            self.date_hierarchy
        )

    def lookup_allowed(self, lookup: str, value: Any, request: HttpRequest) -> bool:
        # Raw-id popups pass the related field's limit_choices_to as lookups (Django's own exception).
        for fk_lookup in self.model._meta.related_fkey_lookups:
            if callable(fk_lookup):
                fk_lookup = fk_lookup()
            if (lookup, value) in url_params_from_lookup_dict(fk_lookup).items():
                return True
        return lookup in self.allowed_lookup_parameters(request)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """Initial values from the query string (``add/?campaign=3``), without those no field could hold: a related
        id that is not one (the autocomplete widget would query with it and fail) or text with a NUL."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            values = value if isinstance(value, list) else [value]
            if any("\x00" in str(item) for item in values):
                del initial[name]
                continue
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.is_relation and field.related_model is not None:
                target = field.target_field if hasattr(field, "target_field") else field.related_model._meta.pk
                try:
                    cleaned = [target.to_python(item) for item in values]
                except ValidationError:
                    del initial[name]
                    continue
                if any(isinstance(item, int) and not -(2**63) <= item < 2**63 for item in cleaned):
                    del initial[name]
        return initial

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        check_query_values(request, self.date_hierarchy, self.allowed_lookup_parameters(request))
        return super().get_changelist_instance(request)


def check_query_values(request: HttpRequest, date_hierarchy: str | None, allowed: Iterable[str]) -> None:
    """Refuse values that no filter can turn into a valid query (IncorrectLookupParameters: Django's ``?e=1``)."""
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            raise IncorrectLookupParameters("NUL character in the query string")
    search = request.GET.get(SEARCH_VAR, "")
    if len(search) > MAX_SEARCH_CHARS or len(search.split()) > MAX_SEARCH_WORDS:
        raise IncorrectLookupParameters("search too long")
    if date_hierarchy:
        parts = {part: request.GET.get(f"{date_hierarchy}__{part}") for part in ("year", "month", "day")}
        if any(value is not None for value in parts.values()):
            try:
                year = int(parts["year"] or "")
                dt.date(year, int(parts["month"] or 1), int(parts["day"] or 1))
            except (ValueError, OverflowError):
                raise IncorrectLookupParameters("invalid date hierarchy") from None
            if not MIN_YEAR <= year <= MAX_YEAR:
                raise IncorrectLookupParameters("date hierarchy year out of range")
    for key in allowed:
        if key.endswith(("__gte", "__lt")):
            for value in request.GET.getlist(key):
                # Date filters: Django parses the value, but a year like 0001 overflows once shifted to UTC.
                match = _LEADING_YEAR.match(value)
                if match and not MIN_YEAR <= int(match.group(1)) <= MAX_YEAR:
                    raise IncorrectLookupParameters("date filter year out of range")


class PortalModelAdmin(StrictQueryStringMixin, admin.ModelAdmin):
    """Base for new project admins (the admin site adds the mixin to any other class it registers)."""


def strict_admin_class(admin_class: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    """``admin_class`` itself if it already has the mixin, otherwise a subclass with it mixed in first."""
    if issubclass(admin_class, StrictQueryStringMixin):
        return admin_class
    return type(
        admin_class.__name__,
        (StrictQueryStringMixin, admin_class),
        {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
    )


class ReadOnlyAdminMixin:
    """An admin for an append-only audit trail: everyone with the view permission looks, nobody adds, changes or
    deletes a row here (superusers included; the model refuses too, see ``safetyportal.records.AppendOnlyModel``)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
