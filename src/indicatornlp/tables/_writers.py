"""The writers that stream ``tag``'s tables to disk: CSV and JSONL (``TextWriter``) and one workbook (``XlsxWriter``).

Every table goes to a temporary file renamed at the end (``indicatornlp.atomic``), the manifest last; a writer
also reads back what an earlier run wrote, for ``--resume``, whatever the language of its headers.  The cells are
written by ``cells.py`` (CSV: neutralized unless ``raw``, control characters stripped) and ``sheets.py`` (XLSX:
typed cells, filter, frozen header, widths, severities coloured); the workbook ends with a legend of the codes its
findings use.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ..atomic import AtomicFiles
from ..cells import csv_cells, restore, sheet_value
from ..errors import ResumeError, printable
from ..messages import LANGS, Lang, resolve_lang, shown, stored
from ..sheets import LEGEND_COLUMNS, Book
from ._columns import COLUMNS, LAYOUT, TABLES, header_lang, manifest_path, output_paths, sheet_name
from ._columns import headers as table_headers
from ._resume import MANIFEST_PROPERTY, Existing, load_manifest, sha256

__all__ = ["LEGEND_COLUMNS", "TextWriter", "Writer", "XlsxWriter", "writer_for"]


class Writer:
    """Streams encoded items to temporary files; ``commit`` renames them (the manifest last), ``abort`` removes them.

    ``lang``: the language of the headers and sheet names (``zh`` or ``en``).
    """

    def __init__(self, out: Path, *, raw: bool = False, lang: str | None = None) -> None:
        self.out = out
        self.raw = raw
        self.lang: Lang = resolve_lang(lang)
        self.paths = output_paths(out)
        self.files = AtomicFiles()
        self.temps: dict[str, Path] = {}
        self.counts = dict.fromkeys(TABLES, 0)
        self.stripped = 0
        """Control characters removed from cells (the workbook cannot hold them; CSV keeps the same cells)."""

    def _temp(self, table: str) -> Path:
        temp = self.temps[table] = self.files.temp(self.paths[table])
        return temp

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
    """CSV (UTF-8 with a byte-order mark, for Excel) and JSONL: three files and the manifest.

    CSV's header row is in ``lang``; JSONL keeps the stable English keys (``ROW_COLUMNS`` …): it is for programs.
    """

    def __init__(self, out: Path, *, raw: bool = False, lang: str | None = None) -> None:
        super().__init__(out, raw=raw, lang=lang)
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
        cells, stripped = csv_cells((shown(c, row.get(c), self.lang) for c in COLUMNS[table]), raw=self.raw)
        self.stripped += stripped
        return cells

    def decode(self, table: str, item: Any) -> dict[str, Any]:
        if self.jsonl:
            decoded: dict[str, Any] = json.loads(item)
            return decoded
        cells = item if self.raw else [restore(c) for c in item]
        return {c: stored(c, v) for c, v in zip(COLUMNS[table], cells, strict=False)}

    def open(self) -> None:
        for table in reversed(TABLES):  # asked for in reverse: the main file is renamed after its companions
            temp = self._temp(table)
            handle = self.handles[table] = temp.open("w", encoding=self.encoding, newline="")
            if not self.jsonl:
                writer = self.writers[table] = csv.writer(handle)
                writer.writerow(table_headers(table, self.lang))

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
            manifest = load_manifest(self.manifest, self.manifest.read_text("utf-8"))
            for table, path in self.paths.items():
                recorded = manifest.get("tables", {}).get(table, {})
                if not path.exists() or recorded.get("sha256") != sha256(path):
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
        if not rows or header_lang(table, rows[0]) is None:  # its headers in either language: the columns
            raise ResumeError(str(path), "has other columns than this version writes", hint="run without --resume")
        return rows[1:]

    def _close(self, manifest: dict[str, Any]) -> None:
        self._discard()
        for table in TABLES:
            manifest["tables"][table]["sha256"] = sha256(self.temps[table])
        if self.manifest is not None:
            temp = self.files.temp(self.manifest)  # asked for last: renamed last
            temp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    def _discard(self) -> None:
        for handle in self.handles.values():
            handle.close()
        self.handles.clear()


class XlsxWriter(Writer):
    """One workbook: the three sheets, the legend of the codes used, and the manifest (a document property)."""

    def __init__(self, out: Path, *, raw: bool = False, lang: str | None = None) -> None:
        super().__init__(out, raw=raw, lang=lang)
        self.book: Book | None = None
        self.sheets: dict[str, Any] = {}
        self.codes: set[str] = set()
        """The codes of the findings written: the rows of the legend."""

    def encode(self, table: str, row: dict[str, Any]) -> Any:
        # an empty cell reads back as None: write it as None, so that a resumed row is written the same way
        values = []
        for c in COLUMNS[table]:
            value, removed = sheet_value(shown(c, row.get(c), self.lang))
            self.stripped += removed
            values.append(value)
        return values

    def decode(self, table: str, item: Any) -> dict[str, Any]:
        return {c: stored(c, v) for c, v in zip(COLUMNS[table], item, strict=False)}

    def open(self) -> None:
        self._temp("indicators")
        self.book = Book(self.files, self.paths["indicators"])
        for table in TABLES:
            self.sheets[table] = self.book.sheet(
                sheet_name(table, self.lang), COLUMNS[table], table_headers(table, self.lang), LAYOUT
            )

    def _write(self, table: str, item: Any) -> None:
        if table == "findings":
            self.codes.add(str(self.decode(table, item).get("code") or ""))
        self.sheets[table].append(item)

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
                names = dict.fromkeys(sheet_name(table, lang) for lang in LANGS)
                name = next((n for n in names if n in book.sheetnames), None)
                if name is None:
                    raise ResumeError(
                        str(self.out), f"has no sheet {' or '.join(map(repr, names))}", hint="run without --resume"
                    )
                rows = list(book[name].iter_rows(values_only=True))
                if not rows or header_lang(table, rows[0]) is None:
                    raise ResumeError(str(self.out), f"sheet '{name}' has other columns", hint="run without --resume")
                width = len(COLUMNS[table])
                # read-only sheets drop trailing empty cells: pad the rows back to the columns
                existing[table] = [[*r, *[None] * (width - len(r))][:width] for r in rows[1:]]
            manifest = None
            for prop in book.custom_doc_props:
                if prop.name == MANIFEST_PROPERTY:
                    manifest = load_manifest(self.out, str(prop.value))
            return Existing(existing, manifest)
        finally:
            book.close()

    def _close(self, manifest: dict[str, Any]) -> None:
        if self.book is None:
            return
        from ..rules import legend

        self.codes.discard("")
        self.book.legend(legend(self.codes, self.lang), self.lang)
        book, self.book = self.book, None
        book.save(self.temps["indicators"], properties={MANIFEST_PROPERTY: json.dumps(manifest, ensure_ascii=False)})

    def _discard(self) -> None:
        self.book = None


def writer_for(out: Path, *, raw: bool = False, lang: str | None = None) -> Writer:
    """The writer for ``out``'s suffix; ``raw``: CSV text cells as they are (no leading apostrophe); ``lang``: the
    language of the headers and sheet names (``None``: ``messages.default_lang()``)."""
    output_paths(out)  # raises OutputError on a suffix we do not write
    kind = XlsxWriter if out.suffix.lower() == ".xlsx" else TextWriter
    return kind(out, raw=raw, lang=lang)
