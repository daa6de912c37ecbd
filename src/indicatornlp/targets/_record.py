"""Building the ``Target`` record that every reader of the grammar returns."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from ..records import Comparator, Target, TargetKind

_NO_FLAGS: frozenset[str] = frozenset()


def _target(
    raw: str,
    kind: TargetKind,
    flags: Iterable[str] = (),
    *,
    comparator: Comparator | None = None,
    value: Decimal | None = None,
    upper: Decimal | None = None,
    unit: str | None = None,
    date: datetime.date | None = None,
    label: str | None = None,
    direction: str | None = None,
) -> Target:
    """A ``Target`` with the fields a reader found (flags shared when there are none)."""
    return Target(
        raw, kind, comparator, value, upper, unit, date, label, direction, frozenset(flags) if flags else _NO_FLAGS
    )
