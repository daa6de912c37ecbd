"""Write files atomically: each to a temporary file beside it, renamed over the final path only when complete.

The one writer of every output (``tag`` tables, ``link``/``library`` CSV, audit reports, a saved model and its
card).  A reader never sees half a file; an interrupted run leaves the previous files as they were and no
temporary behind; the files get the permissions of any new file (``0666 & ~umask``), not the ``0600`` of
``tempfile.mkstemp``.  Writing never follows a symbolic link: the rename replaces a link at the final path, never
the file it points to.

Around a run, ``OutputLock`` stops a second writer of the same output (its lock file ``.NAME.lock`` is held with
``flock``: released by the system when the process dies, even by ``SIGKILL``) and removes the temporary files a
killed run left (``.NAME.*.tmp``); ``check_outputs`` refuses an output that would replace an input of the run or
lie inside a folder it reads; ``sigterm_as_interrupt`` makes ``SIGTERM`` stop a run as Ctrl-C does.

A journal is the one file written in place: ``append_line`` adds a whole line to it in one write and syncs it to
disk before it returns (a kill leaves at most a torn last line, which its reader leaves out); ``sync_folder`` makes
a rename or a new file durable.

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_write(folder / "a.txt") as out:
...     _ = out.write("群众满意度")
>>> (folder / "a.txt").read_text(encoding="utf-8"), sorted(p.name for p in folder.iterdir())
('群众满意度', ['a.txt'])
"""

from __future__ import annotations

import contextlib
import glob
import os
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Any

from .errors import OutputError, OutputLockedError, OutputOverlapError

__all__ = [
    "AtomicFiles",
    "OutputLock",
    "Terminated",
    "append_line",
    "atomic_write",
    "check_outputs",
    "new_file_mode",
    "remove_stale",
    "sigterm_as_interrupt",
    "sync_folder",
]

_UMASK_LOCK = threading.Lock()


def new_file_mode() -> int:
    """The mode a new file gets under the process' umask: ``0o644`` under the usual ``022``."""
    with _UMASK_LOCK:  # os.umask can only be read by setting it
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


def _cannot(path: Path | str, err: OSError, doing: str) -> OutputError:
    return OutputError(str(path), f"cannot {doing} ({err.strerror or err})", hint="check the path and its permissions")


class AtomicFiles:
    """Files written together: ``temp(final)`` gives a temporary path beside each, ``commit()`` renames them all
    (in the order they were asked for, so put the file that marks a complete set last), ``abort()`` removes them.

    ``scratch(final)`` gives a temporary file beside ``final`` that is never renamed, only removed (a library's
    work file).  As a context manager it commits when the block ends normally and aborts on any exception
    (Ctrl-C included).  A folder that cannot hold the files is an ``OutputError``, never a traceback.
    """

    def __init__(self) -> None:
        self._temps: dict[Path, Path] = {}
        self._scratch: list[Path] = []
        self._asked: set[Path] = set()
        """Every final path a temporary was asked for, noted before it is made: abort finds this process' temporaries
        of them even when a signal struck between making one and noting its name."""

    def _make(self, final: str | os.PathLike[str]) -> Path:
        target = Path(final)
        self._asked.add(target)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp")
        except OSError as err:
            raise _cannot(target, err, "write a file there") from None
        try:
            os.close(fd)
        except BaseException:  # a signal right after mkstemp: the file is not left behind
            Path(name).unlink(missing_ok=True)
            raise
        return Path(name)

    def temp(self, final: str | os.PathLike[str]) -> Path:
        """A new temporary file in ``final``'s folder (made if missing), to be renamed to ``final`` on commit."""
        temp = self._temps[Path(final)] = self._make(final)
        return temp

    def scratch(self, final: str | os.PathLike[str]) -> Path:
        """A new temporary file beside ``final``, removed on commit and on abort."""
        temp = self._make(final)
        self._scratch.append(temp)
        return temp

    def commit(self) -> None:
        """Rename every temporary file over its final path, with the permissions of a new file."""
        mode = new_file_mode()
        while self._temps:
            final, temp = next(iter(self._temps.items()))
            try:
                os.chmod(temp, mode)
                os.replace(temp, final)  # replaces a symbolic link at ``final``, never the file it points to
            except OSError as err:
                self.abort()
                raise _cannot(final, err, "be written") from None
            del self._temps[final]
        self._remove_scratch()

    def abort(self) -> None:
        """Remove the temporary files; the final paths are left as they were."""
        for temp in self._temps.values():
            temp.unlink(missing_ok=True)
        self._temps.clear()
        self._remove_scratch()
        for target in self._asked:  # this process' temporaries of the same outputs (a signal between make and note)
            for stray in target.parent.glob(f".{glob.escape(target.name)}.{os.getpid()}.*.tmp"):
                stray.unlink(missing_ok=True)
        self._asked.clear()

    def _remove_scratch(self) -> None:
        for temp in self._scratch:
            temp.unlink(missing_ok=True)
        self._scratch.clear()

    def __enter__(self) -> AtomicFiles:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()


