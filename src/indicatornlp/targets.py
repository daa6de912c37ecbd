"""Parse a target value (年度指标值) into a typed :class:`~indicatornlp.records.Target`.

>>> t = parse_target("不低于90%")
>>> t.kind.value, t.comparator.value, t.value, t.unit
('numeric', '≥', Decimal('90'), '%')
>>> parse_target("≤1.5万元").value
Decimal('15000')
>>> t = parse_target("300-500人")
>>> t.comparator.value, t.value, t.upper, t.unit
('between', Decimal('300'), Decimal('500'), '人')
>>> t = parse_target("11月底前", year=2022)
>>> t.kind.value, t.comparator.value, t.date
('deadline', '≤', datetime.date(2022, 11, 30))
>>> t = parse_target("进一步提高")
>>> t.kind.value, t.label, t.direction, sorted(t.flags)
('direction', '提高', 'increase', ['vague'])
>>> parse_target("2280次").comparator is None, sorted(parse_target("2280次").flags)
(True, ['no_comparator'])

The word lists live in ``data/lexicon.toml`` and ``data/units.toml``.  Choices made where filings are
ambiguous (each is tested in ``tests/test_targets.py``):

- No comparator is invented: ``2280次`` has comparator ``None`` and flag ``no_comparator``.  Two forms state
  a rule rather than a bare number and read as ``=``: ``每人一册`` (= 1 册/人) and ``全覆盖`` (= 100 %, kind
  NUMERIC with label ``全覆盖`` and flag ``implied_value``, so that it compares with ``=100%``).
- 以上/以下/以内 include the number (≥, ≤); 约/左右 are ≈; ``±3%以内`` is ≤ 3 % with flag ``plus_minus``.
- ``X日前``, ``X月底前`` and ``X月前`` include the named day or month: ≤ its last day.  A period
  (``2020年1月--2020年11月``, ``每年3至11月``, ``全年``) is a DEADLINE with comparator BETWEEN, ``date`` its
  end, flag ``period``.  A date without a year takes ``year``; with none, ``date`` stays ``None`` (flag
  ``no_year``).
- A bare integer from 36526 to 47483 (the Excel serials of 2000-01-01 … 2029-12-31, ``44,561`` =
  2021-12-31) is a date only when ``year`` is given and the date falls within a year of it (flag
  ``excel_serial``).  Otherwise it stays a number with flag ``maybe_excel_serial``, and
  :func:`as_excel_date` turns it into a date for a caller who knows more (an indicator named 完成时间).
- A ratio unit (比例) below 1 is a fraction: ``≥0.97比例`` → ≥ 97 % (flag ``ratio_scaled``).
- OCR damage is flagged, not repaired: ``工5%`` → 5 %, comparator ``None``, flag ``suspect_ocr``; a
  percentage above 100 gets ``over_100_percent`` (``292%`` is probably ``≥92%``).
- Two neighbouring Chinese digits are a range: ``两三个`` → 2–3 个 (cn2an alone would make it 23).
  cn2an only ever sees the numeral span the grammar found, so ``统一标准`` and ``一次性`` stay text.
- ``无`` answers a yes/no indicator (是否发生安全事故 → 无), like ``是``/``否``: QUALITATIVE, label ``无``.
- Any failure of the grammar itself gives a TEXT record with flag ``unparsed``: the function is total.

Flags: ``no_comparator``, ``no_unit`` (a NUMERIC without them); ``blank``, ``placeholder``,
``option_list``, ``no_value`` (EMPTY: nothing, a template mark, the form's choices, a unit without a
number); ``vague``; ``with_text`` (a quantity or date inside a phrase); ``period``, ``recurring``,
``no_year``, ``invalid_date``; ``excel_serial``, ``maybe_excel_serial``, ``repeated``; ``suspect_ocr``,
``over_100_percent``; ``ratio_scaled``, ``plus_minus``, ``partial_unit``, ``unknown_unit``, ``remark``,
``implied_value``, ``reversed_range``, ``conflicting_comparators``; ``looks_like_name`` (TEXT that reads
like an indicator name); ``unparsed``.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import tomllib
from calendar import monthrange
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from .errors import DataFileError
from .records import Comparator, Target, TargetKind
from .text import normalize_text

__all__ = ["as_excel_date", "excel_serial_date", "parse_target", "split_indicator"]

# Excel's day 0 (it counts 1900 as a leap year, so serials after February 1900 count from here)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 36526, 47483  # 2000-01-01 … 2029-12-31
_LONGEST = 200  # longer values are free text: the grammars are not run on them
_ONE = Decimal(1)
_HUNDRED = Decimal(100)
_CJK = r"\u4e00-\u9fff"

_K = TargetKind
_C = Comparator


# ---- vocabulary: the data files -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Unit:
    """A unit as written, resolved: its canonical form and the multiplier into it."""

    canonical: str | None
    """The base unit (``元`` for ``万元``); ``None`` for a bare multiplier (``万``)."""
    multiplier: Decimal = _ONE
    ratio: bool = False
    """A ratio unit (比例): values below 1 are fractions of 1."""


@dataclasses.dataclass(frozen=True, slots=True)
class Vocabulary:
    """The contents of ``lexicon.toml`` and ``units.toml``, checked and indexed."""

    units: Mapping[str, Unit]
    """Every written form, including prefix + unit combinations (``万粒``) and bare prefixes (``万``)."""
    comparators: Mapping[str, Comparator]
    suffixes: Mapping[str, Comparator]
    more_than: tuple[str, ...]
    system_tokens: tuple[str, ...]
    ocr_confusables: tuple[str, ...]
    labels: Mapping[str, str]
    qualitative: Mapping[str, str]
    """word → label."""
    alone: frozenset[str]
    implied: Mapping[str, tuple[Comparator, Decimal, str, str]]
    """word → (comparator, value, unit, label)."""
    directions: Mapping[str, str]
    modifiers: frozenset[str]
    comparative: frozenset[str]
    joiners: frozenset[str]
    vague: frozenset[str]
    placeholders: frozenset[str]
    placeholder_marks: tuple[str, ...]
    option_lists: frozenset[str]
    name_endings: tuple[str, ...]
    deadline_leads: tuple[str, ...]
    deadline_leads_le: frozenset[str]
    deadline_suffixes: Mapping[str, Comparator]
    recurring: tuple[str, ...]
    completion: frozenset[str]


def _read_toml(name: str) -> dict[str, Any]:
    path = resources.files("indicatornlp") / "data" / name
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise DataFileError(
            f"indicatornlp/data/{name}", f"cannot be read: {err}", hint="reinstall indicatornlp"
        ) from err


def _decimal(text: object, where: str) -> Decimal:
    try:
        return Decimal(str(text))
    except InvalidOperation:
        raise DataFileError(
            where, f"{text!r} is not a decimal number", hint='write it as a string like "10000"'
        ) from None


def _comparator(symbol: object, where: str) -> Comparator:
    try:
        return Comparator(str(symbol))
    except ValueError:
        known = " ".join(c.value for c in Comparator)
        raise DataFileError(where, f"unknown comparator {symbol!r}", hint=f"use one of {known}") from None


def load_vocabulary(lexicon: Mapping[str, Any], units: Mapping[str, Any]) -> Vocabulary:
    """Check and index the contents of the two data files (raises ``DataFileError`` naming the bad entry)."""
    lex, uni = "indicatornlp/data/lexicon.toml", "indicatornlp/data/units.toml"
    table: dict[str, Unit] = {}
    for form, entry in units.get("units", {}).items():
        where = f"{uni} [units] {form!r}"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("canonical"), str):
            raise DataFileError(where, "needs a canonical form", hint='write { canonical = "元" }')
        table[form] = Unit(entry["canonical"], _decimal(entry.get("multiplier", "1"), where), bool(entry.get("ratio")))
    prefixes = {p: _decimal(m, f"{uni} [prefixes] {p!r}") for p, m in units.get("prefixes", {}).items()}
    # a prefix before a listed simple unit: 万粒, 万平方米 (listed forms such as 千克 and 万元 win)
    simple = [(form, unit) for form, unit in table.items() if "/" not in form and unit.multiplier == 1]
    for prefix, factor in prefixes.items():
        table.setdefault(prefix, Unit(None, factor))
        for form, unit in simple:
            table.setdefault(prefix + form, Unit(unit.canonical, factor, unit.ratio))

    labels = dict(lexicon.get("labels", {}))
    qualitative: dict[str, str] = {}
    alone: set[str] = set()
    for word, entry in lexicon.get("qualitative", {}).items():
        label = entry.get("label") if isinstance(entry, Mapping) else None
        if not isinstance(label, str) or label not in labels:
            raise DataFileError(f"{lex} [qualitative] {word!r}", f"label {label!r} is not in [labels]")
        qualitative[word] = label
        if entry.get("alone"):
            alone.add(word)
    implied = {}
    for word, entry in lexicon.get("implied_numbers", {}).items():
        where = f"{lex} [implied_numbers] {word!r}"
        if entry.get("label") not in labels:
            raise DataFileError(where, f"label {entry.get('label')!r} is not in [labels]")
        implied[word] = (
            _comparator(entry["comparator"], where),
            _decimal(entry["value"], where),
            str(entry["unit"]),
            str(entry["label"]),
        )
    directions = dict(lexicon.get("directions", {}))
    for word, direction in directions.items():
        if direction not in ("increase", "decrease", "maintain"):
            raise DataFileError(
                f"{lex} [directions] {word!r}", f"direction {direction!r} is not increase/decrease/maintain"
            )
    deadline = lexicon.get("deadline", {})
    return Vocabulary(
        units=table,
        comparators={w: _comparator(c, f"{lex} [comparators] {w!r}") for w, c in lexicon["comparators"].items()},
        suffixes={
            w: _comparator(c, f"{lex} [comparator_suffixes] {w!r}") for w, c in lexicon["comparator_suffixes"].items()
        },
        more_than=tuple(lexicon.get("more_than", ())),
        system_tokens=tuple(lexicon.get("system_tokens", ())),
        ocr_confusables=tuple(lexicon.get("ocr_confusables", ())),
        labels=labels,
        qualitative=qualitative,
        alone=frozenset(alone),
        implied=implied,
        directions=directions,
        modifiers=frozenset(lexicon.get("modifiers", ())),
        comparative=frozenset(lexicon.get("comparative_modifiers", ())),
        joiners=frozenset(lexicon.get("joiners", ())),
        vague=frozenset(lexicon.get("vague", ())),
        placeholders=frozenset(lexicon.get("placeholders", ())),
        placeholder_marks=tuple(lexicon.get("placeholder_marks", ())),
        option_lists=frozenset(lexicon.get("option_lists", ())),
        name_endings=tuple(lexicon.get("name_endings", ())),
        deadline_leads=tuple(deadline.get("leads", ())),
        deadline_leads_le=frozenset(deadline.get("leads_le", ())),
        deadline_suffixes={
            w: _comparator(c, f"{lex} [deadline] suffixes {w!r}") for w, c in deadline.get("suffixes", {}).items()
        },
        recurring=tuple(deadline.get("recurring", ())),
        completion=frozenset(deadline.get("completion", ())),
    )


@cache
def vocabulary() -> Vocabulary:
    """The shipped vocabulary (read once, on first use)."""
    return load_vocabulary(_read_toml("lexicon.toml"), _read_toml("units.toml"))


# ---- grammar: regexes built from the vocabulary ------------------------------------------------------------


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation, longest words first (so that 大于等于 wins over 大于)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


_ARABIC = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# a Chinese numeral starts with a digit or 十 (a bare 万/百 is a multiplier, not a number)
_CHINESE = (
    r"[零〇一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾]"
    r"[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]*"
    r"(?:点[零〇一二三四五六七八九]+)?"
)
_RANGE_SEP = r"-{1,2}|—{1,2}|–|~|〜|至|到"
_MONTH = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]"
_YEAR_WORDS = r"年底|年末|年中|年内|年度内|全年|上半年|下半年"  # 年底 alone, or after a year
_YEAR_PART = _YEAR_WORDS + r"|底|末|内"  # after a year only: 2021年底, 2022年度内
_CN_MONTHS = {**{ch: n for n, ch in enumerate("一二三四五六七八九十", 1)}, "十一": 11, "十二": 12}


@dataclasses.dataclass(frozen=True, slots=True)
class _Grammar:
    vocab: Vocabulary
    numeric: re.Pattern[str]
    per: re.Pattern[str]
    deadline: re.Pattern[str]
    date_piece: re.Pattern[str]
    placeholder: re.Pattern[str]
    unit_only: re.Pattern[str]
    words: re.Pattern[str]
    word: re.Pattern[str]
    leading_comparator: re.Pattern[str]
    vague: re.Pattern[str] | None
    marks: re.Pattern[str]
    embedded: re.Pattern[str]
    both: re.Pattern[str]


_DATE_PIECE = rf"""
    (?:(?P<y7>(?:19|20)\d{{2}})年)?第?(?P<q>[一二三四1-4])季度(?P<qp>末|底)?   # 第三季度  2022年二季度末
  | (?P<y>(?:19|20)\d{{2}})[./-](?P<m>\d{{1,2}})(?:[./-](?P<d>\d{{1,2}}))?  # 2020.1.1  2022-11-30  2022/11
  | (?P<y2>(?:19|20)\d{{2}})年度?                                         # 2022年  2022年度
    (?:(?P<m2>{_MONTH})月份?(?:(?P<d2>[0-3]?\d)[日号]|(?P<mp2>底|末|初|上旬|中旬|下旬))?)?   # 11月30日  10月底
    (?P<yp2>{_YEAR_PART})?                                               # 2021年底  2021年全年  2022年度内
  | (?P<m3>{_MONTH})月份?(?:(?P<d3>[0-3]?\d)[日号]|(?P<mp3>底|末|初|上旬|中旬|下旬))?        # 11月底  12月31日
  | (?P<m5>1[0-2]|0?[1-9])\.(?P<d5>[0-3]?\d)                            # 12.31 (only after a range sign)
  | (?P<yp6>{_YEAR_WORDS}|年度|当年|本年度?)                             # 年底  全年  上半年
