"""Read Excel workbooks (.xlsx): every sheet, merged cells filled, numbers and dates as a person reads them.

The workbook is streamed (openpyxl ``read_only``), which does not expose merged cells; their ranges are read
from the sheet parts of the package itself, and every cell a merge covers gets the text of the merge's
top-left cell (with ``merged_from`` pointing at it).  A sheet may hold one project or several.

>>> cell_text(580000, "0.00")
'580000.00'
>>> cell_text(580000.0000001, "General")
'580000'
>>> cell_text(0.95, "0%")
'95%'
>>> import datetime
>>> cell_text(datetime.datetime(2023, 1, 1), "yyyy-mm-dd")
'2023-01-01'
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import os
import posixpath
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import IO, Any
from xml.etree import ElementTree

from ..errors import CorruptFilingError, NoIndicatorTableError
from ..records import Filing
from ._binary import Budget, Limits, cause, check_package, file_bytes, limits_in_force
from ._table import Cell, filings_from_rows

__all__ = ["cell_text", "read_xlsx"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

Merge = tuple[int, int, int, int]
"""(first row, first column, last row, last column), 1-based and inclusive."""


def read_xlsx(path: str | os.PathLike[str], *, data: bytes | None = None, limits: Limits | None = None) -> list[Filing]:
    """Every project of every sheet of a workbook, in sheet order (``data``: its bytes, when already read).

    Raises ``CorruptFilingError`` for a damaged or non-workbook file, ``FilingFormatError`` for an old binary
    ``.xls`` saved under the new suffix, ``LimitError`` for a workbook that inflates past ``limits`` (default:
    those in force): unpacked size and parts checked before openpyxl opens it, rows, cells (merged areas
    included) and characters counted while it is read.
    """
    where = os.fspath(path)
    limits = limits or limits_in_force()
    content = file_bytes(where, data, limits=limits)
    check_package(where, content, limits=limits, streamed=("xl/worksheets/",))  # sheets are streamed: counted below
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    budget = _Budgets(where, limits)
    try:
        parts = scan_sheets(io.BytesIO(content), budget=budget.cells)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        OSError,
        ElementTree.ParseError,
        TypeError,
        InvalidFileException,
    ) as err:
        raise CorruptFilingError(
            where, f"not a readable .xlsx workbook ({cause(err)})", hint="open it in Excel and save it again as .xlsx"
        ) from None
    filings: list[Filing] = []
    try:
        for sheet in workbook.worksheets:
            try:
                rows = list(sheet_rows(sheet, parts.get(sheet.title, SheetParts()), budget=budget))
            except (zipfile.BadZipFile, KeyError, ValueError, OSError, ElementTree.ParseError) as err:
                raise CorruptFilingError(
                    where, f"sheet {sheet.title!r} is damaged ({cause(err)})", hint="open it in Excel and save it again"
                ) from None
            if rows:
                try:
                    filings.extend(filings_from_rows(rows, path=where, sheet=sheet.title))
                except NoIndicatorTableError:
                    continue  # a cover or notes sheet: fine while another sheet holds a table
    finally:
        workbook.close()
    if not filings:
        raise NoIndicatorTableError(
            where,
            f"no indicator table on any of its {len(workbook.worksheets)} sheet(s)",
            hint="check that this is a 绩效目标表 or 自评表",
        )
    return filings


class _Budgets:
    """The counters of one workbook: cells (merged fills and the empty cells openpyxl pads) and text."""

    def __init__(self, where: str, limits: Limits) -> None:
        self.where, self.limits = where, limits
        self.cells = limits.budget(where, "cells", "cells (merged areas and empty cells included)")
        self.text = limits.budget(where, "text_chars", "characters of text")


def sheet_rows(sheet: Any, parts: SheetParts, *, budget: _Budgets | None = None) -> Iterator[list[Cell]]:
    """The rows of a (read-only) worksheet as ``Cell`` lists; merged areas filled from their top-left cell.

    Rows keep their 1-based sheet row number; empty rows are skipped, empty cells left out.  ``budget`` counts
    rows, cells and characters against the limits (a merge over a whole sheet is 17 billion cells).
    """
    budget = budget or _Budgets("", limits_in_force())
    rows_seen = budget.limits.budget(budget.where, "rows", "rows in a sheet")  # Excel's own maximum is per sheet
    sheet.reset_dimensions()  # a writer's <dimension> may be wrong: read every row there is
    formulas = parts.formulas
    starting: dict[int, list[Merge]] = {}
    for merge in parts.merges:
        starting.setdefault(merge[0], []).append(merge)
    active: list[Merge] = []
    origin_text: dict[tuple[int, int], str] = {}
    for r, row in enumerate(sheet.iter_rows(min_row=1, min_col=1), 1):
        rows_seen.add()
        budget.cells.add(len(row))
        active = [m for m in active if m[2] >= r] + starting.pop(r, [])
        texts: dict[int, str] = {}
        for c, cell in enumerate(row, 1):
            value = cell.value
            if value is not None:
                texts[c] = cell_text(value, getattr(cell, "number_format", "General"))
                budget.text.add(len(texts[c]))
            elif formulas and (r, c) in formulas:
                texts[c] = formulas[(r, c)]
        cells: dict[int, Cell] = {c: Cell(text, r, c) for c, text in texts.items() if text}
        for r0, c0, _, c1 in active:
            if r0 == r:
                origin_text[(r0, c0)] = texts.get(c0, "")
            text = origin_text.get((r0, c0), "")
            if text:
                budget.cells.add(c1 - c0 + 1)
                budget.text.add(len(text) * (c1 - c0 + 1))
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0) and text:
                    cells[c] = Cell(text, r, c, merged_from=(r0, c0))
        if cells:
            yield [cells[c] for c in sorted(cells)]


def cell_text(value: Any, number_format: str | None = "General") -> str:
    """A cell's value as a person reads it on screen: numbers by their format, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return _number_text(value, number_format or "General")
    return str(value)


