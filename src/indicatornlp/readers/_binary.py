"""What the readers of binary formats (.xlsx, .docx, .pdf) share: checking the file before a library opens it."""

from __future__ import annotations

import os

from ..errors import CorruptFilingError, EmptyFilingError, FilingFormatError, FilingNotFoundError

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of the old binary .xls and .doc


def check_file(where: str) -> None:
    """Raise the error a user should see for a missing, empty or old-binary-Office file; else return."""
    try:
        size = os.path.getsize(where)
        with open(where, "rb") as stream:
            head = stream.read(8)
    except FileNotFoundError:
        raise FilingNotFoundError(where, "no such file", hint="check the path") from None
    except OSError as err:
        raise CorruptFilingError(
            where, f"cannot be opened ({err.strerror or err})", hint="check its permissions"
        ) from None
    if size == 0:
        raise EmptyFilingError(where, "the file is empty (0 bytes)", hint="check that the download or export completed")
    if head == _OLE2:
        raise FilingFormatError(
            where,
            "an old binary Office file (.xls/.doc)",
            hint="open it in Excel or Word and save it as .xlsx or .docx",
        )


def file_bytes(where: str, data: bytes | None) -> bytes:
    """The content of a binary filing: ``data`` when the caller has read it already, else the checked file's bytes.

    The libraries are handed these bytes, never the path: a suffix that lies (a workbook named ``.docx``) cannot
    send them down a path of their own (openpyxl refuses a path whose suffix is not an Excel one).
    """
    if data is not None:
        return data
    check_file(where)
    try:
        with open(where, "rb") as stream:
            return stream.read()
    except OSError as err:
        raise CorruptFilingError(
            where, f"cannot be opened ({err.strerror or err})", hint="check its permissions"
        ) from None


def cause(err: BaseException) -> str:
    """A library's error message, short enough for a one-line report."""
    text = str(err).strip() or type(err).__name__
    return text if len(text) <= 120 else text[:117] + "..."