"""


def _comparator_pattern(words: Iterable[str]) -> str:
    """Symbols as a character class, words behind a lookahead on their first character (a fast miss)."""
    symbols = sorted({ch for w in words if not re.search(f"[{_CJK}]", w) for ch in w})
    named = [w for w in words if re.search(f"[{_CJK}]", w)]
    firsts = "".join(sorted({w[0] for w in named}))
    return rf"[{re.escape(''.join(symbols))}]{{1,2}}|(?=[{firsts}])(?:{_alternation(named)})"


def _without_names(pattern: str) -> str:
    return re.sub(r"\?P<\w+>", "?:", pattern)


@cache
def _grammar() -> _Grammar:
    v = vocabulary()
    cmp = _comparator_pattern(v.comparators)
    suffix = _alternation(v.suffixes)
    more = _alternation(v.more_than)
    ocr = _alternation(v.ocr_confusables)
    numeric = re.compile(
        rf"""
        (?:(?P<cmp>{cmp})|(?P<ocr>{ocr})(?=\d))?     # a comparator (symbol or word), or OCR damage before a digit
        \s*
        (?P<pct>百分之)?                              # 百分之九十五
        (?P<n1>{_ARABIC}|{_CHINESE}|(?<=百分之)百)      # the number, Arabic or Chinese
        \s*
        (?P<more>{more})?                             # 200余人: more than 200
        (?P<u1>(?:[^\d\s()~]|(?<=/)\d+|(?<=[A-Za-z])\d)*?)  # its unit (人/10万人, m2), checked against units.toml
        (?:
            \s*(?P<sep>{_RANGE_SEP})\s*               # a range: 300-500人  3至5次  1万-2万元
            (?P<n2>{_ARABIC}|{_CHINESE})
            \s*
            (?P<u2>(?:[^\d\s()~]|(?<=/)\d+|(?<=[A-Za-z])\d)*?)  # the unit of the upper bound (and of both)
        )?
        \s*
        (?P<suffix>{suffix})?                         # 95%以上  200人左右  10%以内
        (?:\s*\((?P<remark>[^()]*)\))?                # a remark in brackets: 100%(1.0)
        (?P<rep>\s+(?P=n1))?                          # the number again, from a neighbouring cell
        """,
        re.VERBOSE,
    )
    per = re.compile(
        rf"""
        (?P<cmp0>{cmp})?                              # 不少于每月1次
        每(?P<den>[^\d\s]{{1,3}}?)                     # 每人  每月  每季度
        (?:每(?P<den2>[^\d\s]{{1,3}}?))?               # 每人每年
        (?P<cmp>{cmp})?\s*                            # 每季度至少1次
        (?P<n>{_ARABIC}|{_CHINESE})                    # 一  1
        (?P<unit>[^\d\s]{{1,4}})                       # 册  次
        """,
        re.VERBOSE,
    )
    piece = _without_names(_DATE_PIECE)
    leads = _alternation(v.deadline_leads)
    recurring = _alternation(v.recurring)
    dsuffix = _alternation(v.deadline_suffixes)
    deadline = re.compile(
        rf"""
        (?P<lead>{leads})?                            # 完成时间为  截至  于
        (?P<every>{recurring})?                       # 每年
        (?P<a>(?:{_MONTH})(?=\s*(?:{_RANGE_SEP})\s*\d)|{piece})   # a date; a bare month before a range sign
        (?:\s*(?P<sep>{_RANGE_SEP})\s*(?P<b>{piece}))? # the end of a period
        (?P<suffix>{dsuffix})?                        # 前  之前  内
        (?P<tail>.{{0,30}})                           # 执行完成  100%到位
        """,
        re.VERBOSE,
    )
    marks = "".join(re.escape(m) for m in v.placeholder_marks)
    placeholder = re.compile(
        rf"""
        (?P<cmp>{cmp})?\s*                            # ≥
        (?P<marks>[{marks}]+)\s*                      # **  XX  N
        (?P<unit>[^\d\s{marks}]*)                     # %  万元  户
        """,
        re.VERBOSE,
    )
    unit_only = re.compile(rf"(?P<cmp>{cmp})?\s*(?P<unit>[^\d\s]*)")
    content = [w for w in v.qualitative if w not in v.alone]
    alternation = _alternation([*content, *v.implied, *v.directions, *v.modifiers, *v.joiners])
    words = re.compile(rf"(?P<subject>[{_CJK}]{{0,6}}?)(?P<body>(?:{alternation})+)")
    word = re.compile(alternation)
    leading_comparator = re.compile(cmp)
    embedded = re.compile(
        rf"""
        (?P<pre>[{_CJK}]{{0,8}}?)                     # 补助资金及时到位  至少全年完成  优秀率
        (?P<cmp>{cmp})?\s*                            # ≥
        (?P<number>\d+(?:\.\d+)?)                      # the one number
        (?P<post>[^\d\s]{{0,8}})                        # its unit, then a few words: 次宣传
        """,
        re.VERBOSE,
    )
    both = re.compile(r"(?P<low>[^,且]+?)\s*(?:且|并且|,|、)\s*(?P<high>[^,且]+)")
    vague = re.compile(_alternation(v.vague)) if v.vague else None
    return _Grammar(
        v, numeric, per, deadline, re.compile(_DATE_PIECE, re.VERBOSE), placeholder, unit_only, words, word,
        leading_comparator, vague, re.compile(f"[{marks}]"), embedded, both,
    )  # fmt: skip


# ---- numbers and units -----------------------------------------------------------------------------------

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
        for piece in re.split(r"[、·]", denominator):
            number = re.match(r"\d+(?:\.\d+)?", piece)
            head, rest = (number.group(), piece[number.end() :]) if number else ("", piece)
            unit = vocab.units.get(rest)
            if not rest or unit is None:
                return None
            # a denominator with its own multiplier keeps its written form: 人/10万人, 元/万人
            pieces.append(head + (rest if head or unit.multiplier != 1 or unit.canonical is None else unit.canonical))
        parts.append("·".join(pieces))
    return Unit(f"{top.canonical}/{'/'.join(parts)}", top.multiplier, top.ratio), flag


_NO_UNIT: tuple[Unit, str | None] = (Unit(None), None)
_UNKNOWN_UNIT = re.compile(rf"[{_CJK}]{{1,2}}")  # an unlisted measure word after an Arabic number: ≥3趟


# ---- the target ------------------------------------------------------------------------------------------


_NO_FLAGS: frozenset[str] = frozenset()


def _target(
    raw: str,
    kind: TargetKind,
    flags: Iterable[str] = (),
    *,
    comparator: Comparator | None = None,
    value: Decimal | None = None,
    upper: Decimal | None = None,
    unit: str | None = None,
    date: datetime.date | None = None,
    label: str | None = None,
    direction: str | None = None,
) -> Target:
    return Target(
        raw, kind, comparator, value, upper, unit, date, label, direction, frozenset(flags) if flags else _NO_FLAGS
    )


def _read_numeric(raw: str, s: str, year: int | None, g: _Grammar) -> Target | None:
    m = g.numeric.fullmatch(s)
    if m is None:
        return None
    cmp, ocr, pct, n1, more, u1, _, n2, u2, suffix, remark, rep = m.groups()
    vocab = g.vocab
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
        comparator = _merge(comparator, Comparator.GT, flags)
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


def _excel_candidate(value: Decimal) -> datetime.date | None:
    if _SERIAL_MIN <= value <= _SERIAL_MAX:
        return excel_serial_date(int(value))
    return None


def _read_per(raw: str, s: str, g: _Grammar) -> Target | None:
    """``每人一册`` → = 1 册/人 (a rule for each one, stated exactly); ``每季度至少1次`` → ≥ 1 次/季度."""
    m = g.per.fullmatch(s)
    if m is None:
        return None
    vocab = g.vocab
    value, _ = _number(m["n"])
    unit = vocab.units.get(m["unit"])
    dens = [vocab.units.get(d) for d in (m["den"], m["den2"]) if d]
    if value is None or unit is None or unit.canonical is None or any(d is None or d.canonical is None for d in dens):
        return None
    words = m["cmp0"] or m["cmp"]
    comparator = vocab.comparators.get(words) if words else Comparator.EQ
    if comparator is None:
        return None
    name = "/".join([unit.canonical, *(str(d.canonical) for d in dens if d is not None)])
    return _target(raw, _K.NUMERIC, (), comparator=comparator, value=_tidy(value * unit.multiplier), unit=name)


def _read_deadline(raw: str, s: str, year: int | None, g: _Grammar) -> Target | None:
    """Dates, deadlines and periods: 2022年11月30日前, 年底前, 2020年1月--2020年11月, 每年3至11月."""
    m = g.deadline.fullmatch(s)
    if m is None:
        return None
    vocab = g.vocab
    flags: set[str] = set()
    a = g.date_piece.fullmatch(m["a"])
    b = g.date_piece.fullmatch(m["b"]) if m["b"] else None
    tail = m["tail"]
    if tail and tail not in vocab.completion:
        if not any(ch.isdigit() for ch in m["a"]) and not m["suffix"] and not m["lead"]:
            return None  # "全年开展2次": a time word opens a sentence that states something else
        flags.add("with_text")
    comparator = None
    if m["every"]:
        flags.add("recurring")
    if b is not None or a is None:
        # a period: "2020年1月--2020年11月", "1-12月", "每年3至11月"
        end = b
        start_year = _piece(a)[0] if a is not None else None
        if end is None:
            return None
        y, month, day, part = _piece(end)
        y = y or start_year
        comparator = Comparator.BETWEEN
        flags.add("period")
    else:
        y, month, day, part = _piece(a)
        if part == "季度" or (
            month is None and part in (None, "全年", "年度", "当年", "本年", "本年度", "上半年", "下半年")
        ):
            comparator = Comparator.BETWEEN
            flags.add("period")
        if part in ("内", "年内", "年度内"):
            comparator = Comparator.LE
    if m["suffix"]:
        comparator = vocab.deadline_suffixes[m["suffix"]]
        flags.discard("period")
    elif m["lead"] in vocab.deadline_leads_le:
        comparator = Comparator.LE
    y = y or year
    if y is None:
        flags.add("no_year")
        return _target(raw, _K.DEADLINE, flags, comparator=comparator)
    date = _end_date(y, month, day, part)
    if date is None:
        flags.add("invalid_date")
    return _target(raw, _K.DEADLINE, flags, comparator=comparator, date=date)


def _piece(m: re.Match[str]) -> tuple[int | None, int | None, int | None, str | None]:
    """(year, month, day, part) of one date piece; part is 底/末/上旬/全年/上半年 … when stated."""
    y = m["y"] or m["y2"] or m["y7"]
    month = m["m"] or m["m2"] or m["m3"] or m["m5"]
    day = m["d"] or m["d2"] or m["d3"] or m["d5"]
    part = m["mp2"] or m["mp3"] or m["yp2"] or m["yp6"]
    number = (_CN_MONTHS[month] if month in _CN_MONTHS else int(month)) if month else None
    if m["q"]:
        # a quarter names its last month; without 末/底 it is a period, like a year
        quarter = m["q"]
        number = 3 * (_CN_MONTHS[quarter] if quarter in _CN_MONTHS else int(quarter))
        part = m["qp"] or "季度"
    return int(y) if y else None, number, int(day) if day else None, part


def _end_date(y: int, month: int | None, day: int | None, part: str | None) -> datetime.date | None:
    """The last day a date piece names: 11月 → 11-30, 年底 → 12-31, 上半年 → 06-30."""
    try:
        if month is None:
            return datetime.date(y, 6, 30) if part in ("上半年", "年中") else datetime.date(y, 12, 31)
        if day is not None:
            return datetime.date(y, month, day)
        if part in ("上旬", "初"):
            return datetime.date(y, month, 10)
        if part == "中旬":
            return datetime.date(y, month, 20)
        return datetime.date(y, month, monthrange(y, month)[1])
    except ValueError:
        return None


def _read_placeholder(raw: str, s: str, g: _Grammar) -> Target | None:
    if "*" in s and any(ch in s for ch in "年月日"):
        # a date template: (**月**日前)
        if re.fullmatch(r"[\d*年月日号底前之以]+", s):
            return _target(raw, _K.EMPTY, {"placeholder"}, comparator=Comparator.LE if "前" in s else None)
        return None
    m = g.placeholder.fullmatch(s)
    if m is None:
        return None
    unit = _unit(m["unit"], g.vocab) if m["unit"] else None
    if m["unit"] and unit is None:
        return None
    comparator = g.vocab.comparators.get(m["cmp"]) if m["cmp"] else None
    if m["cmp"] and comparator is None:
        return None  # two symbols that make no comparator: <<
    canonical = unit[0].canonical if unit is not None else None
    return _target(raw, _K.EMPTY, {"placeholder"}, comparator=comparator, unit=canonical)


def _read_unit_only(raw: str, s: str, g: _Grammar) -> Target | None:
    """``≧ %``, ``公里``, ``万元/人``: the form's comparator and unit cells, with no number."""
    m = g.unit_only.fullmatch(s)
    if m is None:
        return None
    comparator = g.vocab.comparators.get(m["cmp"]) if m["cmp"] else None
    if m["cmp"] and comparator is None:
        return None
    if not m["unit"]:
        return _target(raw, _K.EMPTY, {"no_value"}, comparator=comparator) if comparator else None
    unit = _unit(m["unit"], g.vocab)
    if unit is None or not unit[0].canonical:
        return None
    return _target(raw, _K.EMPTY, {"no_value"}, comparator=comparator, unit=unit[0].canonical)


