"""The tables ``tag`` writes: their columns, and the CSV, JSONL and XLSX writers that stream them to disk.

Every table goes to a temporary file renamed at the end (``indicatornlp.atomic``), the manifest last; a writer
also reads back what an earlier run wrote, for ``--resume``.

**Cells are data, never formulas.**  In a workbook every cell is written as a value of its type: text as text
(also ``=3 次`` or ``=HYPERLINK(…)``), numbers as number cells, dates as date cells, true/false as booleans.
CSV is written for spreadsheets: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return (and is not a number) gets a leading apostrophe, OWASP's rule against formula injection, so that Excel or
LibreOffice shows it as text and runs nothing; ``raw=True`` (the CLI's ``--raw``) writes the text as it is.  A
cell that starts with an apostrophe gets one more, so that reading back is exact.  JSONL is data for programs
and is written exactly.  Control characters (other than tab and line breaks) cannot be stored in a workbook and
are stripped from the cells of every CSV and XLSX table; ``Writer.stripped`` counts them.

**A workbook ready to use**: every sheet has an auto-filter over its columns, a frozen bold header, columns as
wide as their text (Chinese counts double), and a severity coloured in the findings.

**The manifest** (``OUT.manifest.json`` beside CSV/JSONL tables; in a workbook, its custom document property
``indicatornlp.manifest``) is written last: the run's options, each input's fingerprint and status, and each
table's row count (and, for files, its sha256), so that ``--resume`` can refuse tables that do not belong
together.

>>> neutralize("=3 次"), neutralize("-5"), neutralize("-"), neutralize("群众满意度")
("'=3 次", '-5', "'-", '群众满意度')
>>> restore(neutralize("=HYPERLINK(\\"http://x\\")")) == '=HYPERLINK("http://x")'
True
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import math
import os
import re
import stat
import unicodedata
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .atomic import AtomicFiles
from .errors import OutputError, ResumeError, printable
from .readers import limits_in_force
from .records import FINDING_COLUMNS

__all__ = [
    "COLUMNS",
    "FINDING_COLUMNS",
    "ROW_COLUMNS",
    "SUMMARY_COLUMNS",
    "TABLES",
    "Existing",
    "Writer",
    "cell_text",
    "fingerprint",
    "manifest_path",
    "neutralize",
    "output_paths",
    "restore",
    "strip_controls",
    "writer_for",
]

ROW_COLUMNS = (
    "source",
    "position",
    "filing",
    "project",
    "department",
    "year",
    "row",
    "level1_raw",
    "level2_raw",
    "name",
    "target_raw",
    "level1",
    "level2",
    "legacy",
    "predicted_level1",
    "predicted_level2",
    "confidence",
    "mismatch",
    "admissible",
    "measure",
    "family",
    "concept",
    "evidence",
    "kind",
    "comparator",
    "value",
    "upper",
    "unit",
    "date",
    "label",
    "direction",
    "flags",
    "findings",
)
"""Columns of the indicator rows (one per 三级指标)."""


SUMMARY_COLUMNS = (
    "source",
    "filing",
    "project",
    "department",
    "unit",
    "year",
    "category",
    "funds_total",
    "indicators",
    "errors",
    "warnings",
    "infos",
    "codes",
    "status",
    "file_size",
    "file_mtime",
)
"""Columns of the per-filing summaries (one row per filing; one ``failed`` row per unreadable file)."""

TABLES = ("indicators", "findings", "summary")
COLUMNS = {"indicators": ROW_COLUMNS, "findings": FINDING_COLUMNS, "summary": SUMMARY_COLUMNS}

# how a workbook stores each column that is not text
_NUMBERS = {"filing", "row", "year", "confidence", "value", "upper", "funds_total", "indicators", "errors"}
_NUMBERS |= {"warnings", "infos", "file_size"}
_BOOLEANS = {"legacy", "mismatch"}
_DATES = {"date": "yyyy-mm-dd", "file_mtime": "yyyy-mm-dd hh:mm:ss"}
_FORMATS = {"confidence": "0.00", "funds_total": "#,##0.00", "file_size": "#,##0"}
_SEVERITY_FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
_MANIFEST = "indicatornlp.manifest"  # the workbook's custom document property that holds the manifest
_BUFFERED = 500  # rows of a sheet read before its column widths are fixed


def output_paths(out: str | os.PathLike[str]) -> dict[str, Path]:
    """The files a run writes for ``out``, by table (an ``.xlsx`` holds all three tables).

    >>> {k: v.name for k, v in output_paths("tags.csv").items()}
    {'indicators': 'tags.csv', 'findings': 'tags.findings.csv', 'summary': 'tags.summary.csv'}
    """
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return dict.fromkeys(TABLES, path)
    if suffix not in (".csv", ".jsonl"):
        raise OutputError(
            str(path), f"cannot write '{path.suffix}' files", hint="name the output .csv, .jsonl or .xlsx"
        )
    return {
        "indicators": path,
        "findings": path.with_name(f"{path.stem}.findings{path.suffix}"),
        "summary": path.with_name(f"{path.stem}.summary{path.suffix}"),
    }


def manifest_path(out: str | os.PathLike[str]) -> Path | None:
    """The manifest file beside CSV/JSONL tables (``tags.manifest.json``); ``None`` for a workbook (a sheet)."""
    path = Path(out)
    return None if path.suffix.lower() == ".xlsx" else path.with_name(f"{path.stem}.manifest.json")


# ---- cells ---------------------------------------------------------------------------------------------------

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


def _cell(value: Any) -> Any:
    """A JSON value as a spreadsheet cell: lists joined with ';', the rest kept."""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return value


def cell_text(value: Any) -> str:
    """A JSON value as CSV text: ``None`` empty, booleans ``true``/``false``, lists joined with ``;``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(_cell(value))


