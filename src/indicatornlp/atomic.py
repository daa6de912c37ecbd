"""Write files atomically: each to a temporary file beside it, renamed over the final path only when complete.

The one writer of every output (``tag`` tables, ``link``/``library`` CSV, a saved model and its card).  A reader
never sees half a file; an interrupted run leaves the previous files as they were and no temporary behind; the
files get the permissions of any new file (``0666 & ~umask``), not the ``0600`` of ``tempfile.mkstemp``.

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_write(folder / "a.txt") as out:
...     _ = out.write("群众满意度")
>>> (folder / "a.txt").read_text(encoding="utf-8"), sorted(p.name for p in folder.iterdir())
('群众满意度', ['a.txt'])
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO, Any

__all__ = ["AtomicFiles", "atomic_write", "new_file_mode"]

_UMASK_LOCK = threading.Lock()


def new_file_mode() -> int:
    """The mode a new file gets under the process' umask: ``0o644`` under the usual ``022``."""
    with _UMASK_LOCK:  # os.umask can only be read by setting it
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


class AtomicFiles:
    """Files written together: ``temp(final)`` gives a temporary path beside each, ``commit()`` renames them all
    (in the order they were asked for, so put the file that marks a complete set last), ``abort()`` removes them.

    As a context manager it commits when the block ends normally and aborts on any exception (Ctrl-C included).
    """

    def __init__(self) -> None:
        self._temps: dict[Path, Path] = {}

    def temp(self, final: str | os.PathLike[str]) -> Path:
        """A new temporary file in ``final``'s folder (made if missing), to be renamed to ``final`` on commit."""
        target = Path(final)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
        self._temps[target] = Path(name)
        return Path(name)

    def commit(self) -> None:
        """Rename every temporary file over its final path, with the permissions of a new file."""
        mode = new_file_mode()
        while self._temps:
            final, temp = next(iter(self._temps.items()))
            os.chmod(temp, mode)
            os.replace(temp, final)
            del self._temps[final]

    def abort(self) -> None:
        """Remove the temporary files; the final paths are left as they were."""
        for temp in self._temps.values():
            temp.unlink(missing_ok=True)
        self._temps.clear()

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
    """Open ``path`` for writing through a temporary file that replaces it when the block ends without error."""
    with AtomicFiles() as files:
        temp = files.temp(path)
        binary = "b" in mode
        with temp.open(mode, encoding=None if binary else encoding, newline=None if binary else newline) as handle:
            yield handle
