"""The folder walk: which files under the given paths are filings to read, and which entries are skipped.

A file named on the command line is always kept (reading it reports what is wrong).  Inside a folder, hidden
entries (``.git/``, ``.DS_Store``, Office's ``~$lock.xlsx``) are skipped as before, and so is what is not a
filing: exports of a run (``.csv``, ``.jsonl``), images, and ``README*`` files.

>>> Walk(("a.xlsx",), (), ("README.md", "out.csv")).skipped_line()
'skipped 2 entries that are not filings (README.md, out.csv)'
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["Walk", "find_files", "walk"]

_EXPORTS = frozenset({".csv", ".jsonl"})
_IMAGES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".svg", ".ico", ".heic"})


@dataclasses.dataclass(frozen=True, slots=True)
class Walk:
    """The files found under some paths, and the entries the walk left out."""

    files: tuple[str, ...]
    """Files to read, folders walked recursively and sorted, in the order the paths were given."""
    hidden: tuple[str, ...] = ()
    """Hidden files and folders skipped (folders end in a path separator)."""
    not_filings: tuple[str, ...] = ()
    """Files in a folder that are not filings: exports (.csv, .jsonl), images, README files."""

    def skipped_line(self, *, shown: int = 3) -> str | None:
        """One line saying what was skipped as not a filing, or ``None`` when nothing was."""
        if not self.not_filings:
            return None
        names = [os.path.basename(p) for p in self.not_filings[:shown]]
        more = ", …" if len(self.not_filings) > shown else ""
        n = len(self.not_filings)
        what = "1 entry that is not a filing" if n == 1 else f"{n} entries that are not filings"
        return f"skipped {what} ({', '.join(names)}{more})"


def _hidden(name: str) -> bool:
    return name.startswith((".", "~$"))


def _not_a_filing(name: str, *, tables: bool) -> bool:
    suffix = os.path.splitext(name)[1].lower()
    if suffix in _EXPORTS:
        return not tables
    return suffix in _IMAGES or name.upper().startswith("README")


def walk(
    paths: Iterable[str | os.PathLike[str]], *, exclude: Iterable[str | os.PathLike[str]] = (), tables: bool = False
) -> Walk:
    """The files under ``paths`` to read, and what was skipped.

    A path that does not exist is kept: reading it reports the error.  Files in ``exclude`` (the run's own
    output) are left out silently.  ``tables=True`` keeps .csv/.jsonl files (the indicator tables ``link`` reads).
    """
    excluded = {Path(p).resolve() for p in exclude}
    files: list[str] = []
    hidden: list[str] = []
    others: list[str] = []
    seen: set[Path] = set()

    def keep(path: str) -> None:
        resolved = Path(path).resolve()
        if resolved not in excluded and resolved not in seen:
            seen.add(resolved)
            files.append(path)

    for given in paths:
        path = os.fspath(given)
        if not os.path.isdir(path):
            keep(path)
            continue
        found: list[str] = []
        for root, dirs, names in os.walk(path):
            hidden.extend(os.path.join(root, d) + os.sep for d in sorted(dirs) if _hidden(d))
            dirs[:] = [d for d in dirs if not _hidden(d)]
            for name in sorted(names):
                full = os.path.join(root, name)
                if _hidden(name):
                    hidden.append(full)
                elif Path(full).resolve() in excluded:
                    continue
                elif _not_a_filing(name, tables=tables):
                    others.append(full)
                else:
                    found.append(full)
        for full in sorted(found, key=lambda f: Path(os.path.relpath(f, path)).parts):
            keep(full)
    return Walk(tuple(files), tuple(hidden), tuple(others))


def find_files(
    paths: Iterable[str | os.PathLike[str]], *, exclude: Iterable[str | os.PathLike[str]] = ()
) -> tuple[list[str], list[str]]:
    """``walk`` as a pair: the files to read and the hidden entries skipped (the older spelling)."""
    found = walk(paths, exclude=exclude)
    return list(found.files), list(found.hidden)
