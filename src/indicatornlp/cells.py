"""Cells for spreadsheets, one home for every table the library writes (``tag``, ``score``, ``read --csv`` …).

**Cells are data, never formulas.**  CSV is written for spreadsheets: a text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return (and is not a number) gets a leading apostrophe, OWASP's rule against
formula injection, so that Excel or LibreOffice shows it as text and runs nothing; ``raw=True`` (the commands'
``--raw``) writes the text as it is.  A cell that starts with an apostrophe gets one more, so that ``restore`` is
exact.  In a workbook (``sheets.py``) a value keeps its type: text as text (also ``=3 次``), numbers as number
cells, dates as date cells (``Layout`` says which column is which).  Control characters other than tab and line
breaks cannot be stored in a workbook: they are stripped from the cells of every CSV and XLSX table, and counted.

>>> neutralize("=3 次"), neutralize("-5"), neutralize("-"), neutralize("群众满意度")
("'=3 次", '-5', "'-", '群众满意度')
>>> restore(neutralize("=HYPERLINK(\\"http://x\\")")) == '=HYPERLINK("http://x")'
True
>>> csv_cells(["=3 次", None, ["A110", "A111"], True], raw=False)
(["'=3 次", '', 'A110;A111', 'true'], 0)
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import printable

__all__ = [
    "Layout",
    "cell_text",
    "csv_cells",
    "display_width",
    "joined",
    "neutralize",
    "restore",
    "sheet_value",
    "strip_controls",
    "typed",
]

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # what a workbook cannot hold (tab, LF, CR can)


def neutralize(text: str) -> str:
    """A CSV cell that a spreadsheet shows as text: OWASP's leading apostrophe before ``= + - @``, tab or CR.

    A number (``-5``, ``+3.2``) is left alone; so is any other text.  An apostrophe already leading gets one
    more, so that ``restore`` gives back exactly what was written.
    """
    if (text.startswith(_TRIGGERS) and not _is_number(text)) or text.startswith("'"):
        return "'" + text
    return text


def restore(text: str) -> str:
    """The text ``neutralize`` was given."""
    return text[1:] if text.startswith("'") else text


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def strip_controls(text: str) -> tuple[str, int]:
    """``text`` without the control characters a workbook cannot store, and how many there were.

    >>> strip_controls("群众\\x01满意度\\x1b")
    ('群众满意度', 2)
    """
    if not _CONTROLS.search(text):
        return text, 0
    cleaned = _CONTROLS.sub("", text)
    return cleaned, len(text) - len(cleaned)


def joined(value: Any) -> Any:
    """A JSON value as one cell: a list joined with ``;``, anything else kept."""
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return value


def cell_text(value: Any) -> str:
    """A JSON value as CSV text: ``None`` empty, booleans ``true``/``false``, lists joined with ``;``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(joined(value))


def sheet_value(value: Any) -> tuple[Any, int]:
    """A JSON value as a workbook cell's value, and the control characters stripped from it.

    Lists are joined with ``;``; text is made printable and stripped; empty text is ``None`` (an empty cell reads
    back as ``None``: a resumed row is written the same way).

    >>> sheet_value(["A110", "A111"]), sheet_value("群众\x01满意度"), sheet_value("")
    (('A110;A111', 0), ('群众满意度', 1), (None, 0))
    """
    value = joined(value)
    if not isinstance(value, str):
        return value, 0
    text, removed = strip_controls(printable(value))
    return (text or None), removed


def csv_cells(values: Iterable[Any], *, raw: bool) -> tuple[list[str], int]:
    """One CSV row for a spreadsheet, and the control characters stripped from it.

    Text is made printable (bytes of a file name that is not UTF-8 escaped), stripped of control characters and,
    unless ``raw``, neutralized.
    """
    cells, stripped = [], 0
    for value in values:
        text, removed = strip_controls(printable(cell_text(value)))
        stripped += removed
        cells.append(text if raw else neutralize(text))
    return cells, stripped


@dataclasses.dataclass(frozen=True, slots=True)
class Layout:
    """How a workbook stores the columns of a table that are not text.

    >>> layout = Layout(numbers=frozenset({"value"}), dates={"date": "yyyy-mm-dd"})
    >>> typed(layout, "value", "95"), typed(layout, "date", "2023-11-30"), typed(layout, "name", "=3 次")
    (95, datetime.date(2023, 11, 30), '=3 次')
    """

    numbers: frozenset[str] = frozenset()
    """Columns of numbers (exact decimals as text are written as number cells when a float keeps them)."""
    booleans: frozenset[str] = frozenset()
    """Columns of true/false."""
    dates: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Columns of dates or times, with their number format (``yyyy-mm-dd``, ``yyyy-mm-dd hh:mm:ss``)."""
    formats: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Number formats of number columns (``0.00``, ``#,##0``)."""
    severity: str | None = None
    """The column whose cells are coloured by severity (``error``/``错误`` …), if any."""

    def number_format(self, column: str) -> str | None:
        return self.dates.get(column) or self.formats.get(column)


def typed(layout: Layout, column: str, value: Any) -> Any:
    """``value`` as the workbook stores ``column``: a number, a date, a boolean, or the value as it is."""
    if column in layout.numbers:
        return _number(value)
    if column in layout.dates:
        return _date(layout.dates[column], value)
    if column in layout.booleans and isinstance(value, str):
        return {"true": True, "false": False}.get(value.lower(), value)
    return value


def _number(value: Any) -> Any:
    """A number as a workbook number (int or float), or its text when a float would change it."""
    if isinstance(value, bool) or value is None or isinstance(value, int | float):
        return value
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    if not number.is_finite():
        return str(value)
    if number == number.to_integral_value() and abs(number) < 10**15:
        return int(number)
    as_float = float(number)
    return as_float if Decimal(repr(as_float)) == number else str(value)  # 16+ digits stay exact, as text


def _date(number_format: str, value: Any) -> Any:
    if not isinstance(value, str) or not value:
        return value
    try:
        if "h" not in number_format:
            return datetime.date.fromisoformat(value)
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    # a workbook has no time zones: the UTC time, as the CSV twin of the table states it
    return moment.astimezone(datetime.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def display_width(value: Any) -> int:
    """Columns the longest line of ``value`` takes (Chinese characters count double), up to 80 characters.

    >>> display_width("群众满意度"), display_width("row")
    (10, 3)
    """
    text = value if isinstance(value, str) else str(value)
    line = max(text.split("\n"), key=len) if "\n" in text else text
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line[:80])
