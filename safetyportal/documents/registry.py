"""Document kinds: each app registers a builder that turns a document's source into a template and a context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import GeneratedDocument


@dataclass
class RenderSpec:
    template_name: str
    context: dict[str, Any] = field(default_factory=dict)


Builder = Callable[["GeneratedDocument"], RenderSpec]

_BUILDERS: dict[str, tuple[str, Builder]] = {}


def register_builder(kind: str, label: str) -> Callable[[Builder], Builder]:
    def decorator(builder: Builder) -> Builder:
        _BUILDERS[kind] = (label, builder)
        return builder

    return decorator


def get_builder(kind: str) -> Builder:
    try:
        return _BUILDERS[kind][1]
    except KeyError:
        raise LookupError(kind) from None


def kind_label(kind: str) -> str:
    return _BUILDERS.get(kind, (kind, None))[0]


def registered_kinds() -> list[tuple[str, str]]:
    return [(kind, label) for kind, (label, _builder) in sorted(_BUILDERS.items())]
