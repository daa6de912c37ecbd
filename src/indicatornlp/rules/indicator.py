"""The rules on one indicator alone (A1xx): each reads a ``Normalized`` row and returns its message or ``None``.

``indicator_findings`` runs them in the order they are defined here; ``indicatornlp.normalize()`` attaches its
result to ``Normalized.findings``, and the audit of a filing puts it on the row.

>>> from indicatornlp import Normalized, parse_target
>>> row = Normalized(raw="党务工作能力", name="党务工作能力", target=parse_target("提升"), level1=None, level2=None)
>>> [(f.code, f.severity.value) for f in indicator_findings(row)]
[('A110', 'warning')]
"""

from __future__ import annotations

import re
from functools import cache

from ..records import Finding, Normalized, Severity, TargetKind
from ..targets import vocabulary
from ..taxonomy import default_taxonomy
from ..text import normalize_text
from .lists import categories, category, number, words
from .registry import checks, rule

__all__ = ["indicator_findings", "shown_category"]

_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO
_NOT_A_LEVEL = frozenset({TargetKind.QUALITATIVE, TargetKind.TEXT, TargetKind.DIRECTION})
_PARTS = re.compile(r"[、，,;；/]+")
_TRAILING_DECORATION = re.compile(r"[(（][^()（）]*[)）]$|[:：]$")  # no opening bracket inside: one scan per bracket
_MONEY_IN_NAME = re.compile(r"(?<!\d)\d+(?:\.\d+)?\s*[万千百]?元")  # from a run's first digit: linear


def indicator_findings(n: Normalized) -> list[Finding]:
    """The findings about one indicator on its own (no filing context): A101–A132.

    ``row`` and ``source`` are left for the caller; ``indicator`` is the cleaned name.
    ``indicatornlp.normalize()`` attaches these to ``Normalized.findings``.
    """
    found = ((c, c.run(n)) for c in checks("indicator"))
    return [c.finding(said, indicator=n.name) for c, said in found if said is not None]


def shown_category(level1: str | None, level2: str | None) -> str:
    """A category as the messages show it (``成本指标/经济成本指标``)."""
    return f"{level1 or '?'}/{level2}" if level2 else (level1 or "no category")


# ---- what several rules ask -------------------------------------------------------------------------------


@cache
def _cost_name() -> re.Pattern[str]:
    suffixes = "|".join(re.escape(s) for s in sorted(words("cost_name_suffixes"), key=len, reverse=True))
    not_before = "".join(re.escape(c) for c in words("cost_not_before"))
    # a cost item: the name ends in 费/经费/成本 (+ 标准), or the suffix is followed by an amount ("体检费 1500 元/人")
    return re.compile(rf"(?<![{not_before}])(?:{suffixes})(?:标准)?(?:$|\s*[\d(（:：])")


@cache
def _budget_measure() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in words("budget_measures")))


def _is_vague(n: Normalized) -> bool:
    t = n.target
    text = normalize_text(t.raw)
    if not text:
        return False
    if t.kind is TargetKind.DIRECTION or "vague" in t.flags:
        return True
    if t.kind not in (TargetKind.QUALITATIVE, TargetKind.TEXT):
        return False
    # short parts only: "效果明显" is vague, "九城市深化人才合作" is a (wordy) outcome, not an impression
    vague = _vague_in_targets()
    return any(len(part) <= 6 and any(w in part for w in vague) for part in _PARTS.split(text) if part)


@cache
def _vague_in_targets() -> tuple[str, ...]:
    """lexicon.toml's vague words and its direction verbs (提升, 强化 …): a target made of them states no level."""
    v = vocabulary()
    return tuple(sorted(v.vague | set(v.directions)))


def _is_not_satisfaction(n: Normalized) -> bool:
    return (
        n.filed_level2 == category("satisfaction")
        and bool(n.name)
        and not any(w in n.name for w in words("satisfaction_words"))
    )


def _has_money_unit(n: Normalized) -> bool:
    return n.target.unit is not None and "元" in n.target.unit


def _is_cost_outside(n: Normalized) -> bool:
    return (
        n.filed_level1 is not None
        and n.filed_level1 != category("cost")
        and n.filed_level2 not in categories("cost_allowed")
        and (bool(_cost_name().search(n.name)) or bool(_MONEY_IN_NAME.search(n.name)) or _has_money_unit(n))
    )