# the first section of a number format, without its quoted literals, escapes and [colour]/[condition] tags
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|\[[^\[\]]*\]|_.|\*.')


def _number_text(value: float | int | Decimal, number_format: str) -> str:
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:  # inf, nan
        return str(value)
    if not number.is_finite():
        return str(value)
    section = _FORMAT_NOISE.sub("", number_format.split(";")[0])
    percent = "%" in section
    if percent:
        number *= 100
    match = re.search(r"[0#?]\.([0#?]+)", section)
    if match and "E" not in section.upper():
        text = f"{number:.{len(match.group(1))}f}"
    elif re.search(r"(?<![A-Za-z])0(?![.\d])", section) and "E" not in section.upper():
        text = f"{number:.0f}"
    else:
        text = _general(number)
    return text + "%" if percent else text


def _general(number: Decimal) -> str:
    """Excel's General format: at most 11 significant digits (never rounding whole digits), no exponent."""
    places = max(0, 11 - (number.adjusted() + 1))
    rounded = round(number, places)
    text = format(rounded.normalize(), "f") if rounded else "0"
    return text


@dataclasses.dataclass
class SheetParts:
    """What read-only mode does not give: a sheet's merged ranges and its formulas that have no cached value."""

    merges: list[Merge] = dataclasses.field(default_factory=list)
    formulas: dict[tuple[int, int], str] = dataclasses.field(default_factory=dict)
    """(row, column) → ``"=" + formula`` for a formula cell saved without its value (never opened in Excel)."""


def scan_sheets(path: str | IO[bytes], *, budget: Budget | None = None) -> dict[str, SheetParts]:
    """The merged ranges and uncached formulas of every sheet, by sheet name, read from the package itself.

    A program that writes "=3 次" into a cell makes it a formula with no value; a person who typed it meant the
    text, and the text is what is kept (``data_only`` reading alone would lose the cell).  Every cell element
    and merged range counts against ``budget`` (the cells limit) as the sheet streams by, before openpyxl reads
    it: a sheet of millions of cells is refused before any of them is held.
    """
    from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

    budget = budget or limits_in_force().budget("", "cells", "cells")
    result: dict[str, SheetParts] = {}
    with zipfile.ZipFile(path) as package:
        for name, part in _sheet_parts(package).items():
            found = result[name] = SheetParts()
            with package.open(part) as stream:
                for _, element in ElementTree.iterparse(stream):
                    tag = element.tag
                    if tag == f"{_MAIN}c":
                        budget.add()
                        formula = element.find(f"{_MAIN}f")
                        value = element.find(f"{_MAIN}v")
                        if formula is not None and formula.text and (value is None or not value.text):
                            found.formulas[coordinate_to_tuple(element.get("r", ""))] = "=" + formula.text
                        element.clear()
                    elif tag == f"{_MAIN}row":
                        element.clear()
                    elif tag == f"{_MAIN}mergeCell":
                        budget.add()
                        min_col, min_row, max_col, max_row = range_boundaries(element.get("ref", ""))
                        found.merges.append((min_row, min_col, max_row, max_col))
    return result


def _sheet_parts(package: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the package part holding it (``xl/worksheets/sheet1.xml``)."""
    root = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in root.iter(f"{_PKG_REL}Relationship")}
    workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
    parts = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        if not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        if part in package.NameToInfo:  # chart sheets and dialog sheets have no cells
            parts[sheet.get("name", "")] = part
    return parts
