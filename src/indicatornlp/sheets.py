"""The one workbook writer: styled sheets streamed to disk, for every XLSX the library writes (``tag``, ``score``).

Every sheet has an auto-filter over its columns, a frozen bold header on grey, columns as wide as their text
(Chinese counts double; fitted from the header and the first 500 rows), cells of their type (``cells.typed``:
text never becomes a formula, numbers are number cells, dates date cells) and severities coloured.  Rows stream
through openpyxl's write-only mode into scratch files beside the output (``atomic.AtomicFiles.scratch``), so a
killed run leaves nothing in the system's temporary folder.

>>> import tempfile, pathlib
>>> from indicatornlp.atomic import AtomicFiles
>>> from openpyxl import load_workbook
>>> out = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"
>>> with AtomicFiles() as files:
...     book = Book(files, out)
...     sheet = book.sheet("指标", ["name", "value"], ["三级指标", "数值"], Layout(numbers=frozenset({"value"})))
...     sheet.append(["=3 次", "3"])
...     book.save(files.temp(out))
>>> ws = load_workbook(out)["指标"]
>>> [(c.value, c.data_type) for c in ws[2]], ws.auto_filter.ref, ws.freeze_panes, ws["A1"].font.b
([('=3 次', 's'), (3, 'n')], 'A1:B2', 'A2', True)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .atomic import AtomicFiles
from .cells import Layout, display_width, typed
from .messages import LANGS, Lang, headers, severity_name, text

__all__ = ["LEGEND_COLUMNS", "Book", "Layout", "Sheet"]

LEGEND_COLUMNS = ("code", "severity", "title", "doc")
"""The columns of a legend sheet: each code a workbook's findings use (``rules.legend`` gives the rows)."""

_SEVERITY_FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
_LEGEND_LAYOUT = Layout(severity="severity")
_BUFFERED = 500  # rows of a sheet read before its column widths are fixed


class Book:
    """One workbook (openpyxl's write-only mode) whose sheets stream through scratch files beside ``final``."""

    def __init__(self, files: AtomicFiles, final: str | os.PathLike[str]) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Font, PatternFill

        self.files = files
        self.final = final
        self.book: Any = Workbook(write_only=True)
        self.sheets: list[Sheet] = []
        fills = {}
        for severity, colour in _SEVERITY_FILLS.items():
            for name in {severity, *(severity_name(severity, lang) for lang in LANGS)}:
                fills[name] = PatternFill("solid", fgColor=colour)
        self.styles: dict[str, Any] = {
            "header": Font(bold=True),
            "header_fill": PatternFill("solid", fgColor="D9D9D9"),
            "severity": fills,
        }

    def sheet(self, title: str, columns: Sequence[str], headers: Sequence[str], layout: Layout) -> Sheet:
        """A new sheet named ``title``: ``columns`` are the keys the layout names, ``headers`` what row 1 shows."""
        sheet = Sheet(self, self.book.create_sheet(title), tuple(columns), tuple(headers), layout)
        self.sheets.append(sheet)
        return sheet

    def legend(self, rows: Iterable[Sequence[str]], lang: Lang) -> Sheet:
        """The legend sheet (``代码说明`` / ``codes``): ``rows`` of code, severity, title, what it flags."""
        sheet = self.sheet(
            text("sheets.legend", lang), LEGEND_COLUMNS, headers("legend", LEGEND_COLUMNS, lang), _LEGEND_LAYOUT
        )
        for row in rows:
            sheet.append(list(row))
        return sheet

    def save(self, temp: str | os.PathLike[str], *, properties: Mapping[str, str] | None = None) -> None:
        """Finish every sheet (widths, filter), add ``properties`` as custom document properties, write ``temp``."""
        from openpyxl.packaging.custom import StringProperty

        for sheet in self.sheets:
            sheet.finish()
        for name, value in (properties or {}).items():
            self.book.custom_doc_props.append(StringProperty(name=name, value=value))
        self.book.save(os.fspath(temp))  # saving also removes the streamed sheets' scratch files


class Sheet:
    """A sheet of a ``Book``: ``append`` rows of values in the order of its columns; ``rows`` counts them."""

    def __init__(self, book: Book, sheet: Any, columns: tuple[str, ...], headers: tuple[str, ...], layout: Layout):
        self.book = book
        self.sheet = sheet
        self.columns = columns
        self.headers = headers
        self.layout = layout
        self.rows = 0
        self.pending: list[Sequence[Any]] | None = []  # rows read before the column widths are fixed
        sheet.freeze_panes = "A2"

    def append(self, values: Sequence[Any]) -> None:
        self.rows += 1
        if self.pending is None:
            self.sheet.append(self._cells(values))
            return
        self.pending.append(values)
        if len(self.pending) >= _BUFFERED:
            self._start()

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter

        if self.pending is not None:
            self._start()
        self.sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(self.columns)))}{self.rows + 1}"

    def _start(self) -> None:
        """Fix the column widths from the header and the first rows, then write them."""
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet._writer import ALL_TEMP_FILES, WorksheetWriter

        pending, self.pending = self.pending or [], None
        for i, header in enumerate(self.headers):
            cells = [r[i] for r in pending if i < len(r) and r[i] is not None]
            seen = [display_width(header) + 3, *(display_width(c) for c in cells)]
            self.sheet.column_dimensions[get_column_letter(i + 1)].width = min(60, max(8, max(seen) + 2))
        # the sheet streams into a scratch file beside the output (removed with the others on any exit), not into
        # the system's temporary folder, where a killed run would leave it
        scratch = os.fspath(self.book.files.scratch(self.book.final))
        ALL_TEMP_FILES.append(scratch)  # openpyxl's own list of its work files: its cleanup removes them from it
        self.sheet._writer = WorksheetWriter(self.sheet, out=scratch)
        self.sheet._writer.write_top()
        self.sheet.append(self._header())
        for values in pending:
            self.sheet.append(self._cells(values))

    def _header(self) -> list[Any]:
        from openpyxl.cell import WriteOnlyCell

        cells = []
        for header in self.headers:
            cell = WriteOnlyCell(self.sheet, header)
            cell.data_type = "s"
            cell.font, cell.fill = self.book.styles["header"], self.book.styles["header_fill"]
            cells.append(cell)
        return cells

    def _cells(self, values: Sequence[Any]) -> list[Any]:
        """Typed cells: text never becomes a formula; numbers, booleans and dates keep their type and format."""
        from openpyxl.cell import WriteOnlyCell

        cells: list[Any] = []
        fills = self.book.styles["severity"]
        for column, value in zip(self.columns, values, strict=False):
            value = typed(self.layout, column, value)
            cell = WriteOnlyCell(self.sheet, value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl reads a leading "=" as a formula: it is the filer's text
                if column == self.layout.severity and value in fills:
                    cell.fill = fills[value]
            elif value is not None and (number_format := self.layout.number_format(column)):
                cell.number_format = number_format
            cells.append(cell)
        return cells
