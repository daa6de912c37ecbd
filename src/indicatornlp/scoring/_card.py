"""``score(filing)``: a 自评表 scored row by row, weighted, added up and graded, with the reviewer's findings.

>>> from indicatornlp import Filing, Indicator, Position
>>> filing = Filing(Position("a.txt"), project="助餐", year=2023, indicators=(
...     Indicator("助餐服务人次", "≥36000人次", "产出指标", "数量指标", actual_raw="30600人次",
...               weight_raw="50", score_raw="42.5"),
...     Indicator("服务对象满意度", "≥90%", "满意度指标", "服务对象满意度指标", actual_raw="93.5%",
...               weight_raw="50", score_raw="50")))
>>> card = score(filing)
>>> [(r.name, r.score) for r in card.rows], card.total, card.grade
([('助餐服务人次', Decimal('42.50')), ('服务对象满意度', Decimal('50.00'))], Decimal('92.50'), '优')
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from ..errors import NothingToScoreError
from ..messages import nest
from ..messages import text as say
from ..records import Filing, Finding, Indicator, Scorecard, ScoreRow
from ..rules.selfeval import ScoredCard, ScoredRow, card_findings, row_findings
from ..taxonomy import canonical_category
from ..text import normalize_text, strip_numbering
from ._judge import Judgement, judge
from ._rules import ScoringRules, default_rules

__all__ = ["filed_cells", "score"]

_CENT = Decimal("0.01")
_BUDGET = "预算执行率"
_POINTS = re.compile(r"(\d+(?:\.\d+)?)\s*分")
_FILED_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_LINE_NOISE = re.compile(r"[\s:：]+")


def score(filing: Filing, *, rules: ScoringRules | None = None) -> Scorecard:
    """Score a 自评表: each indicator's 实际完成值 against its 年度指标值, weighted, added up and graded.

    ``rules``: ``load_rules(path)`` for a bureau's own variant; the default is ``data/scoring.toml``.
    Raises ``NothingToScoreError`` (E110) for a filing whose rows state no 实际完成值 (a 绩效目标表).
    """
    rules = rules or default_rules()
    rows, totals = _split_total_lines(filing, rules)
    if not any(ind.actual_raw and ind.actual_raw.strip() for _, ind in rows):
        kind = f"a {filing.form}" if filing.form else "a filing"
        raise NothingToScoreError(
            str(filing.source),
            f"nothing to score: {kind} with no 实际完成值 (actual value) in its {len(rows)} indicator rows",
            hint="score a 绩效自评表, whose rows state what was achieved",
        )
    cells = [filed_cells(ind, rules) for _, ind in rows]
    levels = [_level1(ind, rules) for _, ind in rows]
    weights_filed = any(_decimal(w) is not None for w, _, _ in cells)
    weights, weight_flags = _weights(rows, cells, levels, weights_filed, rules)
    scored: list[ScoreRow] = []
    findings: list[Finding] = []
    for (index, ind), (_, filed, reason), level1, weight, flags in zip(
        rows, cells, levels, weights, weight_flags, strict=True
    ):
        judged = judge(ind.name, ind.target_raw, ind.actual_raw, year=filing.year, rules=rules)
        row = _row(index, ind, judged, level1, weight, _decimal(filed), reason, flags)
        scored.append(row)
        findings += row_findings(ScoredRow(row, rules.tolerance, rules.too_low))
    if not any(row.level1 == _BUDGET for row in scored) and (block := _block_row(filing, rules)) is not None:
        scored.insert(0, block)  # the funds block above the table: scored once, where no table row does it
        findings[:0] = row_findings(ScoredRow(block, rules.tolerance, rules.too_low))
    card = _card(filing, scored, weights_filed, totals, rules)
    stated = _stated_total(totals[-1], rules) if totals else None
    first = card_findings(ScoredCard(card, weights_filed, rules.sums, stated, _execution(filing)))
    return dataclasses.replace(card, findings=(*first, *findings))


def _block_rate(filing: Filing) -> Decimal | None:
    """预算执行率 in % from the funds block: 全年执行数 / 全年预算数, else the rate it states."""
    funds = filing.funds
    if funds.budget is not None and funds.executed is not None and funds.budget > 0:
        return (funds.executed * 100 / funds.budget).quantize(_CENT)
    return funds.execution_rate


def _execution(filing: Filing) -> tuple[Decimal, Decimal, Decimal] | None:
    """(全年预算数, 全年执行数, stated 执行率) when the funds block states all three, for S110."""
    f = filing.funds
    if f.budget is None or f.executed is None or f.execution_rate is None or f.budget <= 0:
        return None
    return f.budget, f.executed, f.execution_rate


def _block_row(filing: Filing, rules: ScoringRules) -> ScoreRow | None:
    """The 预算执行率 the funds block states, as a row scored by the table's own rule for it (index -1: above the
    table); its weight the block's 分值 (default: the 预算执行率 points of the rules), its 得分 kept as filed."""
    rate = _block_rate(filing)
    if rate is None:
        return None
    funds = filing.funds
    target = "100%"
    actual = f"{rate:f}%"
    judged = judge(_BUDGET, target, actual, year=filing.year, rules=rules)
    weight = funds.execution_weight if funds.execution_weight is not None else rules.points.get(_BUDGET)
    ind = Indicator(_BUDGET, target, actual_raw=actual, position=filing.source)
    flags = frozenset() if weight is not None else frozenset({"no_weight"})
    return _row(-1, ind, judged, _BUDGET, weight, funds.execution_score, None, flags)


