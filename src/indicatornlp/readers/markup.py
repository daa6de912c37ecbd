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

from ..errors import NoIndicatorTableError
from ..records import Filing
from ._binary import Limits, limits_in_force
from ._forms import join_broken
from ._table import Cell, filings_from_rows

__all__ = ["html_rows", "pipe_rows", "read_html", "read_markdown", "text_rows"]

_TAG = re.compile(r"<[^<>]*>")  # a "<" with no ">" before the next "<" is text: one scan each
_BREAK = re.compile(r"<\s*(?:br\s*/?|/p|/div|/h\d|/li)\s*>", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[。；;：:！!？?]$")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _strip_tags(text: str) -> str:
    if "<" in text:
        text = _TAG.sub("", _BREAK.sub("\n", text))
    return html.unescape(text) if "&" in text else text


def text_rows(text: str) -> list[list[Cell]]:
    """The lines of a text as rows: cells split on tabs, else on pipes (``pipe_rows``).

    >>> [[c.text for c in row] for row in text_rows("a\\tb\\nc")]
    [['a', 'b'], ['c']]
    """
    if "\t" not in text and "|" in text:
        return pipe_rows(text)
    rows: list[list[Cell]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or _SEPARATOR.match(line):
            continue
        parts = line.split("\t") if "\t" in line else _pipe_cells(line) if "|" in line else [line]
        rows.append([Cell(_strip_tags(p).strip(), number, col, line=number) for col, p in enumerate(parts, 1)])
    return rows


def _pipe_cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") else body
    return body.split("|")


def pipe_rows(text: str) -> list[list[Cell]]:
    """The rows of a text whose cells end in pipes, as web pages are flattened to text.

    Two layouts come out of the flattening.  In the first, a line holds a row (``a | b | c | ||||``, padded with
    pipes to the width of the table); a cell whose text has a line break continues on the next line, so lines are
    joined while the row has fewer pipes than the table's usual width.  In the second, each cell stands on its
    own line (``a |``, or the pipe on the line after the text); a lone ``|`` is an empty cell, and a row ends at
    an empty cell that ends its line or a run of empty cells (``||||``).  Rows found this way may hold more than
    one indicator row, or part of one: the table logic reads on from where a row ends.

    >>> page = "项目名称 |\\n党建 | ||\\n产出指标 |\\n数量指标 |\\n宣讲 |\\n≥2次 |"
    >>> [[c.text for c in row] for row in pipe_rows(page)]
    [['项目名称', '党建'], ['产出指标', '数量指标', '宣讲', '≥2次']]
    """
    lines = text.splitlines()
    counts = [line.count("|") for line in lines]
    wide = [n for n, line in zip(counts, lines, strict=True) if n >= 2 and len(_pipe_cells(line)) >= 2]
    if len(wide) * 2 >= sum(1 for n in counts if n):
        return _pipe_line_rows(lines, counts, max(set(wide), key=wide.count))
    return _pipe_stream_rows(text)


def _pipe_line_rows(lines: list[str], counts: list[int], width: int) -> list[list[Cell]]:
    """Rows of pipe lines, a line joined to the row above while that row has fewer pipes than ``width``."""
    rows: list[list[Cell]] = []
    open_pipes = 0  # pipes of the row being built; 0 when it is complete
    cell_open = False  # the row's last line did not end with a pipe: its last cell goes on
    for number, (line, n) in enumerate(zip(lines, counts, strict=True), 1):
        if not line.strip() or _SEPARATOR.match(line):
            continue
        cells = [_strip_tags(p).strip() for p in _pipe_cells(line)] if n else [line.strip()]
        if n and 0 < open_pipes < width and open_pipes + n <= width and rows:
            row = rows[-1]
            if cell_open and not line.lstrip().startswith("|"):
                last = row[-1]
                row[-1] = Cell(join_broken([last.text, cells[0]]), last.row, last.col, line=last.line)
                cells = cells[1:]
            row += [Cell(text, row[0].row, len(row) + i, line=number) for i, text in enumerate(cells, 1)]
            open_pipes += n
        else:
            rows.append([Cell(text, number, col, line=number) for col, text in enumerate(cells, 1)])
            open_pipes = n
        cell_open = not line.rstrip().endswith("|")
        if open_pipes >= width or not n:
            open_pipes = 0
    return rows


def _pipe_stream_rows(text: str) -> list[list[Cell]]:
    """Rows of a text with one cell per line, ended by empty cells."""
    rows: list[list[Cell]] = []
    row: list[Cell] = []
    empties = 0
    line = 1

    def end() -> None:
        nonlocal row
        while row and not row[-1].text:
            row.pop()
        if row:
            rows.append(row)
        row = []

    for piece in text.split("|"):
        number, line = line, line + piece.count("\n")
        if not piece.strip():
            empties += 1
            if "\n" in piece or empties >= 2:
                end()
            elif row:
                row.append(Cell("", len(rows) + 1, len(row) + 1, line=number))
            continue
        empties = 0
        parts = [(number + i, part.strip()) for i, part in enumerate(piece.split("\n")) if part.strip()]
        longest = max(len(part) for _, part in parts)
        ends = any(_SENTENCE_END.search(part) for _, part in parts[:-1])
        if longest > 40 or ends or (len(parts) > 2 and longest > 6):  # not one cell over lines ("产\n出\n指\n标")
            for at, part in parts[:-1]:  # lines of prose between the cells: rows of their own
                end()
                row = [Cell(_strip_tags(part), len(rows) + 1, 1, line=at)]
                end()
            parts = parts[-1:]
        text_ = _strip_tags(join_broken([part for _, part in parts]))
        if _SEPARATOR.match(text_):
            continue
        row.append(Cell(text_, len(rows) + 1, len(row) + 1, line=parts[0][0]))
    end()
    return rows


def read_markdown(path: str | os.PathLike[str], text: str) -> list[Filing]:
    """Every project of a Markdown or tab-separated text (already read as ``text``).

    A page whose pipes frame only its heading (the 索引号 box of a government site) while its indicators are
    prose or lines of text is read as text when its rows hold no indicator table.
    """
    try:
        return filings_from_rows(text_rows(text), path=os.fspath(path), flattened="\t" not in text)
    except NoIndicatorTableError:
        from .text import read_text

        return read_text(path, text)


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
