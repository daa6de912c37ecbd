"""Targets measured from last year's value: ``较上年提高5%``, ``同比增长10%``, ``不低于上年``, ``与上年持平``.

Like dateparser's relative dates (``freshness_date_parser``), they live apart from the absolute forms: the number
they state is a change from a base the filing does not quantify, never a level, and a comparator compares with
that base.  Each is a DIRECTION (like 提高) with flag ``last_year``; a stated change keeps its number, unit and
comparator (``较上年提高5%以上`` → ≥ 5 %, direction increase); a comparison keeps its comparator, and its label is
the comparison as filed (``不低于上年``: ≥ last year, direction maintain).  The words are lexicon.toml's
``[relative]``; the pattern is ``_grammar``'s ``relative`` (tried only on values that name a base: ``relative_base``).

>>> from ._grammar import _grammar
>>> t = _read_relative("较上年提高5%", "较上年提高5%", None, _grammar())
>>> t.kind.value, t.value, t.unit, t.label, t.direction, sorted(t.flags)
('direction', Decimal('5'), '%', '提高', 'increase', ['last_year', 'vague'])
"""

from __future__ import annotations

from ..records import Comparator, Target, TargetKind
from ._grammar import _Grammar
from ._numbers import _read_numeric
from ._record import _target

_DIRECTION_OF = {Comparator.GT: "increase", Comparator.LT: "decrease"}  # ≥ ≤ = ≈ hold the base: maintain
_NOT_FOR_A_CHANGE = frozenset({"no_comparator", "no_unit"})  # the flags of a level, not of a change


def _read_relative(raw: str, s: str, year: int | None, g: _Grammar) -> Target | None:
    """A change from, or a comparison with, last year's value; ``None`` when ``s`` is not one."""
    if g.relative is None:
        return None
    m = g.relative.fullmatch(s)
    if m is None:
        return None
    vocab = g.vocab
    verb, pre, cmp, amount = m["verb"], m["pre"], m["cmp"], m["amount"]
    if (verb is not None) == (pre is not None or cmp is not None) or (amount and not verb):
        return None  # neither a change nor a comparison ("上年"), or both at once
    flags = {"vague", "last_year"}
    if verb is not None or pre is not None:
        word = verb or pre
        change = _read_numeric(amount, amount, year, g) if amount else None
        if amount and (change is None or change.kind is not TargetKind.NUMERIC):
            return None
        if change is None:
            return _target(raw, TargetKind.DIRECTION, flags, label=word, direction=vocab.directions[word])
        return _target(
            raw, TargetKind.DIRECTION, flags | (change.flags - _NOT_FOR_A_CHANGE), comparator=change.comparator,
            value=change.value, upper=change.upper, unit=change.unit, label=word, direction=vocab.directions[word],
        )  # fmt: skip
    comparator = vocab.comparators.get(cmp)
    if comparator is None:
        return None
    direction = _DIRECTION_OF.get(comparator, "maintain")
    return _target(
        raw, TargetKind.DIRECTION, flags, comparator=comparator, label=cmp + m["base"], direction=direction
    )  # fmt: skip