def filed_cells(ind: Indicator, rules: ScoringRules | None = None) -> tuple[str | None, str | None, str | None]:
    """The row's 分值, 得分 and 偏差原因 as filed: the reader's fields, else the cells it kept in ``extra``.

    >>> from indicatornlp import Indicator
    >>> filed_cells(Indicator("助餐服务人次", "≥36000人次", extra=(("分 值", "8"), ("得分", "6.8"))))
    ('8', '6.8', None)
    """
    rules = rules or default_rules()
    found: dict[str, str] = {}
    for header, text in ind.extra:
        key = normalize_text(header).replace(" ", "")
        for role, headers in (("weight", rules.weight_headers), ("score", rules.score_headers)):
            if role not in found and key.startswith(headers) and text.strip():
                found[role] = text
        if "reason" not in found and any(h in key for h in rules.reason_headers) and text.strip():
            found["reason"] = text
    return (
        ind.weight_raw if ind.weight_raw is not None else found.get("weight"),
        ind.score_raw if ind.score_raw is not None else found.get("score"),
        ind.reason_raw if ind.reason_raw is not None else found.get("reason"),
    )


# ---- the table -------------------------------------------------------------------------------------------------


def _split_total_lines(filing: Filing, rules: ScoringRules) -> tuple[list[tuple[int, Indicator]], list[Indicator]]:
    """The indicator rows (with their index in the filing) and the 总分/合计 lines a reader took for rows."""
    rows: list[tuple[int, Indicator]] = []
    totals: list[Indicator] = []
    for index, ind in enumerate(filing.indicators):
        if _LINE_NOISE.sub("", normalize_text(ind.name)) in rules.total_lines:
            totals.append(ind)
        else:
            rows.append((index, ind))
    return rows, totals


def _stated_total(line: Indicator, rules: ScoringRules) -> tuple[Decimal | None, Decimal | None]:
    """(分值, 得分) of a 总分 line: its own cells, else the numbers a reader put in its value columns."""
    weight, filed, _ = filed_cells(line, rules)
    if filed is not None:
        return _decimal(weight), _decimal(filed)
    numbers = [d for d in (_decimal(line.target_raw), _decimal(line.actual_raw)) if d is not None]
    if len(numbers) == 2:
        return numbers[0], numbers[1]
    return None, numbers[0] if numbers else None


def _level1(ind: Indicator, rules: ScoringRules) -> str | None:
    name = _LINE_NOISE.sub("", strip_numbering(normalize_text(ind.name)))
    if name in rules.budget_names:
        return _BUDGET
    category = canonical_category(ind.level1_raw, ind.level2_raw)
    return category.level1 if category else None


def _weights(
    rows: Sequence[tuple[int, Indicator]],
    cells: Sequence[tuple[str | None, str | None, str | None]],
    levels: Sequence[str | None],
    weights_filed: bool,
    rules: ScoringRules,
) -> tuple[list[Decimal | None], list[frozenset[str]]]:
    """Each row's weight: its 分值 when the table states them, else its 一级's points split evenly."""
    if weights_filed:
        filed = [_decimal(w) for w, _, _ in cells]
        return filed, [frozenset() if w is not None else frozenset({"unweighted"}) for w in filed]
    groups: dict[str, list[int]] = defaultdict(list)
    for i, level1 in enumerate(levels):
        if level1 is not None:
            groups[rules.share.get(level1, level1)].append(i)
    weights: list[Decimal | None] = [None] * len(rows)
    flags = [frozenset({"default_weight"})] * len(rows)
    for group, members in groups.items():
        points = _stated_points([rows[i][1] for i in members]) or rules.points.get(group)
        for i in members:
            weights[i] = None if points is None else (points / len(members)).quantize(_CENT)
    for i, weight in enumerate(weights):
        if weight is None:
            flags[i] = frozenset({"default_weight", "no_weight"})
    return weights, flags


