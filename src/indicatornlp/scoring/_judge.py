"""One indicator judged: how much of its weight the 实际完成值 earns against the 年度指标值, and by which rule.

The steps, in order (the first that applies decides):

1. no actual, a blank or placeholder one, or no target → not scored (``no_actual`` / ``not_comparable``);
2. the actual restates the target (``≥95%`` / ``≥95%``, ``显著提升`` / ``显著提升``) → met;
3. a share done (``已完成100%``) against a target that is not a % → that share;
4. two numbers → the quantitative rules: ≥ (and a bare number), ≤, =, a range; a reverse indicator as ≤;
5. two dates → the deadline met by the date or not;
6. a completion word in the actual (达成预期指标, 基本完成, 未完成 …) → its band;
7. anything else → not comparable (never a silent 0).

>>> j = judge("助餐服务人次", "≥36000人次", "30600人次", year=2023)
>>> j.share, j.rule, j.rule_text("zh")
(Decimal('0.85'), '≥: 30600 of 36000 → 85 %', '≥：实际 30600，目标 36000 → 得分率 85%')
>>> judge("服务需求响应时长", "≤24小时", "30小时", year=2023).share
Decimal('0.75')
>>> judge("居家养老服务网络", "持续完善", "基本完成", year=2023).band.name
'部分达成'
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

from ..messages import Args, nest, text
from ..records import Comparator, Target, TargetKind, _decimal_text
from ..targets import parse_target
from ..text import normalize_text
from ._rules import Band, ScoringRules, default_rules

__all__ = ["Judgement", "judge"]

_K = TargetKind
_ZERO, _ONE, _HUNDRED, _CENT = Decimal(0), Decimal(1), Decimal(100), Decimal("0.01")
_WRITTEN = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_NOISE = re.compile(r"[\s:：,，;；。、]+")


@dataclasses.dataclass(frozen=True, slots=True)
class Judgement:
    """What an actual earns: the share of the weight (0–1), the rule, and the evidence."""

    target: Target
    actual: Target | None
    share: Decimal | None
    """``None``: not scored."""
    rule_key: str
    """The rule's sentence in the catalogue (``scoring.at_least.part``, ``data/messages.toml``)."""
    rule_args: Args = ()
    """The values that fill it (numbers as ``_num`` writes them; a nested rule as ``messages.nest`` gives it)."""
    ratio: Decimal | None = None
    flags: frozenset[str] = frozenset()
    band: Band | None = None
    """The qualitative band the share came from (the filer's 得分 inside it is kept)."""

    @property
    def rule(self) -> str:
        """Which rule gave the share, and why, in English (``≥: 30600 of 36000 → 85 %``)."""
        return self.rule_text("en")

    def rule_text(self, lang: str | None = None) -> str:
        """The rule in ``lang`` (``≥：实际 30600，目标 36000 → 得分率 85%``)."""
        return text(self.rule_key, lang, **dict(self.rule_args))


@dataclasses.dataclass(frozen=True, slots=True)
class _Rule:
    """A rule's sentence: its catalogue key and the values that fill it."""

    key: str
    args: Args = ()


def _said(name: str, *pairs: tuple[str, str], **args: object) -> _Rule:
    """The sentence ``scoring.NAME`` of the catalogue filled by ``pairs`` and ``args``."""
    return _Rule(f"scoring.{name}", (*pairs, *((k, str(v)) for k, v in args.items())))


def _judged(
    target: Target,
    actual: Target | None,
    share: Decimal | None,
    rule: _Rule,
    ratio: Decimal | None = None,
    flags: frozenset[str] = frozenset(),
    band: Band | None = None,
) -> Judgement:
    return Judgement(target, actual, share, rule.key, rule.args, ratio, flags, band)