def _read_words(raw: str, s: str, g: _Grammar) -> Target | None:
    """Quality and direction words, after an optional short subject: 效果明显, 能力持续提升, 及时、满意."""
    vocab = g.vocab
    if s in vocab.alone:
        return _target(raw, _K.QUALITATIVE, (), label=vocab.qualitative[s])
    m = g.words.fullmatch(s)
    if m is None:
        return None
    body = m["body"]
    tokens = g.word.findall(body)
    if "".join(tokens) != body:
        return None
    labels: list[str] = []
    verbs: list[str] = []
    implied = None
    comparative = vague = False
    for token in tokens:
        if token in vocab.joiners:
            continue
        vague = vague or token in vocab.vague
        if token in vocab.directions:
            verbs.append(token)
        elif token in vocab.implied:
            implied = vocab.implied[token]
        elif token in vocab.qualitative:
            labels.append(vocab.qualitative[token])
        elif token in vocab.comparative:
            comparative = True
    if verbs:
        return _target(
            raw, _K.DIRECTION, {"vague"}, label="、".join(dict.fromkeys(verbs)), direction=vocab.directions[verbs[0]]
        )
    if implied is not None:
        comparator, value, unit, label = implied
        return _target(raw, _K.NUMERIC, {"implied_value"}, comparator=comparator, value=value, unit=unit, label=label)
    if not labels:
        return None
    label = "、".join(dict.fromkeys(labels))
    if comparative:
        return _target(raw, _K.DIRECTION, {"vague"}, label=label, direction="increase")
    return _target(raw, _K.QUALITATIVE, {"vague"} if vague else (), label=label)