def _number(value: Any) -> Any:
    """A number column's value as a workbook number (int or float), or its text when a float would change it."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
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


def _date(column: str, value: Any) -> Any:
    if not isinstance(value, str) or not value:
        return value
    try:
        if column == "date":
            return datetime.date.fromisoformat(value)
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    # a workbook has no time zones: the UTC time, as the header's CSV twin states it
    return moment.astimezone(datetime.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _width(value: Any) -> int:
    text = value if isinstance(value, str) else str(value)
    line = max(text.split("\n"), key=len) if "\n" in text else text
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line[:80])


# ---- writers ----------------------------------------------------------------------------------------------


class Existing:
    """What an earlier run wrote: each table's items (as the writer reads them) and its manifest."""

    def __init__(self, tables: dict[str, list[Any]], manifest: dict[str, Any] | None) -> None:
        self.tables = tables
        self.manifest = manifest

    def reusable(
        self, writer: Writer, options: dict[str, Any], files: Sequence[str]
    ) -> tuple[set[str], dict[str, dict[str, list[Any]]]]:
        """The files to take over from ``existing`` (their items by table), or ``ResumeError`` saying why none can be.

        Taken over: files written ``ok`` whose fingerprint (size, modification time, sha256) is unchanged.
        """
        where = str(writer.out)
        manifest = self.manifest
        if manifest is None:
            raise ResumeError(
                where,
                "has no manifest: it was written by an older version or another program, or its run was stopped",
                hint="run without --resume",
            )
        old = manifest.get("options", {})
        for key in sorted(set(old) | set(options)):
            if old.get(key) != options.get(key):
                raise ResumeError(
                    where,
                    f"was written with {key} = {old.get(key)!r}, this run has {options.get(key)!r}",
                    hint="give the same options (--model/--no-model, --raw), or run without --resume",
                )
        by_source: dict[str, dict[str, list[Any]]] = {}
        for table in TABLES:
            items = self.tables[table]
            recorded = manifest.get("tables", {}).get(table, {}).get("rows")
            if recorded != len(items):
                raise ResumeError(
                    where,
                    f"holds {len(items)} {table} rows where its manifest says {recorded}: the tables come from"
                    " different runs, or were changed by hand",
                    hint="run without --resume",
                )
            for item in items:
                source = str(writer.decode(table, item).get("source") or "")
                by_source.setdefault(source, {t: [] for t in TABLES})[table].append(item)
        reuse: set[str] = set()
        inputs = {entry.get("source"): entry for entry in manifest.get("inputs", [])}
        for path in files:
            shown = printable(path)
            entry = inputs.get(shown)
            if not entry or entry.get("status") != "ok" or entry.get("fingerprint") != fingerprint(path):
                continue
            counts = {t: len(by_source.get(shown, {}).get(t, [])) for t in TABLES}
            if counts != entry.get("rows"):
                raise ResumeError(
                    where,
                    f"holds {counts} rows for {shown} where its manifest says {entry.get('rows')}",
                    hint="run without --resume",
                )
            reuse.add(path)
        return reuse, by_source