@contextmanager
def atomic_write(
    path: str | os.PathLike[str], mode: str = "w", *, encoding: str | None = "utf-8", newline: str | None = None
) -> Iterator[IO[Any]]:
    """Open ``path`` for writing through a temporary file that replaces it when the block ends without error.

    The output is locked while it is written (``OutputLock``): a second writer gets ``OutputLockedError``.
    """
    with OutputLock(path), AtomicFiles() as files:
        temp = files.temp(path)
        binary = "b" in mode
        with temp.open(mode, encoding=None if binary else encoding, newline=None if binary else newline) as handle:
            yield handle


# ---- journals -----------------------------------------------------------------------------------------------


def sync_folder(folder: str | os.PathLike[str]) -> None:
    """Make a rename or a new file in ``folder`` durable (``fsync`` of the folder; nothing where a folder cannot be
    opened, as on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - a file system that cannot sync a folder
        pass
    finally:
        os.close(fd)


def append_line(path: str | os.PathLike[str], line: bytes) -> None:
    r"""Append one line (ending in a newline) to ``path`` (made if missing) in one write, synced to disk on return.

    >>> import pathlib, tempfile
    >>> journal = pathlib.Path(tempfile.mkdtemp()) / "rows.jsonl.answers"
    >>> append_line(journal, b'{"id": "a#1.01"}\n'); append_line(journal, b'{"id": "a#1.02"}\n')
    >>> journal.read_bytes().count(b"\n")
    2
    """
    target = Path(path)
    new = not target.exists()
    try:
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            if os.write(fd, line) != len(line):  # one write: a kill leaves the whole line or a torn last one
                raise OSError(0, "short write (disk full?)")
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as err:
        raise _cannot(target, err, "be appended to") from None
    if new:
        sync_folder(target.parent)


# ---- one writer per output --------------------------------------------------------------------------------


def remove_stale(final: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files of ``final`` that a killed run left (call it holding ``final``'s lock)."""
    target = Path(final)
    removed = []
    with contextlib.suppress(OSError):
        for entry in target.parent.glob(f".{target.name}.*.tmp"):
            with contextlib.suppress(OSError):
                entry.unlink()
                removed.append(entry)
    return removed


class OutputLock:
    """Hold the lock of an output for a run: ``OutputLockedError`` when another process holds it.

    The lock is an advisory ``flock`` on ``.NAME.lock`` beside the output, so the system releases it when the
    process ends however it ends; the file is removed when the lock is let go.  Taking the lock also removes the
    temporary files of the output that a killed run left.  (On a system without ``flock`` no lock is taken.)
    """

    def __init__(self, final: str | os.PathLike[str]) -> None:
        self.final = Path(final)
        self.path = self.final.parent / f".{self.final.name}.lock"
        self._fd: int | None = None

    def __enter__(self) -> OutputLock:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not on Linux or macOS
            return self
        try:
            self.final.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise _cannot(self.final, err, "make its folder") from None
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
            except OSError as err:
                raise _cannot(self.final, err, "be locked") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = os.read(fd, 64).decode("ascii", "replace").strip()
                os.close(fd)
                raise OutputLockedError(
                    str(self.final),
                    f"another run is writing it{f' (process {holder})' if holder else ''}",
                    hint="wait for it to finish, or write to another file",
                ) from None
            try:  # the file may have been removed by the holder we waited for: lock the one at the path
                same = os.fstat(fd).st_ino == os.stat(self.path, follow_symlinks=False).st_ino
            except OSError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        remove_stale(self.final)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(self._fd)
        self._fd = None


def check_outputs(outputs: Iterable[str | os.PathLike[str]], inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Refuse outputs that resolve (links followed) to an input, into a folder the run reads, or to each other.

    Call it before reading anything: ``OutputOverlapError`` names the output and the input.

    >>> try:
    ...     check_outputs(["data/filings/out.xlsx"], ["data/filings"])
    ... except OutputOverlapError as err:
    ...     print(err.problem)
    is inside the folder data/filings that this run reads
    """
    given = [os.fspath(p) for p in inputs]
    resolved = [(p, Path(os.path.realpath(p))) for p in given]
    seen: dict[Path, str] = {}
    for output in outputs:
        shown = os.fspath(output)
        if shown == "-":
            raise OutputOverlapError(shown, "is not a file name (standard output is not written)", hint="name a file")
        target = Path(os.path.realpath(shown))
        if target in seen:
            raise OutputOverlapError(shown, f"is also the output {seen[target]}", hint="give each output its own name")
        seen[target] = shown
        if target.is_dir():
            raise OutputOverlapError(shown, "is a folder", hint="name a file inside it")
        for name, source in resolved:
            if target == source:
                raise OutputOverlapError(
                    shown, f"is the input {name}: writing it would destroy it", hint="write to another file"
                )
            if source.is_dir() and target.is_relative_to(source):
                raise OutputOverlapError(
                    shown,
                    f"is inside the folder {name} that this run reads",
                    hint="write it outside the inputs (e.g. out/indicators.xlsx)",
                )


# ---- signals ------------------------------------------------------------------------------------------------


class Terminated(KeyboardInterrupt):
    """``SIGTERM`` received: raised where the process was, so that every ``finally`` and abort runs."""


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While the block runs (in the main thread), ``SIGTERM`` raises ``Terminated``, as Ctrl-C raises
    ``KeyboardInterrupt``: temporary files are removed and the previous outputs stay as they were."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