def _read_embedded(raw: str, s: str, year: int | None, g: _Grammar) -> Target | None:
    """One quantity inside a short phrase: 至少全年完成2次宣传 → ≥ 2 次, 优秀率≥90% → ≥ 90 %."""
    m = g.embedded.fullmatch(s)
    if m is None:
        return None
    pre, post = m["pre"], m["post"]
    cmp = m["cmp"] or (found.group() if (found := g.leading_comparator.match(pre)) else "")
    for cut in range(len(post), 0, -1):
        unit = g.vocab.units.get(post[:cut])
        if unit is not None and unit.canonical is not None:
            rest = post[cut:]
            break
    else:
        return None
    if len(rest) > 6 or not re.fullmatch(rf"[{_CJK}]*", rest):
        return None
    inner = _read_numeric(raw, cmp + m["number"] + post[:cut], year, g)
    if inner is None or inner.kind is not _K.NUMERIC:
        return None
    return dataclasses.replace(inner, flags=inner.flags | {"with_text"})


_TRAILING = "。;；,，、.:： "  # trailing punctuation carries nothing (normalize_text has folded the spaces)
_NUMBERISH = re.compile(r"[\d零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾]")
_DATEISH = re.compile(r"[年月日号底末旬]|季度|\d{4}[./-]\d")


