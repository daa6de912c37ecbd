"""The rules on a filing (A2xx, and A103 on its rows), and ``audit_normalized`` which runs every rule on it.

The findings come project first (``filing`` rules, in the order defined here), then row by row: the ``row``
rules, the row's own ``indicator`` findings (A1xx), then the ``rows`` rules, each in the order defined.

>>> from indicatornlp import Filing, Indicator, Normalized, Position, parse_target
>>> satisfaction = ("满意度指标", "服务对象满意度指标")
>>> filing = Filing(Position("a.txt"), indicators=(Indicator("群众满意度", "好", *satisfaction),))
>>> row = Normalized("群众满意度", "群众满意度", parse_target("好"), *satisfaction, *satisfaction)
>>> [(f.code, f.row) for f in audit_normalized(filing, [row])]
[('A201', None), ('A202', None), ('A203', None), ('A204', None), ('A111', 0)]
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

from ..records import Comparator, Filing, Finding, Indicator, Normalized, Severity, TargetKind
from .indicator import indicator_findings, legacy_layout, shown_category
from .lists import category, number, words
from .registry import RULES, Message, Scope, check, checks, declare, rule

__all__ = ["Project", "Row", "audit_normalized"]

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

    def run(scope: Scope) -> list[Finding]:
        said = ((c, c.run(row)) for c in checks(scope))
        return [c.finding(s, indicator=ind.name, row=row.index, source=where) for c, s in said if s is not None]

    own = indicator_findings(n)
    codes = {f.code for f in own}
    # findings the caller's normalize() attached that are not ours (our own are recomputed above)
    own.extend(f for f in n.findings if f.code not in RULES and f.code not in codes)
    own = [dataclasses.replace(f, row=row.index, indicator=ind.name, source=where) for f in own if f.code not in once]
    return run("row") + own + run("rows")


def _money(value: Decimal) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") + " 元"


# ---- the project, in the order its findings are listed --------------------------------------------------


@rule(
    "A200",
    _I,
    "model unavailable",
    scope="filing",
    doc="the model was unavailable: the category-mismatch check (A101) was skipped",
)
def model_unavailable(p: Project) -> Iterator[str]:
    if p.model_note is not None:
        yield (
            f"category mismatch (A101) not checked: {p.model_note}"
            " — run with the shipped model (or rebuild it: indicatornlp train) to check the categories"
        )


@rule("A205", _E, "no indicator rows", scope="filing", doc="no indicator rows at all")
def no_rows(p: Project) -> Iterator[str]:
    if not p.normalized:
        yield "the filing has no indicator rows — fill in the 绩效指标 table"


def _lacks(p: Project, role: str) -> bool:
    """The filing has rows, none of them under the 一级 named ``role`` in audit.toml."""
    return bool(p.normalized) and category(role) not in {n.level1 for n in p.normalized}


@rule("A201", _E, "no 产出指标", scope="filing", doc="no 产出指标 in the project")
def no_output(p: Project) -> Iterator[str]:
    if _lacks(p, "output"):
        yield f"no {category('output')} — every project states what it delivers (数量, 质量, 时效)"


@rule("A202", _E, "no 效益指标", scope="filing", doc="no 效益指标 in the project")
def no_effect(p: Project) -> Iterator[str]:
    if _lacks(p, "effect"):
        yield f"no {category('effect')} — every project states its effect (经济, 社会, 生态, 可持续影响)"


@rule(
    "A203",
    _W,
    "no 成本指标",
    scope="filing",
    doc="no 成本指标 (Shanghai 2025: every project); an error for construction/purchase projects",
)
def no_cost(p: Project) -> Iterator[str | Message]:
    if not _lacks(p, "cost"):
        return
    cost, economic = category("cost"), category("economic_cost")
    if building := [w for w in words("construction_words") if w in (p.filing.project or "")]:
        yield Message(
            f"no {cost} in a construction or purchase project ('{building[0]}')"
            f" — add {economic} (总成本, 单位成本) matching the budget",
            _E,
        )
    else:
        yield (
            f"no {cost} (required for every project from 2025 in Shanghai; centrally for construction"
            f" and purchase) — add {economic} such as 项目总成本 ≤N 万元 or a unit cost"
        )


@rule("A204", _W, "fewer than 3 indicators", scope="filing", doc="fewer than 3 indicators")
def too_few(p: Project) -> Iterator[str]:
    count, least = len(p.normalized), number("min_indicators")
    if 0 < count < least:
        yield f"only {count} indicator(s) — a project needs at least {least}"


@rule(
    "A207",
    _E,
    "funds do not add up",
    scope="filing",
    doc="funds that do not add up: 项目资金总额 ≠ 财政资金 (+ 上年结转) + 其他资金",
)
def funds_do_not_add_up(p: Project) -> Iterator[str]:
    funds = p.filing.funds
    if funds.total is None or funds.fiscal is None:
        return
    other = funds.other or Decimal(0)
    carry = funds.carryover or Decimal(0)
    # forms differ: 上年结转 is either inside 财政资金 (Shanghai) or beside it
    if funds.total not in (funds.fiscal + other, funds.fiscal + carry + other):
        parts = f"财政资金 {_money(funds.fiscal)} + 其他资金 {_money(other)}"
        if carry:
            parts += f" (上年结转 {_money(carry)})"
        yield f"项目资金总额 {_money(funds.total)} ≠ {parts} — correct the amounts so that the parts add up"


@rule("A208", _W, "annual request above total", scope="filing", doc="年度资金申请总额 larger than 项目资金总额")
def annual_above_total(p: Project) -> Iterator[str]:
    funds = p.filing.funds
    if funds.total is not None and funds.annual is not None and funds.annual > funds.total:
        yield (
            f"年度资金申请总额 {_money(funds.annual)} is larger than 项目资金总额 {_money(funds.total)}"
            " — the year's request is part of the total: correct one of them"
        )


@rule("A210", _I, "reader warning", scope="filing", doc="a row the reader could not place (the reader's warning)")
def reader_warning(p: Project) -> Iterator[str]:
    for warning in p.filing.warnings:
        yield f"{warning} — check the row in the source"


@check("A102", scope="filing")
def legacy_labels(p: Project) -> Iterator[str]:
    """A layout is the filing's: one finding per legacy label (A102 on a row alone), not one per row."""
    legacy: dict[tuple[str, str], list[int]] = {}
    for i, (ind, n) in enumerate(zip(p.filing.indicators, p.normalized, strict=True)):
        if legacy_layout(n) is not None:
            labels = " / ".join(x for x in (ind.level1_raw, ind.level2_raw) if x)
            legacy.setdefault((labels, shown_category(n.filed_level1, n.filed_level2)), []).append(i)
    for (labels, current), numbers in legacy.items():
        shown = ", ".join(str(i + 1) for i in numbers[:8]) + (" …" if len(numbers) > 8 else "")
        yield (
            f"{len(numbers)} row(s) filed under the legacy label or layout '{labels}' (rows {shown}); the current"
            f" table (财预〔2021〕101号) calls it {current} — use the current category names"
        )


