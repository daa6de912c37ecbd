"""The tables ``tag`` writes: their columns, and the CSV, JSONL and XLSX writers that stream them to disk.

Every table goes to a temporary file renamed at the end (``indicatornlp.atomic``), the main file last; a writer
also reads back what an earlier run wrote, for ``--resume``.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

from .atomic import AtomicFiles
from .errors import OutputError

__all__ = [
    "COLUMNS",
    "FINDING_COLUMNS",
    "ROW_COLUMNS",
    "SUMMARY_COLUMNS",
    "TABLES",
    "Writer",
    "cell_text",
    "output_paths",
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

FINDING_COLUMNS = ("source", "position", "filing", "project", "row", "indicator", "code", "severity", "message")
"""Columns of the findings (``row`` empty for a finding about the whole filing or file)."""

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


class Writer:
    """Streams encoded items to temporary files; ``commit`` renames them, ``abort`` removes them."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.paths = output_paths(out)
        self.files = AtomicFiles()
        self.temps: dict[str, Path] = {}

    def _temp(self, table: str) -> Path:
        # asked for in reverse table order: the main file is renamed last, so when it exists its companions do too
        temp = self.temps[table] = self.files.temp(self.paths[table])
        return temp

    def encode(self, table: str, row: dict[str, Any]) -> Any:
        raise NotImplementedError

    def decode(self, table: str, item: Any) -> dict[str, Any]:
        raise NotImplementedError

    def open(self) -> None:
        raise NotImplementedError

    def write(self, table: str, item: Any) -> None:
        raise NotImplementedError

    def read_existing(self) -> dict[str, list[Any]] | None:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        self._close()
        self.files.commit()
        self.temps.clear()

    def abort(self) -> None:
        try:
            self._close()
        finally:
            self.files.abort()
            self.temps.clear()


class TextWriter(Writer):
    """CSV (UTF-8 with a byte-order mark, for Excel) and JSONL: three files."""

    def __init__(self, out: Path) -> None:
        super().__init__(out)
        self.jsonl = out.suffix.lower() == ".jsonl"
        self.encoding = "utf-8" if self.jsonl else "utf-8-sig"
        self.handles: dict[str, Any] = {}
        self.writers: dict[str, Any] = {}

    def encode(self, table: str, row: dict[str, Any]) -> Any:
        if self.jsonl:
            return json.dumps({c: row.get(c) for c in COLUMNS[table]}, ensure_ascii=False)
        return [cell_text(row.get(c)) for c in COLUMNS[table]]

    def decode(self, table: str, item: Any) -> dict[str, Any]:
        if self.jsonl:
            decoded: dict[str, Any] = json.loads(item)
            return decoded
        return dict(zip(COLUMNS[table], item, strict=False))

    def open(self) -> None:
        for table in reversed(TABLES):
            temp = self._temp(table)
            handle = self.handles[table] = temp.open("w", encoding=self.encoding, newline="")
            if not self.jsonl:
                writer = self.writers[table] = csv.writer(handle)
                writer.writerow(COLUMNS[table])

    def write(self, table: str, item: Any) -> None:
        if self.jsonl:
            self.handles[table].write(item + "\n")
        else:
            self.writers[table].writerow(item)

    def read_existing(self) -> dict[str, list[Any]] | None:
        if not all(p.exists() for p in self.paths.values()):
            return None
        existing: dict[str, list[Any]] = {}
        for table, path in self.paths.items():
            with path.open(encoding=self.encoding, newline="") as handle:
                if self.jsonl:
                    existing[table] = [line.rstrip("\n") for line in handle if line.strip()]
                    continue
                rows = list(csv.reader(handle))
            if not rows or tuple(rows[0]) != COLUMNS[table]:
                raise OutputError(str(path), "has other columns than this version writes", hint="run without --resume")
            existing[table] = rows[1:]
        return existing

    def _close(self) -> None:
        for handle in self.handles.values():
            handle.close()
        self.handles.clear()


class XlsxWriter(Writer):
    """One workbook, three sheets, written in openpyxl's streaming (write-only) mode."""

    def __init__(self, out: Path) -> None:
        super().__init__(out)
        self.book: Any = None
        self.sheets: dict[str, Any] = {}

    def encode(self, table: str, row: dict[str, Any]) -> Any:
        # an empty cell reads back as None: write it as None, so that a resumed row is written the same way
        return [None if v == "" else v for v in (_cell(row.get(c)) for c in COLUMNS[table])]

    def decode(self, table: str, item: Any) -> dict[str, Any]:
        return dict(zip(COLUMNS[table], item, strict=False))

    def open(self) -> None:
        from openpyxl import Workbook

        self._temp("indicators")
        self.book = Workbook(write_only=True)
        for table in TABLES:
            sheet = self.sheets[table] = self.book.create_sheet(table)
            sheet.freeze_panes = "A2"
            sheet.append(list(COLUMNS[table]))

    def write(self, table: str, item: Any) -> None:
        self.sheets[table].append(item)

    def read_existing(self) -> dict[str, list[Any]] | None:
        if not self.out.exists():
            return None
        from openpyxl import load_workbook

        try:
            book = load_workbook(self.out, read_only=True)
        except Exception as err:
            raise OutputError(str(self.out), f"cannot be read back ({err})", hint="run without --resume") from err
        try:
            existing: dict[str, list[Any]] = {}
            for table in TABLES:
                if table not in book.sheetnames:
                    raise OutputError(str(self.out), f"has no sheet '{table}'", hint="run without --resume")
                rows = list(book[table].iter_rows(values_only=True))
                if not rows or tuple(rows[0]) != COLUMNS[table]:
                    raise OutputError(str(self.out), f"sheet '{table}' has other columns", hint="run without --resume")
                width = len(COLUMNS[table])
                # read-only sheets drop trailing empty cells: pad the rows back to the columns
                existing[table] = [[*r, *[None] * (width - len(r))][:width] for r in rows[1:]]
            return existing
        finally:
            book.close()

    def _close(self) -> None:
        if self.book is not None:
            book, self.book = self.book, None
            # saving also removes openpyxl's own temporary files of the streamed sheets
            book.save(self.temps["indicators"])


def writer_for(out: Path) -> Writer:
    output_paths(out)  # raises OutputError on a suffix we do not write
    return XlsxWriter(out) if out.suffix.lower() == ".xlsx" else TextWriter(out)