class Writer:
    """Streams encoded items to temporary files; ``commit`` renames them (the manifest last), ``abort`` removes them."""

    def __init__(self, out: Path, *, raw: bool = False) -> None:
        self.out = out
        self.raw = raw
        self.paths = output_paths(out)
        self.files = AtomicFiles()
        self.temps: dict[str, Path] = {}
        self.counts = dict.fromkeys(TABLES, 0)
        self.stripped = 0
        """Control characters removed from cells (the workbook cannot hold them; CSV keeps the same cells)."""

    def _temp(self, table: str) -> Path:
        temp = self.temps[table] = self.files.temp(self.paths[table])
        return temp

    def _text(self, value: str) -> str:
        value, removed = strip_controls(printable(value))
        self.stripped += removed
        return value

    def encode(self, table: str, row: dict[str, Any]) -> Any:
        raise NotImplementedError

    def decode(self, table: str, item: Any) -> dict[str, Any]:
        raise NotImplementedError

    def open(self) -> None:
        raise NotImplementedError

    def write(self, table: str, item: Any) -> None:
        self.counts[table] += 1
        self._write(table, item)

    def _write(self, table: str, item: Any) -> None:
        raise NotImplementedError

    def read_existing(self) -> Existing | None:
        raise NotImplementedError

    def _close(self, manifest: dict[str, Any]) -> None:
        raise NotImplementedError

    def commit(self, manifest: dict[str, Any]) -> None:
        """Close the tables, add their row counts to ``manifest``, write it, and rename everything into place."""
        manifest["tables"] = {t: {"rows": self.counts[t]} for t in TABLES}
        self._close(manifest)
        self.files.commit()
        self.temps.clear()

    def abort(self) -> None:
        try:
            self._discard()
        finally:
            self.files.abort()
            self.temps.clear()

    def _discard(self) -> None:
        raise NotImplementedError


class TextWriter(Writer):
    """CSV (UTF-8 with a byte-order mark, for Excel) and JSONL: three files and the manifest."""

    def __init__(self, out: Path, *, raw: bool = False) -> None:
        super().__init__(out, raw=raw)
        self.jsonl = out.suffix.lower() == ".jsonl"
        self.encoding = "utf-8" if self.jsonl else "utf-8-sig"
        self.handles: dict[str, Any] = {}
        self.writers: dict[str, Any] = {}
        self.manifest = manifest_path(out)

    def encode(self, table: str, row: dict[str, Any]) -> Any:
        if self.jsonl:  # exact, but for the bytes of a file name that is not UTF-8 (escaped)
            values = {c: row.get(c) for c in COLUMNS[table]}
            return json.dumps(
                {c: printable(v) if isinstance(v, str) else v for c, v in values.items()}, ensure_ascii=False
            )
        cells = [self._text(cell_text(row.get(c))) for c in COLUMNS[table]]
        return cells if self.raw else [neutralize(c) for c in cells]

    def decode(self, table: str, item: Any) -> dict[str, Any]:
        if self.jsonl:
            decoded: dict[str, Any] = json.loads(item)
            return decoded
        cells = item if self.raw else [restore(c) for c in item]
        return dict(zip(COLUMNS[table], cells, strict=False))

    def open(self) -> None:
        for table in reversed(TABLES):  # asked for in reverse: the main file is renamed after its companions
            temp = self._temp(table)
            handle = self.handles[table] = temp.open("w", encoding=self.encoding, newline="")
            if not self.jsonl:
                writer = self.writers[table] = csv.writer(handle)
                writer.writerow(COLUMNS[table])

    def _write(self, table: str, item: Any) -> None:
        if self.jsonl:
            self.handles[table].write(item + "\n")
        else:
            self.writers[table].writerow(item)

    def read_existing(self) -> Existing | None:
        present = [p for p in (*self.paths.values(), self.manifest) if p is not None and p.exists()]
        if not present:
            return None
        existing: dict[str, list[Any]] = {}
        for table, path in self.paths.items():
            if not path.exists():
                existing[table] = []
                continue
            existing[table] = self._read_table(table, path)
        manifest = None
        if self.manifest is not None and self.manifest.exists():
            manifest = _load_manifest(self.manifest, self.manifest.read_text("utf-8"))
            for table, path in self.paths.items():
                recorded = manifest.get("tables", {}).get(table, {})
                if not path.exists() or recorded.get("sha256") != _sha256(path):
                    raise ResumeError(
                        str(path),
                        "is not the table its manifest describes: the tables come from different runs (a run"
                        " stopped while renaming them, or a file changed by hand)",
                        hint="run without --resume",
                    )
        return Existing(existing, manifest)

    def _read_table(self, table: str, path: Path) -> list[Any]:
        with path.open(encoding=self.encoding, newline="") as handle:
            if self.jsonl:
                return [line.rstrip("\n") for line in handle if line.strip()]
            limit = csv.field_size_limit()
            csv.field_size_limit(1 << 30)  # a cell may be as long as the text it came from (restored below)
            try:
                rows = list(csv.reader(handle))
            except csv.Error as err:
                raise ResumeError(
                    str(path), f"is not a readable CSV table ({err})", hint="run without --resume"
                ) from None
            finally:
                csv.field_size_limit(limit)
        if not rows or tuple(rows[0]) != COLUMNS[table]:
            raise ResumeError(str(path), "has other columns than this version writes", hint="run without --resume")
        return rows[1:]

    def _close(self, manifest: dict[str, Any]) -> None:
        self._discard()
        for table in TABLES:
            manifest["tables"][table]["sha256"] = _sha256(self.temps[table])
        if self.manifest is not None:
            temp = self.files.temp(self.manifest)  # asked for last: renamed last
            temp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    def _discard(self) -> None:
        for handle in self.handles.values():
            handle.close()
        self.handles.clear()


