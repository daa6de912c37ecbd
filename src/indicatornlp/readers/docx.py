"""Read Word documents (.docx): paragraphs and tables in document order, merged cells filled.

python-docx gives a merged cell once per grid position it covers (the same ``<w:tc>`` element again for a
horizontal span, the top one for a vertical span): the first position keeps the cell, the others get its text
with ``merged_from`` pointing at it.  Text is taken from every run of a paragraph, including tracked insertions,
content controls and hyperlinks (python-docx's ``.text`` skips the first two), never from deleted text.
Paragraphs outside tables become one-cell rows, so that the title and year lines above a table
("（2023 年度）") are read with it, and a form split into a metadata table and an indicator table reads as one.
Rows are numbered through the document (as the HTML reader numbers them); a position names the table and the row.

>>> filings = read_docx("data/filings/songjiang-zuzhibu-2022.docx")
>>> [len(f.indicators) for f in filings]
[12, 31, 7, 12, 12, 6]
>>> filings[5].funds.carryover, str(filings[5].source)
(Decimal('90000'), 'data/filings/songjiang-zuzhibu-2022.docx, row 135')
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from typing import Any

from ..errors import CorruptFilingError, NoIndicatorTableError
from ..records import Filing
from ._binary import Limits, cause, check_package, file_bytes, limits_in_force
from ._table import Cell, filings_from_rows

__all__ = ["read_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: str | os.PathLike[str], *, data: bytes | None = None, limits: Limits | None = None) -> list[Filing]:
    """Every project of a Word document, in document order (``data``: its bytes, when already read).

    Raises ``CorruptFilingError`` for a damaged file or one that is not a Word document, ``FilingFormatError``
    for an old binary ``.doc`` saved under the new suffix, ``LimitError`` for a document that inflates past
    ``limits`` (default: those in force): unpacked size and parts checked before python-docx opens it;
    paragraphs, rows, cells (spans included) and characters counted while it is read.
    """
    where = os.fspath(path)
    limits = limits or limits_in_force()
    content = file_bytes(where, data, limits=limits)
    check_package(where, content, limits=limits)
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError  # type: ignore[import-untyped]  # python-docx parses with lxml

    try:
        document = Document(io.BytesIO(content))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError, XMLSyntaxError) as err:
        raise CorruptFilingError(
            where, f"not a readable Word .docx document ({cause(err)})", hint="open it in Word and save it again"
        ) from None
    rows, tables = document_rows(document.element.body, budget=_Budgets(where, limits))
    if not rows:
        raise NoIndicatorTableError(where, "the document holds no text", hint="check that this is the filing")
    # rows are numbered through the document; positions name their table
    return filings_from_rows(rows, path=where, tables=tables)


class _Budgets:
    """The counters of one document: paragraphs, table rows, cells (spans included) and characters."""

    def __init__(self, where: str, limits: Limits) -> None:
        self.paragraphs = limits.budget(where, "paragraphs", "paragraphs")
        self.rows = limits.budget(where, "rows", "table rows")
        self.cells = limits.budget(where, "cells", "cells (merged and spanned cells included)")
        self.text = limits.budget(where, "text_chars", "characters of text")


def document_rows(body: Any, *, budget: _Budgets | None = None) -> tuple[list[list[Cell]], dict[int, int]]:
    """The body as rows numbered through the document (a paragraph is a one-cell row), and each table row's table."""
    budget = budget or _Budgets("", limits_in_force())
    rows: list[list[Cell]] = []
    tables: dict[int, int] = {}
    number = 0
    table_number = 0
    for kind, element in _blocks(body):
        if kind == "p":
            text = paragraph_text(element, budget=budget)
            if text.strip():
                number += 1
                rows.append([Cell(text, number, 1)])
            continue
        table_number += 1
        for row_number, cells in table_rows(element, first_row=number + 1, budget=budget):
            tables[row_number] = table_number
            number = row_number
            if cells:
                rows.append(cells)
    return rows, tables


def _blocks(container: Any) -> Iterator[tuple[str, Any]]:
    """Paragraphs and tables in order, looking inside block-level content controls (``<w:sdt>``)."""
    for child in container.iterchildren():
        if child.tag == f"{_W}p":
            yield "p", child
        elif child.tag == f"{_W}tbl":
            yield "tbl", child
        elif child.tag == f"{_W}sdt":
            for content in child.iterchildren(f"{_W}sdtContent"):
                yield from _blocks(content)


def _number(element: Any, path: str, default: int) -> int:
    """The ``w:val`` of ``path`` under ``element`` as a number (``gridSpan``, ``gridBefore``), else ``default``."""
    found = element.find(path)
    if found is None:
        return default
    try:
        return max(0, int(found.get(f"{_W}val", default)))
    except ValueError:
        return default


def table_rows(tbl: Any, *, first_row: int = 1, budget: _Budgets | None = None) -> Iterator[tuple[int, list[Cell]]]:
    """The rows of one ``<w:tbl>`` with their numbers; merged cells filled from the cell where the merge starts.

    The grid is laid out from the XML in one pass: a cell spans ``gridSpan`` columns; a ``vMerge`` that goes on
    takes the cell above at its column (python-docx looked each one up through every row above: slow, and deep
    recursion on a tall merge).  Every grid position counts against the cells limit.
    """
    budget = budget or _Budgets("", limits_in_force())
    origins: dict[Any, tuple[int, int]] = {}  # <w:tc> element → (row, column) where it was first seen
    texts: dict[Any, str] = {}
    above: dict[int, Any] = {}  # grid column → the <w:tc> covering it in the row above
    for r, tr in enumerate(tbl.iterchildren(f"{_W}tr"), first_row):
        budget.rows.add()
        col = 1 + _number(tr, f"{_W}trPr/{_W}gridBefore", 0)
        cells: list[Cell] = []
        current: dict[int, Any] = {}
        for tc in tr.iterchildren(f"{_W}tc"):
            span = max(1, _number(tc, f"{_W}tcPr/{_W}gridSpan", 1))
            budget.cells.add(span)
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            origin = tc
            if merge is not None and merge.get(f"{_W}val", "continue") == "continue" and col in above:
                origin = above[col]
            for c in range(col, col + span):
                current[c] = origin
                if origin in origins:
                    if texts[origin]:
                        cells.append(Cell(texts[origin], r, c, merged_from=origins[origin]))
                    continue
                origins[origin] = (r, c)
                texts[origin] = cell_text(origin, budget=budget)
                if texts[origin]:
                    cells.append(Cell(texts[origin], r, c))
            col += span
        above = current
        yield r, cells


def cell_text(tc: Any, *, budget: _Budgets | None = None) -> str:
    """The text of a ``<w:tc>``: its paragraphs joined by line breaks (nested tables included)."""
    return "\n".join(paragraph_text(p, budget=budget) for p in tc.iter(f"{_W}p"))


_RUN_TEXT = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}


def paragraph_text(p: Any, *, budget: _Budgets | None = None) -> str:
    """The visible text of a ``<w:p>``: runs anywhere inside it (insertions, content controls, hyperlinks).

    Deleted text (``<w:delText>``) and field codes (``<w:instrText>``) are not ``<w:t>`` and stay out.
    """
    parts = []
    for run in p.iter(f"{_W}r"):
        for element in run.iterchildren(*_RUN_TEXT):
            fixed = _RUN_TEXT[element.tag]
            parts.append(element.text or "" if fixed is None else fixed)
    text = "".join(parts)
    if budget is not None:
        budget.paragraphs.add()
        budget.text.add(len(text))
    return text
