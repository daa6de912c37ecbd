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
from .registry import Said, checks, rule, say

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
    return [c.finding(said, indicator=n.name, target=n.target.raw) for c, said in found if said is not None]


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


@rule("A101", _W, scope="indicator")
def category_mismatch(n: Normalized) -> Said | None:
    if not (n.mismatch and n.predicted_level2 and n.filed_level2):
        return None
    filed = shown_category(n.filed_level1, n.filed_level2)
    predicted = shown_category(n.predicted_level1, n.predicted_level2)
    defensible = "、".join(n.admissible) if n.admissible else (n.predicted_level2 or "")
    return say(filed=filed, predicted=predicted, confidence=f"{n.confidence:.2f}", defensible=defensible)


@rule("A102", _I, scope="indicator")
def legacy_layout(n: Normalized) -> Said | None:
    if not (n.legacy and n.filed_level2):
        return None
    return say(current=shown_category(n.filed_level1, n.filed_level2))


@rule("A110", _W, scope="indicator")
def vague_target(n: Normalized) -> Said | None:
    if not _is_vague(n):
        return None
    return say(target=n.target.raw)


@rule("A130", _W, scope="indicator")
def not_satisfaction(n: Normalized) -> Said | None:
    if not _is_not_satisfaction(n):
        return None
    satisfaction = default_taxonomy().parent(category("satisfaction"))
    return say(satisfaction=satisfaction, name=n.name, effect=category("effect"))


@rule("A131", _W, scope="indicator")
def cost_outside_cost(n: Normalized) -> Said | None:
    if not _is_cost_outside(n):
        return None
    filed = shown_category(n.filed_level1, n.filed_level2)
    return say(filed=filed, cost=category("cost"), economic=category("economic_cost"))


@rule("A132", _W, scope="indicator")
def budget_measure(n: Normalized) -> Said | None:
    if not _budget_measure().search(n.name):
        return None
    return say(name=n.name)


@rule("A111", _W, scope="indicator")
def unquantified(n: Normalized) -> Said | None:
    numeric_row = n.level2 in categories("numeric")
    expects_number = numeric_row or _TRAILING_DECORATION.sub("", n.name).endswith(words("numeric_name_suffixes"))
    if not expects_number or n.target.kind not in _NOT_A_LEVEL:
        return None
    if _is_vague(n) or _is_not_satisfaction(n) or _is_cost_outside(n):
        return None  # A110, A130 or A131 says what is wrong already
    if numeric_row:
        return say(level2=n.level2, target=n.target.raw)
    return say("name", name=n.name, target=n.target.raw)


@rule("A112", _I, scope="indicator")
def vague_name(n: Normalized) -> Said | None:
    if not (vague := [w for w in vocabulary().vague_in_names if w in n.name]):
        return None
    return say(words="、".join(vague))


@rule("A120", _W, scope="indicator")
def no_comparator(n: Normalized) -> Said | None:
    t = n.target
    if t.kind is not TargetKind.NUMERIC or not (t.comparator is None or "no_comparator" in t.flags):
        return None
    return say(target=t.raw)


@rule("A121", _W, scope="indicator")
def no_unit(n: Normalized) -> Said | None:
    t = n.target
    if t.kind is not TargetKind.NUMERIC or not (t.unit is None or "unit_inferred" in t.flags):
        return None
    return say("inferred", target=t.raw, unit=t.unit) if t.unit else say(target=t.raw)


@rule("A122", _E, scope="indicator")
def placeholder(n: Normalized) -> Said | None:
    if "placeholder" not in n.target.flags:
        return None
    return say(target=n.target.raw)


@rule("A123", _E, scope="indicator")
def no_target(n: Normalized) -> Said | None:
    if "placeholder" in n.target.flags or n.target.kind is not TargetKind.EMPTY:
        return None  # a placeholder is A122's
    return say()


@rule("A124", _W, scope="indicator")
def excel_serial(n: Normalized) -> Said | None:
    t = n.target
    if "excel_serial" not in t.flags:
        return None
    return say("dated", target=t.raw, date=t.date.isoformat()) if t.date else say(target=t.raw)


@cache
def _share_name() -> re.Pattern[str]:
    suffixes = "|".join(re.escape(s) for s in sorted(words("share_name_suffixes"), key=len, reverse=True))
    return re.compile(rf"(?:{suffixes})(?:[(（][^)）]{{0,8}}[)）])?$")


@rule("A125", _W, scope="indicator")
def zero_cost(n: Normalized) -> Said | None:
    t = n.target
    if not (t.kind is TargetKind.NUMERIC and t.value == 0 and t.upper is None):
        return None
    if not (n.level2 == category("economic_cost") or (_has_money_unit(n) and n.level1 == category("cost"))):
        return None
    return say(target=t.raw)


@rule("A126", _W, scope="indicator")
def long_name(n: Normalized) -> Said | None:
    if len(n.name) <= (limit := number("max_name_length")):
        return None
    return say(length=len(n.name), limit=limit)


@rule("A127", _W, scope="indicator")
def share_above_hundred(n: Normalized) -> Said | None:
    t = n.target
    if not (t.kind is TargetKind.NUMERIC and t.unit == "%" and t.value is not None and t.value > 100):
        return None
    if not _share_name().search(n.name) or any(w in n.name for w in words("growth_words")):
        return None
    return say(target=t.raw)
