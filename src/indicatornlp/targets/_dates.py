"""Dates, deadlines and periods: ``2022年11月30日前``, ``年底前``, ``2020年1月--2020年11月``, Excel serials.

>>> excel_serial_date(44561)
datetime.date(2021, 12, 31)
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from calendar import monthrange
from decimal import Decimal

from ..records import Comparator, Target, TargetKind
from ._grammar import _CN_MONTHS, _Grammar
from ._record import _target

__all__ = ["as_excel_date", "excel_serial_date"]

# Excel's day 0 (it counts 1900 as a leap year, so serials after February 1900 count from here)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 36526, 47483  # 2000-01-01 … 2029-12-31
_K = TargetKind
_CN_DIGITS = {**{ch: n for n, ch in enumerate("〇一二三四五六七八九")}, "零": 0, "○": 0}
_QUANTITY = re.compile(r"\d")  # a number in the words after a bare year: a quantity for that year


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
        time_word = not any(ch.isdigit() for ch in m["a"])  # 全年开展2次
        for_a_year = (
            b is None and a is not None and _bare_year(a) and _QUANTITY.search(tail) is not None
        )  # 2023年培训200人
        if (time_word or for_a_year) and not m["suffix"] and not m["lead"]:
            return None  # a time word opens a sentence that states something else: a quantity for that time
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


def _bare_year(m: re.Match[str]) -> bool:
    """A date piece that names a year and nothing else (2023年, 2023年度)."""
    return bool(m["y2"]) and not (m["m2"] or m["yp2"])


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
    return _digits(y) if y else None, number, _digits(day) if day else None, part


def _digits(text: str) -> int:
    """A year or a day in Arabic or Chinese digits: 2022, 二〇二二 → 2022; 31, 三十一 → 31."""
    if text[0].isdigit():
        return int(text)
    if "十" not in text:  # digit by digit: 二〇二二
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    tens, _, ones = text.partition("十")  # 十五  二十  三十一
    return 10 * (_CN_DIGITS[tens] if tens else 1) + (_CN_DIGITS[ones] if ones else 0)


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


def _period_start(s: str, end: datetime.date, g: _Grammar) -> datetime.date | None:
    """The first day of the period that ``s`` states and that ends on ``end`` (its year when the start has none).

    ``s`` is a value already read as a period: the first date found in it starts the period (a system token, a
    bracket or a trailing stop around it change nothing)."""
    m = g.deadline.search(s)
    if m is None:
        return None
    a = g.date_piece.fullmatch(m["a"])
    # a bare month before a range sign (3至11月) is no date piece
    bare: tuple[int | None, int | None, int | None, str | None] = (None, _CN_MONTHS.get(m["a"]), None, None)
    year, number, day, part = _piece(a) if a is not None else bare
    number = number or (int(m["a"]) if a is None else None)
    y = year or end.year
    try:
        if number is None:
            return datetime.date(y, 7, 1) if part == "下半年" else datetime.date(y, 1, 1)
        if part == "季度":
            return datetime.date(y, number - 2, 1)
        return datetime.date(y, number, day or {"中旬": 11, "下旬": 21}.get(part or "", 1))
    except ValueError:
        return None


def _excel_candidate(value: Decimal) -> datetime.date | None:
    if _SERIAL_MIN <= value <= _SERIAL_MAX:
        return excel_serial_date(int(value))
    return None


def excel_serial_date(serial: int) -> datetime.date:
    """The date of an Excel serial day number (1900 date system).

    >>> excel_serial_date(44561)
    datetime.date(2021, 12, 31)
    """
    return _EXCEL_EPOCH + datetime.timedelta(days=serial)


def as_excel_date(target: Target) -> Target:
    """A number flagged ``maybe_excel_serial`` read as the date it encodes; other targets unchanged.

    For a caller who knows that the value is a date (the indicator is named 完成时间, 到位时间 …).

    >>> from indicatornlp import parse_target
    >>> as_excel_date(parse_target("44561")).date
    datetime.date(2021, 12, 31)
    """
    if "maybe_excel_serial" not in target.flags or target.value is None:
        return target
    flags = (target.flags - {"maybe_excel_serial", "no_unit", "no_comparator"}) | {"excel_serial"}
    return dataclasses.replace(
        target, kind=TargetKind.DEADLINE, value=None, date=excel_serial_date(int(target.value)), flags=flags
    )
