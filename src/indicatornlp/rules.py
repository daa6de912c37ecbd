"""The reviewers' rules on normalized rows: per indicator (A1xx) and per filing (A2xx).

The codes and what they flag are listed in ``indicatornlp.audit``, which applies these rules to a filing;
``indicatornlp.normalize()`` attaches the per-indicator findings to each ``Normalized`` record.  Word lists
live in ``data/audit.toml``.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from importlib import resources

from .records import Comparator, Filing, Finding, Indicator, Normalized, Severity, TargetKind
from .text import normalize_text

__all__ = ["RULES", "Rule", "audit_normalized", "indicator_findings"]


@dataclasses.dataclass(frozen=True, slots=True)
class Rule:
    """One audit rule: its stable code, its usual severity and a short title."""

    code: str
    severity: Severity
    title: str


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO
RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule("A101", _W, "category mismatch"),
        Rule("A102", _I, "legacy layout"),
        Rule("A103", _W, "no valid category"),
        Rule("A110", _W, "vague target"),
        Rule("A111", _W, "unquantified target"),
        Rule("A112", _I, "vague wording in name"),
        Rule("A120", _W, "no comparator"),
        Rule("A121", _W, "missing unit"),
        Rule("A122", _E, "placeholder left in"),
        Rule("A123", _E, "no target value"),
        Rule("A124", _W, "Excel serial date"),
        Rule("A125", _W, "zero cost target"),
        Rule("A126", _W, "name too long"),
        Rule("A130", _W, "满意度 not a satisfaction measure"),
        Rule("A131", _W, "cost figure outside 成本指标"),
        Rule("A132", _W, "budget-management measure as target"),
        Rule("A200", _I, "model unavailable"),
        Rule("A201", _E, "no 产出指标"),
        Rule("A202", _E, "no 效益指标"),
        Rule("A203", _W, "no 成本指标"),
        Rule("A204", _W, "fewer than 3 indicators"),
        Rule("A205", _E, "no indicator rows"),
        Rule("A206", _W, "duplicate indicator"),
        Rule("A207", _E, "funds do not add up"),
        Rule("A208", _W, "annual request above total"),
        Rule("A209", _W, "cost target above funds"),
        Rule("A210", _I, "reader warning"),
        Rule("F001", _E, "file could not be read"),
        Rule("F002", _E, "unexpected error"),
    )
}
"""Every code the audit (and the batch tagger) can emit."""

_COST = "成本指标"
_SATISFACTION = "服务对象满意度指标"
_NUMERIC_LEVEL2 = frozenset({"数量指标", "经济成本指标", _SATISFACTION})
_NOT_A_LEVEL = frozenset({TargetKind.QUALITATIVE, TargetKind.TEXT, TargetKind.DIRECTION})
_PARTS = re.compile(r"[、，,;；/]+")
_TRAILING_DECORATION = re.compile(r"[(（][^)）]*[)）]$|[:：]$")
_MONEY_IN_NAME = re.compile(r"\d+(?:\.\d+)?\s*[万千百]?元")


@dataclasses.dataclass(frozen=True)
class _Lists:
    vague_target: frozenset[str]
    vague_name: tuple[str, ...]
    numeric_suffixes: tuple[str, ...]
    satisfaction: tuple[str, ...]
    cost_name: re.Pattern[str]
    cost_allowed_level2: frozenset[str]
    budget: re.Pattern[str]
    construction: tuple[str, ...]
    max_name_length: int
    min_indicators: int


@cache
def _lists() -> _Lists:
    raw = resources.files("indicatornlp").joinpath("data/audit.toml").read_text("utf-8")
    data = tomllib.loads(raw)
    suffixes = "|".join(re.escape(s) for s in sorted(data["cost_name_suffixes"], key=len, reverse=True))
    not_before = "".join(re.escape(c) for c in data["cost_not_before"])
    # a cost item: the name ends in 费/经费/成本 (+ 标准), or the suffix is followed by an amount ("体检费 1500 元/人")
    cost = rf"(?<![{not_before}])(?:{suffixes})(?:标准)?(?:$|\s*[\d(（:：])"
    return _Lists(
        vague_target=frozenset(data["vague_target_words"]),
        vague_name=tuple(data["vague_name_words"]),
        numeric_suffixes=tuple(data["numeric_name_suffixes"]),
        satisfaction=tuple(data["satisfaction_words"]),
        cost_name=re.compile(cost),
        cost_allowed_level2=frozenset(data["cost_allowed_level2"]),
        budget=re.compile("|".join(f"(?:{p})" for p in data["budget_measures"])),
        construction=tuple(data["construction_words"]),
        max_name_length=int(data["max_name_length"]),
        min_indicators=int(data["min_indicators"]),
    )


def _finding(code: str, message: str, *, indicator: str | None = None, row: int | None = None) -> Finding:
    return Finding(code, RULES[code].severity, message, indicator=indicator, row=row)


def _category(level1: str | None, level2: str | None) -> str:
    return f"{level1 or '?'}/{level2}" if level2 else (level1 or "no category")


def _is_vague(target_text: str, kind: TargetKind, flags: frozenset[str], words: frozenset[str]) -> bool:
    if kind is TargetKind.DIRECTION or "vague" in flags:
        return True
    if kind not in (TargetKind.QUALITATIVE, TargetKind.TEXT):
        return False
    # short parts only: "效果明显" is vague, "九城市深化人才合作" is a (wordy) outcome, not an impression
    return any(len(part) <= 6 and any(w in part for w in words) for part in _PARTS.split(target_text) if part)


def indicator_findings(n: Normalized) -> list[Finding]:
    """The findings about one indicator on its own (no filing context): A101–A132.

    ``row`` and ``source`` are left for the caller; ``indicator`` is the cleaned name.
    ``indicatornlp.normalize()`` attaches these to ``Normalized.findings``.
    """
    lists = _lists()
    t = n.target
    name = n.name
    target_text = normalize_text(t.raw)
    out: list[Finding] = []

    def add(code: str, message: str) -> None:
        out.append(_finding(code, message, indicator=name))

    filed = _category(n.filed_level1, n.filed_level2)
    if n.mismatch and n.predicted_level2 and n.filed_level2:
        predicted = _category(n.predicted_level1, n.predicted_level2)
        add(
            "A101",
            f"filed under {filed}, but the model reads it as {predicted} (confidence {n.confidence:.2f})"
            " — check the category, or reword the indicator so that it measures what its category asks",
        )
    if n.legacy and n.filed_level2:
        add(
            "A102",
            f"filed with a legacy label or layout; the current table (财预〔2021〕101号) puts it under {filed}"
            " — use the current category names",
        )

    vague = bool(target_text) and _is_vague(target_text, t.kind, t.flags, lists.vague_target)
    if vague:
        add(
            "A110",
            f"target '{t.raw}' states a direction or an impression, not a level"
            " — give a measurable value (≥N%, =N 次, a date) or a graded standard",
        )

    not_satisfaction = n.filed_level2 == _SATISFACTION and bool(name) and not any(w in name for w in lists.satisfaction)
    if not_satisfaction:
        add(
            "A130",
            f"filed under 满意度指标 but '{name}' is not a satisfaction measure"
            " — replace it with a satisfaction rate (服务对象满意度 ≥N%) or move it to 效益指标",
        )

    money_unit = t.unit is not None and "元" in t.unit
    outside_cost = n.filed_level1 is not None and n.filed_level1 != _COST
    cost_outside = (
        outside_cost
        and n.filed_level2 not in lists.cost_allowed_level2
        and (bool(lists.cost_name.search(name)) or bool(_MONEY_IN_NAME.search(name)) or money_unit)
    )
    if cost_outside:
        add(
            "A131",
            f"a cost figure filed under {filed}"
            " — move it to 成本指标/经济成本指标 with the amount as its target (≤N 元, ≤N 元/人)",
        )

    if lists.budget.search(name):
        add(
            "A132",
            f"'{name}' measures budget management (execution, disbursement, balance), not what the project"
            " delivers or achieves — replace it with an output or effect of the project",
        )

    bare_name = _TRAILING_DECORATION.sub("", name)
    expects_number = n.level2 in _NUMERIC_LEVEL2 or bare_name.endswith(lists.numeric_suffixes)
    if expects_number and t.kind in _NOT_A_LEVEL and not (vague or not_satisfaction or cost_outside):
        where = f"a {n.level2} row" if n.level2 in _NUMERIC_LEVEL2 else f"'{name}'"
        add(
            "A111",
            f"{where} needs a number, but the target is '{t.raw}'"
            " — state the quantity with its comparator and unit (≥N 次, =100%, ≥95%)",
        )

    if vague_words := [w for w in lists.vague_name if w in name]:
        add(
            "A112",
            f"vague wording in the indicator name ({'、'.join(vague_words)})"
            " — name what is measured, and put the level in the target",
        )

    if t.kind is TargetKind.NUMERIC:
        if t.comparator is None or "no_comparator" in t.flags:
            add(
                "A120",
                f"target '{t.raw}' states no comparator"
                " — write the one the plan means (≥ for a minimum, ≤ for a ceiling, = for an exact count)",
            )
        if t.unit is None or "unit_inferred" in t.flags:
            guessed = f" (read as {t.unit} from the name)" if t.unit else ""
            add("A121", f"target '{t.raw}' states no unit{guessed} — write the unit (%, 次, 人, 元 …)")
    if "placeholder" in t.flags:
        add("A122", f"target '{t.raw}' is a placeholder left in the form — fill in the planned value")
    elif t.kind is TargetKind.EMPTY:
        add("A123", "no target value (年度指标值) — fill in the planned value")
    if "excel_serial" in t.flags:
        shown = f" (read as {t.date.isoformat()})" if t.date else ""
        add("A124", f"target '{t.raw}' is an Excel serial number{shown} — write the date as text (2021年12月31日前)")
    if (
        t.kind is TargetKind.NUMERIC
        and t.value == 0
        and t.upper is None
        and (n.level2 == "经济成本指标" or (money_unit and n.level1 == _COST))
    ):
        add("A125", f"a cost target of '{t.raw}' — state the budgeted cost (≤N 元), consistent with the funds")
    if len(name) > lists.max_name_length:
        add(
            "A126",
            f"the name has {len(name)} characters (budget systems take at most {lists.max_name_length})"
            " — shorten it to what is measured",
        )
    return out


def audit_normalized(
    filing: Filing, normalized: Sequence[Normalized], *, model_note: str | None = None
) -> list[Finding]:
    """The findings of a filing whose rows are already normalized (``normalized[i]`` is row ``i``)."""
    if len(normalized) != len(filing.indicators):
        raise ValueError(f"{len(normalized)} normalized rows for {len(filing.indicators)} indicators")
    lists = _lists()
    source = str(filing.source)
    head: list[Finding] = []

    def add(code: str, message: str) -> None:
        head.append(dataclasses.replace(_finding(code, message), source=source))

    if model_note is not None:
        add(
            "A200",
            f"category mismatch (A101) not checked: {model_note}"
            " — run with the shipped model (or rebuild it: indicatornlp train) to check the categories",
        )

    count = len(normalized)
    levels = {n.level1 for n in normalized}
    if count == 0:
        add("A205", "the filing has no indicator rows — fill in the 绩效指标 table")
    else:
        if "产出指标" not in levels:
            add("A201", "no 产出指标 — every project states what it delivers (数量, 质量, 时效)")
        if "效益指标" not in levels:
            add("A202", "no 效益指标 — every project states its effect (经济, 社会, 生态, 可持续影响)")
        if _COST not in levels:
            project = filing.project or ""
            building = [w for w in lists.construction if w in project]
            if building:
                head.append(
                    Finding(
                        "A203",
                        Severity.ERROR,
                        f"no 成本指标 in a construction or purchase project ('{building[0]}')"
                        " — add 经济成本指标 (总成本, 单位成本) matching the budget",
                        source=source,
                    )
                )
            else:
                add(
                    "A203",
                    "no 成本指标 (required for every project from 2025 in Shanghai; centrally for construction"
                    " and purchase) — add 经济成本指标 such as 项目总成本 ≤N 万元 or a unit cost",
                )
        if count < lists.min_indicators:
            add("A204", f"only {count} indicator(s) — a project needs at least {lists.min_indicators}")

    head.extend(_funds_findings(filing, normalized, source))
    for warning in filing.warnings:
        add("A210", f"{warning} — check the row in the source")

    rows: list[Finding] = []
    seen: dict[str, int] = {}
    legacy: dict[tuple[str, str], list[int]] = {}
    for i, (ind, n) in enumerate(zip(filing.indicators, normalized, strict=True)):
        where = str(ind.position) if ind.position else source

        def put(f: Finding, i: int = i, ind: Indicator = ind, where: str = where) -> None:
            rows.append(dataclasses.replace(f, row=i, indicator=ind.name, source=where))

        if n.filed_level2 is None:
            filed = " / ".join(x for x in (ind.level1_raw, ind.level2_raw) if x) or "nothing"
            guess = f" (the model reads it as {_category(n.level1, n.level2)})" if n.predicted_level2 else ""
            put(
                _finding(
                    "A103",
                    f"the row's category ({filed}) is not a 二级 of the target table{guess}"
                    " — file it under one of the 2021 categories",
                )
            )
        own = indicator_findings(n)
        codes = {f.code for f in own}
        # findings the caller's normalize() attached that are not ours (our own are recomputed above)
        own.extend(f for f in n.findings if f.code not in RULES and f.code not in codes)
        for f in own:
            if f.code == "A102":  # a layout is the filing's: one finding per legacy label, not one per row
                labels = " / ".join(x for x in (ind.level1_raw, ind.level2_raw) if x)
                legacy.setdefault((labels, _category(n.filed_level1, n.filed_level2)), []).append(i)
            else:
                put(f)
        key = re.sub(r"[\W_]+", "", n.name).lower()
        if key and key in seen:
            put(
                _finding(
                    "A206",
                    f"the same indicator as row {seen[key] + 1} — merge the two rows or tell them apart",
                )
            )
        elif key:
            seen[key] = i
    for (labels, current), numbers in legacy.items():
        shown = ", ".join(str(i + 1) for i in numbers[:8]) + (" …" if len(numbers) > 8 else "")
        add(
            "A102",
            f"{len(numbers)} row(s) filed under the legacy label or layout '{labels}' (rows {shown}); the current"
            f" table (财预〔2021〕101号) calls it {current} — use the current category names",
        )
    # the project's findings first, then the rows in filed order (stable: rule order within a row)
    return sorted(head + rows, key=lambda f: (f.row is not None, f.row or 0))


def _money(value: Decimal) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") + " 元"


def _funds_findings(filing: Filing, normalized: Sequence[Normalized], source: str) -> list[Finding]:
    funds = filing.funds
    out: list[Finding] = []
    total = funds.total
    if total is not None and funds.fiscal is not None:
        other = funds.other or Decimal(0)
        carry = funds.carryover or Decimal(0)
        # forms differ: 上年结转 is either inside 财政资金 (Shanghai) or beside it
        if total not in (funds.fiscal + other, funds.fiscal + carry + other):
            parts = f"财政资金 {_money(funds.fiscal)} + 其他资金 {_money(other)}"
            if carry:
                parts += f" (上年结转 {_money(carry)})"
            out.append(
                Finding(
                    "A207",
                    Severity.ERROR,
                    f"项目资金总额 {_money(total)} ≠ {parts} — correct the amounts so that the parts add up",
                    source=source,
                )
            )
    if total is not None and funds.annual is not None and funds.annual > total:
        out.append(
            Finding(
                "A208",
                Severity.WARNING,
                f"年度资金申请总额 {_money(funds.annual)} is larger than 项目资金总额 {_money(total)}"
                " — the year's request is part of the total: correct one of them",
                source=source,
            )
        )
    if total is not None:
        for i, n in enumerate(normalized):
            t = n.target
            if (
                n.level1 == _COST
                and t.kind is TargetKind.NUMERIC
                and t.unit == "元"
                and t.value is not None
                and t.value > total
                and t.comparator not in (Comparator.GE, Comparator.GT)
            ):
                ind = filing.indicators[i]
                out.append(
                    Finding(
                        "A209",
                        Severity.WARNING,
                        f"cost target '{t.raw}' is more than the project's funds ({_money(total)})"
                        " — match the cost to the budget",
                        indicator=ind.name,
                        row=i,
                        source=str(ind.position) if ind.position else source,
                    )
                )
    return out
