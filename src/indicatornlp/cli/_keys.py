"""One keypress from the terminal, without Enter: what ``review`` reads when its input is a terminal.

``read_key(fd)`` puts the terminal in cbreak mode (no line editing, no echo; Ctrl-C still interrupts) for one key
and puts it back, whatever happens.  A key is one character (a UTF-8 character read whole); Enter is ``"\\n"``; an
escape sequence (an arrow, a function key) is read whole and given as it came, so it is never taken for the keys
that follow it; Ctrl-D or the end of input is ``None``.  Keys typed ahead stay queued and are read one at a time.
Where the input is no terminal (a pipe, a file, a test runner) ``interactive()`` is false and ``review`` reads lines.
"""

from __future__ import annotations

import contextlib
import os
import select
import sys
from collections.abc import Iterator

__all__ = ["interactive", "read_key"]


def interactive() -> bool:
    """True when standard input is a terminal whose modes can be set (POSIX ``termios``)."""
    try:
        import termios  # noqa: F401  (not on Windows)

        return sys.stdin.isatty()
    except (ImportError, ValueError, OSError):  # a closed or detached stdin
        return False


@contextlib.contextmanager
def _cbreak(fd: int) -> Iterator[None]:
    import termios

    saved = termios.tcgetattr(fd)
    mode = termios.tcgetattr(fd)
    mode[3] &= ~(termios.ICANON | termios.ECHO)  # local flags: no line editing, no echo; ISIG kept (Ctrl-C)
    mode[6][termios.VMIN], mode[6][termios.VTIME] = 1, 0  # a read returns as soon as one byte is there
    termios.tcsetattr(fd, termios.TCSANOW, mode)  # TCSANOW, not TCSAFLUSH: keys typed ahead are kept
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)


def _utf8_length(lead: int) -> int:
    """Bytes of the UTF-8 character that starts with ``lead`` (1 for a byte that starts none)."""
    for length, mask, value in ((2, 0xE0, 0xC0), (3, 0xF0, 0xE0), (4, 0xF8, 0xF0)):
        if lead & mask == value:
            return length
    return 1


def read_key(fd: int | None = None) -> str | None:
    """Wait for one key on the terminal ``fd`` (standard input by default); ``None``: Ctrl-D or end of input."""
    fd = sys.stdin.fileno() if fd is None else fd
    with _cbreak(fd):
        first = os.read(fd, 1)
        if not first or first == b"\x04":
            return None
        data = first
        if first == b"\x1b":  # an escape sequence arrives at once: take what follows within a moment
            while select.select([fd], [], [], 0.03)[0]:
                more = os.read(fd, 16)
                if not more:
                    break
                data += more
        else:
            for _ in range(_utf8_length(first[0]) - 1):
                more = os.read(fd, 1)
                if not more:
                    break
                data += more
    return "\n" if data == b"\r" else data.decode("utf-8", errors="replace")