def _read(raw: str, year: int | None, g: _Grammar) -> Target:
    vocab = g.vocab
    s = normalize_text(raw)
    if s and s[-1] in _TRAILING:
        s = s.rstrip(_TRAILING)
    if s.startswith(vocab.system_tokens):
        token = next(t for t in vocab.system_tokens if s.startswith(t))
        s = s[len(token) :].lstrip(" :")
        if not s:
            return _target(raw, _K.EMPTY, {"no_value"})
    if len(s) > 2 and s[0] == "(" and s[-1] == ")" and "(" not in s[1:-1]:
        s = s[1:-1].strip()
    if not s:
        return _target(raw, _K.EMPTY, {"blank"})
    if s in vocab.placeholders:
        return _target(raw, _K.EMPTY, {"placeholder"})
    if s in vocab.option_lists:
        return _target(raw, _K.EMPTY, {"placeholder", "option_list"})
    if len(s) > _LONGEST:
        return _text(raw, s, g)
    found = _read_deadline(raw, s, year, g) if _DATEISH.search(s) else None
    if found is not None:
        return found
    if _NUMBERISH.search(s):
        found = _read_numeric(raw, s, year, g)
        if found is None and "每" in s:
            found = _read_per(raw, s, g)
        if found is None:
            found = _read_two_sided(raw, s, year, g)
        if found is not None:
            return found
    if g.marks.search(s):
        found = _read_placeholder(raw, s, g)
        if found is not None:
            return found
    found = _read_words(raw, s, g) or _read_unit_only(raw, s, g) or _read_embedded(raw, s, year, g)
    return found if found is not None else _text(raw, s, g)


