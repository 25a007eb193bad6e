"""Document kinds: each app registers a builder that turns a document's source into its output.

A PDF kind's builder returns a ``RenderSpec`` (a template and a context) that the engine renders; an xlsx kind's
builder returns the workbook's bytes. Both go through the same row: status, progress, attempts, the sweeper."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext

if TYPE_CHECKING:
    from .models import GeneratedDocument


@dataclass
class RenderSpec:
    template_name: str
    context: dict[str, Any] = field(default_factory=dict)


Output = Literal["pdf", "xlsx"]
Builder = Callable[["GeneratedDocument"], Any]  # RenderSpec for "pdf", bytes for "xlsx"

CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Kind:
    label: str
    builder: Builder
    output: Output = "pdf"


_KINDS: dict[str, Kind] = {}


def register_builder(kind: str, label: str, *, output: Output = "pdf") -> Callable[[Builder], Builder]:
    if output not in CONTENT_TYPES:
        raise ValueError(f"unknown output {output!r}")

    def decorator(builder: Builder) -> Builder:
        _KINDS[kind] = Kind(label, builder, output)
        return builder

    return decorator


def get_kind(kind: str) -> Kind:
    try:
        return _KINDS[kind]
    except KeyError:
        raise LookupError(kind) from None


def get_builder(kind: str) -> Builder:
    return get_kind(kind).builder


def kind_label(kind: str) -> str:
    """The kind's Chinese name; a kind no longer registered (a removed builder) is named as unknown, with its code."""
    registered = _KINDS.get(kind)
    if registered:
        return str(registered.label)
    return gettext("未知文书类型（%(kind)s）") % {"kind": kind}


def kind_output(kind: str) -> Output:
    """The file type a kind produces ("pdf" for an unknown kind: what every document was before xlsx kinds)."""
    registered = _KINDS.get(kind)
    return registered.output if registered else "pdf"


def registered_kinds() -> list[tuple[str, str]]:
    return [(kind, registered.label) for kind, registered in sorted(_KINDS.items())]
