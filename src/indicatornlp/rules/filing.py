"""The rules on a filing (A2xx, and A103 on its rows), and ``audit_normalized`` which runs every rule on it.

The findings come project first (``filing`` rules, in the order defined here), then row by row: the ``row``
rules, the row's own ``indicator`` findings (A1xx), then the ``rows`` rules, each in the order defined.

>>> from indicatornlp import Filing, Indicator, Normalized, Position, parse_target
>>> satisfaction = ("满意度指标", "服务对象满意度指标")
>>> filing = Filing(Position("a.txt"), indicators=(Indicator("群众满意度", "好", *satisfaction),))
>>> row = Normalized("群众满意度", "群众满意度", parse_target("好"), *satisfaction, *satisfaction)
>>> [(f.code, f.row) for f in audit_normalized(filing, [row])]
[('A201', None), ('A202', None), ('A203', None), ('A204', None), ('A111', 1)]
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

from ..records import Comparator, Filing, Finding, Indicator, Normalized, Severity, TargetKind
from .indicator import indicator_findings, legacy_layout, shown_category
from .lists import category, number, words
from .registry import RULES, Said, Scope, check, checks, declare, rule, say

__all__ = ["MODEL_OFF", "Project", "Row", "audit_normalized"]

_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclasses.dataclass(frozen=True, slots=True)
class Project:
    """A filing with its normalized rows, as the ``filing`` rules see it."""

    filing: Filing
    normalized: Sequence[Normalized]
    """``normalized[i]`` is row ``i`` of ``filing.indicators``."""
    model_note: str | None = None
    """Why no model was used (``None``: the model was used)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Row:
    """One row of a filing, as the ``row`` and ``rows`` rules see it."""

    index: int
    """0-based position of the row in ``filing.indicators`` (its findings say ``row = index + 1``)."""
    indicator: Indicator
    normalized: Normalized
    filing: Filing
    same_as: int | None = None
    """The first earlier row with the same name (spaces and punctuation ignored), if any."""


def audit_normalized(
    filing: Filing, normalized: Sequence[Normalized], *, model_note: str | None = None
) -> list[Finding]:
    """The findings of a filing whose rows are already normalized (``normalized[i]`` is row ``i``)."""
    if len(normalized) != len(filing.indicators):
        raise ValueError(f"{len(normalized)} normalized rows for {len(filing.indicators)} indicators")
    source = str(filing.source)
    project = Project(filing, normalized, model_note)
    found = [c.finding(said, source=source) for c in checks("filing") for said in c.run(project)]
    once = {c.rule.code for c in checks("filing")}  # a code with a filing check is said once, not on each row
    for row in _rows(filing, normalized):
        found.extend(_row_findings(row, once))
    # the project's findings first, then the rows in filed order (stable: rule order within a row)
    return sorted(found, key=lambda f: (f.row is not None, f.row or 0))


def _rows(filing: Filing, normalized: Sequence[Normalized]) -> Iterator[Row]:
    first: dict[str, int] = {}
    for i, (ind, n) in enumerate(zip(filing.indicators, normalized, strict=True)):
        key = re.sub(r"[\W_]+", "", n.name).lower()
        same_as = first.setdefault(key, i) if key else None
        yield Row(i, ind, n, filing, same_as if same_as != i else None)


def _row_findings(row: Row, once: set[str]) -> list[Finding]:
    ind, n = row.indicator, row.normalized
    where = str(ind.position) if ind.position else str(row.filing.source)

    number = row.index + 1  # findings number rows from 1, as the filing and every output does

    def run(scope: Scope) -> list[Finding]:
        said = ((c, c.run(row)) for c in checks(scope))
        found = ((c, s) for c, s in said if s is not None)
        return [c.finding(s, indicator=ind.name, row=number, source=where, target=ind.target_raw) for c, s in found]

    own = indicator_findings(n)
    codes = {f.code for f in own}
    # findings the caller's normalize() attached that are not ours (our own are recomputed above)
    own.extend(f for f in n.findings if f.code not in RULES and f.code not in codes)
    own = [
        dataclasses.replace(f, row=number, indicator=ind.name, source=where, target=ind.target_raw)
        for f in own
        if f.code not in once
    ]
    return run("row") + own + run("rows")


def _money(value: Decimal) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") + " 元"


# ---- the project, in the order its findings are listed --------------------------------------------------


MODEL_OFF = "no model was asked for"
"""The ``model_note`` of a run without a model (``model=False``, ``--no-model``): A200 then says so in its own words."""


@rule("A200", _I, scope="filing")
def model_unavailable(p: Project) -> Iterator[Said]:
    if p.model_note == MODEL_OFF:
        yield say("off")
    elif p.model_note is not None:
        yield say(note=p.model_note)