# ---- the rules, in the order they run ---------------------------------------------------------------------


@rule(
    "A101",
    _W,
    "category mismatch",
    scope="indicator",
    doc="category mismatch: the filed 二级 differs from the model's prediction (with its confidence)",
)
def category_mismatch(n: Normalized) -> str | None:
    if not (n.mismatch and n.predicted_level2 and n.filed_level2):
        return None
    filed = shown_category(n.filed_level1, n.filed_level2)
    predicted = shown_category(n.predicted_level1, n.predicted_level2)
    return (
        f"filed under {filed}, but the model reads it as {predicted} (confidence {n.confidence:.2f})"
        " — check the category, or reword the indicator so that it measures what its category asks"
    )


@rule(
    "A102",
    _I,
    "legacy layout",
    scope="indicator",
    doc="legacy layout or label (成本指标 under 产出指标, 环境效益指标, 进度指标 …), once per label",
)
def legacy_layout(n: Normalized) -> str | None:
    if not (n.legacy and n.filed_level2):
        return None
    return (
        "filed with a legacy label or layout; the current table (财预〔2021〕101号) puts it under"
        f" {shown_category(n.filed_level1, n.filed_level2)} — use the current category names"
    )


@rule(
    "A110",
    _W,
    "vague target",
    scope="indicator",
    doc="vague target: a direction or an impression (提升, 强化, 明显, 显著, 有效) instead of a level",
)
def vague_target(n: Normalized) -> str | None:
    if not _is_vague(n):
        return None
    return (
        f"target '{n.target.raw}' states a direction or an impression, not a level"
        " — give a measurable value (≥N%, =N 次, a date) or a graded standard"
    )


@rule(
    "A130",
    _W,
    "满意度 not a satisfaction measure",
    scope="indicator",
    doc="a 满意度 indicator that is not a satisfaction measure (no 满意/认可 in its name)",
)
def not_satisfaction(n: Normalized) -> str | None:
    if not _is_not_satisfaction(n):
        return None
    satisfaction = default_taxonomy().parent(category("satisfaction"))
    return (
        f"filed under {satisfaction} but '{n.name}' is not a satisfaction measure"
        f" — replace it with a satisfaction rate (服务对象满意度 ≥N%) or move it to {category('effect')}"
    )


@rule(
    "A131",
    _W,
    "cost figure outside 成本指标",
    scope="indicator",
    doc="a cost figure outside 成本指标 (a 费/经费/成本 item or a money target under 数量 …)",
)
def cost_outside_cost(n: Normalized) -> str | None:
    if not _is_cost_outside(n):
        return None
    return (
        f"a cost figure filed under {shown_category(n.filed_level1, n.filed_level2)}"
        f" — move it to {category('cost')}/{category('economic_cost')} with the amount as its target"
        " (≤N 元, ≤N 元/人)"
    )


@rule(
    "A132",
    _W,
    "budget-management measure as target",
    scope="indicator",
    doc="a budget-management measure used as a target (预算执行率, 资金到位率, 结余率, 科目调整次数)",
)
def budget_measure(n: Normalized) -> str | None:
    if not _budget_measure().search(n.name):
        return None
    return (
        f"'{n.name}' measures budget management (execution, disbursement, balance), not what the project"
        " delivers or achieves — replace it with an output or effect of the project"
    )


@rule(
    "A111",
    _W,
    "unquantified target",
    scope="indicator",
    doc="unquantified target where a number is expected (数量/成本/满意度 rows, names ending in 率 …)",
)
def unquantified(n: Normalized) -> str | None:
    numeric_row = n.level2 in categories("numeric")
    expects_number = numeric_row or _TRAILING_DECORATION.sub("", n.name).endswith(words("numeric_name_suffixes"))
    if not expects_number or n.target.kind not in _NOT_A_LEVEL:
        return None
    if _is_vague(n) or _is_not_satisfaction(n) or _is_cost_outside(n):
        return None  # A110, A130 or A131 says what is wrong already
    where = f"a {n.level2} row" if numeric_row else f"'{n.name}'"
    return (
        f"{where} needs a number, but the target is '{n.target.raw}'"
        " — state the quantity with its comparator and unit (≥N 次, =100%, ≥95%)"
    )


