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
from ._binary import cause, file_bytes
from ._table import Cell, filings_from_rows

__all__ = ["read_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: str | os.PathLike[str], *, data: bytes | None = None) -> list[Filing]:
    """Every project of a Word document, in document order (``data``: its bytes, when already read).

    Raises ``CorruptFilingError`` for a damaged file or one that is not a Word document, ``FilingFormatError``
    for an old binary ``.doc`` saved under the new suffix.
    """
    where = os.fspath(path)
    content = file_bytes(where, data)
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError  # type: ignore[import-untyped]  # python-docx parses with lxml

    try:
        document = Document(io.BytesIO(content))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError, XMLSyntaxError) as err:
        raise CorruptFilingError(
            where, f"not a readable Word .docx document ({cause(err)})", hint="open it in Word and save it again"
        ) from None
    rows, tables = document_rows(document.element.body)
    if not rows:
        raise NoIndicatorTableError(where, "the document holds no text", hint="check that this is the filing")
    # rows are numbered through the document; positions name their table
    return filings_from_rows(rows, path=where, tables=tables)


def document_rows(body: Any) -> tuple[list[list[Cell]], dict[int, int]]:
    """The body as rows numbered through the document (a paragraph is a one-cell row), and each table row's table."""
    rows: list[list[Cell]] = []
    tables: dict[int, int] = {}
    number = 0
    table_number = 0
    for kind, element in _blocks(body):
        if kind == "p":
            text = paragraph_text(element)
            if text.strip():
                number += 1
                rows.append([Cell(text, number, 1)])
            continue
        table_number += 1
        for row_number, cells in table_rows(element, first_row=number + 1):
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


def table_rows(tbl: Any, *, first_row: int = 1) -> Iterator[tuple[int, list[Cell]]]:
    """The rows of one ``<w:tbl>`` with their numbers; merged cells filled from the cell where the merge starts."""
    from docx.table import Table

    table = Table(tbl, None)  # type: ignore[arg-type]  # no story part needed to read text
    origins: dict[Any, tuple[int, int]] = {}  # <w:tc> element → (row, column) where it was first seen
    texts: dict[Any, str] = {}
    for r, row in enumerate(table.rows, first_row):
        cells = []
        for c, cell in enumerate(row.cells, row.grid_cols_before + 1):
            tc = cell._tc
            if tc in origins:
                if texts[tc]:
                    cells.append(Cell(texts[tc], r, c, merged_from=origins[tc]))
                continue
            origins[tc] = (r, c)
            texts[tc] = cell_text(tc)
            if texts[tc]:
                cells.append(Cell(texts[tc], r, c))
        yield r, cells


def cell_text(tc: Any) -> str:
    """The text of a ``<w:tc>``: its paragraphs joined by line breaks (nested tables included)."""
    return "\n".join(paragraph_text(p) for p in tc.iter(f"{_W}p"))


_RUN_TEXT = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}


def paragraph_text(p: Any) -> str:
    """The visible text of a ``<w:p>``: runs anywhere inside it (insertions, content controls, hyperlinks).

    Deleted text (``<w:delText>``) and field codes (``<w:instrText>``) are not ``<w:t>`` and stay out.
    """
    parts = []
    for run in p.iter(f"{_W}r"):
        for element in run.iterchildren(*_RUN_TEXT):
            fixed = _RUN_TEXT[element.tag]
            parts.append(element.text or "" if fixed is None else fixed)
    return "".join(parts)
