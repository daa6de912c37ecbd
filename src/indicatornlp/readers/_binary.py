"""What every reader shares before a library opens a file: the path checked, the bytes read, the limits, the text.

``read_file`` opens only regular files (never a FIFO, a device or a socket, which would hang or never end), says
*permission denied* and *link loop* for what they are, and reads no more than ``Limits.file_bytes``.
``decode_text`` reads text as UTF-8, UTF-16 (with or without a byte-order mark) or GB 18030, and says so when the
text is UTF-8 cut off mid-character or Big5 (traditional Chinese) that would read as GB 18030 gibberish.

``Limits`` bounds what a file may inflate to, checked before or while parsing: a hostile file (a zip bomb, a
``rowspan`` bomb, a workbook of white space) ends in a ``LimitError`` naming the file and the limit, not in
gigabytes of memory.  The defaults lie far above any real filing; each can be set by keyword
(``read_filings(path, limits=Limits(cells=10_000_000))``) or by the environment variable
``INDICATORNLP_MAX_<NAME>`` (``INDICATORNLP_MAX_CELLS=10000000``; sizes take ``K``, ``M`` or ``G``: ``1G``).

>>> Limits().cells, Limits.from_env({"INDICATORNLP_MAX_UNZIPPED_BYTES": "2G"}).unzipped_bytes
(2000000, 2147483648)
>>> decode_text("项目名称\\t党建工作".encode("utf-16-le"), "a.txt")
'项目名称\\t党建工作'
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import errno
import io
import os
import stat
import zipfile
from collections.abc import Iterator, Mapping
from typing import IO

from ..errors import (
    EmptyFilingError,
    EncryptedFilingError,
    FilingAccessError,
    FilingFormatError,
    FilingNotFoundError,
    InputError,
    LimitError,
    TextEncodingError,
)

__all__ = [
    "Budget",
    "Limits",
    "applied",
    "cause",
    "check_file",
    "check_package",
    "decode_text",
    "file_bytes",
    "limits_in_force",
    "read_file",
    "stat_file",
]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of the old binary .xls and .doc, and of encrypted files
_MIB = 1 << 20
_SIZE_SUFFIXES = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


@dataclasses.dataclass(frozen=True, slots=True)
class Limits:
    """What one file may inflate to; a reader that would pass a limit raises ``LimitError`` naming it.

    Every default is tens to thousands of times what a real filing needs (the largest shipped filing: a 206-page
    PDF of 1.6 MB; Excel's own limits: 1,048,576 rows, 32,767 characters in a cell).
    """

    file_bytes: int = 256 * _MIB
    """Size of the file on disk (any format)."""
    text_chars: int = 32_000_000
    """Characters of a text, Markdown or HTML file once decoded, and of the text a Word or PDF file holds."""
    unzipped_bytes: int = 1024 * _MIB
    """Uncompressed size of all the parts of a .xlsx or .docx package together."""
    part_bytes: int = 128 * _MIB
    """Uncompressed size of one part that the libraries load whole (shared strings, a Word document's body)."""
    zip_members: int = 10_000
    """Parts in a .xlsx or .docx package."""
    xml_elements: int = 4_000_000
    """XML elements of the parts a library holds whole in memory (a Word body, a workbook's shared strings)."""
    cells: int = 2_000_000
    """Cells a reader lays out, merged areas (rowspan, colspan, merged ranges) included."""
    rows: int = 1_048_576
    """Rows of a sheet or a document (Excel's own maximum)."""
    paragraphs: int = 1_000_000
    """Paragraphs of a Word document."""
    pages: int = 10_000
    """Pages of a PDF."""
    page_chars: int = 100_000
    """Characters drawn on one PDF page (a dense A4 page of a filing holds about 5,000)."""
    stream_bytes: int = 16 * _MIB
    """Decoded size of one compressed stream of a PDF (page contents, fonts; images are not decoded).  A real
    page's drawing commands take kilobytes; pdfminer reads them at about a megabyte a second."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, with every ``INDICATORNLP_MAX_<NAME>`` set in ``environ`` (default ``os.environ``)."""
        environ = os.environ if environ is None else environ
        changed: dict[str, int] = {}
        for field in dataclasses.fields(cls):
            name = f"INDICATORNLP_MAX_{field.name.upper()}"
            if name in environ:
                changed[field.name] = _size(name, environ[name])
        return cls(**changed)

    def error(self, where: str, name: str, what: str, *, found: str | None = None) -> LimitError:
        """The error for passing the limit ``name``: more than it of ``what``, or ``found`` (what the file holds)."""
        limit = getattr(self, name)
        shown = _bytes(limit) if name.endswith("bytes") else f"{limit:,}"
        text = f"{found}, over the limit of {shown}" if found else f"more than {shown} {what}"
        return LimitError(
            where,
            f"{text} (limit '{name}': set INDICATORNLP_MAX_{name.upper()} to raise it)",
            hint="a real filing is far smaller: check the file, or raise the limit if it is one",
        )

    def budget(self, where: str, name: str, what: str) -> Budget:
        """A counter that raises this limit's error when more than the limit is added."""
        return Budget(self, where, name, what)


_IN_FORCE: contextvars.ContextVar[Limits | None] = contextvars.ContextVar("indicatornlp_limits", default=None)


def limits_in_force() -> Limits:
    """The limits of the ``read_filings`` call under way (``applied``), else the defaults and the environment's."""
    return _IN_FORCE.get() or Limits.from_env()


@contextlib.contextmanager
def applied(limits: Limits | None) -> Iterator[Limits]:
    """Make ``limits`` (``None``: the environment's) the ones every reader uses until the block ends."""
    resolved = limits or Limits.from_env()
    token = _IN_FORCE.set(resolved)
    try:
        yield resolved
    finally:
        _IN_FORCE.reset(token)


class Budget:
    """Counts what a reader lays out (cells, rows …) and raises ``LimitError`` past the limit.

    >>> b = Limits(cells=3).budget("a.html", "cells", "cells (merged areas included)")
    >>> try:
    ...     b.add(2); b.add(2)
    ... except LimitError as err:
    ...     print(err.problem)
    more than 3 cells (merged areas included) (limit 'cells': set INDICATORNLP_MAX_CELLS to raise it)
    """

    __slots__ = ("limit", "limits", "name", "used", "what", "where")

    def __init__(self, limits: Limits, where: str, name: str, what: str) -> None:
        self.limits, self.where, self.name, self.what = limits, where, name, what
        self.limit: int = getattr(limits, name)
        self.used = 0

    def add(self, count: int = 1) -> None:
        self.used += count
        if self.used > self.limit:
            raise self.limits.error(self.where, self.name, self.what)


def _size(name: str, value: str) -> int:
    text = value.strip().upper().removesuffix("B").removesuffix("I")
    factor = _SIZE_SUFFIXES.get(text[-1:], 1)
    try:
        number = int(float(text[:-1] if factor > 1 else text) * factor)
    except ValueError:
        number = -1
    if number <= 0:
        raise InputError(f"{name}={value!r}", "is not a positive number", hint="e.g. 5000000, 512M or 2G")
    return number


def _bytes(n: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:.4g} {unit}"
    return f"{n} bytes"


# ---- the file ---------------------------------------------------------------------------------------------

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def stat_file(where: str) -> os.stat_result:
    """The file's status (links followed); the error a user should see when it is not a readable regular file."""
    try:
        info = os.stat(where)
    except OSError as err:
        raise _open_error(where, err) from None
    if stat.S_ISDIR(info.st_mode):
        raise FilingFormatError(where, "is a directory, not a filing", hint="give the files inside it")
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
        raise FilingFormatError(where, f"{kind}, not a file: not read", hint="give the filing itself")
    return info


def _open_error(where: str, err: OSError) -> FilingNotFoundError | FilingAccessError:
    if err.errno == errno.ENOENT:
        broken = os.path.islink(where)
        return FilingNotFoundError(
            where, "a link to a file that does not exist" if broken else "no such file", hint="check the path"
        )
    if err.errno in (errno.EACCES, errno.EPERM):
        return FilingAccessError(where, "cannot be read: permission denied", hint="check its permissions (ls -l)")
    if err.errno == errno.ELOOP:
        return FilingAccessError(where, "a loop of symbolic links", hint="fix the link")
    return FilingAccessError(where, f"cannot be opened ({err.strerror or err})", hint="check the path")


def read_file(where: str, *, limits: Limits | None = None) -> bytes:
    """The bytes of the regular file ``where``: at most ``limits.file_bytes`` of them, else ``LimitError``."""
    limits = limits or limits_in_force()
    info = stat_file(where)
    if info.st_size > limits.file_bytes:
        raise limits.error(where, "file_bytes", "bytes", found=f"{_bytes(info.st_size)} on disk")
    try:
        with open(where, "rb") as stream:
            data = stream.read(limits.file_bytes + 1)  # a file that grows while we read is bounded too
    except OSError as err:
        raise _open_error(where, err) from None
    if len(data) > limits.file_bytes:
        raise limits.error(where, "file_bytes", "bytes on disk")
    return data


def check_file(where: str, *, data: bytes | None = None) -> None:
    """Raise the error a user should see for an empty, old-binary-Office or password-protected file; else return."""
    if data is None:
        data = read_file(where)
    if not data:
        raise EmptyFilingError(where, "the file is empty (0 bytes)", hint="check that the download or export completed")
    if data.startswith(_OLE2):
        # an encrypted .xlsx/.docx is an OLE2 container holding the stream "EncryptedPackage"
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise EncryptedFilingError(
                where, "a password-protected Office file", hint="open it, remove the password and save it again"
            )
        raise FilingFormatError(
            where,
            "an old binary Office file (.xls/.doc)",
            hint="open it in Excel or Word and save it as .xlsx or .docx",
        )


def file_bytes(where: str, data: bytes | None, *, limits: Limits | None = None) -> bytes:
    """The content of a binary filing: ``data`` when the caller has read it already, else the checked file's bytes.

    The libraries are handed these bytes, never the path: a suffix that lies (a workbook named ``.docx``) cannot
    send them down a path of their own (openpyxl refuses a path whose suffix is not an Excel one).
    """
    content = read_file(where, limits=limits) if data is None else data
    check_file(where, data=content)
    return content


def check_package(where: str, content: bytes, *, limits: Limits | None = None, streamed: tuple[str, ...] = ()) -> None:
    """Refuse a .xlsx/.docx package that would inflate past the limits, before any library unpacks it.

    The sizes checked are the ones its directory declares; unpacking never yields more (``zipfile`` stops at the
    declared size and checks the CRC).  The XML parts a library holds whole (all but those starting with one of
    ``streamed``) are then counted, element by element, with a parser that builds no tree.  A package that is
    not a zip is left to the reader to report.
    """
    limits = limits or limits_in_force()
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            parts = package.infolist()
            _check_sizes(where, parts, limits)
            elements = limits.budget(where, "xml_elements", "XML elements in the parts read whole")
            for part in parts:
                if part.filename.endswith((".xml", ".rels")) and not part.filename.startswith(streamed):
                    with package.open(part) as stream:
                        _count_elements(stream, elements)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
        return  # the reader says what is damaged


def _count_elements(stream: IO[bytes], budget: Budget) -> None:
    from xml.parsers import expat

    def count(name: str, attributes: object) -> None:
        budget.add()

    parser = expat.ParserCreate()
    parser.StartElementHandler = count
    try:
        for block in iter(lambda: stream.read(1 << 20), b""):
            parser.Parse(block, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        return  # malformed XML (or an entity bomb expat refuses): the reader's parser reports it


def _check_sizes(where: str, parts: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(parts) > limits.zip_members:
        raise limits.error(where, "zip_members", "parts in the package")
    total = sum(part.file_size for part in parts)
    if total > limits.unzipped_bytes:
        raise limits.error(where, "unzipped_bytes", "bytes", found=f"unpacks to {_bytes(total)}")
    largest = max(parts, key=lambda part: part.file_size, default=None)
    if largest is not None and largest.file_size > limits.part_bytes:
        found = f"its part {largest.filename} unpacks to {_bytes(largest.file_size)}"
        raise limits.error(where, "part_bytes", "bytes", found=found)


def cause(err: BaseException) -> str:
    """A library's error message, short enough for a one-line report."""
    text = str(err).strip() or type(err).__name__
    return text if len(text) <= 120 else text[:117] + "..."


# ---- text ---------------------------------------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)
_CONTROL = bytes(c for c in range(32) if c not in b"\t\n\r\f\x0b") + b"\x7f"
_SAMPLE = 1 << 16


def decode_text(data: bytes, where: str = "", *, limits: Limits | None = None) -> str | None:
    """``data`` as text, or ``None`` when it is binary; ``TextEncodingError`` for text that cannot be read honestly.

    UTF-8 (with or without a byte-order mark), UTF-16 (with a byte-order mark, or little/big-endian told apart by
    where its zero bytes fall), else GB 18030 (which holds GBK and GB 2312).  Big5 and UTF-8 cut off
    mid-character are reported, not read as gibberish.  ``LimitError`` past ``limits.text_chars``.
    """
    text = _decode(data, where)
    limits = limits or limits_in_force()
    if text is not None and len(text) > limits.text_chars:
        raise limits.error(where, "text_chars", "characters of text")
    return text


def _decode(data: bytes, where: str) -> str | None:
    for bom, encoding, name in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, name, where)
    sample = data[:_SAMPLE]
    if b"\x00" in sample:
        order = _utf16_order(sample)
        if order is None:
            return None
        text = _strict(data, order, "UTF-16", where)
        return None if _binary_text(text) else text
    if sum(sample.count(bytes([c])) for c in _CONTROL) > len(sample) // 100:
        return None  # more than 1 % control bytes: not text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        utf8 = err
    if utf8.start >= len(data) - 3 and utf8.reason == "unexpected end of data":
        raise TextEncodingError(
            where,
            f"UTF-8 text cut off in the middle of a character at its end (byte {utf8.start:,} of {len(data):,})",
            hint="the file looks truncated: download or export it again",
        )
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise TextEncodingError(
            where,
            f"neither UTF-8 nor GB 18030 text (byte 0x{data[utf8.start]:02x} at offset {utf8.start:,} is not UTF-8)",
            hint="save it again as UTF-8 text",
        ) from None
    if _looks_big5(sample):
        raise TextEncodingError(
            where,
            "looks like Big5 text (traditional Chinese), which would read as gibberish",
            hint="convert it to UTF-8 first (iconv -f BIG5 -t UTF-8)",
        )
    return text


def _strict(data: bytes, encoding: str, name: str, where: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        if err.start >= len(data) - 3:
            problem = f"{name} text cut off in the middle of a character at its end (byte {err.start:,})"
            hint = "the file looks truncated: download or export it again"
        else:
            problem = f"not valid {name} text (bad bytes at offset {err.start:,})"
            hint = f"save it again as {name} or UTF-8 text"
        raise TextEncodingError(where, problem, hint=hint) from None


def _utf16_order(sample: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the zero bytes fall on odd/even offsets (the high byte of ASCII), else ``None``."""
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = max(1, len(sample) // 2)
    # ASCII (tabs, digits, line ends) puts its zero on one side; a CJK character has a zero byte once in 256
    if odd >= half // 20 and even * 4 <= odd:
        return "utf-16-le"
    if even >= half // 20 and odd * 4 <= even:
        return "utf-16-be"
    return None


def _binary_text(text: str) -> bool:
    sample = text[:_SAMPLE]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f\x0b")
    return controls > len(sample) // 100


def _looks_big5(sample: bytes) -> bool:
    """Double-byte text whose second bytes fall below 0x80 in more than one pair in five: Big5, not GB.

    GB 2312 (the simplified characters of every mainland filing) puts both bytes of a character at 0xA1 or above;
    Big5 puts the second byte at 0x40–0x7E in two pairs of five.
    """
    pairs = low = 0
    i, n = 0, len(sample) - 1
    while i < n:
        lead = sample[i]
        if lead < 0x81:
            i += 1
            continue
        trail = sample[i + 1]
        if 0x30 <= trail <= 0x39:  # a four-byte GB 18030 sequence
            i += 4
            continue
        pairs += 1
        low += trail < 0x80
        i += 2
    if pairs < 20 or low * 5 < pairs:
        return False
    try:
        sample[: n - 1].decode("big5", errors="strict")
    except UnicodeDecodeError as err:
        return err.start >= n - 2  # only a character cut by the sample's end
    return True
