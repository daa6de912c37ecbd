"""Read tables written as text: tab-separated or pipe (Markdown) rows, and HTML ``<table>`` with merged cells.

Tab and pipe lines become rows of cells (their line number kept); other non-empty lines become one-cell rows,
so that titles and year lines between tables are read with them.  In HTML, ``rowspan``/``colspan`` cells are
laid out on the grid they cover (the covered positions get the text with ``merged_from`` set), ``<br>`` and
paragraph ends become line breaks, and text outside tables becomes one-cell rows.  Inline tags inside a cell
(``<p>``, ``<h2>``) are dropped.

>>> rows = text_rows("项目名称\\t党建工作\\n\\t产出指标\\t数量指标\\t安全性检查\\t=1 次")
>>> [[c.text for c in row] for row in rows]
[['项目名称', '党建工作'], ['', '产出指标', '数量指标', '安全性检查', '=1 次']]
"""

from __future__ import annotations

import html
import os
import re
from html.parser import HTMLParser

from ..records import Filing
from ._binary import Limits, limits_in_force
from ._table import Cell, filings_from_rows

__all__ = ["html_rows", "read_html", "read_markdown", "text_rows"]

_TAG = re.compile(r"<[^<>]*>")  # a "<" with no ">" before the next "<" is text: one scan each
_BREAK = re.compile(r"<\s*(?:br\s*/?|/p|/div|/h\d|/li)\s*>", re.IGNORECASE)
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _strip_tags(text: str) -> str:
    if "<" in text:
        text = _TAG.sub("", _BREAK.sub("\n", text))
    return html.unescape(text) if "&" in text else text