def _text(raw: str, s: str, g: _Grammar) -> Target:
    flags = set()
    if g.vague is not None and g.vague.search(s):
        flags.add("vague")
    if s.endswith(g.vocab.name_endings) and not any(ch.isdigit() or ch == "," for ch in s):
        flags.add("looks_like_name")
    return _target(raw, _K.TEXT, flags)


def _parse(raw: str, year: int | None) -> Target:
    """``parse_target`` without its cache (the benchmark measures this)."""
    g = _grammar()  # outside the try: a broken data file must be reported, not hidden
    try:
        return _read(raw, year, g)
    except Exception:  # the parser is total: a failure of the grammar is reported on the record, never raised
        return _target(raw, _K.TEXT, {"unparsed"})


_parse_cached = lru_cache(maxsize=1 << 16)(_parse)


def parse_target(raw: str, *, year: int | None = None) -> Target:
    """Parse a target value (年度指标值) into a ``Target``; ``year`` completes dates that state none.

    Total: any ``str`` gives a record (kind EMPTY or TEXT, with flags, when nothing else fits).  Raises
    ``TypeError`` only when ``raw`` is not a ``str`` or ``year`` is not an ``int``.

    >>> t = parse_target("=3 次")
    >>> t.kind.value, t.comparator.value, t.value, t.unit, sorted(t.flags)
    ('numeric', '=', Decimal('3'), '次', [])
    """
    if not isinstance(raw, str):
        raise TypeError(f"parse_target() takes a str, not {type(raw).__name__}")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise TypeError(f"parse_target() year must be an int, not {type(year).__name__}")
    return _parse_cached(raw, year)