@rule("A205", _E, scope="filing")
def no_rows(p: Project) -> Iterator[Said]:
    if not p.normalized:
        yield say()


def _lacks(p: Project, role: str) -> bool:
    """The filing has rows, none of them under the 一级 named ``role`` in audit.toml."""
    return bool(p.normalized) and category(role) not in {n.level1 for n in p.normalized}


@rule("A201", _E, scope="filing")
def no_output(p: Project) -> Iterator[Said]:
    if _lacks(p, "output"):
        yield say(output=category("output"))


@rule("A202", _E, scope="filing")
def no_effect(p: Project) -> Iterator[Said]:
    if _lacks(p, "effect"):
        yield say(effect=category("effect"))


@rule("A203", _W, scope="filing")
def no_cost(p: Project) -> Iterator[Said]:
    if not _lacks(p, "cost"):
        return
    cost, economic = category("cost"), category("economic_cost")
    if building := [w for w in words("construction_words") if w in (p.filing.project or "")]:
        yield say("construction", cost=cost, economic=economic, word=building[0], severity=_E)
    else:
        yield say(cost=cost, economic=economic)


@rule("A204", _W, scope="filing")
def too_few(p: Project) -> Iterator[Said]:
    count, least = len(p.normalized), number("min_indicators")
    if 0 < count < least:
        yield say(count=count, least=least)


@rule("A207", _E, scope="filing")
def funds_do_not_add_up(p: Project) -> Iterator[Said]:
    funds = p.filing.funds
    if funds.total is None or funds.fiscal is None:
        return
    other = funds.other or Decimal(0)
    carry = funds.carryover or Decimal(0)
    # forms differ: 上年结转 is either inside 财政资金 (Shanghai) or beside it
    if funds.total not in (funds.fiscal + other, funds.fiscal + carry + other):
        total, fiscal, rest = _money(funds.total), _money(funds.fiscal), _money(other)
        if carry:
            yield say("carryover", total=total, fiscal=fiscal, other=rest, carryover=_money(carry))
        else:
            yield say(total=total, fiscal=fiscal, other=rest)


@rule("A208", _W, scope="filing")
def annual_above_total(p: Project) -> Iterator[Said]:
    funds = p.filing.funds
    if funds.total is not None and funds.annual is not None and funds.annual > funds.total:
        yield say(annual=_money(funds.annual), total=_money(funds.total))


@rule("A210", _I, scope="filing")
def reader_warning(p: Project) -> Iterator[Said]:
    for warning in p.filing.warnings:
        yield say(warning=warning)


@check("A102", scope="filing")
def legacy_labels(p: Project) -> Iterator[Said]:
    """A layout is the filing's: one finding per legacy label (A102 on a row alone), not one per row."""
    legacy: dict[tuple[str, str], list[int]] = {}
    for i, (ind, n) in enumerate(zip(p.filing.indicators, p.normalized, strict=True)):
        if legacy_layout(n) is not None:
            labels = " / ".join(x for x in (ind.level1_raw, ind.level2_raw) if x)
            legacy.setdefault((labels, shown_category(n.filed_level1, n.filed_level2)), []).append(i)
    for (labels, current), numbers in legacy.items():
        shown = ", ".join(str(i + 1) for i in numbers[:8]) + (" …" if len(numbers) > 8 else "")
        yield say("rows", count=len(numbers), labels=labels, rows=shown, current=current)


# ---- a row in its filing: before the row's own findings -------------------------------------------------


@rule("A209", _W, scope="row")
def cost_above_funds(row: Row) -> Said | None:
    n, t, total = row.normalized, row.normalized.target, row.filing.funds.total
    if total is None or n.level1 != category("cost") or t.kind is not TargetKind.NUMERIC:
        return None
    if t.unit != "元" or t.value is None or t.value <= total or t.comparator in (Comparator.GE, Comparator.GT):
        return None
    return say(target=t.raw, total=_money(total))


@rule("A103", _W, scope="row")
def no_valid_category(row: Row) -> Said | None:
    ind, n = row.indicator, row.normalized
    if n.filed_level2 is not None:
        return None
    filed = " / ".join(x for x in (ind.level1_raw, ind.level2_raw) if x)
    variant = ("guess" if filed else "blank_guess") if n.predicted_level2 else ("message" if filed else "blank")
    predicted = shown_category(n.level1, n.level2) if n.predicted_level2 else ""
    return say(variant, filed=filed, predicted=predicted)


# ---- a row against the rows before it: after the row's own findings --------------------------------------


@rule("A206", _W, scope="rows")
def duplicate(row: Row) -> Said | None:
    if row.same_as is None:
        return None
    return say(first=row.same_as + 1)


# ---- files that could not be read: raised by indicatornlp.batch, listed here for the catalogue -----------

declare("F001", _E)
declare("F002", _E)
