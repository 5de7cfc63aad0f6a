"""Blackout windows, shared by channels.yaml (``defaults.blackouts``) and campaign files."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..errors import Problem
from ..i18n import t
from ..models import Blackout, Mark
from .marks import _line_of
from .specs import BlackoutSpec
from .values import _Moment


def _blackout_order(specs: list[BlackoutSpec], path: str, marks: dict[str, Mark],
                    file: str, indexes: Sequence[int] | None = None) -> list[Problem]:
    """Blackouts that end before they start; ``indexes``: each one's place in the file's
    list, when some of its items were left out."""
    found = []
    for i, b in zip(indexes or range(len(specs)), specs):
        if _bound(b.end, end=True) < _bound(b.start, end=False):
            found.append(Problem(t("this blackout ends before it starts"), file,
                                 _line_of(marks, (*path.split("."), i, "end"), None),
                                 t("swap start and end"), code="blackout"))
    return found


def _bound(m: _Moment, *, end: bool) -> datetime:
    if not end or m.precision == "second":
        return m.value
    # An end written to the minute covers that whole minute; a bare date the whole day.
    return m.value + (timedelta(seconds=59) if m.precision == "minute"
                      else timedelta(days=1, seconds=-1))


def _blackouts(specs: list[BlackoutSpec], tz: str, path: str, marks: dict[str, Mark]
               ) -> list[Blackout]:
    zone = ZoneInfo(tz)
    return [Blackout(_bound(b.start, end=False).replace(tzinfo=zone),
                     _bound(b.end, end=True).replace(tzinfo=zone), b.reason,
                     marks.get(f"{path}.{i}"))
            for i, b in enumerate(specs)]