def excel_serial_date(serial: int) -> datetime.date:
    """The date of an Excel serial day number (1900 date system).

    >>> excel_serial_date(44561)
    datetime.date(2021, 12, 31)
    """
    return _EXCEL_EPOCH + datetime.timedelta(days=serial)


def as_excel_date(target: Target) -> Target:
    """A number flagged ``maybe_excel_serial`` read as the date it encodes; other targets unchanged.

    For a caller who knows that the value is a date (the indicator is named 完成时间, 到位时间 …).

    >>> as_excel_date(parse_target("44561")).date
    datetime.date(2021, 12, 31)
    """
    if "maybe_excel_serial" not in target.flags or target.value is None:
        return target
    flags = (target.flags - {"maybe_excel_serial", "no_unit", "no_comparator"}) | {"excel_serial"}
    return dataclasses.replace(
        target, kind=TargetKind.DEADLINE, value=None, date=excel_serial_date(int(target.value)), flags=flags
    )


# ---- a name written with its target ---------------------------------------------------------------------

_NAMED = re.compile(rf"[{_CJK}A-Za-z]")


@cache
def _comparator_start() -> re.Pattern[str]:
    """Where a target may start inside a name written without a space: a comparator symbol or word."""
    words = [w for w in vocabulary().comparators if len(w) > 1 or not ("\u4e00" <= w <= "\u9fff")]
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _is_target(text: str) -> bool:
    t = parse_target(text)
    if "with_text" in t.flags:  # a quantity inside a phrase: the phrase is more name than target
        return False
    if t.kind is TargetKind.EMPTY:
        return "placeholder" in t.flags
    return t.kind is not TargetKind.TEXT