def judge(
    name: str, target_raw: str, actual_raw: str | None, *, year: int | None = None, rules: ScoringRules | None = None
) -> Judgement:
    """Judge one indicator's actual against its target (see the module docstring for the steps)."""
    rules = rules or default_rules()
    target = parse_target(target_raw, year=year)
    if actual_raw is None or not actual_raw.strip():
        return _judged(target, None, None, _said("no_actual"), flags=frozenset({"no_actual"}))
    actual = parse_target(actual_raw, year=year)
    if actual.kind is _K.EMPTY:
        return _unscored(target, actual, _said("blank"))
    if _same(target_raw, actual_raw):
        ratio = _ONE if target.kind is _K.NUMERIC else None
        return _judged(target, actual, _ONE, _said("restated"), ratio)
    if target.kind is _K.EMPTY:
        return _unscored(target, actual, _said("no_target"))
    done = actual.kind is _K.NUMERIC and actual.unit == "%" and actual.value is not None and actual.upper is None
    if done and not (target.kind is _K.NUMERIC and target.unit in (None, "%")):
        assert actual.value is not None
        share = min(_ONE, max(_ZERO, actual.value / _HUNDRED))
        return _judged(target, actual, share, _said("done", percent=_num(actual.value)))
    if target.kind is _K.NUMERIC and actual.kind is _K.NUMERIC and target.value is not None:
        return _quantitative(name, target, actual, rules)
    if target.kind is _K.DEADLINE and actual.kind is _K.DEADLINE:
        return _deadline(target, actual, year, rules)
    band = rules.band_of(actual_raw)
    if band is not None:
        rule = _said("band", band=band.name, percent=_pct(band.top / _HUNDRED))
        return _judged(target, actual, band.top / _HUNDRED, rule, band=band)
    if target.kind is _K.QUALITATIVE and actual.kind is _K.QUALITATIVE and target.label == actual.label:
        return _judged(target, actual, _ONE, _said("label", label=target.label))
    kinds = (*_kind("actual", actual.kind), *_kind("target", target.kind))
    return _unscored(target, actual, _said("kinds", *kinds))


def _kind(name: str, kind: TargetKind) -> Args:
    return nest(name, f"scoring.kind.{kind.value}")


def _unscored(target: Target, actual: Target | None, why: _Rule, flags: frozenset[str] = frozenset()) -> Judgement:
    return _judged(target, actual, None, why, flags=flags | {"not_comparable"})


def _same(a: str, b: str) -> bool:
    return _NOISE.sub("", normalize_text(a)) == _NOISE.sub("", normalize_text(b))


# ---- numbers ---------------------------------------------------------------------------------------------------


def _scale(t: Target) -> Decimal | None:
    """How the written number was multiplied into ``value`` (``≤90万元`` → 10000, ``≥0.97比例`` → 100)."""
    found = _WRITTEN.search(normalize_text(t.raw))
    if found is None or t.value is None:
        return None
    written = Decimal(found.group().replace(",", ""))
    return t.value / written if written else None


def _comparable(target: Target, actual: Target) -> tuple[Target, set[str]] | _Rule:
    """The actual in the target's unit, with what was done to it; or why it cannot be."""
    goal, value = target.value, actual.value
    assert goal is not None and value is not None
    flags: set[str] = set()
    a = actual
    if a.unit is None and target.unit == "%" and _ZERO <= value <= _ONE < goal:
        return dataclasses.replace(a, value=value * _HUNDRED, unit="%"), {"ratio_as_percent"}
    if a.unit is None and target.unit is not None:
        # a bare actual is written in the target's unit as filed: "≤90万元" / "90" is 90 万元
        scale = _scale(target) if _scale(a) in (None, _ONE) else _ONE
        return dataclasses.replace(a, value=value * (scale or _ONE), unit=target.unit), {"unit_from_target"}
    if a.unit is not None and target.unit is not None and a.unit != target.unit:
        return _said("units", target=target.unit, actual=a.unit)
    if a.unit is None and target.unit is None:
        return a, flags
    if target.unit is None:
        flags.add("unit_from_actual")
    elif _scale(target) != _scale(a):
        flags.add("unit_converted")  # 万元 against 元: both in 元 already
    return a, flags


