"""Read filings in the format they arrive in: ``read_filings(path)`` → one ``Filing`` per project.

The format comes from the suffix, checked against the content, because suffixes lie (a ``.pdf`` that is a Word
file, a ``.txt`` that is an HTML page, a ``.xls`` download that is a tab-separated table):

========================  ==========================================================
content starts with       read as
========================  ==========================================================
``%PDF``                  PDF (``readers.pdf``)
``PK\\x03\\x04`` (zip)      Excel when it holds ``xl/workbook.xml``, Word when ``word/document.xml``
``<table`` / ``<html``    HTML tables (``readers.markup``)
lines of tabs or pipes    Markdown / tab-separated tables (``readers.markup``)
other text                text extracted from a PDF (``readers.text``)
========================  ==========================================================

Text is read as UTF-8 (with or without a byte-order mark), UTF-16 (with or without one), else as GB 18030; Big5
and UTF-8 cut off mid-character are reported (``readers._binary.decode_text``).  What a file may inflate to is
bounded by ``Limits`` (environment ``INDICATORNLP_MAX_<NAME>``, or ``read_filings(path, limits=…)``).
The formats, their suffixes and their readers are listed once, in ``REGISTRY`` (the CLI's ``--format``
choices come from it); binary readers are handed the bytes already read, never the path, so that a library
never trusts a suffix.  ``walk`` finds the filings under folders (skipping exports, images and README files);
every grid reader ends in ``filings_from_rows`` (rows of ``Cell``).

>>> [f.project for f in read_filings("data/filings/songjiang-jiguan-2023.txt")]
['党组织建设', '宣传与推广', '业务培训']
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import cast

from ..errors import CorruptFilingError, EmptyFilingError, FilingFormatError, FilingNotFoundError, NoIndicatorTableError
from ..inputs import read_paths
from ..records import Filing
from ..results import Filings
from ._binary import Limits, applied, check_file, decode_text, limits_in_force, read_file, stat_file
from ._table import Cell, filings_from_rows
from ._walk import Walk, find_files, walk

__all__ = [
    "FORMATS",
    "FORMAT_NAMES",
    "REGISTRY",
    "Cell",
    "Format",
    "Limits",
    "Walk",
    "expand",
    "filings_from_rows",
    "find_files",
    "limits_in_force",
    "read_filings",
    "sniff_format",
    "walk",
]


@dataclasses.dataclass(frozen=True, slots=True)
class Format:
    """One input format: its name, the suffixes that claim it, and the function that reads it.

    >>> REGISTRY[0].name, REGISTRY[0].suffixes
    ('text', ('.txt', '.text'))
    """

    name: str
    """The ``format=`` value of ``read_filings`` (and the CLI's ``--format``)."""
    suffixes: tuple[str, ...]
    """Lower-case suffixes that claim the format (the content has the last word: ``sniff_format``)."""
    module: str
    """The module of ``indicatornlp.readers`` holding the reader (imported on first use)."""
    function: str
    """The reader: ``f(path, text)`` for a text format, ``f(path, data=bytes)`` for a binary one."""
    binary: bool = False

    def reader(self, where: str) -> Callable[..., list[Filing]]:
        """The reader function; ``FilingFormatError`` naming ``where`` when its library is missing."""
        try:
            module = importlib.import_module(f".{self.module}", __name__)
        except ImportError as err:
            raise FilingFormatError(
                where,
                f"reading {self.name.upper()} files is not available ({err})",
                hint="install indicatornlp with its extras",
            ) from None
        return cast("Callable[..., list[Filing]]", getattr(module, self.function))


REGISTRY: tuple[Format, ...] = (
    Format("text", (".txt", ".text"), "text", "read_text"),
    Format("markdown", (".md", ".markdown", ".tsv"), "markup", "read_markdown"),
    Format("html", (".html", ".htm", ".shtml"), "markup", "read_html"),
    Format("xlsx", (".xlsx", ".xlsm"), "xlsx", "read_xlsx", binary=True),
    Format("docx", (".docx",), "docx", "read_docx", binary=True),
    Format("pdf", (".pdf",), "pdf", "read_pdf", binary=True),
)
"""Every format the readers take, in the order the CLI lists them."""

_BY_NAME = {f.name: f for f in REGISTRY}
FORMAT_NAMES: tuple[str, ...] = tuple(_BY_NAME)
FORMATS: dict[str, str] = {suffix: f.name for f in REGISTRY for suffix in f.suffixes}
"""Suffix → format name (the ``format=`` values of ``read_filings``)."""

_BINARY = {f.name for f in REGISTRY if f.binary}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SUFFIXES = ", ".join(sorted(FORMATS))


def read_filings(path: str | os.PathLike[str], *, format: str | None = None, limits: Limits | None = None) -> Filings:
    """Every project (``Filing``) of the filing at ``path``, in document order; a folder or a glob: of every
    filing under it (sorted, recursively, as ``walk`` finds them).

    ``format`` (``"text"``, ``"markdown"``, ``"html"``, ``"xlsx"``, ``"docx"``, ``"pdf"``) overrides the suffix.
    ``limits`` bounds what a file may inflate to (default: ``Limits.from_env()``; see ``readers.Limits``).
    One file raises ``FilingNotFoundError``, ``FilingAccessError`` (permission denied), ``FilingFormatError``
    (unsupported suffix or content, a FIFO or device), ``EmptyFilingError``, ``CorruptFilingError``,
    ``EncryptedFilingError``, ``TextEncodingError``, ``LimitError``, ``NoTextLayerError`` (a scanned PDF) or
    ``NoIndicatorTableError``; each message names the file.  In a folder, a file that cannot be read does not stop
    the others: it is listed in ``.failures`` of the result (an ``F001`` finding each) and in a warning.  A folder
    or glob with no filing raises ``FilingNotFoundError``.

    >>> filings = read_filings("data/filings/*.txt")
    >>> len(filings), filings.failures
    (4, ())
    """
    where = os.fspath(read_paths(path, action="read_filings", many=False)[0])
    with applied(limits):
        if os.path.isdir(where) or (not os.path.exists(where) and _GLOB.search(where)):
            return _read_many(where, format)
        return Filings(_read_one(where, format))


_GLOB = re.compile(r"[*?\[]")


def expand(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """The paths with each glob (``data/*.xlsx``, ``**/*.pdf``) that names no existing file replaced by its
    matches, sorted; a glob with no match is kept as given (reading it then says "no such file")."""
    import glob

    found: list[str] = []
    for given in paths:
        path = os.fspath(given)
        matches = sorted(glob.glob(path, recursive=True)) if not os.path.exists(path) and _GLOB.search(path) else []
        found.extend(matches or [path])
    return found


def _read_many(where: str, format: str | None) -> Filings:
    import warnings

    from ..errors import IndicatorNLPError
    from ..records import Finding

    files = walk(expand([where])).files
    files = tuple(f for f in files if os.path.exists(f))
    if not files:
        raise FilingNotFoundError(where, "no filing found there", hint=f"give a folder or glob of {_SUFFIXES} files")
    filings: list[Filing] = []
    failures: list[Finding] = []
    for file in files:
        try:
            filings.extend(_read_one(file, format))
        except IndicatorNLPError as err:
            failures.append(Finding.failed(err, file))
    if failures:
        names = ", ".join(str(f.source) for f in failures[:3]) + (" …" if len(failures) > 3 else "")
        warnings.warn(
            f"{len(failures)} of {len(files)} files under {where} could not be read ({names}): see .failures",
            stacklevel=3,
        )
    return Filings(filings, failures=failures)


def _read_one(where: str, format: str | None) -> list[Filing]:
    file = Path(where)
    stat_file(where)  # missing, unreadable, a folder, a FIFO or a device: said before anything is read
    if format is not None:
        if format not in _BY_NAME:
            raise FilingFormatError(where, f"unknown format {format!r}", hint=f"use one of {', '.join(FORMAT_NAMES)}")
        claimed = format
    else:
        suffix = file.suffix.lower()
        if suffix not in FORMATS:
            raise FilingFormatError(
                where, f"unsupported suffix {suffix or '(none)'!r}", hint=f"give a {_SUFFIXES} file, or pass format="
            )
        claimed = FORMATS[suffix]
    data = read_file(where)
    if not data.strip():
        raise EmptyFilingError(where, "the file is empty", hint="check that the download or export completed")
    kind, text = sniff_format(data, claimed=claimed, where=where)
    reader = _BY_NAME[kind].reader(where)
    if text is None:
        return reader(where, data=data)  # the bytes, never the path: a lying suffix cannot mislead the library
    if not text.strip():
        raise EmptyFilingError(where, "the file holds only white space", hint="check that the export completed")
    try:
        return reader(where, text)
    except NoIndicatorTableError:
        if claimed not in _BINARY:
            raise
        # a suffix that lies is forgiven only when the text is a filing after all
        raise CorruptFilingError(
            where,
            f"not a {claimed.upper()} file: it holds text with no indicator table",
            hint="export the filing again",
        ) from None


def sniff_format(data: bytes, *, claimed: str, where: str = "") -> tuple[str, str | None]:
    """The format the content shows (and its text, for the text formats), trusting ``claimed`` where it can.

    >>> sniff_format(b"%PDF-1.7 ...", claimed="text")[0]
    'pdf'
    >>> sniff_format("项目名称\\t党建工作\\n一级指标\\t二级指标\\n产出指标\\t数量指标\\n".encode(), claimed="text")[0]
    'markdown'
    """
    head = data[:1024]
    if b"%PDF" in head[:1024] and head.lstrip().startswith(b"%PDF"):
        return "pdf", None
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data, claimed, where), None
    if head.startswith(_OLE2):
        check_file(where, data=data)  # a password-protected .xlsx/.docx, or an old binary .xls/.doc
    text = decode_text(data, where)
    if text is None:
        if claimed in _BINARY:
            raise CorruptFilingError(where, f"not a {claimed.upper()} file, nor text", hint="export the filing again")
        raise FilingFormatError(where, "binary content that is not a PDF, Excel or Word file", hint="export it again")
    return _text_kind(text, claimed), text


def _zip_kind(data: bytes, claimed: str, where: str) -> str:
    import io

    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        if claimed in ("xlsx", "docx"):
            return claimed  # let its reader say what is broken
        raise CorruptFilingError(where, "a damaged zip archive", hint="export the filing again") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
        return "xlsx"
    if claimed in ("xlsx", "docx"):
        return claimed
    raise FilingFormatError(where, "a zip archive that is neither a .xlsx nor a .docx", hint="unpack it first")


_TABLE_TAG = re.compile(r"<\s*(?:table|html|body|tr)\b", re.IGNORECASE)


def _text_kind(text: str, claimed: str) -> str:
    sample = text[:200_000]
    if _TABLE_TAG.search(sample):
        return "html"
    lines = [line for line in sample.splitlines() if line.strip()]
    tabular = sum(1 for line in lines if "\t" in line.strip() or line.count("\t") >= 2 or line.count("|") >= 2)
    if tabular >= 3 and tabular * 4 >= len(lines):
        return "markdown"
    if "|" in sample:  # a page flattened with one cell per line: "cell |", a lone "|", "| cell"
        piped = sum(1 for line in lines if "|" in line and (line.strip()[0] == "|" or line.strip()[-1] == "|"))
        if piped >= 6 and piped * 3 >= len(lines):
            return "markdown"
    if claimed == "markdown" and tabular >= 3:
        return "markdown"
    return "text"