class XlsxWriter(Writer):
    """One workbook: the three sheets and the hidden manifest, streamed (openpyxl's write-only mode)."""

    def __init__(self, out: Path, *, raw: bool = False) -> None:
        super().__init__(out, raw=raw)
        self.book: Any = None
        self.sheets: dict[str, Any] = {}
        self.pending: dict[str, list[Any] | None] = {}  # rows read before a sheet's widths are fixed
        self.styles: dict[str, Any] = {}

    def encode(self, table: str, row: dict[str, Any]) -> Any:
        # an empty cell reads back as None: write it as None, so that a resumed row is written the same way
        values = []
        for c in COLUMNS[table]:
            value = _cell(row.get(c))
            if isinstance(value, str):
                value = self._text(value)
            values.append(None if value == "" else value)
        return values

    def decode(self, table: str, item: Any) -> dict[str, Any]:
        return dict(zip(COLUMNS[table], item, strict=False))

    def open(self) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Font, PatternFill

        self._temp("indicators")
        self.book = Workbook(write_only=True)
        self.styles = {
            "header": Font(bold=True),
            "header_fill": PatternFill("solid", fgColor="D9D9D9"),
            **{s: PatternFill("solid", fgColor=colour) for s, colour in _SEVERITY_FILLS.items()},
        }
        for table in TABLES:
            sheet = self.sheets[table] = self.book.create_sheet(table)
            sheet.freeze_panes = "A2"
            self.pending[table] = []

    def _write(self, table: str, item: Any) -> None:
        pending = self.pending[table]
        if pending is None:
            self.sheets[table].append(self._cells(table, item))
            return
        pending.append(item)
        if len(pending) >= _BUFFERED:
            self._start(table)

    def _start(self, table: str) -> None:
        """Fix the sheet's column widths from its header and first rows, then write them."""
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet._writer import ALL_TEMP_FILES, WorksheetWriter

        pending, self.pending[table] = self.pending[table] or [], None
        sheet = self.sheets[table]
        for i, column in enumerate(COLUMNS[table]):
            seen = [_width(column) + 3] + [_width(r[i]) for r in pending if i < len(r) and r[i] is not None]
            sheet.column_dimensions[get_column_letter(i + 1)].width = min(60, max(8, max(seen) + 2))
        # the sheet streams into a temporary file beside the output (removed with the others on any exit),
        # not into the system's temporary folder, where a killed run would leave it
        scratch = str(self.files.scratch(self.paths["indicators"]))
        ALL_TEMP_FILES.append(scratch)  # openpyxl's own list of its work files: its cleanup removes them from it
        sheet._writer = WorksheetWriter(sheet, out=scratch)
        sheet._writer.write_top()
        sheet.append(self._header(table))
        for item in pending:
            sheet.append(self._cells(table, item))

    def _header(self, table: str) -> list[Any]:
        from openpyxl.cell import WriteOnlyCell

        cells = []
        for column in COLUMNS[table]:
            cell = WriteOnlyCell(self.sheets[table], column)
            cell.font, cell.fill = self.styles["header"], self.styles["header_fill"]
            cells.append(cell)
        return cells

    def _cells(self, table: str, item: Any) -> list[Any]:
        """Typed cells: text never becomes a formula; numbers, booleans and dates keep their type and format."""
        from openpyxl.cell import WriteOnlyCell

        sheet = self.sheets[table]
        cells: list[Any] = []
        for column, value in zip(COLUMNS[table], item, strict=False):
            if column in _NUMBERS:
                value = _number(value)
            elif column in _DATES:
                value = _date(column, value)
            elif column in _BOOLEANS and isinstance(value, str):
                value = {"true": True, "false": False}.get(value.lower(), value)
            cell = WriteOnlyCell(sheet, value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl reads a leading "=" as a formula: it is the filer's text
                if column == "severity" and value in self.styles:
                    cell.fill = self.styles[value]
            elif column in _DATES and value is not None:
                cell.number_format = _DATES[column]
            elif column in _FORMATS and value is not None:
                cell.number_format = _FORMATS[column]
            cells.append(cell)
        return cells

    def read_existing(self) -> Existing | None:
        if not self.out.exists():
            return None
        from openpyxl import load_workbook

        try:
            book = load_workbook(self.out, read_only=True)
        except Exception as err:
            raise ResumeError(str(self.out), f"cannot be read back ({err})", hint="run without --resume") from err
        try:
            existing: dict[str, list[Any]] = {}
            for table in TABLES:
                if table not in book.sheetnames:
                    raise ResumeError(str(self.out), f"has no sheet '{table}'", hint="run without --resume")
                rows = list(book[table].iter_rows(values_only=True))
                if not rows or tuple(rows[0]) != COLUMNS[table]:
                    raise ResumeError(str(self.out), f"sheet '{table}' has other columns", hint="run without --resume")
                width = len(COLUMNS[table])
                # read-only sheets drop trailing empty cells: pad the rows back to the columns
                existing[table] = [[*r, *[None] * (width - len(r))][:width] for r in rows[1:]]
            manifest = None
            for prop in book.custom_doc_props:
                if prop.name == _MANIFEST:
                    manifest = _load_manifest(self.out, str(prop.value))
            return Existing(existing, manifest)
        finally:
            book.close()

    def _close(self, manifest: dict[str, Any]) -> None:
        if self.book is None:
            return
        from openpyxl.packaging.custom import StringProperty
        from openpyxl.utils import get_column_letter

        for table in TABLES:
            if self.pending[table] is not None:
                self._start(table)
            last = get_column_letter(len(COLUMNS[table]))
            self.sheets[table].auto_filter.ref = f"A1:{last}{self.counts[table] + 1}"
        self.book.custom_doc_props.append(
            StringProperty(name=_MANIFEST, value=json.dumps(manifest, ensure_ascii=False))
        )
        book, self.book = self.book, None
        # saving also removes the streamed sheets' temporary files
        book.save(self.temps["indicators"])

    def _discard(self) -> None:
        self.book = None


def fingerprint(path: str) -> dict[str, Any] | None:
    """The file's size, modification time (ns) and sha256, or ``None`` when it is not a regular file.

    A file over ``Limits.file_bytes`` (which no reader opens) is fingerprinted by size and time only.
    """
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    found: dict[str, Any] = {"size": info.st_size, "mtime_ns": info.st_mtime_ns, "sha256": None}
    if info.st_size <= limits_in_force().file_bytes:
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as stream:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    digest.update(block)
        except OSError:
            return found
        found["sha256"] = digest.hexdigest()
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _load_manifest(where: Path, text: str) -> dict[str, Any]:
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as err:
        raise ResumeError(str(where), f"its manifest cannot be read ({err})", hint="run without --resume") from None
    if not isinstance(manifest, dict):
        raise ResumeError(str(where), "its manifest is not a JSON object", hint="run without --resume")
    return manifest


def writer_for(out: Path, *, raw: bool = False) -> Writer:
    """The writer for ``out``'s suffix; ``raw``: CSV text cells as they are (no leading apostrophe)."""
    output_paths(out)  # raises OutputError on a suffix we do not write
    return XlsxWriter(out, raw=raw) if out.suffix.lower() == ".xlsx" else TextWriter(out, raw=raw)