@rule(
    "A112",
    _I,
    "vague wording in name",
    scope="indicator",
    doc="vague wording in the indicator name (进一步, 明显, 显著, 不断 …)",
)
def vague_name(n: Normalized) -> str | None:
    if not (vague := [w for w in vocabulary().vague_in_names if w in n.name]):
        return None
    return (
        f"vague wording in the indicator name ({'、'.join(vague)}) — name what is measured, and put the level in"
        " the target"
    )


@rule("A120", _W, "no comparator", scope="indicator", doc="numeric target with no comparator (``12``, ``100%``)")
def no_comparator(n: Normalized) -> str | None:
    t = n.target
    if t.kind is not TargetKind.NUMERIC or not (t.comparator is None or "no_comparator" in t.flags):
        return None
    return (
        f"target '{t.raw}' states no comparator"
        " — write the one the plan means (≥ for a minimum, ≤ for a ceiling, = for an exact count)"
    )


@rule("A121", _W, "missing unit", scope="indicator", doc="numeric target with no unit (``=100``, ``≥90``, ``≥2``)")
def no_unit(n: Normalized) -> str | None:
    t = n.target
    if t.kind is not TargetKind.NUMERIC or not (t.unit is None or "unit_inferred" in t.flags):
        return None
    guessed = f" (read as {t.unit} from the name)" if t.unit else ""
    return f"target '{t.raw}' states no unit{guessed} — write the unit (%, 次, 人, 元 …)"


@rule(
    "A122",
    _E,
    "placeholder left in",
    scope="indicator",
    doc="placeholder left in the target (``≥**%``, ``XX``)",
)
def placeholder(n: Normalized) -> str | None:
    if "placeholder" not in n.target.flags:
        return None
    return f"target '{n.target.raw}' is a placeholder left in the form — fill in the planned value"


@rule("A123", _E, "no target value", scope="indicator", doc="no target value")
def no_target(n: Normalized) -> str | None:
    if "placeholder" in n.target.flags or n.target.kind is not TargetKind.EMPTY:
        return None  # a placeholder is A122's
    return "no target value (年度指标值) — fill in the planned value"


@rule(
    "A124",
    _W,
    "Excel serial date",
    scope="indicator",
    doc="an Excel serial number where a date was meant (``44561``)",
)
def excel_serial(n: Normalized) -> str | None:
    t = n.target
    if "excel_serial" not in t.flags:
        return None
    shown = f" (read as {t.date.isoformat()})" if t.date else ""
    return f"target '{t.raw}' is an Excel serial number{shown} — write the date as text (2021年12月31日前)"


@cache
def _share_name() -> re.Pattern[str]:
    suffixes = "|".join(re.escape(s) for s in sorted(words("share_name_suffixes"), key=len, reverse=True))
    return re.compile(rf"(?:{suffixes})(?:[(（][^)）]{{0,8}}[)）])?$")


@rule("A125", _W, "zero cost target", scope="indicator", doc="a zero target for an economic cost")
def zero_cost(n: Normalized) -> str | None:
    t = n.target
    if not (t.kind is TargetKind.NUMERIC and t.value == 0 and t.upper is None):
        return None
    if not (n.level2 == category("economic_cost") or (_has_money_unit(n) and n.level1 == category("cost"))):
        return None
    return f"a cost target of '{t.raw}' — state the budgeted cost (≤N 元), consistent with the funds"


@rule("A126", _W, "name too long", scope="indicator", doc="indicator name over 100 characters")
def long_name(n: Normalized) -> str | None:
    if len(n.name) <= (limit := number("max_name_length")):
        return None
    return (
        f"the name has {len(n.name)} characters (budget systems take at most {limit}) — shorten it to what is measured"
    )


@rule(
    "A127",
    _W,
    "share above 100 %",
    scope="indicator",
    doc="a share of a whole (合格率, 覆盖率, 满意度 …) with a target above 100 %: impossible, often OCR damage",
)
def share_above_hundred(n: Normalized) -> str | None:
    t = n.target
    if not (t.kind is TargetKind.NUMERIC and t.unit == "%" and t.value is not None and t.value > 100):
        return None
    if not _share_name().search(n.name) or any(w in n.name for w in words("growth_words")):
        return None
    return (
        f"a target of '{t.raw}' for a share of a whole, which cannot exceed 100 % — check the value"
        " (OCR damage such as 292% for ≥92%?)"
    )