@lru_cache(maxsize=65536)
def split_indicator(text: str) -> tuple[str, str]:
    """Split a name written with its target: at the first space, or comparator, where a target starts.

    A space starts a target when what follows parses as one (a number, a deadline, a quality or a direction word);
    a comparator (``≥``, ``不低于``) does when what follows it is a number, a deadline or a placeholder.  The
    part before must hold a name (a Chinese or Latin letter).

    >>> split_indicator("群众满意度 >=95%")
    ('群众满意度', '>=95%')
    >>> split_indicator("培训人次≥100人次")
    ('培训人次', '≥100人次')
    >>> split_indicator("党务工作能力 提升")
    ('党务工作能力', '提升')
    >>> split_indicator("服务对象满 意度")
    ('服务对象满 意度', '')
    """
    stripped = text.strip()
    for m in re.finditer(r"\s+", stripped):
        head, tail = stripped[: m.start()], stripped[m.end() :]
        if _NAMED.search(head) and _is_target(tail):
            return head, tail
    for m in _comparator_start().finditer(stripped):
        head, tail = stripped[: m.start()], stripped[m.start() :]
        if not _NAMED.search(head):
            continue
        t = parse_target(tail)
        if "with_text" not in t.flags and (
            t.kind in (TargetKind.NUMERIC, TargetKind.DEADLINE) or "placeholder" in t.flags
        ):
            return head.rstrip(), tail
    return stripped, ""
