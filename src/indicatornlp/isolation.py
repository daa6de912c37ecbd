"""One bad entry never stops a run: ``checked_walk`` finds the files, ``isolate`` runs one file's work.

Every command that reads many files (``read``, ``audit``, ``link``, ``library``, ``score``, ``tag``) goes through
these two functions: ``checked_walk`` finds the files (FIFOs, devices, link loops listed as skipped, never opened)
and refuses, with exit code 2, a path that does not exist or folders that hold no filing; ``isolate(path, work)``
runs one file's work and turns whatever it raises into an ``F001``/``F002`` failure naming the file.  A new
command over files is::

    found = checked_walk(paths)
    for path in found.files:
        outcome = isolate(path, lambda p: score_filing(read_filings(p)))
        ...  # outcome.value, or outcome.failure (a Finding) to report and count
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from .errors import IndicatorNLPError, NothingToReadError, printable
from .errors import unexpected_message as _unexpected
from .readers import Walk, walk
from .records import Finding, Severity

__all__ = ["Outcome", "checked_walk", "isolate"]

T = TypeVar("T")


@dataclasses.dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """What ``isolate`` gives for one file: the work's value, or the failure that replaced it."""

    path: str
    """The path as walked (a name that is not UTF-8 keeps its bytes, to open it again)."""
    shown: str
    """The path as written and printed (bytes that are not UTF-8 escaped: ``errors.printable``)."""
    value: T | None = None
    failure: Finding | None = None
    """``F001`` (an ``IndicatorNLPError``: the file is bad) or ``F002`` (anything else: a bug), severity error."""


def isolate(path: str, work: Callable[[str], T], *, shown: str | None = None) -> Outcome[T]:
    """Run ``work(path)``; whatever it raises (but Ctrl-C) becomes the ``Outcome``'s failure, naming the file.

    >>> isolate("missing.pdf", lambda p: open(p)).failure.code
    'F002'
    >>> from indicatornlp.readers import read_filings
    >>> print(isolate("missing.pdf", read_filings).failure.message)
    [E101] missing.pdf: no such file — check the path
    """
    name = shown if shown is not None else printable(path)
    try:
        return Outcome(path, name, value=work(path))
    except IndicatorNLPError as err:
        failed = Finding.failed(err, name)
        if printable(path) != name:  # a name that is not UTF-8: written escaped, as everywhere
            failed = _shown_as(failed, printable(path), name)
        return Outcome(path, name, failure=failed)
    except Exception as err:  # a reader bug must not end a batch of thousands of files
        return Outcome(path, name, failure=_failure(name, path, "F002", _unexpected(err)))


def _shown_as(failure: Finding, raw: str, shown: str) -> Finding:
    """``failure`` with the file's raw name replaced by the name as shown, in its message and its parts."""
    args = tuple((k, v.replace(raw, shown)) for k, v in failure.args)
    return dataclasses.replace(failure, message=failure.message.replace(raw, shown), args=args)


def _failure(shown: str, path: str, code: str, message: str) -> Finding:
    text = message.replace(printable(path), shown) if printable(path) != shown else message
    return Finding(code, Severity.ERROR, text, source=shown)


def checked_walk(
    paths: Iterable[str | os.PathLike[str]], *, tables: bool = False, exclude: Iterable[str | os.PathLike[str]] = ()
) -> Walk:
    """``readers.walk``, refusing a run with nothing to read: only paths that do not exist, or no filing at all.

    Raises ``NothingToReadError`` (E111, exit code 2) before anything is read or written.  A missing path among
    others is kept: reading it is one ``F001`` failure (E101), and the other files are read.
    """
    given = [os.fspath(p) for p in paths]
    found = walk(given, tables=tables, exclude=exclude)
    if found.missing and len(found.missing) == len(found.files):
        raise NothingToReadError(
            ", ".join(printable(p) for p in found.missing),
            "no such file or folder",
            hint="check the path: nothing was read or written",
        )
    if not found.files:
        skipped = len(found.hidden) + len(found.not_filings) + len(found.special)
        what = f" ({skipped} entries skipped: hidden, not filings or not files)" if skipped else ""
        raise NothingToReadError(
            ", ".join(printable(p) for p in given) or None,
            f"no filing to read{what}",
            hint="give files in the formats `indicatornlp read --help` lists: nothing was written",
        )
    return found
