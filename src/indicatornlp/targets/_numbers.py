"""Numbers and units: ``≥95%``, ``300-500人``, ``两三个``, ``≥80%,≤100%``, ``每人一册``.

>>> _tidy(Decimal("28.40")), _chinese_number("十二")
(Decimal('28.4'), Decimal('12'))
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..records import Comparator, Target, TargetKind
from ._dates import _excel_candidate
from ._grammar import _CJK, _Grammar
from ._record import _NO_FLAGS, _target
from ._vocabulary import Unit, Vocabulary

_HUNDRED = Decimal(100)
_K = TargetKind
_C = Comparator

# the spans met most often, read without cn2an (which takes tens of microseconds a call)
_SMALL_CHINESE = {
    **{ch: n for n, ch in enumerate("零一二三四五六七八九")},
    "〇": 0, "两": 2, "十": 10, "百": 100, "千": 1000, "万": 10000,
}  # fmt: skip


# two neighbouring digits are an approximate range: 一两 两三 三四 … 八九, and 三五 (three to five)
_CHINESE_PAIRS = {
    a + b: (_SMALL_CHINESE[a], _SMALL_CHINESE[b]) for a, b in zip("一两三四五六七八", "两三四五六七八九", strict=True)
}
_CHINESE_PAIRS["三五"] = (3, 5)


def _chinese_number(text: str) -> Decimal | None:
    """The value of a Chinese numeral span (``十二`` → 12), via cn2an; ``None`` if it is not one."""
    if text in _SMALL_CHINESE:
        return Decimal(_SMALL_CHINESE[text])
    import cn2an  # slow to import: only when a Chinese numeral is met

    try:
        number = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return Decimal(str(number))


def _number(text: str) -> tuple[Decimal | None, bool]:
    """The value of a number span and whether it was written in Arabic digits."""
    if text[-1].isdigit() and (text[0].isdigit() or text[0] in "-."):
        return Decimal(text.replace(",", "")), True
    return _chinese_number(text), False


def _tidy(value: Decimal) -> Decimal:
    """``40.0000`` → ``40``, ``28.40`` → ``28.4``, ``-0`` → ``0``: the same number, written plainly."""
    if value == value.to_integral_value():
        return value.to_integral_value() if value else Decimal(0)
    return value.normalize()


def _unit(span: str, vocab: Vocabulary) -> tuple[Unit, str | None] | None:
    """Resolve a unit span: listed forms, then compounds (``元/生/年``); ``None`` if it is not a unit."""
    found = vocab.units.get(span)
    if found is not None:
        return found, None
    if "/" not in span:
        return None
    numerator, *denominators = span.split("/")
    flag = None
    top = vocab.units.get(numerator) if numerator else Unit(None)
    if top is None:
        return None
    if top.canonical is None:
        # "≤28.40/株", "≤620万/月": the numerator (元) is missing
        top, flag = Unit("", top.multiplier), "partial_unit"
    parts = []
    for denominator in denominators:
        pieces = []
        for piece in _DENOMINATOR_JOINS.split(denominator):
            number = re.match(r"\d+(?:\.\d+)?", piece)
            head, rest = (number.group(), piece[number.end() :]) if number else ("", piece)
            unit = vocab.units.get(rest)
            if not rest or unit is None:
                return None
            # a denominator with its own multiplier keeps its written form: 人/10万人, 元/万人
            pieces.append(head + (rest if head or unit.multiplier != 1 or unit.canonical is None else unit.canonical))
        parts.append("·".join(pieces))
    return Unit(f"{top.canonical}/{'/'.join(parts)}", top.multiplier, top.ratio), flag


# between two units of one denominator: 元/人、天  元/人·月  元/人*月 (the one form written: 元/人·月)
_DENOMINATOR_JOINS = re.compile(r"[、·*×•・]")
_NO_UNIT: tuple[Unit, str | None] = (Unit(None), None)
_UNKNOWN_UNIT = re.compile(rf"[{_CJK}]{{1,2}}")  # an unlisted measure word after an Arabic number: ≥3趟


def _read_numeric(raw: str, s: str, year: int | None, g: _Grammar) -> Target | None:
    m = g.numeric.fullmatch(s)
    if m is None:
        return None
    # by position, in the order of _NUMERIC_GROUPS (m.groups() is several times cheaper than named access)
    cmp, ocr, _, pct, n1, mult, more, u1, _, n2, u2, suffix, remark, rep = m.groups()
    vocab = g.vocab
    if mult:
        u1 = mult + u1  # 3万余人: the multiplier belongs to the unit
    arabic = n1[-1].isdigit()
    if pct:
        if u1 or n2:
            return None
        unit, flag = vocab.units["%"], None
    elif not u1:
        unit, flag = _NO_UNIT
    else:
        resolved = _unit(u1, vocab)
        if resolved is None:
            if not arabic or n2 or not _UNKNOWN_UNIT.fullmatch(u1):
                return None
            resolved = (Unit(u1), "unknown_unit")
        unit, flag = resolved
    pair = None if arabic or n2 or len(n1) != 2 else _CHINESE_PAIRS.get(n1)
    # 两三个: two or three, not 23 (what cn2an makes of it)
    low = Decimal(pair[0]) if pair else Decimal(n1.replace(",", "")) if arabic else _chinese_number(n1)
    if low is None:
        return None
    flags = {flag} if flag else set()
    comparator = None
    if cmp:
        comparator = vocab.comparators.get(cmp)
        if comparator is None:
            return None
        if cmp == "±":
            flags.add("plus_minus")
    elif ocr:
        flags.add("suspect_ocr")
    high = None
    if n2:
        resolved2 = _unit(u2, vocab) if u2 else _NO_UNIT
        if resolved2 is None:
            return None
        unit2, flag2 = resolved2
        high = Decimal(n2.replace(",", "")) if n2[-1].isdigit() else _chinese_number(n2)
        if high is None:
            return None
        if flag2:
            flags.add(flag2)
        if unit.canonical is None:
            # "300-500人", "1-2万元": the lower bound takes the unit of the upper one (and its multiplier,
            # unless it has its own: "1万-2万元")
            factor = unit.multiplier if unit.multiplier != 1 else unit2.multiplier
            unit = Unit(unit2.canonical, factor, unit2.ratio)
        elif unit2.canonical not in (None, unit.canonical):
            return None
        high = high * (unit2.multiplier if unit2.canonical is not None else unit.multiplier)
        if comparator is not None:
            flags.add("conflicting_comparators")
        comparator = Comparator.BETWEEN
    if pair is not None:
        high = Decimal(pair[1]) * unit.multiplier
        comparator = _merge(comparator, Comparator.BETWEEN, flags)
    value = low * unit.multiplier if unit.multiplier != 1 else low
    if more:
        comparator = _merge(comparator, Comparator.GE, flags)
        flags.add("approx")
    if suffix:
        comparator = _merge(comparator, vocab.suffixes[suffix], flags)
    if unit.ratio and 0 < value < 1 and (high is None or high <= 1):
        value, high = value * _HUNDRED, (None if high is None else high * _HUNDRED)
        flags.add("ratio_scaled")
    if remark is not None:
        flags.add("remark")
    if rep:
        flags.add("repeated")
    value = _tidy(value)
    if high is not None:
        high = _tidy(high)
        if high < value:
            flags.add("reversed_range")
    canonical = unit.canonical
    if canonical is None and high is None and arabic and "." not in n1 and not pct:
        serial = _excel_candidate(value)
        if serial is not None:
            if year is not None and abs(serial.year - year) <= 1:
                return _target(raw, _K.DEADLINE, flags | {"excel_serial"}, comparator=comparator, date=serial)
            flags.add("maybe_excel_serial")
    if comparator is None:
        flags.add("no_comparator")
    if canonical is None:
        flags.add("no_unit")
    elif canonical == "%" and (value > _HUNDRED or (high is not None and high > _HUNDRED)):
        flags.add("over_100_percent")
    return Target(
        raw, _K.NUMERIC, comparator, value, high, canonical or None, None, None, None,
        frozenset(flags) if flags else _NO_FLAGS,
    )  # fmt: skip


def _read_two_sided(raw: str, s: str, year: int | None, g: _Grammar) -> Target | None:
    """Two bounds stated apart: ``≥95%且≤100%``, ``≥80%,≤100%`` → BETWEEN."""
    m = g.both.fullmatch(s)
    if m is None:
        return None
    low = _read_numeric(m["low"], m["low"], year, g)
    high = _read_numeric(m["high"], m["high"], year, g)
    if low is None or high is None or low.kind is not _K.NUMERIC or high.kind is not _K.NUMERIC:
        return None
    if low.comparator not in (_C.GE, _C.GT) or high.comparator not in (_C.LE, _C.LT):
        return None
    if low.unit not in (None, high.unit):
        return None
    flags = set((low.flags | high.flags) - {"no_unit"})
    if high.value is not None and low.value is not None and high.value < low.value:
        flags.add("reversed_range")
    return _target(
        raw, _K.NUMERIC, flags, comparator=_C.BETWEEN, value=low.value, upper=high.value, unit=high.unit
    )  # fmt: skip


def _merge(first: Comparator | None, second: Comparator, flags: set[str]) -> Comparator:
    """Two comparators stated for one number (控制在10%以内): keep the first, flag a contradiction."""
    if first is None:
        return second
    if first is not second:
        flags.add("conflicting_comparators")
    return first


def _read_per(raw: str, s: str, g: _Grammar) -> Target | None:
    """``每人一册`` → = 1 册/人 (a rule for each one, stated exactly); ``每季度至少1次`` → ≥ 1 次/季度."""
    m = g.per.fullmatch(s)
    if m is None:
        return None
    vocab = g.vocab
    value, _ = _number(m["n"])
    # 每亩450: the number without its unit, 450 per 亩 (the name may say 元: api.target_in_context)
    unit = vocab.units.get(m["unit"]) if m["unit"] else Unit("")
    dens = [vocab.units.get(d) for d in (m["den"], m["den2"]) if d]
    if value is None or unit is None or unit.canonical is None or any(d is None or d.canonical is None for d in dens):
        return None
    words = m["cmp0"] or m["cmp"]
    comparator = vocab.comparators.get(words) if words else Comparator.EQ
    if comparator is None:
        return None
    name = "/".join([unit.canonical, *(str(d.canonical) for d in dens if d is not None)])
    flags = () if m["unit"] else ("partial_unit",)
    return _target(raw, _K.NUMERIC, flags, comparator=comparator, value=_tidy(value * unit.multiplier), unit=name)


def _read_unit_first(raw: str, s: str, year: int | None, g: _Grammar) -> Target | None:
    """The unit before the comparator and the number, as joined cells come out: ``公里 = 12``, ``% ≥ 90``."""
    m = g.unit_first.fullmatch(s)
    if m is None:
        return None
    unit = _unit(m["unit"], g.vocab)
    if unit is None or not unit[0].canonical:
        return None
    return _read_numeric(raw, m["rest"] + m["unit"], year, g)


def _read_zero(raw: str, s: str, g: _Grammar) -> Target | None:
    """None of an event: ``零投诉``, ``确保零事故``, ``安全事故零发生`` → = 0 with the event as unit."""
    if g.zero is None:
        return None
    m = g.zero.fullmatch(s)
    if m is None:
        return None
    return _target(raw, _K.NUMERIC, (), comparator=Comparator.EQ, value=Decimal(0), unit=m["after"] or m["before"])
