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
- ``无`` alone is a placeholder (EMPTY): filers write it in rows with nothing to state.  Under a name asking yes
  or no, or counting events (是否发生安全事故, 安全事故发生次数), ``api.target_in_context`` reads it as the answer
  (QUALITATIVE, label ``无``), like ``是``/``否``.  ``零投诉``, ``确保零事故``, ``安全事故零发生`` are = 0 with the
  event as unit.
- ``3万余人``, ``200余人`` (a round number and some more) are ≥ it with flag ``approx``.
- The unit may come first, as a form's unit, comparator and value cells come out joined: ``公里 = 12``,
  ``% ≥ 90``.  A compound unit joins two units of a denominator with 、 * × or ·: ``元/人*月`` → ``元/人·月``.
- ``每亩450`` states no unit for the number: = 450 ``/亩`` with flag ``partial_unit`` (``api.target_in_context``
  makes it 元/亩 under a name about money).
- A period's ``date`` is its end (``2024.03-2024.11`` → 2024-11-30); :func:`period_start` gives its first day.
  Years and days may be written in Chinese digits: ``二〇二二年底前``, ``十二月三十一日前``.
- A target relative to last year (``较上年提高5%``, ``同比增长10%``, ``不低于上年``, ``与上年持平``) is a DIRECTION
  with flag ``last_year``: the number it keeps (5 %) is the change, never the level (``targets/_relative.py``).
- Any failure of the grammar itself gives a TEXT record with flag ``unparsed``: the function is total.

Flags: ``no_comparator``, ``no_unit`` (a NUMERIC without them); ``blank``, ``placeholder``,
``option_list``, ``no_value`` (EMPTY: nothing, a template mark, the form's choices, a unit without a
number); ``vague``; ``with_text`` (a quantity or date inside a phrase); ``period``, ``recurring``,
``no_year``, ``invalid_date``; ``excel_serial``, ``maybe_excel_serial``, ``repeated``; ``suspect_ocr``,
``over_100_percent``; ``ratio_scaled``, ``plus_minus``, ``partial_unit``, ``unknown_unit``, ``remark``,
``implied_value``, ``reversed_range``, ``conflicting_comparators``; ``approx`` (余, 多: about that and more);
``last_year`` (measured from last year's value); ``looks_like_name`` (TEXT that reads like an indicator name);
``unparsed``.
"""

from __future__ import annotations

import datetime
import re

from ..records import Target, TargetKind
from ..text import bounded_cache, normalize_text
from ._cells import is_target_cell, is_unit, split_indicator
from ._dates import _period_start, _read_deadline, as_excel_date, excel_serial_date
from ._grammar import _TRAILING, _Grammar, _grammar
from ._numbers import _read_numeric, _read_per, _read_two_sided, _read_unit_first, _read_zero
from ._record import _target
from ._relative import _read_relative
from ._vocabulary import Unit, Vocabulary, load_vocabulary, vocabulary
from ._words import _read_embedded, _read_placeholder, _read_unit_only, _read_words

__all__ = [
    "Unit",
    "Vocabulary",
    "as_excel_date",
    "excel_serial_date",
    "is_target_cell",
    "is_unit",
    "load_vocabulary",
    "parse_target",
    "period_start",
    "split_indicator",
    "vocabulary",
]

_LONGEST = 200  # longer values are free text: the grammars are not run on them
_K = TargetKind

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
    if s in g.nothing:  # placeholders, and 无 (it answers a yes/no name only: api.target_in_context)
        return _target(raw, _K.EMPTY, {"placeholder"})
    if s in vocab.option_lists:
        return _target(raw, _K.EMPTY, {"placeholder", "option_list"})
    if len(s) > _LONGEST:
        return _text(raw, s, g)
    found = _read_relative(raw, s, year, g) if g.relative_base.search(s) else None
    if found is None and _DATEISH.search(s):
        found = _read_deadline(raw, s, year, g)
    if found is not None:
        return found
    if _NUMBERISH.search(s):
        found = _read_numeric(raw, s, year, g)
        if found is None and "每" in s:
            found = _read_per(raw, s, g)
        if found is None:
            found = _read_two_sided(raw, s, year, g) or _read_unit_first(raw, s, year, g)
        if found is None and "零" in s:
            found = _read_zero(raw, s, g)
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


_parse_cached = bounded_cache(1 << 16)(_parse)


def period_start(target: Target) -> datetime.date | None:
    """The first day of a period (a DEADLINE with flag ``period``); ``None`` for any other target.

    A period's record keeps its end in ``date``; its start is read again from ``raw`` (the first date the
    deadline grammar finds there, in the end's year when it names none), so that the record stays one shape for
    every deadline.

    >>> period_start(parse_target("2024.03-2024.11"))
    datetime.date(2024, 3, 1)
    >>> period_start(parse_target("每年3至11月", year=2022)), period_start(parse_target("2022年下半年"))
    (datetime.date(2022, 3, 1), datetime.date(2022, 7, 1))
    """
    if target.kind is not _K.DEADLINE or "period" not in target.flags or target.date is None:
        return None
    return _period_start(normalize_text(target.raw), target.date, _grammar())


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
