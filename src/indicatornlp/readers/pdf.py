"""Read PDF filings from their text layer (pdfplumber): ruled tables cell by cell, the other lines as text.

On each page the tables are found from their ruling lines; a cell that a merged cell covers comes out of
pdfplumber as ``None`` and is given the text of the merged cell (with ``merged_from`` pointing at it).  Lines
outside the tables (the title, the year line "（2023 年度）", headings) become one-cell rows in reading order, so
that a table broken over pages reads as one table (its repeated header skipped, a merged 一级 cell that goes on
empty on the next page filled down); page numbers ("2 / 10") are dropped.  A PDF without any ruled table is
handed, line by line, to the text reader, and its filings say so in their warnings: without ruling lines the
text layer does not tell where a wrapped cell ends nor which rows a centred label spans.

A PDF with no text layer (scanned images) raises ``NoTextLayerError``: nothing is guessed, run OCR first.  A
scanned page inside a PDF that otherwise has text is reported in the warnings of the filings read from it.

>>> filings = read_pdf("data/filings/songjiang-jiguan-2023.pdf")
>>> [(f.project, len(f.indicators)) for f in filings]
[('党组织建设', 6), ('宣传与推广', 5), ('业务培训', 5)]
>>> row = filings[0].indicators[0]
>>> (row.level1_raw, row.name, row.target_raw, row.position.page, row.position.line)
('产出指标', '工、青、妇活动', '=3 次', 1, 14)
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import CorruptFilingError, EncryptedFilingError, NoIndicatorTableError, NoTextLayerError
from ..records import Filing
from ._binary import Limits, cause, file_bytes, limits_in_force
from ._table import Cell, filings_from_rows

__all__ = ["read_pdf"]

# tables are drawn with ruling lines in the filings we read; "text" strategies guess columns from alignment
_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_PAGE_NUMBER = re.compile(
    r"""^\s*(?:
        \d{1,4}\s*[/／]\s*\d{1,4}                        # 2 / 10
      | 第\s*\d{1,4}\s*页(?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?  # 第 2 页  第2页，共10页
      | [-—–]\s*\d{1,4}\s*[-—–]                        # - 2 -
      | (?:page\s*)?\d{1,4}(?:\s*of\s*\d{1,4})?          # 2   Page 2 of 10
    )\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_MARGIN = 0.12  # page numbers sit in the top or bottom 12 % of a page


_Slot = tuple[str, int, tuple[int, int] | None]
"""(text, 1-based column, (row in table, column) of the merged cell covering it, or None)."""


@dataclasses.dataclass
class _Page:
    number: int
    rows: list[list[Cell]]
    tables: int
    images: bool

    @property
    def scanned(self) -> bool:
        """Images and no text but, at most, a page number: a scanned page."""
        return self.images and not self.rows


def read_pdf(path: str | os.PathLike[str], *, data: bytes | None = None, limits: Limits | None = None) -> list[Filing]:
    """Every project of a PDF filing, in page order (``data``: its bytes, when already read).

    Raises ``NoTextLayerError`` for a scanned PDF, ``CorruptFilingError`` for a damaged one,
    ``EncryptedFilingError`` for one that needs a password, ``LimitError`` past ``limits`` (default: those in
    force): every compressed stream but images is measured before pdfminer decodes it (``stream_bytes``), the
    pages are counted before they are read, the characters while they are.
    """
    where = os.fspath(path)
    limits = limits or limits_in_force()
    content = file_bytes(where, data, limits=limits)
    _check_streams(where, content, limits)
    pages = list(_read_pages(where, content, limits))
    scanned = [page.number for page in pages if page.scanned]
    if not any(page.rows for page in pages):
        problem = "no text layer: the pages hold no text (a scanned image or text drawn as outlines)"
        if scanned:
            problem = f"scanned image: no text layer on any of its {len(pages)} page(s)"
        raise NoTextLayerError(where, problem, hint="run OCR first (e.g. ocrmypdf) and read the OCR'd PDF")
    ruled = any(page.tables for page in pages)
    try:
        if ruled:
            filings = filings_from_rows([row for page in pages for row in page.rows], path=where)
        else:
            filings = _read_as_text(where, pages)
    except NoIndicatorTableError:
        if not _encrypted(content):
            raise
        raise EncryptedFilingError(
            where,
            "encrypted PDF (opened without a password, but restricted by its owner): no indicator table in the text"
            " it gives",
            hint="ask for the filing without its password, or print it to a new PDF",
        ) from None
    if not ruled:
        note = (
            "no ruled table in this PDF: read from its text lines, where the cells of a table cannot be told "
            "apart — check the rows against the document"
        )
        filings = [dataclasses.replace(f, warnings=(*f.warnings, note)) for f in filings]
    if scanned:
        note = (
            f"page(s) {', '.join(map(str, scanned))} are scanned images without a text layer: "
            "rows on them, if any, were not read — run OCR first"
        )
        filings = [dataclasses.replace(f, warnings=(*f.warnings, note)) for f in filings]
    return filings


_STREAM = re.compile(rb"stream\r?\n")
_IMAGE = re.compile(rb"/Subtype\s*/Image")
_STRING = re.compile(rb"\((?:[^()\\]|\\.)*\)")  # a PDF string literal (what Tj and TJ draw)


def _check_streams(where: str, content: bytes, limits: Limits) -> None:
    """``LimitError`` when a compressed stream (not an image: pdfminer does not decode those) inflates past
    ``limits.stream_bytes``: a page of a few kilobytes can hold gigabytes of drawing commands.

    The streams are inflated here a megabyte at a time and thrown away; nothing is kept.
    """
    import zlib

    for match in _STREAM.finditer(content):
        start = match.end()
        if _IMAGE.search(content, max(0, match.start() - 1024), match.start()):
            continue
        end = content.find(b"endstream", start)
        inflater = zlib.decompressobj()
        size = text = 0
        data = content[start : end if end > 0 else len(content)]
        try:
            while data and not inflater.eof and size <= limits.stream_bytes:
                chunk = inflater.decompress(data, 1 << 20)
                size += len(chunk)
                text += sum(len(m) for m in _STRING.findall(chunk))
                data = inflater.unconsumed_tail
        except zlib.error:
            continue  # not a Flate stream, or a damaged one: pdfminer says what it makes of it
        if size > limits.stream_bytes:
            raise limits.error(where, "stream_bytes", "bytes", found=f"a stream at byte {start:,} inflates past that")
        if text > 4 * limits.page_chars:  # a glyph takes one to four bytes of a string
            found = f"a stream at byte {start:,} draws {text:,} bytes of text"
            raise limits.error(where, "page_chars", "characters on a page", found=found)


def _encrypted(content: bytes) -> bool:
    """The file names an ``/Encrypt`` dictionary (pdfminer opened it with the empty user password)."""
    return b"/Encrypt" in content


def _page_count(pdf: Any) -> int | None:
    from pdfminer.pdftypes import resolve1

    try:
        return int(resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"]))
    except Exception:  # a damaged page tree: pages are counted as they are read
        return None


def _read_pages(where: str, content: bytes, limits: Limits) -> Iterator[_Page]:
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(content))
    except PdfminerException as err:
        raise _corrupt(where, err) from None
    except (ValueError, KeyError, TypeError, OSError, AssertionError) as err:  # parser failures pdfminer lets out
        raise _corrupt(where, err) from None
    row_number = 0
    pages = limits.budget(where, "pages", "pages")
    chars = limits.budget(where, "text_chars", "characters of text")
    with pdf:
        declared = _page_count(pdf) or 0
        if declared > limits.pages:  # before pdfplumber makes an object per page
            raise limits.error(where, "pages", "pages", found=f"its page tree declares {declared:,} pages")
        for number, page in enumerate(pdf.pages, 1):
            pages.add()
            try:
                drawn = len(page.chars)
                if drawn > limits.page_chars:
                    found = f"page {number} draws {drawn:,} characters"
                    raise limits.error(where, "page_chars", "characters on a page", found=found)
                chars.add(drawn)
                result = _read_page(page, number, row_number)
            except PdfminerException as err:
                raise _corrupt(where, err, page=number) from None
            except (ValueError, KeyError, TypeError, AssertionError) as err:
                raise _corrupt(where, err, page=number) from None
            finally:
                page.close()  # drop the page's cached objects: memory stays flat over long documents
            row_number += len(result.rows)
            yield result


def _corrupt(where: str, err: BaseException, *, page: int | None = None) -> CorruptFilingError:
    inner = err.args[0] if err.args and isinstance(err.args[0], BaseException) else err
    text = cause(inner)
    if "password" in text.lower() or "encrypt" in type(inner).__name__.lower():
        return EncryptedFilingError(where, f"encrypted PDF ({text})", hint="give the filing without its password")
    place = f"page {page}: " if page else ""
    return CorruptFilingError(
        where, f"{place}damaged PDF ({text})", hint="re-export or re-download the PDF, or print it to a new PDF"
    )


def _read_page(page: Any, number: int, row_number: int) -> _Page:
    """The page's rows in reading order: table rows (cell by cell) and the lines outside the tables."""
    images = bool(page.images)
    if not page.chars:
        return _Page(number, [], 0, images)
    tables = [t for t in page.find_tables(_TABLE_SETTINGS) if len(t.cells) > 1]
    boxes = [t.bbox for t in tables]
    # (top, table, row in table, cells): a text line is table -1
    blocks: list[tuple[float, int, int, list[_Slot]]] = []
    for t, table in enumerate(tables):
        for i, (top, cells) in enumerate(_table_rows(table)):
            blocks.append((top, t, i, cells))
    outside = page.filter(lambda obj: not _inside(obj, boxes)) if boxes else page
    height = float(page.height)
    for line in outside.extract_text_lines(strip=True, return_chars=False):
        text = line["text"]
        in_margin = line["top"] < height * _MARGIN or line["bottom"] > height * (1 - _MARGIN)
        if not (in_margin and _PAGE_NUMBER.match(text)):
            blocks.append((float(line["top"]), -1, 0, [(text, 1, None)]))
    blocks.sort(key=lambda block: block[0])  # stable: the rows of a table keep their order
    line_of = {(t, i): line for line, (_, t, i, _) in enumerate(blocks, 1)}
    rows = []
    for line, (_, t, _, slots) in enumerate(blocks, 1):
        row = []
        for text, c, origin in slots:
            source = None if origin is None else (row_number + line_of[(t, origin[0])], origin[1])
            row.append(Cell(text, row_number + line, c, page=number, line=line, merged_from=source))
        rows.append(row)
    return _Page(number, rows, len(tables), images)


def _inside(obj: dict[str, Any], boxes: Sequence[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _table_rows(table: Any) -> Iterator[tuple[float, list[_Slot]]]:
    """Each row of a pdfplumber table as (top, slots); a covered slot has its merged cell's text and place."""
    texts = table.extract()
    rows = table.rows
    xs = sorted({bbox[0] for bbox in table.cells})
    where: dict[tuple[float, ...], tuple[int, int]] = {}
    for i, row in enumerate(rows):
        for j, bbox in enumerate(row.cells):
            if bbox is not None:
                where.setdefault(tuple(bbox), (i, j))
    for i, row in enumerate(rows):
        top = row.bbox[1]
        cells: list[_Slot] = []
        for j, bbox in enumerate(row.cells):
            if bbox is not None:
                cells.append((texts[i][j] or "", j + 1, None))
                continue
            origin = _covering(table.cells, xs[j] + 0.5, top + 0.5, where)
            if origin is not None:
                oi, oj = origin
                cells.append((texts[oi][oj] or "", j + 1, (oi, oj + 1)))
        yield top, cells


def _covering(
    cells: Sequence[tuple[float, float, float, float]],
    x: float,
    y: float,
    where: dict[tuple[float, ...], tuple[int, int]],
) -> tuple[int, int] | None:
    for bbox in cells:
        x0, top, x1, bottom = bbox
        if x0 <= x <= x1 and top <= y <= bottom:
            return where.get(tuple(bbox))
    return None


def _read_as_text(where: str, pages: Sequence[_Page]) -> list[Filing]:
    """A PDF without ruled tables: its lines, page by page, through the reader of PDF-extracted text."""
    from .text import read_text

    lines: list[str] = []
    for page in pages:
        lines.extend(cell.text for row in page.rows for cell in row)
    return read_text(where, "\n".join(lines))
