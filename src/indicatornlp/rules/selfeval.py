"""The checks a reviewer makes on a scored 自评表 (S1xx): registered by code, run by ``indicatornlp.score``.

Each ``score`` check reads one ``ScoredRow`` (a ``ScoreRow`` and the limits of the scoring rules) and returns its
message or ``None``; each ``scorecard`` check reads the ``ScoredCard`` and yields its messages.  The scoring itself
(``indicatornlp.scoring``) leaves its evidence on the rows: their ``flags``, ``ratio``, ``rule`` and filed cells.

>>> from decimal import Decimal
>>> from indicatornlp import ScoreRow, parse_target
>>> row = ScoreRow("培训场次", parse_target("≥20场"), parse_target("36场"), weight=Decimal(10),
...                ratio=Decimal("1.8"), score=Decimal(10), filed_score=Decimal(8))
>>> [f.code for f in row_findings(ScoredRow(row, Decimal("0.5"), Decimal(150)))]
['S101', 'S102']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from decimal import Decimal

from ..messages import nest
from ..records import Comparator, Finding, Scorecard, ScoreRow, Severity, _decimal_text
from .registry import Said, checks, declare, rule, say

__all__ = ["ScoredCard", "ScoredRow", "card_findings", "row_findings"]

_W, _I = Severity.WARNING, Severity.INFO
_NOT_HIGHER = (Comparator.LE, Comparator.LT, Comparator.BETWEEN)


@dataclasses.dataclass(frozen=True, slots=True)
class ScoredRow:
    """A scored row as the ``score`` checks see it."""

    row: ScoreRow
    tolerance: Decimal
    """How far a filed 得分 may be from the computed score (points)."""
    too_low: Decimal
    """The actual, in % of a ≥ target, from which the target was set too low."""


@dataclasses.dataclass(frozen=True, slots=True)
class ScoredCard:
    """A scored filing as the ``scorecard`` checks see it."""

    card: Scorecard
    weights_filed: bool
    """The table states its 分值 (else the default weights were used)."""
    sums: Sequence[Decimal]
    """What the 分值 of a table may add up to (100, or 90 with 预算执行率 outside the table)."""
    stated: tuple[Decimal | None, Decimal | None] | None = None
    """The 总分 line of the table: (its 分值, its 得分), ``None`` when the table has none."""
    execution: tuple[Decimal, Decimal, Decimal] | None = None
    """The funds block's (全年预算数, 全年执行数, stated 执行率 in %), ``None`` when it does not state all three."""


def row_findings(scored: ScoredRow) -> list[Finding]:
    """The findings about one scored row (``row``: its 1-based number in the filing, as every finding's)."""
    r = scored.row
    where = str(r.position) if r.position else None
    found = ((c, c.run(scored)) for c in checks("score"))
    return [
        c.finding(said, indicator=r.name, row=r.index + 1, source=where, target=r.target.raw)
        for c, said in found
        if said is not None
    ]


def card_findings(scored: ScoredCard) -> list[Finding]:
    """The findings about the whole scored filing."""
    source = str(scored.card.source)
    return [c.finding(said, source=source) for c in checks("scorecard") for said in c.run(scored)]


def _with_rule(row: ScoreRow, said: Said) -> Said:
    """``said`` with the row's rule as the values of its ``{rule}``: the English, and its sentence of the catalogue
    (``rule.key``, ``rule.value`` …: ``messages.nest``), which ``Finding.text(lang)`` says in the message's language.
    """
    nested = nest("rule", row.rule_key, *row.rule_args) if row.rule_key is not None else ()
    return dataclasses.replace(said, args=(*said.args, ("rule", row.rule), *nested))


def _n(value: Decimal) -> str:
    """A number as a reviewer writes it (``8.5``, ``10``): 2 decimals at most."""
    return _decimal_text(value.quantize(Decimal("0.01")))


# ---- one row ---------------------------------------------------------------------------------------------------


