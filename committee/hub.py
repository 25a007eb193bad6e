"""The reads of the portal hub (/portal/committee/, ``committee:hub``): a unit's own committee matters on one page.

Its own parts (interviews and commitments, accidents of its area with the 15-day meeting clock) come from
``committee.selectors``. The other parts of the toolkit are read through their owners' selectors, each looked up when
the page is drawn (``_provider``): a part not installed (yet) is simply left out of the page, never an error:

- supervisions: ``committee.supervision_selectors.supervisions_for(user)`` (督办);
- circulars: ``committee.circular_selectors.circulars_for(user)`` (通报);
- the unit's own latest published score: ``committee.assessment_selectors.own_rows(unit_key)`` and ``breakdowns``
  (考核; the total and the unit's own rank only, the detail is on ``committee:assessment_mine``).

Every part is scoped by the requesting officer (``for_user``), shows at most ``HUB_ROWS`` rows and a total, and runs a
constant number of queries whatever the row count."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from safetyportal.scoping import officer_unit

from . import selectors
from .models import Interview

if TYPE_CHECKING:
    from safetyportal.types import UserOrAnonymous

HUB_ROWS = 5

# The other parts of the toolkit: (module, function) each, read only if its owner has written it.
SUPERVISIONS = ("committee.supervision_selectors", "supervisions_for")
CIRCULARS = ("committee.circular_selectors", "circulars_for")
SCORE_ROWS = ("committee.assessment_selectors", "own_rows")
SCORE_BREAKDOWNS = ("committee.assessment_selectors", "breakdowns")


def _provider(where: tuple[str, str]) -> Callable[..., Any] | None:
    """The function ``where`` names, or None when its module or the function does not exist (not written yet)."""
    module_name, function_name = where
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:  # the module exists but is broken: that is an error, never a hidden section
            raise
        return None
    function = getattr(module, function_name, None)
    return function if callable(function) else None


@dataclass
class HubPart:
    """One part of the hub: the first rows (already fetched), the total and whether its provider exists."""

    available: bool
    rows: list[Any] = field(default_factory=list)
    total: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _first_rows(queryset: QuerySet[Any] | list[Any]) -> HubPart:
    """The first HUB_ROWS rows and the total in two queries (a list is taken as is)."""
    if isinstance(queryset, list):
        return HubPart(available=True, rows=queryset[:HUB_ROWS], total=len(queryset))
    rows = list(queryset[: HUB_ROWS + 1])
    total = len(rows) if len(rows) <= HUB_ROWS else queryset.order_by().count()
    return HubPart(available=True, rows=rows[:HUB_ROWS], total=total)


def interviews_part(user: UserOrAnonymous, today: dt.date) -> HubPart:
    """The unit's interviews (newest first) with their commitments and the commitment counts: four queries."""
    part = _first_rows(selectors.interviews_for(user))
    part.rows = [
        (interview, [(c, c.current_status(today)) for c in interview.commitments.all()])
        for interview in part.rows
        if isinstance(interview, Interview)
    ]
    part.extra["counts"] = selectors.commitment_counts(user, today)
    return part


def accidents_part(user: UserOrAnonymous, today: dt.date) -> HubPart:
    """Accidents of the unit's area whose 现场警示教育会议 is still to be held (the oldest clock first), at most
    HUB_ROWS of them and the total. A member unit sees none (accidents are registered by area)."""
    queryset = selectors.meetings_due(today, user=user).order_by("occurred_at", "pk")
    part = _first_rows(queryset)
    part.rows = [(accident, accident.meeting_due_on, accident.meeting_state(today)) for accident in part.rows]
    return part


def _optional_part(where: tuple[str, str], user: UserOrAnonymous) -> HubPart:
    provider = _provider(where)
    if provider is None:
        return HubPart(available=False)
    return _first_rows(provider(user))


def score_part(user: UserOrAnonymous) -> HubPart:
    """The unit's latest published score (``own_rows`` + ``breakdowns`` of the assessment part): one query."""
    rows, breakdowns = _provider(SCORE_ROWS), _provider(SCORE_BREAKDOWNS)
    unit = officer_unit(user)
    if rows is None or breakdowns is None or unit is None or unit.pk is None:
        return HubPart(available=False)
    key = ("member_unit" if unit.kind == "member" else "jurisdiction", unit.pk)
    latest = breakdowns(list(rows(key)[:1]))
    return HubPart(available=True, rows=latest, total=len(latest), extra={"score": latest[0] if latest else None})


def hub(user: UserOrAnonymous, today: dt.date | None = None) -> dict[str, HubPart]:
    today = today or timezone.localdate()
    return {
        "interviews": interviews_part(user, today),
        "accidents": accidents_part(user, today),
        "supervisions": _optional_part(SUPERVISIONS, user),
        "circulars": _optional_part(CIRCULARS, user),
        "score": score_part(user),
    }