def _quantitative(name: str, target: Target, actual: Target, rules: ScoringRules) -> Judgement:
    made = _comparable(target, actual)
    if isinstance(made, _Rule):
        return _unscored(target, actual, made, frozenset({"unit_mismatch"}))
    a, flags = made
    goal, upper, value = target.value, target.upper, a.value
    assert goal is not None and value is not None
    ratio = (value / goal).quantize(Decimal("0.0001")) if goal else None
    c = target.comparator
    reverse = rules.is_reverse(name)
    if reverse:
        flags.add("reverse")
        if c in (Comparator.GE, Comparator.GT):
            flags.add("reverse_comparator")
    if c is None:
        flags.add("no_comparator")
    if c is Comparator.BETWEEN and upper is not None:
        share, rule = _between(goal, upper, value, rules)
    elif reverse or c in (Comparator.LE, Comparator.LT):
        share, rule = _at_most(goal, value, rules)
    else:
        share, rule = _at_least(goal, value, "=" if c in (Comparator.EQ, Comparator.APPROX) else "≥")
    return _judged(target, a, share, rule, ratio, frozenset(flags))


def _at_least(goal: Decimal, value: Decimal, sign: str) -> tuple[Decimal, _Rule]:
    """≥ (and = reached from below, and a bare number): full when met, else actual/target."""
    numbers = {"sign": sign, "value": _num(value), "goal": _num(goal)}
    if value >= goal:
        return _ONE, _said("at_least.met", **numbers)
    if goal <= 0:
        return _ZERO, _said("at_least.below", **numbers)
    share = max(_ZERO, value / goal)
    return share, _said("at_least.part", **numbers, percent=_pct(share))


def _at_most(goal: Decimal, value: Decimal, rules: ScoringRules) -> tuple[Decimal, _Rule]:
    """≤: full when met, else decaying linearly to 0 at twice the target (or target/actual: ``le = "inverse"``)."""
    numbers = {"value": _num(value), "goal": _num(goal)}
    if value <= goal:
        return _ONE, _said("at_most.met", **numbers)
    if goal <= 0:
        return _ZERO, _said("at_most.zero", **numbers)
    if rules.le == "inverse":
        share = goal / value
        return share, _said("at_most.inverse", **numbers, percent=_pct(share))
    share = max(_ZERO, (2 * goal - value) / goal)
    return share, _said("at_most.decay", **numbers, zero=_num(2 * goal), percent=_pct(share))


def _between(low: Decimal, high: Decimal, value: Decimal, rules: ScoringRules) -> tuple[Decimal, _Rule]:
    """A range: full inside; below it as ≥ its lower bound, above it as ≤ its upper bound."""
    bounds = {"low": _num(low), "high": _num(high)}
    if low <= value <= high:
        return _ONE, _said("range.met", value=_num(value), **bounds)
    if value < low:
        share, rule = _at_least(low, value, "≥")
    else:
        share, rule = _at_most(high, value, rules)
    return share, _said("range.outside", *nest("rule", rule.key, *rule.args), **bounds)


# ---- dates -----------------------------------------------------------------------------------------------------


def _deadline(target: Target, actual: Target, year: int | None, rules: ScoringRules) -> Judgement:
    t, a = target, actual
    if t.date is None or a.date is None:
        # "9月前" against "7月": dates without a year are read in one year (the other's, else any)
        known = t.date or a.date
        common = known.year if known is not None else (year or 2000)
        t, a = parse_target(t.raw, year=common), parse_target(a.raw, year=common)
    if t.date is None or a.date is None:
        return _unscored(target, actual, _said("no_date"))
    late = (a.date - t.date).days
    if late <= 0:
        return _judged(target, actual, _ONE, _said("deadline.met", actual=a.date, target=t.date))
    if rules.late_days > 0:
        share = max(_ZERO, _ONE - Decimal(late) / rules.late_days)
        rule = _said("deadline.decay", late=late, days=rules.late_days, percent=_pct(share))
        return _judged(target, actual, share, rule, flags=frozenset({"late"}))
    rule = _said("deadline.late", actual=a.date, late=late, target=t.date)
    return _judged(target, actual, _ZERO, rule, flags=frozenset({"late"}))


# ---- text ------------------------------------------------------------------------------------------------------


def _num(value: Decimal) -> str:
    """``Decimal("30600.0")`` → ``30600``, ``Decimal("0.9733")`` → ``0.97`` (2 decimals at most)."""
    return _decimal_text(value.quantize(_CENT))


def _pct(share: Decimal) -> str:
    """A share as the number of its percent (``Decimal("0.85")`` → ``85``; the sentence writes the %)."""
    return _num(share * _HUNDRED)
