"""The registry of figure providers: how one app reads another app's figures without importing it.

The campaign summary (活动总结) shows figures that belong to other apps: the exposure cases the inspections app
published (曝光台), the publicity app's pushes, reads and screens. Each of those apps registers a *provider* in its
``AppConfig.ready()``: a name, a Chinese label and a callable that takes a ``FigureScope`` (the campaign and its
period) and returns ``ProvidedFigures`` (typed measures, totals and, where the figures belong to units, the
breakdown per jurisdiction). The summary asks the registry by name.

A provider that is not registered is an error at the moment it is asked for (``FigureProviderMissing``), never an
empty result: an issued document must not silently print 0 because an app was not loaded. Figures that do not add
up (a total that is not the sum of its jurisdictions, a negative count) are refused when the provider returns them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from types import MappingProxyType

from django.utils.functional import Promise

# The names the summary asks for. Providers register under these; consumers use the constants, never strings.
EXPOSURE_CASES = "exposure_cases"  # inspections: exposure cases published in the period, per jurisdiction
CAMPAIGN_PUBLICITY = "campaign_publicity"  # publicity: the campaign's publicity figures


class FigureProviderMissing(LookupError):
    """Figures were asked of a provider no installed app registered."""


class FigureProviderConflict(ValueError):
    """Two different callables registered under one name."""


class InvalidFigures(ValueError):
    """A provider returned figures that are not counts or do not add up."""


@dataclass(frozen=True)
class FigureScope:
    """What the figures are asked for: a campaign (its id, for figures linked to it) and its period, both days
    included (local dates)."""

    starts_on: dt.date
    ends_on: dt.date
    campaign_id: int | None = None

    def __post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise ValueError(f"scope ends {self.ends_on} before it starts {self.starts_on}")


@dataclass(frozen=True)
class Measure:
    key: str
    label: str  # Chinese, e.g. "阅读量"
    unit: str  # Chinese, e.g. "次"

    @property
    def heading(self) -> str:
        """How tables and workbooks head the measure: 阅读量（次）."""
        return f"{self.label}（{self.unit}）" if self.unit else self.label


@dataclass(frozen=True)
class ProvidedFigures:
    """What a provider returns: its measures in display order, the total of each, and optionally the figures per
    jurisdiction id (then each total must equal the sum over the jurisdictions)."""

    measures: tuple[Measure, ...]
    totals: Mapping[str, int]
    by_jurisdiction: Mapping[int, Mapping[str, int]] | None = None

    def __post_init__(self) -> None:
        keys = [measure.key for measure in self.measures]
        if len(set(keys)) != len(keys):
            raise InvalidFigures(f"repeated measure keys: {keys}")
        totals = {key: _count(key, self.totals.get(key, 0)) for key in keys}
        unknown = set(self.totals) - self.keys
        if unknown:
            raise InvalidFigures(f"totals for undeclared measures: {sorted(unknown)}")
        object.__setattr__(self, "totals", MappingProxyType(totals))
        if self.by_jurisdiction is None:
            return
        rows: dict[int, Mapping[str, int]] = {}
        for jurisdiction_id, values in self.by_jurisdiction.items():
            if set(values) - self.keys:
                raise InvalidFigures(f"jurisdiction {jurisdiction_id}: undeclared measures {sorted(values)}")
            rows[int(jurisdiction_id)] = MappingProxyType({key: _count(key, values.get(key, 0)) for key in keys})
        for key in keys:
            summed = sum(values[key] for values in rows.values())
            if summed != totals[key]:
                raise InvalidFigures(f"{key}: total {totals[key]} is not the sum {summed} over the jurisdictions")
        object.__setattr__(self, "by_jurisdiction", MappingProxyType(rows))

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(measure.key for measure in self.measures)

    def total(self, key: str) -> int:
        if key not in self.keys:
            raise KeyError(key)
        return self.totals[key]

    def for_jurisdiction(self, jurisdiction_id: int, key: str) -> int:
        if key not in self.keys:
            raise KeyError(key)
        if self.by_jurisdiction is None:
            raise LookupError(f"{key}: these figures are not broken down per jurisdiction")
        values = self.by_jurisdiction.get(jurisdiction_id)
        return values[key] if values else 0


def _count(key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidFigures(f"{key}: {value!r} is not a count")
    return value


ProviderFunction = Callable[[FigureScope], ProvidedFigures]


@dataclass(frozen=True)
class FigureProvider:
    name: str
    label: str | Promise  # Chinese, e.g. "曝光台公开典型案例" (lazy: str() it where shown)
    function: ProviderFunction

    def __call__(self, scope: FigureScope) -> ProvidedFigures:
        figures = self.function(scope)
        if not isinstance(figures, ProvidedFigures):
            raise InvalidFigures(f"provider {self.name!r} returned {type(figures).__name__}, not ProvidedFigures")
        return figures


_PROVIDERS: dict[str, FigureProvider] = {}


def register_figure_provider(name: str, label: str | Promise, function: ProviderFunction) -> FigureProvider:
    """Register ``function`` under ``name`` (from an AppConfig.ready()). Registering the same callable again is a
    no-op; a different callable under a taken name is an error (two apps cannot both own a figure)."""
    current = _PROVIDERS.get(name)
    if current is not None and current.function is not function:
        raise FigureProviderConflict(f"figure provider {name!r} is already registered by {current.function!r}")
    provider = FigureProvider(name, label, function)
    _PROVIDERS[name] = provider
    return provider


def get_figure_provider(name: str) -> FigureProvider:
    try:
        return _PROVIDERS[name]
    except KeyError:
        raise FigureProviderMissing(
            f"no figure provider {name!r} is registered (is the app that owns it installed and ready?)"
        ) from None


def provide(name: str, scope: FigureScope) -> ProvidedFigures:
    """The figures of provider ``name`` for ``scope``; FigureProviderMissing if nobody registered it."""
    return get_figure_provider(name)(scope)


def registered_providers() -> list[FigureProvider]:
    return [_PROVIDERS[name] for name in sorted(_PROVIDERS)]


@contextmanager
def override_figure_provider(name: str, function: ProviderFunction | None, label: str | Promise = "") -> Iterator[None]:
    """Tests: replace (or, with ``None``, remove) a provider for the duration of the block."""
    saved = _PROVIDERS.get(name)
    if function is None:
        _PROVIDERS.pop(name, None)
    else:
        _PROVIDERS[name] = FigureProvider(name, label or (saved.label if saved else name), function)
    try:
        yield
    finally:
        if saved is None:
            _PROVIDERS.pop(name, None)
        else:
            _PROVIDERS[name] = saved
