"""Model fields that keep resident ID numbers encrypted at rest (see ``safetyportal.crypto`` and docs/security.md).

An encrypted value is a pair of columns declared side by side::

    id_number = EncryptedIdNumberField(_("身份证号"), max_length=18, blind_index="id_number_hmac")
    id_number_hmac = BlindIndexField(source="id_number", unique=True)

and the model derives from ``BlindIndexedModel``. In Python ``person.id_number`` is the plaintext; the database holds
only the AES-GCM ciphertext, bound to its column (``EncryptedIdNumberField.context``), and the keyed HMAC. Equality
lookups on the encrypted field (``exact``, ``iexact``, ``in``, across relations too: ``holder__id_number__in=[...]``)
are rewritten to the HMAC column, so they use its index; uniqueness lives on the HMAC column (``unique=True`` or a
``UniqueConstraint`` naming it) and its validation errors are reported on the encrypted field. Substring, range and
pattern lookups are refused (they cannot work on ciphertext); ordering by the field orders by ciphertext, i.e.
meaninglessly.

Not covered: ``QuerySet.update(id_number=...)`` and ``bulk_update([...], ["id_number"])`` do not recompute the HMAC
(list the HMAC field too after calling ``refresh_blind_indexes()``); raw fixtures must carry the HMAC.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldError, ValidationError
from django.db import models, transaction
from django.db.models import ExpressionWrapper, F
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, In, IsNull

from . import crypto
from .types import QuerySetMixinBase


class EncryptedIdNumberField(models.CharField):
    """A CharField whose column holds ``crypto.encrypt()`` output; ``max_length`` applies to the plaintext."""

    description = "Encrypted ID number (AES-GCM), looked up through a keyed HMAC column"

    def __init__(self, *args: Any, blind_index: str, **kwargs: Any) -> None:
        self.blind_index = blind_index
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["blind_index"] = self.blind_index
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        return "TextField"  # the column holds ciphertext, longer than max_length

    @property
    def context(self) -> str:
        """The column every ciphertext of this field is bound to (AES-GCM associated data): "app.model.field". The
        model is the one that declares the field (a parent model's for inherited fields), as in migrations."""
        # model_name is set as soon as the model class exists, before any field is used
        return crypto.column_context(self.model._meta.app_label, str(self.model._meta.model_name), self.name)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return crypto.decrypt_or_marker(value, context=self.context)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or value == "":
            return value
        if isinstance(value, crypto.Undecryptable):
            return value.ciphertext  # written back exactly as it was read
        if value == crypto.UNDECRYPTABLE_TEXT:
            # The marker lost its ciphertext (copied as plain text): refuse rather than overwrite the real number.
            raise ValueError("refusing to store the undecryptable-value marker in place of a ciphertext")
        return crypto.encrypt(value, context=self.context)

    def get_lookup(self, lookup_name: str) -> type | None:
        return _LOOKUPS.get(lookup_name)

    def get_transform(self, lookup_name: str) -> None:
        return None

    def index_field(self) -> BlindIndexField:
        return _blind_index_field(self.model, self.blind_index)


def _blind_index_field(model: type[models.Model], name: str) -> BlindIndexField:
    field = model._meta.get_field(name)
    if not isinstance(field, BlindIndexField):
        raise TypeError(f"{model._meta.label}.{name} is not a BlindIndexField")
    return field


class BlindIndexField(models.CharField):
    """The keyed HMAC of another field, computed on every save (``pre_save``) from that field's plaintext."""

    description = "Keyed HMAC (blind index) of an encrypted field"

    def __init__(self, *args: Any, source: str, **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs.pop("editable", None)
        if kwargs.get("max_length") == 64:
            kwargs.pop("max_length")
        return name, path, args, kwargs

    def compute(self, instance: models.Model) -> str:
        value = getattr(instance, self.source)
        if isinstance(value, crypto.Undecryptable):
            return getattr(instance, self.attname)  # unknown plaintext: keep the stored index
        return crypto.blind_index(value) if value else ""

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = self.compute(model_instance)
        setattr(model_instance, self.attname, value)
        return value


# Lookups: the encrypted column is compared through its HMAC column -------------------------------------------------


def _index_column(lhs: Any) -> Col:
    field = getattr(lhs, "target", None)
    if not isinstance(lhs, Col) or not isinstance(field, EncryptedIdNumberField):
        raise FieldError("An encrypted ID number can only be compared as a plain column.")
    return Col(lhs.alias, field.index_field())


def _index_value(value: Any) -> str:
    if hasattr(value, "resolve_expression"):
        raise FieldError("An encrypted ID number can only be compared with literal values, not with expressions.")
    return crypto.blind_index(value)


class IndexedExact(Exact):
    lookup_name = "exact"

    def __init__(self, lhs: Any, rhs: Any) -> None:
        if rhs is None:  # Query.build_lookup turns "= None" into IS NULL on the original column
            super().__init__(lhs, rhs)
            return
        super().__init__(_index_column(lhs), _index_value(rhs))


class IndexedIExact(IndexedExact):
    """The index is taken over the canonical (upper-case) form, so the admin's ``=field`` search is exact too."""

    lookup_name = "iexact"


class IndexedIn(In):
    lookup_name = "in"

    def __init__(self, lhs: Any, rhs: Any) -> None:
        if hasattr(rhs, "resolve_expression"):
            raise FieldError("An encrypted ID number can only be compared with literal values, not with a subquery.")
        super().__init__(_index_column(lhs), [_index_value(v) for v in rhs if v is not None])


_LOOKUPS: dict[str, type] = {
    "exact": IndexedExact,
    "iexact": IndexedIExact,
    "in": IndexedIn,
    "isnull": IsNull,
}


# Model mixin --------------------------------------------------------------------------------------------------------


class BlindIndexedModel(models.Model):
    """Keeps the HMAC columns current before validation and saving, and reports their uniqueness errors on the
    encrypted field the user typed (the HMAC field is not in any form)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            names = set(update_fields)
            names.update(index for source, index in self._blind_index_pairs() if source in names)
            kwargs["update_fields"] = names
        super().save(*args, **kwargs)

    @classmethod
    def _blind_index_pairs(cls) -> list[tuple[str, str]]:
        return [
            (field.name, field.blind_index)
            for field in cls._meta.concrete_fields
            if isinstance(field, EncryptedIdNumberField)
        ]

    def refresh_blind_indexes(self) -> None:
        for _source, index in self._blind_index_pairs():
            field = _blind_index_field(type(self), index)
            setattr(self, field.attname, field.compute(self))

    def _index_exclusions(self, exclude: Collection[str] | None) -> set[str]:
        exclude = set(exclude or ())
        for source, index in self._blind_index_pairs():
            if source in exclude:
                exclude.add(index)
            else:
                exclude.discard(index)
        return exclude

    def _on_source(self, error: ValidationError) -> ValidationError:
        if not hasattr(error, "error_dict"):
            return error
        errors = dict(error.error_dict)
        for source, index in self._blind_index_pairs():
            if index in errors:
                errors.setdefault(source, []).extend(errors.pop(index))
        return ValidationError(errors)

    def unique_error_message(self, model_class: type[models.Model], unique_check: Sequence[str]) -> ValidationError:
        sources = {index: source for source, index in self._blind_index_pairs()}
        return super().unique_error_message(model_class, tuple(sources.get(name, name) for name in unique_check))

    def validate_unique(self, exclude: Collection[str] | None = None) -> None:
        self.refresh_blind_indexes()
        try:
            super().validate_unique(exclude=self._index_exclusions(exclude))
        except ValidationError as error:
            raise self._on_source(error) from None

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        self.refresh_blind_indexes()
        try:
            super().validate_constraints(exclude=self._index_exclusions(exclude))
        except ValidationError as error:
            raise self._on_source(error) from None


class BlindIndexQuerySetMixin(QuerySetMixinBase):
    """Keeps the HMAC columns right in the bulk paths that bypass ``save()``: ``update(id_number=...)`` and
    ``bulk_update(..., ["id_number"])`` write the HMAC too, and ``in_bulk(field_name="id_number")`` works when the HMAC
    column is unique (Django's own in_bulk insists on a unique *field*, and the encrypted column is not one)."""

    def _pairs(self) -> list[tuple[str, str]]:
        pairs = getattr(self.model, "_blind_index_pairs", None)
        return pairs() if pairs else []

    def update(self, **kwargs: Any) -> int:
        for source, index in self._pairs():
            if source in kwargs and index not in kwargs:
                value = kwargs[source]
                if hasattr(value, "resolve_expression"):
                    raise FieldError("An encrypted ID number can only be updated with literal values.")
                kwargs[index] = crypto.blind_index(value) if value else ""
        return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        objs, fields = list(objs), list(fields)
        extra = [index for source, index in self._pairs() if source in fields and index not in fields]
        if extra:
            for obj in objs:
                obj.refresh_blind_indexes()
        return super().bulk_update(objs, [*fields, *extra], batch_size=batch_size)

    def in_bulk(self, id_list: Any = None, *, field_name: str = "pk") -> dict[Any, Any]:
        field = self.model._meta.get_field(field_name) if field_name != "pk" else None
        if not (isinstance(field, EncryptedIdNumberField) and field.index_field().unique):
            return super().in_bulk(id_list, field_name=field_name)
        if id_list is None:
            return {getattr(obj, field_name): obj for obj in self}
        values = list(id_list)
        found: dict[Any, Any] = {}
        for start in range(0, len(values), 1_000):
            batch = self.filter(**{f"{field_name}__in": values[start : start + 1_000]})
            found.update({getattr(obj, field_name): obj for obj in batch})
        return found


# Key rotation -------------------------------------------------------------------------------------------------------


@dataclass
class RotationResult:
    label: str  # "safetyportal.Person.id_number"
    rows: int = 0
    rewritten: int = 0
    undecryptable: list[int] = dataclass_field(default_factory=list)


def encrypted_fields() -> list[EncryptedIdNumberField]:
    return [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedIdNumberField) and not model._meta.proxy
    ]


def rotate_keys(*, batch_size: int = 1_000, dry_run: bool = False) -> list[RotationResult]:
    """Re-encrypt under the first FIELD_ENCRYPTION_KEY every value another key made, and recompute every HMAC that
    differs (after FIELD_HMAC_KEY changed). Rows are read as raw ciphertext, a batch at a time, each batch written in
    one transaction; values no configured key can decrypt are left as they are and reported by primary key."""
    primary = crypto.primary_key_id()
    results = []
    for field in encrypted_fields():
        model, index = field.model, field.index_field()
        result = RotationResult(f"{model._meta.label}.{field.name}")
        raw = ExpressionWrapper(F(field.name), output_field=models.TextField())
        manager = model._base_manager
        last_pk = 0
        while True:
            rows = list(
                manager.filter(pk__gt=last_pk)
                .order_by("pk")
                .annotate(_raw=raw)
                .values_list("pk", "_raw", index.attname)[:batch_size]
            )
            if not rows:
                break
            last_pk = rows[-1][0]
            result.rows += len(rows)
            changed = []
            for pk, ciphertext, stored_index in rows:
                if not ciphertext:
                    continue
                try:
                    plaintext = crypto.decrypt(ciphertext, context=field.context)
                except crypto.DecryptionError:
                    result.undecryptable.append(pk)
                    continue
                new_index = crypto.blind_index(plaintext)
                if crypto.ciphertext_key_id(ciphertext) != primary or new_index != stored_index:
                    changed.append(model(pk=pk, **{field.attname: plaintext, index.attname: new_index}))
            result.rewritten += len(changed)
            if changed and not dry_run:
                with transaction.atomic(using=manager.db):
                    manager.bulk_update(changed, [field.name, index.name])
        results.append(result)
    return results
