"""The folder walk: which files under the given paths are filings to read, and which entries are skipped.

A file named on the command line is always kept (reading it reports what is wrong; a FIFO or a device is refused
before it is opened).  Inside a folder, hidden entries (``.git/``, ``.DS_Store``, Office's ``~$lock.xlsx``) are
skipped as before, and so is what is not a filing: exports of a run (``.csv``, ``.jsonl``), images, and
``README*`` files.  The walk never opens anything: FIFOs, devices, sockets, links to nothing and loops of links
are listed in ``special`` with the reason (a FIFO would block a reader forever, a link to ``/dev/zero`` would fill
the memory).  Links to folders are followed once (a link back to a folder already walked is a loop).  A path that
does not exist is kept (reading it says so) and listed in ``missing``.

>>> Walk(("a.xlsx",), (), ("README.md", "out.csv")).skipped_line()
'skipped 2 entries that are not filings (README.md, out.csv)'
"""

from __future__ import annotations

import dataclasses
import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from ..errors import printable

__all__ = ["Walk", "find_files", "walk"]

_EXPORTS = frozenset({".csv", ".jsonl"})
_IMAGES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".svg", ".ico", ".heic"})
_SPECIAL = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


@dataclasses.dataclass(frozen=True, slots=True)
class Walk:
    """The files found under some paths, and the entries the walk left out."""

    files: tuple[str, ...]
    """Files to read, folders walked recursively and sorted, in the order the paths were given."""
    hidden: tuple[str, ...] = ()
    """Hidden files and folders skipped (folders end in a path separator)."""
    not_filings: tuple[str, ...] = ()
    """Files in a folder that are not filings: exports (.csv, .jsonl), images, README files."""
    special: tuple[tuple[str, str], ...] = ()
    """Entries in a folder that were not opened, with the reason: FIFOs, devices, sockets, broken links, loops."""
    missing: tuple[str, ...] = ()
    """Paths given that do not exist (also in ``files``, where reading them reports the error)."""

    def skipped_line(self, *, shown: int = 3) -> str | None:
        """One line saying what was skipped as not a filing, or ``None`` when nothing was."""
        if not self.not_filings:
            return None
        names = [printable(os.path.basename(p)) for p in self.not_filings[:shown]]
        more = ", …" if len(self.not_filings) > shown else ""
        n = len(self.not_filings)
        what = "1 entry that is not a filing" if n == 1 else f"{n} entries that are not filings"
        return f"skipped {what} ({', '.join(names)}{more})"

    def special_lines(self) -> list[str]:
        """One line per entry that was not opened: ``"skipped in/pipe: a named pipe (FIFO), not a file"``."""
        return [f"skipped {printable(path)}: {reason}" for path, reason in self.special]


def _hidden(name: str) -> bool:
    return name.startswith((".", "~$"))


def _not_a_filing(name: str, *, tables: bool) -> bool:
    suffix = os.path.splitext(name)[1].lower()
    if suffix in _EXPORTS:
        return not tables
    return suffix in _IMAGES or name.upper().startswith("README")


def _kind(path: str) -> tuple[str, os.stat_result | None]:
    """``"file"``, ``"dir"`` or the reason the entry is not opened, and its status (links followed)."""
    try:
        info = os.stat(path)
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "a loop of symbolic links, not followed", None
        if err.errno == errno.ENOENT and os.path.islink(path):
            return "a link to something that does not exist", None
        return f"cannot be opened ({err.strerror or err})", None
    if stat.S_ISREG(info.st_mode):
        return "file", info
    if stat.S_ISDIR(info.st_mode):
        return "dir", info
    kind = next((name for test, name in _SPECIAL if test(info.st_mode)), "not a regular file")
    return f"{kind}, not a file", info


def walk(
    paths: Iterable[str | os.PathLike[str]], *, exclude: Iterable[str | os.PathLike[str]] = (), tables: bool = False
) -> Walk:
    """The files under ``paths`` to read, and what was skipped.

    A path that does not exist is kept, and listed in ``missing``.  Files in ``exclude`` (the run's output) are left out
    silently.  ``tables=True`` keeps .csv/.jsonl files (the indicator tables ``link`` reads).
    """
    excluded = {Path(os.path.realpath(p)) for p in exclude}
    files: list[str] = []
    hidden: list[str] = []
    others: list[str] = []
    special: list[tuple[str, str]] = []
    missing: list[str] = []
    seen: set[Path] = set()

    def keep(path: str) -> None:
        resolved = Path(os.path.realpath(path))
        if resolved not in excluded and resolved not in seen:
            seen.add(resolved)
            files.append(path)

    for given in paths:
        path = os.fspath(given)
        if not os.path.lexists(path):
            missing.append(path)
            files.append(path)  # kept: reading it says what is wrong, in the order given
            continue
        if not os.path.isdir(path):
            keep(path)
            continue
        found: list[str] = []
        folders: set[tuple[int, int]] = set()
        _walk_folder(path, folders, found, hidden, others, special, excluded, tables)
        for full in sorted(found, key=lambda f: Path(os.path.relpath(f, path)).parts):
            keep(full)
    return Walk(tuple(files), tuple(hidden), tuple(others), tuple(special), tuple(missing))


def _walk_folder(
    folder: str,
    folders: set[tuple[int, int]],
    found: list[str],
    hidden: list[str],
    others: list[str],
    special: list[tuple[str, str]],
    excluded: set[Path],
    tables: bool,
) -> None:
    """Walk one folder depth-first, links to folders followed once (by device and inode: no loop)."""
    info = os.stat(folder)
    folders.add((info.st_dev, info.st_ino))
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as err:
        special.append((folder + os.sep, f"cannot be listed ({err.strerror or err})"))
        return
    for entry in entries:
        full = os.path.join(folder, entry.name)
        if _hidden(entry.name):
            is_dir = entry.is_dir(follow_symlinks=False)
            hidden.append(full + os.sep if is_dir else full)
            continue
        kind, status = _kind(full)
        if kind == "dir" and status is not None:
            if (status.st_dev, status.st_ino) in folders:
                special.append((full + os.sep, "a link back to a folder already walked (a loop), not followed"))
            else:
                _walk_folder(full, folders, found, hidden, others, special, excluded, tables)
        elif kind != "file":
            special.append((full, kind))
        elif Path(os.path.realpath(full)) in excluded:
            continue
        elif _not_a_filing(entry.name, tables=tables):
            others.append(full)
        else:
            found.append(full)


def find_files(
    paths: Iterable[str | os.PathLike[str]], *, exclude: Iterable[str | os.PathLike[str]] = ()
) -> tuple[list[str], list[str]]:
    """``walk`` as a pair: the files to read and the hidden entries skipped (the older spelling)."""
    found = walk(paths, exclude=exclude)
    return list(found.files), list(found.hidden)