def text_rows(text: str) -> list[list[Cell]]:
    """The lines of a text as rows: cells split on tabs (or on pipes when a line has no tab)."""
    rows: list[list[Cell]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or _SEPARATOR.match(line):
            continue
        if "\t" in line:
            parts = line.split("\t")
        elif "|" in line:
            body = line.strip()
            body = body[1:] if body.startswith("|") else body
            body = body[:-1] if body.endswith("|") else body
            parts = body.split("|")
        else:
            parts = [line]
        rows.append([Cell(_strip_tags(p).strip(), number, col, line=number) for col, p in enumerate(parts, 1)])
    return rows


def read_markdown(path: str | os.PathLike[str], text: str) -> list[Filing]:
    """Every project of a Markdown or tab-separated text (already read as ``text``)."""
    return filings_from_rows(text_rows(text), path=os.fspath(path))


def read_html(path: str | os.PathLike[str], text: str, *, limits: Limits | None = None) -> list[Filing]:
    """Every project of an HTML page (already read as ``text``): its tables, with merged cells laid out.

    A page without a ``<table>`` (a table flattened into paragraphs) is read as text by ``readers.text``.
    ``limits`` (default: those in force, ``readers.Limits``) bounds the cells and rows laid out.
    """
    rows, tables = html_rows(text, where=os.fspath(path), limits=limits)
    if not tables:
        from .text import read_text

        return read_text(path, "\n".join(cell.text for row in rows for cell in row))
    return filings_from_rows(rows, path=os.fspath(path), tables=tables)


def html_rows(text: str, *, where: str = "", limits: Limits | None = None) -> tuple[list[list[Cell]], dict[int, int]]:
    """The rows of an HTML page, numbered through the page, and the table number of each table row.

    Raises ``LimitError`` naming ``where`` when the page lays out more cells than ``limits.cells`` (a
    ``<td rowspan=1000 colspan=1000>`` is a million cells) or more rows than ``limits.rows``.
    """
    parser = _TableParser(where, limits or limits_in_force())
    parser.feed(text)
    parser.close()
    return parser.rows, parser.table_of_row


class _TableParser(HTMLParser):
    """Collect table rows (with rowspan/colspan laid out) and the text between tables."""

    def __init__(self, where: str, limits: Limits) -> None:
        super().__init__(convert_charrefs=True)
        self.cells = limits.budget(where, "cells", "cells (rowspan and colspan included)")
        self.row_budget = limits.budget(where, "rows", "rows")
        self.rows: list[list[Cell]] = []
        self.table_of_row: dict[int, int] = {}
        self.tables = 0
        self.depth = 0  # nesting of <table>: inner tables are read as text of their cell
        self.spans: dict[int, tuple[int, str, tuple[int, int]]] = {}  # column → (rows left, text, origin)
        self.row: dict[int, Cell] | None = None
        self.cell: list[str] | None = None
        self.cell_attrs: tuple[int, int] = (1, 1)
        self.cell_line = 0
        self.col = 0
        self.outside: list[str] = []
        self.outside_text = False  # whether ``outside`` holds more than white space (kept, not recomputed)
        self.outside_line = 1
        self.skip = 0  # inside <script>/<style>

    def _number(self) -> int:
        return len(self.rows) + 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "table":
            if self.depth == 0:
                self._flush_outside()
                self.tables += 1
                self.spans = {}
            self.depth += 1
        elif self.depth == 1 and tag == "tr":
            self._end_row()
            self.row, self.col = {}, 0
        elif self.depth == 1 and tag in ("td", "th"):
            if self.row is None:
                self.row, self.col = {}, 0
            self._end_cell()
            a = dict(attrs)
            self.cell_attrs = (_span(a.get("rowspan")), _span(a.get("colspan")))
            self.cell, self.cell_line = [], self.getpos()[0]
        elif tag in ("br", "p", "div", "li") or re.fullmatch(r"h\d", tag):
            self._text("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag == "table" and self.depth:
            if self.depth == 1:
                self._end_row()
            self.depth -= 1
        elif self.depth == 1 and tag in ("td", "th"):
            self._end_cell()
        elif self.depth == 1 and tag == "tr":
            self._end_row()
        elif tag in ("p", "div", "li") or re.fullmatch(r"h\d", tag):
            self._text("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self._text(data)

    def _text(self, data: str) -> None:
        if self.depth and self.cell is not None:
            self.cell.append(data)
        elif not self.depth:
            if not self.outside_text:
                self.outside_line = self.getpos()[0]
                self.outside_text = bool(data.strip())
            self.outside.append(data)

    def _flush_outside(self) -> None:
        text, self.outside, self.outside_text = "".join(self.outside), [], False
        line = self.outside_line
        for piece in text.split("\n"):
            piece = re.sub(r"[ \t\r\f\v\u00a0]+", " ", piece).strip()
            if piece:
                n = self._number()
                self.cells.add()
                self.row_budget.add()
                self.rows.append([Cell(piece, n, 1, line=line)])

    def _next_free(self) -> int:
        self.col += 1
        while self.col in self.spans:
            self._place_span(self.col)
            self.col += 1
        return self.col

    def _place_span(self, col: int) -> None:
        left, text, origin = self.spans[col]
        assert self.row is not None
        self.cells.add()
        self.row[col] = Cell(text, self._number(), col, line=self.cell_line or None, merged_from=origin)
        if left <= 1:
            del self.spans[col]
        else:
            self.spans[col] = (left - 1, text, origin)

    def _end_cell(self) -> None:
        if self.cell is None or self.row is None:
            return
        text = re.sub(r"[ \t\r\f\v\u00a0]+", " ", "".join(self.cell))
        text = "\n".join(part.strip() for part in text.split("\n")).strip()
        self.cell = None
        rowspan, colspan = self.cell_attrs
        col = self._next_free()
        self.cells.add(colspan)
        number = self._number()
        origin = (number, col)
        self.row[col] = Cell(text, number, col, line=self.cell_line)
        for extra in range(1, colspan):
            self.row[col + extra] = Cell(text, number, col + extra, line=self.cell_line, merged_from=origin)
        if rowspan > 1:
            for c in range(col, col + colspan):
                self.spans[c] = (rowspan - 1, text, origin)
        self.col = col + colspan - 1

    def _end_row(self) -> None:
        self._end_cell()
        if self.row is None:
            return
        for col in sorted(c for c in self.spans if c > self.col):
            self._place_span(col)
        row, self.row = self.row, None
        if row:
            self.row_budget.add()
            number = self._number()
            self.rows.append([row[c] for c in sorted(row)])
            self.table_of_row[number] = self.tables

    def close(self) -> None:
        super().close()
        self._end_row()
        self._flush_outside()


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1