def _stated_points(rows: Sequence[Indicator]) -> Decimal | None:
    """The points a 一级 label states for its rows ("产出指标(50分)" → 50), when they all state the same."""
    stated = set()
    for ind in rows:
        found = _POINTS.search(normalize_text(ind.level1_raw or ""))
        stated.add(Decimal(found.group(1)) if found else None)
    return stated.pop() if len(stated) == 1 else None


def _decimal(text: str | None) -> Decimal | None:
    """A filed 分值/得分 as a number (``"10.00"``, ``"8分"``); ``None`` for anything else."""
    if text is None:
        return None
    cleaned = normalize_text(text).replace(" ", "").removesuffix("分")
    if not _FILED_NUMBER.fullmatch(cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


# ---- rows and card ---------------------------------------------------------------------------------------------


def _row(
    index: int,
    ind: Indicator,
    judged: Judgement,
    level1: str | None,
    weight: Decimal | None,
    filed: Decimal | None,
    reason: str | None,
    weight_flags: frozenset[str],
) -> ScoreRow:
    key, args = judged.rule_key, judged.rule_args
    points = None
    if judged.share is not None and weight is not None:
        points = (weight * judged.share).quantize(_CENT)
        band = judged.band
        if band is not None and filed is not None and band.bottom * weight / 100 <= filed <= band.top * weight / 100:
            points = filed.quantize(_CENT)  # the filer chose a score within the band: the band allows it
            key, args = (
                "scoring.band_filed",
                (("band", band.name), ("bottom", f"{band.bottom}"), ("top", f"{band.top}")),
            )
    if "no_weight" in weight_flags:
        key, args = "scoring.no_weight", nest("rule", key, *args)
    return ScoreRow(
        name=ind.name,
        target=judged.target,
        actual=judged.actual,
        weight=weight,
        ratio=judged.ratio,
        score=points,
        rule=say(key, "en", **dict(args)),
        filed_score=filed,
        flags=judged.flags | weight_flags,
        level1=level1,
        reason=reason,
        index=index,
        position=ind.position,
        rule_key=key,
        rule_args=args,
    )


def _card(
    filing: Filing,
    rows: Sequence[ScoreRow],
    weights_filed: bool,
    totals: Sequence[Indicator],
    rules: ScoringRules,
) -> Scorecard:
    weighted = [r for r in rows if r.weight is not None]
    scored = [r for r in weighted if r.score is not None]
    total = sum((r.score for r in scored if r.score is not None), Decimal(0)) if scored else None
    possible = sum((r.weight for r in weighted if r.weight is not None), Decimal(0)) if weighted else None
    flags = set()
    if not weights_filed:
        flags.add("default_weights")
    if len(scored) < len(weighted) or any("no_weight" in r.flags for r in rows):
        flags.add("incomplete")
    budget = next((r for r in rows if r.level1 == _BUDGET), None)
    if weights_filed and budget is None and possible is not None and possible < 100:
        flags.add("budget_outside_table")
    grade = None
    if total is not None and possible and "incomplete" not in flags:
        grade = rules.grade(total * 100 / possible)
    filed = [r.filed_score for r in weighted]
    filed_total = None
    if totals:
        filed_total = _stated_total(totals[-1], rules)[1]
    if filed_total is None and filed and all(f is not None for f in filed):
        filed_total = sum((f for f in filed if f is not None), Decimal(0))
    return Scorecard(
        source=filing.source,
        project=filing.project,
        year=filing.year,
        rows=tuple(rows),
        total=total,
        possible=possible,
        grade=grade,
        budget_rate=_rate(budget),
        filed_total=filed_total,
        flags=frozenset(flags),
    )


def _rate(budget: ScoreRow | None) -> Decimal | None:
    """预算执行率 in % from its row's actual (``96.5%``; a ratio ``0.965`` read as 96.5 %)."""
    if budget is None or budget.actual is None or budget.actual.value is None:
        return None
    value = budget.actual.value
    if budget.actual.unit == "%":
        return value
    return value * 100 if value <= 1 else None