# ---- a row in its filing: before the row's own findings -------------------------------------------------


@rule("A209", _W, "cost target above funds", scope="row", doc="a total-cost target larger than the project's funds")
def cost_above_funds(row: Row) -> str | None:
    n, t, total = row.normalized, row.normalized.target, row.filing.funds.total
    if total is None or n.level1 != category("cost") or t.kind is not TargetKind.NUMERIC:
        return None
    if t.unit != "元" or t.value is None or t.value <= total or t.comparator in (Comparator.GE, Comparator.GT):
        return None
    return f"cost target '{t.raw}' is more than the project's funds ({_money(total)}) — match the cost to the budget"


@rule(
    "A103",
    _W,
    "no valid category",
    scope="row",
    doc="the row has no valid 二级 category (missing, or a label of another frame)",
)
def no_valid_category(row: Row) -> str | None:
    ind, n = row.indicator, row.normalized
    if n.filed_level2 is not None:
        return None
    filed = " / ".join(x for x in (ind.level1_raw, ind.level2_raw) if x) or "nothing"
    guess = f" (the model reads it as {shown_category(n.level1, n.level2)})" if n.predicted_level2 else ""
    return (
        f"the row's category ({filed}) is not a 二级 of the target table{guess}"
        " — file it under one of the 2021 categories"
    )


# ---- a row against the rows before it: after the row's own findings --------------------------------------


@rule(
    "A206",
    _W,
    "duplicate indicator",
    scope="rows",
    doc="duplicate indicator: the same name twice in one filing",
)
def duplicate(row: Row) -> str | None:
    if row.same_as is None:
        return None
    return f"the same indicator as row {row.same_as + 1} — merge the two rows or tell them apart"


# ---- files that could not be read: raised by indicatornlp.batch, listed here for the catalogue -----------

declare("F001", _E, "file could not be read", doc="a file that could not be read (the reader's error)")
declare("F002", _E, "unexpected error", doc="an unexpected error while reading or auditing a file (a bug: report it)")