@rule("S101", _W, scope="score")
def filed_score_differs(s: ScoredRow) -> Said | None:
    r = s.row
    if r.filed_score is None or r.score is None or abs(r.filed_score - r.score) <= s.tolerance:
        return None
    return _with_rule(r, say(filed=_n(r.filed_score), computed=_n(r.score), weight=_n(r.weight or Decimal(0))))


@rule("S102", _I, scope="score")
def target_too_low(s: ScoredRow) -> Said | None:
    r = s.row
    if r.ratio is None or "reverse" in r.flags or r.target.comparator in _NOT_HIGHER:
        return None
    if r.ratio * 100 < s.too_low:
        return None
    return say(percent=_n(r.ratio * 100))


@rule("S103", _W, scope="score")
def no_actual(s: ScoredRow) -> Said | None:
    if "no_actual" not in s.row.flags:
        return None
    return say()


@rule("S104", _W, scope="score")
def not_comparable(s: ScoredRow) -> Said | None:
    r = s.row
    if "not_comparable" in r.flags:
        return _with_rule(r, say(actual=r.actual.raw if r.actual is not None else "", target=r.target.raw))
    if "no_weight" in r.flags:
        return _with_rule(r, say("no_weight"))
    return None


@rule("S105", _I, scope="score")
def units_converted(s: ScoredRow) -> Said | None:
    r = s.row
    actual = r.actual.raw if r.actual is not None else ""
    if "ratio_as_percent" in r.flags:
        return say(actual=actual, target=r.target.raw)
    if "unit_converted" in r.flags:
        return say("units", actual=actual, target=r.target.raw, unit=r.target.unit or "")
    return None


@rule("S107", _W, scope="score")
def filed_above_weight(s: ScoredRow) -> Said | None:
    r = s.row
    if r.filed_score is None or r.weight is None or r.filed_score <= r.weight:
        return None
    return say(filed=_n(r.filed_score), weight=_n(r.weight))


@rule("S108", _I, scope="score")
def reverse_comparator(s: ScoredRow) -> Said | None:
    if "reverse_comparator" not in s.row.flags:
        return None
    return say(name=s.row.name, target=s.row.target.raw)


# ---- the whole filing ------------------------------------------------------------------------------------------


@rule("S106", _W, scope="scorecard")
def weights_do_not_sum(s: ScoredCard) -> Iterator[Said]:
    weights = [r.weight for r in s.card.rows if r.weight is not None]
    if not s.weights_filed or not weights:
        return
    total = sum(weights, Decimal(0))
    if total not in s.sums:
        shown = " or ".join(_n(x) for x in s.sums)
        yield say(total=_n(total), expected=shown)


@rule("S110", _W, scope="scorecard")
def execution_rate_differs(s: ScoredCard) -> Iterator[Said]:
    if s.execution is None:
        return
    budget, executed, stated = s.execution
    computed = executed * 100 / budget
    if abs(computed - stated) > _RATE_ROUNDING:
        yield say(stated=_n(stated), computed=_n(computed), budget=_n(budget), executed=_n(executed))


_RATE_ROUNDING = Decimal("0.5")  # a rate stated to whole percent (95.86 → 96 %) is not a discrepancy


@rule("S109", _W, scope="scorecard")
def total_line_differs(s: ScoredCard) -> Iterator[Said]:
    if s.stated is None:
        return
    stated_weight, stated_score = s.stated
    rows = [r for r in s.card.rows if r.weight is not None]
    filed = [r.filed_score for r in rows]
    if stated_score is None or not rows or any(f is None for f in filed):
        return
    weights = sum((r.weight for r in rows if r.weight is not None), Decimal(0))
    if stated_weight is not None and stated_weight != weights:
        return  # the 总分 counts points outside the table (预算执行率's 10): its sum cannot be checked here
    added = sum((f for f in filed if f is not None), Decimal(0))
    if abs(added - stated_score) > Decimal("0.01"):
        yield say(stated=_n(stated_score), added=_n(added))


declare("S201", Severity.ERROR)  # raised by indicatornlp.scoring for a filing with no 实际完成值
